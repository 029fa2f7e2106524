/**
 * Bedrock Converse request → IR [br `ConverseRequest`]. The model id and streaming are the
 * path's (`/model/{modelId}/converse` or `converse-stream`), not the body's, so the caller gives
 * them. Mapping and what cannot be carried: research/issue21_plan.md section 2.5.
 */
import type {
  ContentBlock,
  Effort,
  Instruction,
  Message,
  Reasoning,
  Request,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "./ir.ts";
import {
  asArray,
  asJsonObject,
  asObject,
  asString,
  isObject,
  limits,
  noteUnknown,
  type Obj,
  optBoolean,
  optNumber,
  optString,
} from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { decodeConverseBlock } from "./bedrock_converse_blocks.ts";

export interface ConversePath {
  /** The path's model id (decoded, as `parseBedrockPath` gives it). */
  model: string;
  /** `converse-stream` rather than `converse`. */
  stream: boolean;
}

const known = new Set([
  "messages",
  "system",
  "inferenceConfig",
  "toolConfig",
  "additionalModelRequestFields",
  "outputConfig",
]);

function optObject(o: Obj, key: string, field: string): Obj | null {
  const v = o[key];
  return v === undefined || v === null ? null : asObject(v, field === "" ? key : `${field}.${key}`);
}

/** Each `system` text block is one instruction, so a Converse → IR → Converse trip keeps them. */
function decodeSystem(v: unknown, notes: Notes): Instruction[] {
  if (v === undefined || v === null) return [];
  const out: Instruction[] = [];
  asArray(v, "system", limits.blocks).forEach((b, i) => {
    const o = asObject(b, `system[${i}]`);
    if (o["text"] !== undefined) {
      out.push({ role: "system", text: asString(o["text"], `system[${i}].text`) });
    } else if (o["cachePoint"] !== undefined) {
      notes.add("dropped", `system[${i}].cachePoint`, "no cache breakpoints across protocols");
    } else {
      throw new TranslationError(`system[${i}]`, "only text system blocks can be translated");
    }
  });
  return out;
}

function decodeMessages(v: unknown, notes: Notes): Message[] {
  const messages = asArray(v ?? [], "messages", limits.messages).map((m, i): Message => {
    const field = `messages[${i}]`;
    const o = asObject(m, field);
    const role = o["role"];
    if (role !== "user" && role !== "assistant") {
      throw new TranslationError(
        `${field}.role`,
        `expected "user" or "assistant", got ${JSON.stringify(role)}`,
      );
    }
    const content: ContentBlock[] = [];
    asArray(o["content"], `${field}.content`, limits.blocks).forEach((b, j) => {
      const block = decodeConverseBlock(b, `${field}.content[${j}]`, notes);
      if (block !== null) content.push(block);
    });
    return { role, content };
  });
  return withResultNames(messages);
}

/** Tool results carry their call's name (Gemini and Responses need it; Converse omits it). */
function withResultNames(messages: Message[]): Message[] {
  const names = new Map<string, string>();
  for (const m of messages) {
    for (const b of m.content) {
      if (b.type === "tool_call") names.set(b.id, b.name);
      if (b.type === "tool_result") b.name = names.get(b.callId) ?? null;
    }
  }
  return messages;
}

function decodeTools(config: Obj | null, notes: Notes): ToolDefinition[] {
  if (config === null || config["tools"] === undefined) return [];
  const tools: ToolDefinition[] = [];
  asArray(config["tools"], "toolConfig.tools", limits.tools).forEach((t, i) => {
    const field = `toolConfig.tools[${i}]`;
    const o = asObject(t, field);
    if (o["cachePoint"] !== undefined) {
      notes.add("dropped", `${field}.cachePoint`, "no cache breakpoints across protocols");
      return;
    }
    if (o["toolSpec"] === undefined) {
      throw new TranslationError(field, "only toolSpec tools can be translated");
    }
    const spec = asObject(o["toolSpec"], `${field}.toolSpec`);
    const schema = asObject(spec["inputSchema"], `${field}.toolSpec.inputSchema`);
    tools.push({
      name: asString(spec["name"], `${field}.toolSpec.name`),
      description: optString(spec, "description", `${field}.toolSpec`),
      parameters: asJsonObject(schema["json"], `${field}.toolSpec.inputSchema.json`),
      strict: optBoolean(spec, "strict", `${field}.toolSpec`),
    });
  });
  return tools;
}

/** [br `ToolChoice`]: `auto`, `any`, `tool {name}`; Converse has no `none` (plan section 2.5). */
function decodeToolChoice(config: Obj | null): ToolChoice | null {
  const c = config === null ? null : optObject(config, "toolChoice", "toolConfig");
  if (c === null) return null;
  if (c["auto"] !== undefined) return { kind: "auto" };
  if (c["any"] !== undefined) return { kind: "required" };
  if (c["tool"] !== undefined) {
    const t = asObject(c["tool"], "toolConfig.toolChoice.tool");
    return { kind: "tool", name: asString(t["name"], "toolConfig.toolChoice.tool.name") };
  }
  throw new TranslationError("toolConfig.toolChoice", "expected auto, any or tool");
}

const bedrockEfforts = new Set(["low", "medium", "high", "xhigh", "max"]);

/**
 * Claude on Bedrock takes Anthropic's `thinking` in `additionalModelRequestFields`; Converse
 * itself has `outputConfig.effort` [br `OutputConfig.effort`: low, medium, high, xhigh, max].
 */
function decodeReasoning(extra: Obj | null, config: Obj | null): Reasoning | null {
  const e = config === null ? null : optString(config, "effort", "outputConfig");
  if (e !== null && !bedrockEfforts.has(e)) {
    throw new TranslationError("outputConfig.effort", `unknown effort ${JSON.stringify(e)}`);
  }
  const effort = e as Effort | null;
  const t = extra === null ? null : optObject(extra, "thinking", "additionalModelRequestFields");
  if (t === null) {
    return effort === null ? null : { enabled: true, effort, budgetTokens: null, summary: null };
  }
  const field = "additionalModelRequestFields.thinking";
  switch (t["type"]) {
    case "disabled":
      return { enabled: false, effort: null, budgetTokens: null, summary: null };
    case "enabled":
      return {
        enabled: true,
        effort,
        budgetTokens: optNumber(t, "budget_tokens", field),
        summary: null,
      };
    case "adaptive":
      return { enabled: true, effort, budgetTokens: null, summary: null };
    default:
      throw new TranslationError(
        `${field}.type`,
        `thinking ${JSON.stringify(t["type"])} cannot be translated`,
      );
  }
}

/** [br `OutputFormat`]: the schema is a JSON string (`JsonSchemaDefinition.schema: string`). */
function decodeFormat(config: Obj | null): ResponseFormat | null {
  const f = config === null ? null : optObject(config, "textFormat", "outputConfig");
  if (f === null) return null;
  const field = "outputConfig.textFormat";
  if (f["type"] !== "json_schema") {
    throw new TranslationError(`${field}.type`, `unknown format ${JSON.stringify(f["type"])}`);
  }
  const structure = asObject(f["structure"], `${field}.structure`);
  const def = asObject(structure["jsonSchema"], `${field}.structure.jsonSchema`);
  const text = asString(def["schema"], `${field}.structure.jsonSchema.schema`);
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch {
    throw new TranslationError(`${field}.structure.jsonSchema.schema`, "is not valid JSON");
  }
  if (!isObject(schema)) {
    throw new TranslationError(`${field}.structure.jsonSchema.schema`, "is not a JSON object");
  }
  return {
    kind: "json_schema",
    name: optString(def, "name", `${field}.structure.jsonSchema`),
    schema: schema as ReturnType<typeof asJsonObject>,
    strict: null,
  };
}

/** `top_k` (Claude's name) comes out of the extra fields; the rest of them is dropped, noted. */
function decodeExtra(extra: Obj | null, notes: Notes): number | null {
  if (extra === null) return null;
  noteUnknown(
    extra,
    new Set(["thinking", "top_k"]),
    "additionalModelRequestFields.",
    notes,
    "other providers",
  );
  return optNumber(extra, "top_k", "additionalModelRequestFields");
}

export function decodeConverseRequest(body: unknown, path: ConversePath, notes: Notes): Request {
  const o = asObject(body, "body");
  noteUnknown(o, known, "", notes, "other providers");
  const inference = optObject(o, "inferenceConfig", "") ?? {};
  const tools = optObject(o, "toolConfig", "");
  const extra = optObject(o, "additionalModelRequestFields", "");
  const config = optObject(o, "outputConfig", "");
  if (config !== null) {
    noteUnknown(
      config,
      new Set(["textFormat", "effort"]),
      "outputConfig.",
      notes,
      "other providers",
    );
  }
  const stop = inference["stopSequences"] ?? [];
  return {
    model: path.model,
    instructions: decodeSystem(o["system"], notes),
    messages: decodeMessages(o["messages"], notes),
    tools: decodeTools(tools, notes),
    toolChoice: decodeToolChoice(tools),
    parallelToolCalls: null,
    maxOutputTokens: optNumber(inference, "maxTokens", "inferenceConfig"),
    sampling: {
      temperature: optNumber(inference, "temperature", "inferenceConfig"),
      topP: optNumber(inference, "topP", "inferenceConfig"),
      topK: decodeExtra(extra, notes),
      seed: null,
      presencePenalty: null,
      frequencyPenalty: null,
    },
    stop: asArray(stop, "inferenceConfig.stopSequences", 1000).map((s, i) =>
      asString(s, `inferenceConfig.stopSequences[${i}]`)
    ),
    responseFormat: decodeFormat(config),
    reasoning: decodeReasoning(extra, config),
    stream: path.stream,
    user: null,
    previousResponseId: null,
  };
}

/**
 * Anthropic Messages request → IR [an `MessageCreateParamsBase`]. Mapping and what cannot be
 * carried: research/issue21_plan.md section 2.3.
 */
import type {
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
  limits,
  noteUnknown,
  type Obj,
  optBoolean,
  optNumber,
  optString,
} from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { decodeAnthropicBlock } from "./anthropic_messages_blocks.ts";

const known = new Set([
  "model",
  "messages",
  "system",
  "max_tokens",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "stream",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "metadata",
]);

function decodeSystem(v: unknown): Request["instructions"] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return v === "" ? [] : [{ role: "system", text: v }];
  const texts = asArray(v, "system", limits.blocks).map((b, i) =>
    asString(asObject(b, `system[${i}]`)["text"], `system[${i}].text`)
  );
  return texts.length === 0 ? [] : [{ role: "system", text: texts.join("\n\n") }];
}

/**
 * A `system` message inside `messages` (Claude Code 2.1 sends its environment that way, after the
 * first user turn; the API applies it from there on): the IR has no system turn, so its text
 * joins the instructions, noted. Only text blocks, as in `system`.
 */
function midConversationSystem(o: Obj, field: string, notes: Notes): Instruction | null {
  const content = o["content"];
  const text = typeof content === "string" ? content : asArray(
    content,
    `${field}.content`,
    limits.blocks,
  ).map((b, j) =>
    asString(asObject(b, `${field}.content[${j}]`)["text"], `${field}.content[${j}].text`)
  )
    .join("\n\n");
  notes.add(
    "relocated",
    field,
    "a system message inside the conversation joins the instructions (other protocols have no system turn)",
  );
  return text === "" ? null : { role: "system", text };
}

function decodeMessages(
  v: unknown,
  notes: Notes,
): { messages: Message[]; instructions: Instruction[] } {
  const instructions: Instruction[] = [];
  const messages = asArray(v, "messages", limits.messages).flatMap((m, i): Message[] => {
    const field = `messages[${i}]`;
    const o = asObject(m, field);
    const role = o["role"];
    if (role === "system") {
      const moved = midConversationSystem(o, field, notes);
      if (moved !== null) instructions.push(moved);
      return [];
    }
    if (role !== "user" && role !== "assistant") {
      throw new TranslationError(
        `${field}.role`,
        `expected "user", "assistant" or "system", got ${JSON.stringify(role)}`,
      );
    }
    const content = o["content"];
    if (typeof content === "string") return [{ role, content: [{ type: "text", text: content }] }];
    const blocks = asArray(content, `${field}.content`, limits.blocks);
    return [{
      role,
      content: blocks.map((b, j) => decodeAnthropicBlock(b, `${field}.content[${j}]`, notes)),
    }];
  });
  return { messages: withResultNames(messages), instructions };
}

/** Tool results carry their call's name (Gemini and Responses need it; Anthropic omits it). */
function withResultNames(messages: Message[]): Message[] {
  const names = new Map<string, string>();
  for (const m of messages) {
    for (const b of m.content) {
      if (b.type === "tool_call") names.set(b.id, b.name);
      else if (b.type === "tool_result" && b.name === null) b.name = names.get(b.callId) ?? null;
    }
  }
  return messages;
}

function decodeTools(v: unknown, notes: Notes): ToolDefinition[] {
  if (v === undefined || v === null) return [];
  return asArray(v, "tools", limits.tools).map((t, i) => {
    const field = `tools[${i}]`;
    const o = asObject(t, field);
    if (o["type"] !== undefined && o["type"] !== null && o["type"] !== "custom") {
      throw new TranslationError(
        `${field}.type`,
        `the server tool ${JSON.stringify(o["type"])} runs only on Anthropic`,
      );
    }
    if (o["cache_control"] != null) {
      notes.add("dropped", `${field}.cache_control`, "no cache breakpoints across protocols");
    }
    return {
      name: asString(o["name"], `${field}.name`),
      description: optString(o, "description", field),
      parameters: asJsonObject(o["input_schema"], `${field}.input_schema`),
      strict: optBoolean(o, "strict", field),
    };
  });
}

function decodeToolChoice(v: unknown): { choice: ToolChoice | null; parallel: boolean | null } {
  if (v === undefined || v === null) return { choice: null, parallel: null };
  const o = asObject(v, "tool_choice");
  const parallel = optBoolean(o, "disable_parallel_tool_use", "tool_choice");
  const p = parallel === null ? null : !parallel;
  switch (o["type"]) {
    case "auto":
      return { choice: { kind: "auto" }, parallel: p };
    case "any":
      return { choice: { kind: "required" }, parallel: p };
    case "none":
      return { choice: { kind: "none" }, parallel: p };
    case "tool":
      return {
        choice: { kind: "tool", name: asString(o["name"], "tool_choice.name") },
        parallel: p,
      };
    default:
      throw new TranslationError(
        "tool_choice.type",
        `unknown tool choice ${JSON.stringify(o["type"])}`,
      );
  }
}

const anthropicEfforts = new Set(["low", "medium", "high", "xhigh", "max"]);

function decodeReasoning(thinking: unknown, config: Obj | null): Reasoning | null {
  const effortValue = config === null ? null : optString(config, "effort", "output_config");
  if (effortValue !== null && !anthropicEfforts.has(effortValue)) {
    throw new TranslationError(
      "output_config.effort",
      `unknown effort ${JSON.stringify(effortValue)}`,
    );
  }
  const effort = effortValue as Effort | null;
  if (thinking === undefined || thinking === null) {
    return effort === null ? null : { enabled: true, effort, budgetTokens: null, summary: null };
  }
  const t = asObject(thinking, "thinking");
  const display = optString(t, "display", "thinking");
  const summary = display === "omitted" ? "omitted" : display === "summarized" ? "auto" : null;
  switch (t["type"]) {
    case "disabled":
      return { enabled: false, effort: null, budgetTokens: null, summary: null };
    case "enabled":
      return {
        enabled: true,
        effort,
        budgetTokens: optNumber(t, "budget_tokens", "thinking"),
        summary,
      };
    case "adaptive":
      return { enabled: true, effort, budgetTokens: null, summary };
    default:
      throw new TranslationError(
        "thinking.type",
        `thinking ${JSON.stringify(t["type"])} cannot be translated`,
      );
  }
}

function decodeFormat(config: Obj | null): ResponseFormat | null {
  if (config === null || config["format"] === undefined || config["format"] === null) return null;
  const f = asObject(config["format"], "output_config.format");
  if (f["type"] !== "json_schema") {
    throw new TranslationError(
      "output_config.format.type",
      `unknown format ${JSON.stringify(f["type"])}`,
    );
  }
  return {
    kind: "json_schema",
    name: null,
    schema: asJsonObject(f["schema"], "output_config.format.schema"),
    strict: null,
  };
}

export function decodeAnthropicRequest(body: unknown, notes: Notes): Request {
  const o = asObject(body, "body");
  noteUnknown(o, known, "", notes, "other providers");
  const { choice, parallel } = decodeToolChoice(o["tool_choice"]);
  const config = o["output_config"] === undefined || o["output_config"] === null
    ? null
    : asObject(o["output_config"], "output_config");
  const metadata = o["metadata"] === undefined || o["metadata"] === null
    ? null
    : asObject(o["metadata"], "metadata");
  const stop = o["stop_sequences"] === undefined
    ? []
    : asArray(o["stop_sequences"], "stop_sequences", 1000);
  const conversation = decodeMessages(o["messages"], notes);
  return {
    model: asString(o["model"], "model"),
    instructions: [...decodeSystem(o["system"]), ...conversation.instructions],
    messages: conversation.messages,
    tools: decodeTools(o["tools"], notes),
    toolChoice: choice,
    parallelToolCalls: parallel,
    maxOutputTokens: optNumber(o, "max_tokens", ""),
    sampling: {
      temperature: optNumber(o, "temperature", ""),
      topP: optNumber(o, "top_p", ""),
      topK: optNumber(o, "top_k", ""),
      seed: null,
      presencePenalty: null,
      frequencyPenalty: null,
    },
    stop: stop.map((s, i) => asString(s, `stop_sequences[${i}]`)),
    responseFormat: decodeFormat(config),
    reasoning: decodeReasoning(o["thinking"], config),
    stream: optBoolean(o, "stream", "") ?? false,
    user: metadata === null ? null : optString(metadata, "user_id", "metadata"),
    previousResponseId: null,
  };
}

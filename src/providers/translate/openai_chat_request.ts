/**
 * OpenAI Chat Completions request ⇄ IR [oa `ChatCompletionCreateParamsBase`]. Mapping and what
 * cannot be carried: research/issue21_plan.md section 2.1.
 */
import {
  type Effort,
  efforts,
  type Request,
  type ResponseFormat,
  type ToolChoice,
  type ToolDefinition,
} from "./ir.ts";
import {
  asArray,
  asJsonObject,
  asObject,
  asString,
  compact,
  limits,
  noteUnknown,
  type Obj,
  optBoolean,
  optNumber,
  optString,
} from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import {
  type ChatDialect,
  decodeChatMessages,
  encodeChatMessages,
} from "./openai_chat_messages.ts";
import { effortOfBudget } from "./reasoning.ts";

const known = new Set([
  "model",
  "messages",
  "max_completion_tokens",
  "max_tokens",
  "temperature",
  "top_p",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "stop",
  "stream",
  "stream_options",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "reasoning_effort",
  "user",
  "safety_identifier",
  "n",
  "logprobs",
]);

/** Members whose meaning another provider cannot give: a 400, never a silent drop. */
const refused: Readonly<Record<string, string>> = {
  audio: "audio output exists only on OpenAI",
  modalities: "output modalities exist only on OpenAI",
  prediction: "predicted outputs exist only on OpenAI",
  web_search_options: "OpenAI's web search runs only on OpenAI",
  functions: "the deprecated functions cannot be translated; use tools",
  function_call: "the deprecated function_call cannot be translated; use tool_choice",
  top_logprobs: "log probabilities are not translated",
};

function refuse(o: Obj): void {
  for (const [key, why] of Object.entries(refused)) {
    if (o[key] !== undefined && o[key] !== null) throw new TranslationError(key, why);
  }
  const n = optNumber(o, "n", "");
  if (n !== null && n !== 1) throw new TranslationError("n", "only one choice can be translated");
  if (optBoolean(o, "logprobs", "") === true) {
    throw new TranslationError("logprobs", "log probabilities are not translated");
  }
}

function decodeTools(v: unknown): ToolDefinition[] {
  if (v === undefined || v === null) return [];
  return asArray(v, "tools", limits.tools).map((t, i) => {
    const field = `tools[${i}]`;
    const o = asObject(t, field);
    if (o["type"] !== "function") {
      throw new TranslationError(
        `${field}.type`,
        `a ${JSON.stringify(o["type"])} tool cannot be translated`,
      );
    }
    const fn = asObject(o["function"], `${field}.function`);
    return {
      name: asString(fn["name"], `${field}.function.name`),
      description: optString(fn, "description", `${field}.function`),
      parameters: fn["parameters"] == null
        ? { type: "object", properties: {} }
        : asJsonObject(fn["parameters"], `${field}.function.parameters`),
      strict: optBoolean(fn, "strict", `${field}.function`),
    };
  });
}

function decodeToolChoice(v: unknown): ToolChoice | null {
  if (v === undefined || v === null) return null;
  if (v === "auto" || v === "none") return { kind: v };
  if (v === "required") return { kind: "required" };
  const o = asObject(v, "tool_choice");
  if (o["type"] !== "function") {
    throw new TranslationError(
      "tool_choice.type",
      `tool choice ${JSON.stringify(o["type"])} cannot be translated`,
    );
  }
  return {
    kind: "tool",
    name: asString(
      asObject(o["function"], "tool_choice.function")["name"],
      "tool_choice.function.name",
    ),
  };
}

function decodeFormat(v: unknown): ResponseFormat | null {
  if (v === undefined || v === null) return null;
  const o = asObject(v, "response_format");
  if (o["type"] === "text") return { kind: "text" };
  if (o["type"] === "json_object") return { kind: "json_object" };
  if (o["type"] !== "json_schema") {
    throw new TranslationError(
      "response_format.type",
      `unknown format ${JSON.stringify(o["type"])}`,
    );
  }
  const s = asObject(o["json_schema"], "response_format.json_schema");
  return {
    kind: "json_schema",
    name: optString(s, "name", "response_format.json_schema"),
    schema: s["schema"] == null
      ? {}
      : asJsonObject(s["schema"], "response_format.json_schema.schema"),
    strict: optBoolean(s, "strict", "response_format.json_schema"),
  };
}

function decodeStop(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [v];
  return asArray(v, "stop", 1000).map((s, i) => asString(s, `stop[${i}]`));
}

function decodeEffort(o: Obj): Request["reasoning"] {
  const e = optString(o, "reasoning_effort", "");
  if (e === null) return null;
  if (!(efforts as readonly string[]).includes(e)) {
    throw new TranslationError("reasoning_effort", `unknown effort ${JSON.stringify(e)}`);
  }
  return { enabled: e !== "none", effort: e as Effort, budgetTokens: null, summary: null };
}

export function decodeChatRequest(body: unknown, dialect: ChatDialect, notes: Notes): Request {
  const o = asObject(body, "body");
  refuse(o);
  noteUnknown(o, known, "", notes, "other providers");
  const { instructions, messages } = decodeChatMessages(o["messages"], dialect, notes);
  return {
    model: asString(o["model"], "model"),
    instructions,
    messages,
    tools: decodeTools(o["tools"]),
    toolChoice: decodeToolChoice(o["tool_choice"]),
    parallelToolCalls: optBoolean(o, "parallel_tool_calls", ""),
    maxOutputTokens: optNumber(o, "max_completion_tokens", "") ?? optNumber(o, "max_tokens", ""),
    sampling: {
      temperature: optNumber(o, "temperature", ""),
      topP: optNumber(o, "top_p", ""),
      topK: null,
      seed: optNumber(o, "seed", ""),
      presencePenalty: optNumber(o, "presence_penalty", ""),
      frequencyPenalty: optNumber(o, "frequency_penalty", ""),
    },
    stop: decodeStop(o["stop"]),
    responseFormat: decodeFormat(o["response_format"]),
    reasoning: decodeEffort(o),
    stream: optBoolean(o, "stream", "") ?? false,
    user: optString(o, "safety_identifier", "") ?? optString(o, "user", ""),
    previousResponseId: null,
  };
}

export interface ChatEncodeOptions {
  dialect: ChatDialect;
  /** OpenAI wants `max_completion_tokens`; some OpenAI-compatible servers read only `max_tokens`. */
  maxTokensField: "max_completion_tokens" | "max_tokens";
  /** OpenAI takes "Up to 4 sequences" [oa `stop` doc comment]; null: no limit known. */
  maxStopSequences: number | null;
  /** Ask for the usage chunk of a stream (`stream_options.include_usage`); false for servers
   *  that refuse the field (`providers.<id>.stream_usage: false`). Absent: true. */
  streamUsage?: boolean;
}

export const openaiChatOptions: ChatEncodeOptions = {
  dialect: { reasoningField: null },
  maxTokensField: "max_completion_tokens",
  maxStopSequences: 4,
};

function encodeToolChoice(c: ToolChoice | null): unknown {
  if (c === null) return null;
  if (c.kind === "tool") return { type: "function", function: { name: c.name } };
  return c.kind;
}

function encodeFormat(f: ResponseFormat | null): Obj | null {
  if (f === null) return null;
  if (f.kind !== "json_schema") return { type: f.kind };
  // Chat requires a name [oa `ResponseFormatJSONSchema.JSONSchema.name`]; "response" when none came.
  return {
    type: "json_schema",
    json_schema: compact({ name: f.name ?? "response", schema: f.schema, strict: f.strict }),
  };
}

function encodeEffort(req: Request, notes: Notes): string | null {
  const r = req.reasoning;
  if (r === null) return null;
  if (r.summary !== null) {
    notes.add("dropped", "reasoning.summary", "Chat Completions shows no reasoning summaries");
  }
  if (!r.enabled) return "none";
  if (r.effort !== null) return r.effort;
  if (r.budgetTokens === null) return null;
  const effort = effortOfBudget(r.budgetTokens);
  notes.add(
    "converted",
    "thinking.budget_tokens",
    `a budget of ${r.budgetTokens} tokens became effort ${effort}`,
  );
  return effort;
}

export function encodeChatRequest(req: Request, options: ChatEncodeOptions, notes: Notes): Obj {
  if (options.maxStopSequences !== null && req.stop.length > options.maxStopSequences) {
    throw new TranslationError(
      "stop",
      `holds ${req.stop.length} sequences; the target takes at most ${options.maxStopSequences}`,
    );
  }
  if (req.sampling.topK !== null) notes.add("dropped", "top_k", "Chat Completions has no top_k");
  return compact({
    model: req.model,
    messages: encodeChatMessages(req.instructions, req.messages, options.dialect, notes),
    tools: req.tools.length === 0 ? null : req.tools.map((t) => ({
      type: "function",
      function: compact({
        name: t.name,
        description: t.description,
        parameters: t.parameters,
        strict: t.strict,
      }),
    })),
    // A tool choice without tools means nothing, and OpenAI refuses it [unverified].
    tool_choice: req.tools.length === 0 ? null : encodeToolChoice(req.toolChoice),
    parallel_tool_calls: req.tools.length === 0 ? null : req.parallelToolCalls,
    [options.maxTokensField]: req.maxOutputTokens,
    temperature: req.sampling.temperature,
    top_p: req.sampling.topP,
    seed: req.sampling.seed,
    presence_penalty: req.sampling.presencePenalty,
    frequency_penalty: req.sampling.frequencyPenalty,
    stop: req.stop.length === 0 ? null : req.stop,
    response_format: encodeFormat(req.responseFormat),
    reasoning_effort: encodeEffort(req, notes),
    user: req.user,
    stream: req.stream ? true : null,
    // Usage arrives in streams only when asked (plan section 4); the stream part strips the
    // usage chunk again for a client that did not ask.
    stream_options: req.stream && options.streamUsage !== false ? { include_usage: true } : null,
  });
}

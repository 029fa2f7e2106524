/**
 * OpenAI Responses request ⇄ IR [oa `responses.d.ts` `ResponseCreateParamsBase`]. Mapping and
 * what cannot be carried: research/issue21_plan.md section 2.2. `previous_response_id` is kept in
 * the IR (the gateway's store, plan section 7, loads the chain); `store` and `include` are read by
 * `responsesStorage` for that store and are not part of the IR.
 */
import {
  type Effort,
  efforts,
  type Instruction,
  type Reasoning,
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
  isObject,
  limits,
  noteUnknown,
  type Obj,
  optBoolean,
  optNumber,
  optString,
} from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { decodeResponsesInput } from "./openai_responses_items.ts";
import { encodeResponsesInput } from "./openai_responses_items_encode.ts";
import { effortOfBudget } from "./reasoning.ts";

const known = new Set([
  "model",
  "input",
  "instructions",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "max_output_tokens",
  "temperature",
  "top_p",
  "text",
  "reasoning",
  "stream",
  "stream_options",
  "user",
  "safety_identifier",
  "previous_response_id",
  "store",
  "include",
]);

/** Members whose meaning another provider cannot give: a 400, never a silent drop. */
const refused: Readonly<Record<string, string>> = {
  background: "background responses run only on OpenAI",
  conversation: "OpenAI's stored conversations cannot be translated; send the input items",
  prompt: "OpenAI's stored prompt templates cannot be translated",
  top_logprobs: "log probabilities are not translated",
};

function refuse(o: Obj): void {
  for (const [key, why] of Object.entries(refused)) {
    if (o[key] !== undefined && o[key] !== null) throw new TranslationError(key, why);
  }
}

/**
 * Tools that run inside OpenAI (hosted search, files, code, images, MCP) and Codex's tool
 * namespaces: no other provider runs them, and clients such as Codex send them by default with
 * every request, so they are left out (noted) rather than refused; the model works without them.
 */
const hostedTools: ReadonlySet<string> = new Set([
  "web_search",
  "web_search_preview",
  "web_search_preview_2025_03_11",
  "file_search",
  "code_interpreter",
  "image_generation",
  "computer_use_preview",
  "mcp",
  "namespace",
]);

function decodeTools(v: unknown, notes: Notes): ToolDefinition[] {
  if (v === undefined || v === null) return [];
  const out: ToolDefinition[] = [];
  asArray(v, "tools", limits.tools).forEach((t, i) => {
    const field = `tools[${i}]`;
    const o = asObject(t, field);
    if (typeof o["type"] === "string" && hostedTools.has(o["type"])) {
      notes.add("dropped", `${field}.type`, `a ${o["type"]} tool runs only on OpenAI`);
      return;
    }
    if (o["type"] !== "function") {
      throw new TranslationError(
        `${field}.type`,
        `a ${JSON.stringify(o["type"])} tool runs only on OpenAI and cannot be translated`,
      );
    }
    out.push({
      name: asString(o["name"], `${field}.name`),
      description: optString(o, "description", field),
      parameters: o["parameters"] == null
        ? { type: "object", properties: {} }
        : asJsonObject(o["parameters"], `${field}.parameters`),
      strict: optBoolean(o, "strict", field),
    });
  });
  return out;
}

function decodeToolChoice(v: unknown): ToolChoice | null {
  if (v === undefined || v === null) return null;
  if (v === "auto" || v === "none" || v === "required") return { kind: v };
  const o = asObject(v, "tool_choice");
  if (o["type"] !== "function") {
    throw new TranslationError(
      "tool_choice.type",
      `tool choice ${JSON.stringify(o["type"])} cannot be translated`,
    );
  }
  return { kind: "tool", name: asString(o["name"], "tool_choice.name") };
}

function decodeFormat(v: unknown, notes: Notes): ResponseFormat | null {
  if (v === undefined || v === null) return null;
  const text = asObject(v, "text");
  if (text["verbosity"] != null) notes.add("dropped", "text.verbosity", "verbosity is OpenAI's");
  if (text["format"] == null) return null;
  const f = asObject(text["format"], "text.format");
  if (f["type"] === "text") return { kind: "text" };
  if (f["type"] === "json_object") return { kind: "json_object" };
  if (f["type"] !== "json_schema") {
    throw new TranslationError("text.format.type", `unknown format ${JSON.stringify(f["type"])}`);
  }
  if (f["description"] != null) {
    notes.add("dropped", "text.format.description", "other providers take no schema description");
  }
  return {
    kind: "json_schema",
    name: optString(f, "name", "text.format"),
    schema: f["schema"] == null ? {} : asJsonObject(f["schema"], "text.format.schema"),
    strict: optBoolean(f, "strict", "text.format"),
  };
}

function decodeReasoning(v: unknown): Reasoning | null {
  if (v === undefined || v === null) return null;
  const o = asObject(v, "reasoning");
  const e = optString(o, "effort", "reasoning");
  if (e !== null && !(efforts as readonly string[]).includes(e)) {
    throw new TranslationError("reasoning.effort", `unknown effort ${JSON.stringify(e)}`);
  }
  // `generate_summary` is the deprecated name of `summary` [oa shared.d.ts `Reasoning`].
  const s = optString(o, "summary", "reasoning") ?? optString(o, "generate_summary", "reasoning");
  if (s !== null && s !== "auto" && s !== "concise" && s !== "detailed") {
    throw new TranslationError("reasoning.summary", `unknown summary ${JSON.stringify(s)}`);
  }
  return { enabled: e !== "none", effort: e as Effort | null, budgetTokens: null, summary: s };
}

export function decodeResponsesRequest(body: unknown, notes: Notes): Request {
  const o = asObject(body, "body");
  refuse(o);
  noteUnknown(o, known, "", notes, "other providers");
  const decoded = decodeResponsesInput(o["input"] ?? [], notes);
  const text = optString(o, "instructions", "");
  const instructions: Instruction[] = text === null || text === ""
    ? decoded.instructions
    : [{ role: "system", text }, ...decoded.instructions];
  return {
    model: asString(o["model"], "model"),
    instructions,
    messages: decoded.messages,
    tools: decodeTools(o["tools"], notes),
    toolChoice: decodeToolChoice(o["tool_choice"]),
    parallelToolCalls: optBoolean(o, "parallel_tool_calls", ""),
    maxOutputTokens: optNumber(o, "max_output_tokens", ""),
    sampling: {
      temperature: optNumber(o, "temperature", ""),
      topP: optNumber(o, "top_p", ""),
      topK: null,
      seed: null,
      presencePenalty: null,
      frequencyPenalty: null,
    },
    stop: [],
    responseFormat: decodeFormat(o["text"], notes),
    reasoning: decodeReasoning(o["reasoning"]),
    stream: optBoolean(o, "stream", "") ?? false,
    user: optString(o, "safety_identifier", "") ?? optString(o, "user", ""),
    previousResponseId: optString(o, "previous_response_id", ""),
  };
}

/** What the gateway's response store (plan section 7, part T8) needs beyond the IR. */
export interface ResponsesStorage {
  /** The client's `store`; null when absent (OpenAI's default is to store). */
  store: boolean | null;
  /** The client asked for `reasoning.encrypted_content` in the answer. */
  encryptedReasoning: boolean;
}

export function responsesStorage(body: unknown): ResponsesStorage {
  const o = isObject(body) ? body : {};
  const include = o["include"] == null ? [] : asArray(o["include"], "include", 100);
  return {
    store: optBoolean(o, "store", ""),
    encryptedReasoning: include.includes("reasoning.encrypted_content"),
  };
}

export interface ResponsesEncodeOptions {
  /** Sent as `store`; null leaves OpenAI's default. A translated cell keeps its own store
   *  (plan section 7) and sends false, asking for encrypted reasoning so state can travel. */
  store: boolean | null;
}

function encodeFormat(f: ResponseFormat | null): Obj | null {
  if (f === null) return null;
  if (f.kind !== "json_schema") return { format: { type: f.kind } };
  // Responses requires a name [oa `ResponseFormatTextJSONSchemaConfig.name`].
  return {
    format: compact({
      type: "json_schema",
      name: f.name ?? "response",
      schema: f.schema,
      strict: f.strict,
    }),
  };
}

function encodeReasoning(r: Reasoning | null, notes: Notes): Obj | null {
  if (r === null) return null;
  let summary: string | null = r.summary;
  if (summary === "omitted") {
    notes.add("dropped", "reasoning.summary", "Responses has no 'omitted' summary; none asked");
    summary = null;
  }
  let effort: string | null = r.enabled ? r.effort : "none";
  if (effort === null && r.budgetTokens !== null) {
    effort = effortOfBudget(r.budgetTokens);
    notes.add(
      "converted",
      "thinking.budget_tokens",
      `a budget of ${r.budgetTokens} tokens became effort ${effort}`,
    );
  }
  const out = compact({ effort, summary });
  return Object.keys(out).length === 0 ? null : out;
}

function encodeInstructions(list: Instruction[]): { text: string | null; items: Obj[] } {
  const system = list.filter((i) => i.role === "system").map((i) => i.text);
  const items = list.filter((i) => i.role === "developer").map((i) => ({
    type: "message",
    role: "developer",
    content: [{ type: "input_text", text: i.text }],
  }));
  return { text: system.length === 0 ? null : system.join("\n\n"), items };
}

function noteUnsent(req: Request, notes: Notes): void {
  const s = req.sampling;
  if (s.topK !== null) notes.add("dropped", "top_k", "Responses has no top_k");
  if (s.seed !== null) notes.add("dropped", "seed", "Responses has no seed");
  if (s.presencePenalty !== null) {
    notes.add("dropped", "presence_penalty", "Responses has no presence penalty");
  }
  if (s.frequencyPenalty !== null) {
    notes.add("dropped", "frequency_penalty", "Responses has no frequency penalty");
  }
  if (req.stop.length > 0) throw new TranslationError("stop", "Responses has no stop sequences");
}

export function encodeResponsesRequest(
  req: Request,
  options: ResponsesEncodeOptions,
  notes: Notes,
): Obj {
  noteUnsent(req, notes);
  const inst = encodeInstructions(req.instructions);
  const input = [...inst.items, ...encodeResponsesInput(req.messages, req.model, notes)];
  const tools = req.tools.map((t) =>
    compact({
      type: "function",
      name: t.name,
      description: t.description,
      parameters: t.parameters,
      strict: t.strict,
    })
  );
  const choice = req.toolChoice;
  return compact({
    model: req.model,
    instructions: inst.text,
    input,
    tools: tools.length === 0 ? null : tools,
    tool_choice: tools.length === 0 || choice === null
      ? null
      : choice.kind === "tool"
      ? { type: "function", name: choice.name }
      : choice.kind,
    parallel_tool_calls: tools.length === 0 ? null : req.parallelToolCalls,
    max_output_tokens: req.maxOutputTokens,
    temperature: req.sampling.temperature,
    top_p: req.sampling.topP,
    text: encodeFormat(req.responseFormat),
    reasoning: encodeReasoning(req.reasoning, notes),
    safety_identifier: req.user,
    previous_response_id: req.previousResponseId,
    store: options.store,
    include: options.store === false ? ["reasoning.encrypted_content"] : null,
    stream: req.stream ? true : null,
  });
}

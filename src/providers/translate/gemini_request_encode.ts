/**
 * IR → Gemini `generateContent` request body [gg `GenerateContentParameters`]; plan section 2.4.
 * The caller puts `req.model` and the method (`generateContent` or `streamGenerateContent?alt=sse`
 * by `req.stream`) in the URL: the body carries neither.
 */
import type { Effort, Request } from "./ir.ts";
import { compact, type Obj } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { encodeGeminiParts, type GeminiPartOptions } from "./gemini_parts_encode.ts";
import { reduceSchemaForGemini } from "./gemini_schema.ts";
import { budgetOfEffort, effortOfBudget } from "./reasoning.ts";

export interface GeminiEncodeOptions extends GeminiPartOptions {
  /** Gemini 2.5 takes `thinkingBudget`, Gemini 3 `thinkingLevel` [gg `ThinkingConfig`; plan 2.7]. */
  thinkingField: "thinkingBudget" | "thinkingLevel";
}

/** The Gemini API's defaults for these codecs (Vertex before late 2026: `callIds: false`). */
export const geminiApiOptions: GeminiEncodeOptions = {
  callIds: true,
  mediaInFunctionResponse: true,
  thinkingField: "thinkingBudget",
};

function encodeSystem(req: Request, notes: Notes): Obj | null {
  if (req.instructions.length === 0) return null;
  req.instructions.forEach((ins, i) => {
    if (ins.role === "developer") {
      notes.add(
        "converted",
        `instructions[${i}]`,
        "developer instructions joined Gemini's systemInstruction",
      );
    }
  });
  return { parts: req.instructions.map((i) => ({ text: i.text })) };
}

/** Tool results get their call's name when the decoder could not (Gemini requires it). */
function withNames(req: Request): Request["messages"] {
  const names = new Map<string, string>();
  return req.messages.map((m) => ({
    role: m.role,
    content: m.content.map((b) => {
      if (b.type === "tool_call") names.set(b.id, b.name);
      if (b.type === "tool_result" && b.name === null && names.has(b.callId)) {
        return { ...b, name: names.get(b.callId)! };
      }
      return b;
    }),
  }));
}

function encodeContents(req: Request, o: GeminiEncodeOptions, notes: Notes): Obj[] {
  const out: { role: string; parts: Obj[] }[] = [];
  withNames(req).forEach((m, i) => {
    const parts = encodeGeminiParts(
      m.content,
      `messages[${i}].content`,
      req.model,
      o,
      "request",
      notes,
    );
    if (parts.length === 0) {
      notes.add("dropped", `messages[${i}]`, "nothing in this message could be sent to Gemini");
      return;
    }
    const role = m.role === "assistant" ? "model" : "user";
    const last = out[out.length - 1];
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else out.push({ role, parts });
  });
  return out;
}

/** [gg `FunctionDeclaration.name` doc comment.] */
const geminiName = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

function encodeTools(req: Request, notes: Notes): Obj[] | null {
  if (req.tools.length === 0) return null;
  const decls = req.tools.map((t, i) => {
    if (!geminiName.test(t.name)) {
      throw new TranslationError(
        `tools[${i}].name`,
        "Gemini takes function names that start with a letter or _ and hold only letters, digits, _ . : - (at most 128)",
      );
    }
    const type = t.parameters["type"];
    if (type !== undefined && type !== "object") {
      throw new TranslationError(
        `tools[${i}].parameters.type`,
        "Gemini's parameters must describe an object",
      );
    }
    if (t.strict !== null) notes.add("dropped", `tools[${i}].strict`, "Gemini has no strict flag");
    return compact({
      name: t.name,
      description: t.description,
      parametersJsonSchema: reduceSchemaForGemini(t.parameters, `tools[${i}].parameters`, notes),
    });
  });
  return [{ functionDeclarations: decls }];
}

function encodeToolConfig(req: Request, notes: Notes): Obj | null {
  if (req.parallelToolCalls === false) {
    notes.add("dropped", "parallel_tool_calls", "Gemini cannot limit a turn to one call");
  }
  const c = req.toolChoice;
  if (c === null || req.tools.length === 0) return null;
  const mode = { auto: "AUTO", none: "NONE", required: "ANY", tool: "ANY" }[c.kind];
  const config: Obj = { mode };
  if (c.kind === "tool") config["allowedFunctionNames"] = [c.name];
  return { functionCallingConfig: config };
}

const levelOf: Readonly<Record<Exclude<Effort, "none">, string>> = {
  minimal: "MINIMAL",
  low: "LOW",
  medium: "MEDIUM",
  high: "HIGH",
  xhigh: "XHIGH",
  max: "XHIGH",
};

function encodeThinking(req: Request, o: GeminiEncodeOptions, notes: Notes): Obj | null {
  const r = req.reasoning;
  if (r === null) return null;
  const include = r.summary === null ? null : r.summary !== "omitted";
  const off = !r.enabled || r.effort === "none";
  if (o.thinkingField === "thinkingBudget") {
    if (off) return compact({ thinkingBudget: 0, includeThoughts: include });
    if (r.budgetTokens !== null && r.effort !== null) {
      notes.add(
        "dropped",
        "reasoning.effort",
        "Gemini takes a budget or a level, not both: the budget was sent",
      );
    }
    let budget = r.budgetTokens;
    if (budget === null && r.effort !== null && r.effort !== "none") {
      budget = budgetOfEffort(r.effort, req.maxOutputTokens);
      notes.add(
        "converted",
        "reasoning.effort",
        `effort ${r.effort} became a thinking budget of ${budget} tokens`,
      );
    }
    return compact({ includeThoughts: include, thinkingBudget: budget });
  }
  if (off) {
    notes.add(
      "converted",
      "reasoning",
      "Gemini 3 cannot turn thinking off: the MINIMAL level was sent",
    );
    return compact({ includeThoughts: include, thinkingLevel: "MINIMAL" });
  }
  let effort = r.effort as Exclude<Effort, "none"> | null;
  if (effort === null && r.budgetTokens !== null) {
    effort = effortOfBudget(r.budgetTokens);
    notes.add(
      "converted",
      "reasoning.budget_tokens",
      `a budget of ${r.budgetTokens} became effort ${effort}`,
    );
  }
  if (effort === "max") {
    notes.add("converted", "reasoning.effort", "Gemini's highest level is XHIGH");
  }
  return compact({
    includeThoughts: include,
    thinkingLevel: effort === null ? null : levelOf[effort],
  });
}

function encodeFormat(req: Request, notes: Notes): Obj {
  const f = req.responseFormat;
  if (f === null) return {};
  if (f.kind === "text") return { responseMimeType: "text/plain" };
  if (f.kind === "json_object") return { responseMimeType: "application/json" };
  if (f.name !== null) {
    notes.add("dropped", "response_format.json_schema.name", "Gemini's schema has no name");
  }
  if (f.strict !== null) {
    notes.add("dropped", "response_format.json_schema.strict", "Gemini has no strict flag");
  }
  const schema = reduceSchemaForGemini(f.schema, "response_format.json_schema.schema", notes);
  return { responseMimeType: "application/json", responseJsonSchema: schema };
}

export function encodeGeminiRequest(req: Request, o: GeminiEncodeOptions, notes: Notes): Obj {
  if (req.previousResponseId !== null) {
    throw new TranslationError(
      "previous_response_id",
      "Gemini keeps no conversation: send the history",
    );
  }
  if (req.user !== null) notes.add("dropped", "user", "Gemini has no end-user field");
  const s = req.sampling;
  const generationConfig = compact({
    maxOutputTokens: req.maxOutputTokens,
    temperature: s.temperature,
    topP: s.topP,
    topK: s.topK,
    seed: s.seed,
    presencePenalty: s.presencePenalty,
    frequencyPenalty: s.frequencyPenalty,
    stopSequences: req.stop.length === 0 ? null : req.stop,
    ...encodeFormat(req, notes),
    thinkingConfig: encodeThinking(req, o, notes),
  });
  return compact({
    systemInstruction: encodeSystem(req, notes),
    contents: encodeContents(req, o, notes),
    tools: encodeTools(req, notes),
    toolConfig: encodeToolConfig(req, notes),
    generationConfig: Object.keys(generationConfig).length === 0 ? null : generationConfig,
  });
}

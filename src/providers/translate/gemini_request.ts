/**
 * Gemini `generateContent` request (Gemini API and Vertex `publishers/google`) → IR
 * [gg `GenerateContentParameters`, `Content`, `Tool`, `ToolConfig`, `GenerationConfig`,
 * `ThinkingConfig`]; plan section 2.4. The model and streaming are in the URL
 * (`models/{model}:generateContent` or `:streamGenerateContent`), so the caller passes them.
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
import { CallIds, decodeGeminiPart } from "./gemini_parts.ts";
import { checkSchemaDepth, jsonSchemaOfGemini } from "./gemini_schema.ts";

/** What the URL said: `models/{model}` and whether the method streams. */
export interface GeminiRoute {
  model: string;
  stream: boolean;
}

const known = new Set(["contents", "systemInstruction", "tools", "toolConfig", "generationConfig"]);
const knownConfig = new Set([
  "maxOutputTokens",
  "temperature",
  "topP",
  "topK",
  "seed",
  "presencePenalty",
  "frequencyPenalty",
  "stopSequences",
  "responseMimeType",
  "responseSchema",
  "responseJsonSchema",
  "thinkingConfig",
  "candidateCount",
]);

function optObject(o: Obj, key: string, field: string): Obj | null {
  const v = o[key];
  return v === undefined || v === null ? null : asObject(v, field === "" ? key : `${field}.${key}`);
}

function decodeSystem(o: Obj): Instruction[] {
  const s = optObject(o, "systemInstruction", "");
  if (s === null) return [];
  return asArray(s["parts"] ?? [], "systemInstruction.parts", limits.blocks).map((p, i) => ({
    role: "system" as const,
    text: asString(
      asObject(p, `systemInstruction.parts[${i}]`)["text"],
      `systemInstruction.parts[${i}].text`,
    ),
  }));
}

function decodeContents(v: unknown, notes: Notes): Message[] {
  const ids = new CallIds();
  return asArray(v, "contents", limits.messages).map((c, i): Message => {
    const field = `contents[${i}]`;
    const o = asObject(c, field);
    const role = o["role"] ?? "user";
    // "function" is the role older clients gave to function responses.
    if (role !== "user" && role !== "model" && role !== "function") {
      throw new TranslationError(
        `${field}.role`,
        `expected "user" or "model", got ${JSON.stringify(role)}`,
      );
    }
    const parts = asArray(o["parts"], `${field}.parts`, limits.blocks);
    return {
      role: role === "model" ? "assistant" : "user",
      content: parts.flatMap((p, j) => decodeGeminiPart(p, `${field}.parts[${j}]`, ids, notes)),
    };
  });
}

function decodeDeclaration(v: unknown, field: string, notes: Notes): ToolDefinition {
  const d = asObject(v, field);
  for (const k of ["behavior", "response", "responseJsonSchema"]) {
    if (d[k] != null) notes.add("dropped", `${field}.${k}`, "not translated to other providers");
  }
  let parameters = { type: "object", properties: {} } as ToolDefinition["parameters"];
  if (d["parametersJsonSchema"] != null) {
    parameters = asJsonObject(d["parametersJsonSchema"], `${field}.parametersJsonSchema`);
    checkSchemaDepth(parameters, `${field}.parametersJsonSchema`);
  } else if (d["parameters"] != null) {
    parameters = jsonSchemaOfGemini(d["parameters"], `${field}.parameters`);
  }
  return {
    name: asString(d["name"], `${field}.name`),
    description: optString(d, "description", field),
    parameters,
    strict: null,
  };
}

function decodeTools(v: unknown, notes: Notes): ToolDefinition[] {
  if (v === undefined || v === null) return [];
  const out: ToolDefinition[] = [];
  asArray(v, "tools", limits.tools).forEach((t, i) => {
    const o = asObject(t, `tools[${i}]`);
    for (const k of Object.keys(o)) {
      if (k === "functionDeclarations" || o[k] === undefined || o[k] === null) continue;
      throw new TranslationError(`tools[${i}].${k}`, "this Gemini tool runs only on Gemini");
    }
    const decls = asArray(
      o["functionDeclarations"] ?? [],
      `tools[${i}].functionDeclarations`,
      limits.tools,
    );
    decls.forEach((d, j) =>
      out.push(decodeDeclaration(d, `tools[${i}].functionDeclarations[${j}]`, notes))
    );
  });
  if (out.length > limits.tools) {
    throw new TranslationError(
      "tools",
      `declares ${out.length} functions; at most ${limits.tools}`,
    );
  }
  return out;
}

function decodeToolChoice(o: Obj, notes: Notes): ToolChoice | null {
  const config = optObject(o, "toolConfig", "");
  const f = "toolConfig.functionCallingConfig";
  const c = config === null ? null : optObject(config, "functionCallingConfig", "toolConfig");
  if (c === null) return null;
  const names = c["allowedFunctionNames"] == null
    ? []
    : asArray(c["allowedFunctionNames"], `${f}.allowedFunctionNames`, limits.tools)
      .map((n, i) => asString(n, `${f}.allowedFunctionNames[${i}]`));
  const mode = optString(c, "mode", f);
  if (names.length > 0 && (mode !== "ANY" || names.length > 1)) {
    throw new TranslationError(
      `${f}.allowedFunctionNames`,
      "only one allowed name with mode ANY can be translated (other protocols force one tool or none)",
    );
  }
  switch (mode) {
    case null:
    case "MODE_UNSPECIFIED":
      return null;
    case "AUTO":
      return { kind: "auto" };
    case "NONE":
      return { kind: "none" };
    case "ANY":
      return names.length === 1 ? { kind: "tool", name: names[0]! } : { kind: "required" };
    case "VALIDATED":
      notes.add(
        "converted",
        `${f}.mode`,
        "VALIDATED became auto: other protocols have no such mode",
      );
      return { kind: "auto" };
    default:
      throw new TranslationError(`${f}.mode`, `unknown mode ${JSON.stringify(mode)}`);
  }
}

const levels: Readonly<Record<string, Effort>> = {
  MINIMAL: "minimal",
  LOW: "low",
  MEDIUM: "medium",
  HIGH: "high",
  XHIGH: "xhigh",
};

/** `thinkingBudget` 0 turns thinking off, -1 lets the model decide [gg `ThinkingConfig`]. */
function decodeReasoning(g: Obj | null): Reasoning | null {
  const f = "generationConfig.thinkingConfig";
  const t = g === null ? null : optObject(g, "thinkingConfig", "generationConfig");
  if (t === null) return null;
  const budget = optNumber(t, "thinkingBudget", f);
  const level = optString(t, "thinkingLevel", f);
  const include = optBoolean(t, "includeThoughts", f);
  const summary = include === null ? null : include ? "auto" : "omitted";
  if (level !== null && level !== "THINKING_LEVEL_UNSPECIFIED" && levels[level] === undefined) {
    throw new TranslationError(`${f}.thinkingLevel`, `unknown level ${JSON.stringify(level)}`);
  }
  if (budget === 0) return { enabled: false, effort: null, budgetTokens: null, summary };
  return {
    enabled: true,
    effort: level === null ? null : levels[level] ?? null,
    budgetTokens: budget === null || budget < 0 ? null : budget,
    summary,
  };
}

function decodeFormat(g: Obj | null): ResponseFormat | null {
  if (g === null) return null;
  const mime = optString(g, "responseMimeType", "generationConfig");
  const f = "generationConfig";
  if (g["responseJsonSchema"] != null) {
    const schema = asJsonObject(g["responseJsonSchema"], `${f}.responseJsonSchema`);
    checkSchemaDepth(schema, `${f}.responseJsonSchema`);
    return { kind: "json_schema", name: null, schema, strict: null };
  }
  if (g["responseSchema"] != null) {
    const schema = jsonSchemaOfGemini(g["responseSchema"], `${f}.responseSchema`);
    return { kind: "json_schema", name: null, schema, strict: null };
  }
  if (mime === null) return null;
  if (mime === "application/json") return { kind: "json_object" };
  if (mime === "text/plain") return { kind: "text" };
  throw new TranslationError(
    `${f}.responseMimeType`,
    `${JSON.stringify(mime)} cannot be translated`,
  );
}

function decodeStop(g: Obj | null): string[] {
  if (g === null || g["stopSequences"] == null) return [];
  return asArray(g["stopSequences"], "generationConfig.stopSequences", 1000)
    .map((s, i) => asString(s, `generationConfig.stopSequences[${i}]`));
}

export function decodeGeminiRequest(body: unknown, route: GeminiRoute, notes: Notes): Request {
  const o = asObject(body, "body");
  noteUnknown(o, known, "", notes, "other providers");
  const g = optObject(o, "generationConfig", "");
  if (g !== null) {
    noteUnknown(g, knownConfig, "generationConfig.", notes, "other providers");
    const n = optNumber(g, "candidateCount", "generationConfig");
    if (n !== null && n > 1) {
      throw new TranslationError(
        "generationConfig.candidateCount",
        "only one candidate can be translated",
      );
    }
  }
  const num = (k: string) => (g === null ? null : optNumber(g, k, "generationConfig"));
  return {
    model: route.model,
    instructions: decodeSystem(o),
    messages: decodeContents(o["contents"], notes),
    tools: decodeTools(o["tools"], notes),
    toolChoice: decodeToolChoice(o, notes),
    parallelToolCalls: null,
    maxOutputTokens: num("maxOutputTokens"),
    sampling: {
      temperature: num("temperature"),
      topP: num("topP"),
      topK: num("topK"),
      seed: num("seed"),
      presencePenalty: num("presencePenalty"),
      frequencyPenalty: num("frequencyPenalty"),
    },
    stop: decodeStop(g),
    responseFormat: decodeFormat(g),
    reasoning: decodeReasoning(g),
    stream: route.stream,
    user: null,
    previousResponseId: null,
  };
}

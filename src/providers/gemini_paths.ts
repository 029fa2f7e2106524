/**
 * Gemini API request paths (after the provider prefix, e.g. `/gemini`):
 * `/{v}/models/{model}:{method}` and `/{v}/tunedModels/{model}:{method}`, `{v}` being `v1beta`
 * (js-genai 2.x default, every recording) or `v1` (npm 3.x default). The model is in the path,
 * not the body; whether the answer streams is the method's (`streamGenerateContent`), and its
 * framing the `alt` query parameter: `alt=sse` (what the SDK always sets, `_api_client.ts:586`)
 * is SSE, anything else one JSON array written as it goes.
 *
 * Paths are read as they arrive, still percent-encoded. Only `%40` (`@`) and `%3A` (`:`) are
 * decoded in the last segment (clients that encode the model id or the method separator); any
 * other escape, a dot or empty segment, or a part past its bound makes the path "not a model
 * path" (null): the adapter then reads it as an unknown path, and the proxy's own path checks
 * refuse `..` and `%2F` before any adapter sees them.
 */

/** Longest path considered at all, and longest model id (Vertex ids run ~60 characters). */
export const maxModelPathChars = 2048;
export const maxModelIdChars = 256;

/** The methods whose answer is a stream. */
const streamingMethods = new Set(["streamGenerateContent", "streamRawPredict"]);

const versionGrammar = /^v\d{1,3}(?:(?:alpha|beta)\d{0,3})?$/;
/** Model ids as the providers name them: `gemini-2.5-flash`, `claude-sonnet-4-5@20250929`. */
const modelGrammar = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
const methodGrammar = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/**
 * What a method does, for the usage rule and `gen_ai.operation.name`: `generate` is billed and
 * reports usage; `count_tokens` is free; `embed` is billed, and reports no usage on the Gemini API
 * (js-genai `EmbedContentResponse`); `predict` is Vertex's generic method (embeddings, images);
 * `other` anything else (`streamRawPredict` is `generate`).
 */
export type MethodKind = "generate" | "count_tokens" | "embed" | "predict" | "other";

const methodKinds: Record<string, MethodKind> = {
  generateContent: "generate",
  streamGenerateContent: "generate",
  rawPredict: "generate",
  streamRawPredict: "generate",
  countTokens: "count_tokens",
  computeTokens: "count_tokens",
  embedContent: "embed",
  batchEmbedContents: "embed",
  predict: "predict",
};

export interface ModelMethod {
  model: string;
  method: string;
  /** The method streams (`streamGenerateContent`, `streamRawPredict`). */
  streams: boolean;
  kind: MethodKind;
}

export interface GeminiPath extends ModelMethod {
  version: string;
  /** `models` or `tunedModels`. */
  collection: "models" | "tunedModels";
  /** How a streaming answer is framed; null when the method does not stream. */
  framing: "sse" | "json-array" | null;
}

/** Whether `id` is a model id this module places in a path (config checks use it). */
export function isModelId(id: string): boolean {
  return id.length <= maxModelIdChars && modelGrammar.test(id) && !/^\.+$/.test(id);
}

export function isApiVersion(v: string): boolean {
  return versionGrammar.test(v);
}

/** The path and its query, split; segments of the path without the leading slash. */
export function splitPath(path: string): { segments: string[]; query: string } | null {
  if (path.length > maxModelPathChars || !path.startsWith("/")) return null;
  const q = path.search(/[?#]/);
  const query = q < 0 ? "" : path.slice(q);
  const segments = (q < 0 ? path : path.slice(0, q)).slice(1).split("/");
  // A trailing slash, `//`, `.` and `..` never name a model; nor does a raw backslash.
  if (segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\\"))) return null;
  return { segments, query };
}

/** `{model}:{method}` of a last segment; null when it is not one. */
export function parseModelMethod(segment: string): ModelMethod | null {
  if (/%(?!40|3a)/i.test(segment)) return null;
  const text = segment.replace(/%40/gi, "@").replace(/%3a/gi, ":");
  const colon = text.lastIndexOf(":");
  if (colon <= 0) return null;
  const model = text.slice(0, colon);
  const method = text.slice(colon + 1);
  if (!isModelId(model) || !methodGrammar.test(method)) return null;
  return {
    model,
    method,
    streams: streamingMethods.has(method),
    kind: Object.hasOwn(methodKinds, method) ? methodKinds[method]! : "other",
  };
}

/** `alt=sse` among the query's parameters. */
export function altIsSse(query: string): boolean {
  const q = query.startsWith("?") ? query.slice(1).split("#", 1)[0]! : "";
  return q.split("&").some((p) => p.toLowerCase() === "alt=sse");
}

export function parseGeminiPath(path: string): GeminiPath | null {
  const split = splitPath(path);
  if (split === null) return null;
  const s = split.segments;
  if (s.length !== 3 || !isApiVersion(s[0]!)) return null;
  const collection = s[1];
  if (collection !== "models" && collection !== "tunedModels") return null;
  const mm = parseModelMethod(s[2]!);
  if (mm === null) return null;
  const framing = mm.streams ? (altIsSse(split.query) ? "sse" : "json-array") : null;
  return { ...mm, version: s[0]!, collection, framing };
}

/**
 * The same path for another model: only the model part of the last segment changes (method and
 * query kept). A model id outside the grammar is percent-encoded whole, so that it can never
 * leave its segment; null when the path names no model.
 */
export function replaceModelInLastSegment(
  path: string,
  model: string,
  parse: (path: string) => ModelMethod | null,
): string | null {
  const parsed = parse(path);
  if (parsed === null) return null;
  const q = path.search(/[?#]/);
  const pathPart = q < 0 ? path : path.slice(0, q);
  const query = q < 0 ? "" : path.slice(q);
  const cut = pathPart.lastIndexOf("/");
  const placed = isModelId(model) ? model : encodeURIComponent(model);
  return `${pathPart.slice(0, cut + 1)}${placed}:${parsed.method}${query}`;
}

export function geminiPathWithModel(path: string, model: string): string | null {
  return replaceModelInLastSegment(path, model, parseGeminiPath);
}

// P0 shared type, copied from the plan section 10 until P0 lands.
export interface ModelPlacement {
  path: string;
  body: Uint8Array<ArrayBuffer> | null;
}

/** `ProviderAdapter.withModel` for the Gemini kind: a path without a model stays as it is. */
export function geminiWithModel(request: ModelPlacement, model: string): ModelPlacement {
  const path = geminiPathWithModel(request.path, model);
  return path === null ? request : { path, body: request.body };
}

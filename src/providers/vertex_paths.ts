/**
 * Vertex AI request paths (after the provider prefix, e.g. `/vertex`):
 * `/{v}/projects/{p}/locations/{l}/publishers/{publisher}/models/{model}:{method}` and express
 * mode's `/{v}/publishers/{publisher}/models/{model}:{method}` (API key, no project). `{v}` is
 * `v1` (the Anthropic Vertex SDK's base URL) or `v1beta1` (js-genai's Vertex default,
 * `_api_client.ts:22`). `publisher` decides the wire format: `google` speaks Gemini
 * (`generateContent`, `streamGenerateContent`, `countTokens`, `computeTokens`, `embedContent`,
 * `predict`), `anthropic` speaks Anthropic Messages (`rawPredict`, `streamRawPredict`, and
 * `count-tokens:rawPredict`). Claude ids carry `@date` (`claude-sonnet-4-5@20250929`).
 *
 * Hostile paths are "not a model path" (null) by the rules of gemini_paths.ts.
 */
import {
  altIsSse,
  type ModelMethod,
  type ModelPlacement,
  parseModelMethod,
  replaceModelInLastSegment,
  splitPath,
} from "./gemini_paths.ts";

export type VertexPublisher = "google" | "anthropic";

export interface VertexPath extends ModelMethod {
  version: string;
  /** Null in express mode (no `projects/.../locations/...`). */
  project: string | null;
  location: string | null;
  publisher: VertexPublisher;
  /** How a streaming answer is framed; null when the method does not stream. */
  framing: "sse" | "json-array" | null;
}

const vertexVersions = new Set(["v1", "v1beta1"]);
/** Project ids (also `domain.com:project`) and numbers; locations (`us-east5`, `global`, `eu`). */
const projectGrammar = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const locationGrammar = /^[a-z0-9][a-z0-9-]{0,63}$/;
const publishers = new Set<string>(["google", "anthropic"]);
const countTokensModel = "count-tokens";

export function parseVertexPath(path: string): VertexPath | null {
  const split = splitPath(path);
  if (split === null) return null;
  const s = split.segments;
  if (!vertexVersions.has(s[0]!)) return null;
  let project: string | null = null;
  let location: string | null = null;
  let at = 1;
  if (s[1] === "projects") {
    if (s.length !== 9 || s[3] !== "locations") return null;
    project = s[2]!;
    location = s[4]!;
    if (!projectGrammar.test(project) || !locationGrammar.test(location)) return null;
    at = 5;
  } else if (s.length !== 5) return null;
  if (s[at] !== "publishers" || s[at + 2] !== "models") return null;
  const publisher = s[at + 1]!;
  if (!publishers.has(publisher)) return null;
  const parsed = parseModelMethod(s[at + 3]!);
  if (parsed === null) return null;
  // Claude's token counting is `models/count-tokens:rawPredict`, the model in the body.
  const counts = publisher === "anthropic" && parsed.model === countTokensModel;
  const mm = counts ? { ...parsed, kind: "count_tokens" as const } : parsed;
  // Claude streams SSE whatever the query says (`stream: true` in the body); Gemini by `alt`.
  const framing = !mm.streams
    ? null
    : publisher === "anthropic" || altIsSse(split.query)
    ? "sse"
    : "json-array";
  return {
    ...mm,
    version: s[0]!,
    project,
    location,
    publisher: publisher as VertexPublisher,
    framing,
  };
}

/** Null also for Claude's `count-tokens:rawPredict`, whose path names no model. */
export function vertexPathWithModel(path: string, model: string): string | null {
  return replaceModelInLastSegment(path, model, (p) => {
    const parsed = parseVertexPath(p);
    return parsed?.publisher === "anthropic" && parsed.model === countTokensModel ? null : parsed;
  });
}

/** `ProviderAdapter.withModel` for the Vertex kind: a path without a model stays as it is. */
export function vertexWithModel(request: ModelPlacement, model: string): ModelPlacement {
  const path = vertexPathWithModel(request.path, model);
  return path === null ? request : { path, body: request.body };
}

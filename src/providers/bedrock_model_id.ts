/**
 * Bedrock's model id, which lives in the path: `/model/{modelId}/{operation}` (bedrock-client
 * 3.1178.0 `dist-es/schemas/schemas_0.js:1681-1702`). The SDKs percent-encode the whole label
 * (smithy `extendedEncodeURIComponent`: `:` is `%3A`, `/` is `%2F`), so one segment may hold an
 * ARN. Here: find and decode it (bounded, hostile input refused with the reason), name its price
 * key (inference-profile prefix, provider and version suffix stripped; the prefix gives the
 * endpoint scope, issue 20 plan section 7.2), and rebuild the path for another model (routing).
 * The bytes forwarded and signed stay the client's; the decoded id is for the trace and pricing.
 */
import { cleanPath } from "./paths.ts";
import type { ModelPlacement, PriceKey } from "./types.ts";

export const bedrockOperations = [
  "converse",
  "converse-stream",
  "invoke",
  "invoke-with-response-stream",
  "count-tokens",
  "invoke-with-bidirectional-stream",
] as const;
export type BedrockOperation = (typeof bedrockOperations)[number];

/**
 * ARNs are at most 2048 characters (Bedrock API reference, `modelArn`/`modelIdentifier`
 * "Maximum length of 2048"); encoded, each character is at most 3 bytes of `%XX`.
 */
export const maxModelIdChars = 2048;
const maxEncodedChars = 3 * maxModelIdChars;

export interface BedrockModelPath {
  /** What comes before `/model/` (a base path of the upstream), without a trailing slash. */
  base: string;
  /** The id segment exactly as sent (still percent-encoded). */
  encodedId: string;
  /** The decoded id: `us.anthropic.claude-sonnet-4-5-20250929-v1:0`, or an ARN. */
  modelId: string;
  operation: BedrockOperation;
  /** The query string with its `?`, or "". */
  query: string;
}

export type BedrockPathResult =
  | { ok: true; value: BedrockModelPath }
  /** Not a `/model/{id}/{operation}` path at all (a guardrail, `/async-invoke`, a list). */
  | { ok: false; reason: "not_a_model_path" }
  /** It is one, but its id cannot be trusted; `detail` says what was wrong and what to do. */
  | { ok: false; reason: "bad_model_id"; detail: string };

const operations: ReadonlySet<string> = new Set(bedrockOperations);

/** Splits a request path into base, model id and operation; never throws. */
export function parseBedrockPath(path: string): BedrockPathResult {
  const q = path.search(/[?#]/);
  const query = q < 0 ? "" : path.slice(q);
  const p = cleanPath(path);
  const opAt = p.lastIndexOf("/");
  const idAt = opAt > 0 ? p.lastIndexOf("/", opAt - 1) : -1;
  const modelAt = idAt > 0 ? p.lastIndexOf("/", idAt - 1) : -1;
  if (modelAt < 0 || p.slice(modelAt + 1, idAt) !== "model") {
    return { ok: false, reason: "not_a_model_path" };
  }
  const operation = p.slice(opAt + 1);
  if (!operations.has(operation)) return { ok: false, reason: "not_a_model_path" };
  const encodedId = p.slice(idAt + 1, opAt);
  const decoded = decodeModelId(encodedId);
  if (typeof decoded !== "string") {
    return { ok: false, reason: "bad_model_id", detail: decoded.error };
  }
  return {
    ok: true,
    value: {
      base: p.slice(0, modelAt),
      encodedId,
      modelId: decoded,
      operation: operation as BedrockOperation,
      query,
    },
  };
}

const fix = "send the model id percent-encoded as the AWS SDKs do";

/** The decoded id, or what was wrong with the segment. */
export function decodeModelId(segment: string): string | { error: string } {
  if (segment === "") return { error: `the model id in the path is empty: ${fix}` };
  if (segment.length > maxEncodedChars) {
    return {
      error: `the model id segment has ${segment.length} characters, past ${maxEncodedChars}`,
    };
  }
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return { error: `the model id segment is not valid percent-encoding: ${fix}` };
  }
  if (id.length > maxModelIdChars) {
    return { error: `the model id has ${id.length} characters, past ${maxModelIdChars}` };
  }
  // Model ids and ARNs are printable ASCII; anything else (a control character, a second layer
  // of encoding, a dot segment) would make the decoded id mean something the bytes did not.
  if (!/^[\x21-\x7e]+$/.test(id) || id.includes("%")) {
    return { error: "the model id holds characters no Bedrock model id or ARN has" };
  }
  if (id === "." || id === "..") return { error: "the model id is a dot segment" };
  if (id.includes("/") && !id.startsWith("arn:")) {
    return { error: "only an ARN may hold '/' in the model id" };
  }
  return id;
}

/**
 * The path with `%2F` only inside the model id of a Bedrock model path whose id is an ARN: the
 * one place AWS sends an encoded slash (`proxy/path.ts` refuses `%2F` elsewhere).
 */
export function bedrockAllowsEncodedSlash(path: string): boolean {
  const parsed = parseBedrockPath(path);
  if (!parsed.ok || !parsed.value.modelId.startsWith("arn:")) return false;
  const { base, query } = parsed.value;
  const outside = base + "/" + parsed.value.operation + query;
  return !/%2f/i.test(outside);
}

/** Smithy's `extendedEncodeURIComponent`: `encodeURIComponent` plus `!'()*`. */
export function encodeModelId(id: string): string {
  return encodeURIComponent(id).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The same request aimed at another model: the path's id segment replaced, base, operation and
 * query kept. Bedrock bodies name no model (Converse and the Anthropic invoke body alike), so
 * the body is unchanged. A path that is no model path is returned as it is.
 */
export function withBedrockModel(request: ModelPlacement, model: string): ModelPlacement {
  const parsed = parseBedrockPath(request.path);
  if (!parsed.ok) return request;
  const { base, operation, query } = parsed.value;
  return { path: `${base}/model/${encodeModelId(model)}/${operation}${query}`, body: request.body };
}

/** Inference-profile prefixes (AWS CDK `CrossRegionInferenceProfileRegion`, plan 6.1). */
const geoPrefixes = ["global", "us-gov", "us", "eu", "apac", "jp", "au", "ca"] as const;

/** Model providers on Bedrock, as the first label of a model id names them. */
const providers: ReadonlySet<string> = new Set([
  "ai21",
  "amazon",
  "anthropic",
  "cohere",
  "deepseek",
  "google",
  "luma",
  "meta",
  "minimax",
  "mistral",
  "moonshot",
  "moonshotai",
  "nvidia",
  "openai",
  "qwen",
  "stability",
  "twelvelabs",
  "writer",
]);

/** ARN resource types whose resource id is a model or inference-profile id. */
const idBearingArns = new Set(["foundation-model", "inference-profile"]);

export interface BedrockModelId {
  /** The id as decoded from the path. */
  id: string;
  /** The resource part when the id is an ARN (`application-inference-profile/abc`); else null. */
  arnResource: string | null;
  /** `us`, `eu`, `global`, ... when the id is a cross-region inference profile; else null. */
  geo: string | null;
  /** `anthropic`, `amazon`, ...; null when the id does not say (an opaque ARN, an unknown form). */
  provider: string | null;
  /** The id without geo prefix: `anthropic.claude-sonnet-4-5-20250929-v1:0`; null if opaque. */
  baseId: string | null;
  /** The price-table key and scope (see `bedrockPriceKey`). */
  priceKey: PriceKey;
}

/**
 * What a model id says. `us.anthropic.claude-sonnet-4-5-20250929-v1:0` is
 * `{model: "claude-sonnet-4-5", scope: "geo"}`, `global.anthropic.claude-opus-4-8` is
 * `{model: "claude-opus-4-8", scope: "global"}`, `anthropic.claude-3-haiku-20240307-v1:0`
 * `{..., scope: "in_region"}`. ARNs of a foundation model or a system inference profile are
 * read through to their id; any other ARN (application inference profile, provisioned or custom
 * model, prompt router) names no model: its key is the ARN itself with scope null, which no
 * price table holds unless the operator maps it (`providers.<id>.models`), so the exchange is
 * unpriced rather than priced as a guess.
 */
export function bedrockModelId(id: string): BedrockModelId {
  const trimmed = id.trim();
  let inner = trimmed;
  let arnResource: string | null = null;
  if (trimmed.startsWith("arn:")) {
    // arn:partition:bedrock:region:account:resource-type/resource-id
    const parts = trimmed.split(":");
    arnResource = parts.length >= 6 ? parts.slice(5).join(":") : null;
    const slash = arnResource?.indexOf("/") ?? -1;
    const type = arnResource !== null && slash > 0 ? arnResource.slice(0, slash) : null;
    if (arnResource === null || type === null || !idBearingArns.has(type)) {
      return opaque(trimmed, arnResource);
    }
    inner = arnResource.slice(slash + 1);
  }
  const lower = inner.toLowerCase();
  const geo = geoPrefixes.find((g) => lower.startsWith(`${g}.`)) ?? null;
  const baseId = geo === null ? lower : lower.slice(geo.length + 1);
  const dot = baseId.indexOf(".");
  const provider = dot > 0 && providers.has(baseId.slice(0, dot)) ? baseId.slice(0, dot) : null;
  const name = provider === null ? baseId : baseId.slice(dot + 1);
  const scope = geo === null ? "in_region" : geo === "global" ? "global" : "geo";
  return { id, arnResource, geo, provider, baseId, priceKey: { model: stripVersion(name), scope } };
}

function opaque(id: string, arnResource: string | null): BedrockModelId {
  return {
    id,
    arnResource,
    geo: null,
    provider: null,
    baseId: null,
    priceKey: { model: id, scope: null },
  };
}

/** The price key of a model id (see `bedrockModelId`). */
export function bedrockPriceKey(id: string): PriceKey {
  return bedrockModelId(id).priceKey;
}

/**
 * `claude-sonnet-4-5-20250929-v1:0` → `claude-sonnet-4-5`: the `:N` / `:200k` throughput
 * suffixes, then `-vN`, then an 8-digit date. `-vN` stays when nothing with a digit or a dash
 * would be left (`claude-v2` is a model, not a version of `claude`).
 */
function stripVersion(name: string): string {
  let id = name.replace(/(?::[0-9a-z]+)+$/, "");
  const unversioned = id.replace(/-v\d+$/, "");
  if (unversioned !== id && /[-\d]/.test(unversioned)) id = unversioned;
  id = id.replace(/-\d{8}$/, "");
  return id === "" ? name : id;
}

/**
 * The `vertex` kind: Google Cloud Vertex AI (`aiplatform.googleapis.com`). A request's path
 * (vertex_paths.ts) names the publisher, the model and the method, and the publisher decides the
 * wire format of the body and the answer:
 *
 * - `publishers/google/models/{m}:generateContent | streamGenerateContent | countTokens |
 *   embedContent | predict`: Gemini's (gemini_usage.ts, gemini_array_stream.ts, commit_gemini.ts;
 *   embeddings: vertex_embed_usage.ts);
 * - `publishers/anthropic/models/{m}:rawPredict | streamRawPredict` and
 *   `models/count-tokens:rawPredict`: Anthropic Messages (Claude on Vertex: the body has
 *   `anthropic_version` and no `model`; the path's model carries `@date`), read by the Anthropic
 *   reader and commit rules as they are. Not by `anthropicAdapter` itself: its path rule knows
 *   only `/v1/messages`, so a Claude stream on Vertex would get no usage and no commit point
 *   (LiteLLM #37923: "All streamed Vertex Anthropic requests are logged with spend = 0").
 *
 * The model and whether the answer streams are the path's. Error bodies: google.rpc, or
 * Anthropic's for Claude's model errors (gemini_errors.ts `vertexErrorBodyFacts`). Credentials:
 * the client's `Authorization: Bearer <access token>` is forwarded; a pool key travels the same
 * way (`keyHeader`, the only place this adapter names `authorization`). A provider with a `gcp`
 * service account replaces either with the gateway's token after this (proxy/upstream_auth.ts). Prices: `priceKeyOf` (vertex_price_key.ts) with the scope of the path's location.
 *
 * PII in streams: `locateStreamText` tells the two publishers' events apart by shape (below),
 * and `streamError` writes the error the path's SDK raises.
 *
 * Not here, on purpose: `hideUsageEvent`: both publishers report usage on their own.
 */
import { isRecord, maxTokensOf, modelOf, readRequestJson } from "./json_body.ts";
import {
  createResponseParser,
  expectationFor,
  isEventStream,
  sseStreamKind,
  type UsageExpectation,
} from "./response_parser.ts";
import { anthropicAdapter, AnthropicUsageReader, locateAnthropicStreamText } from "./anthropic.ts";
import { geminiAdapter } from "./gemini.ts";
import { locateGeminiStreamText } from "./gemini_stream_text.ts";
import { AnthropicCommitRules } from "./commit_anthropic.ts";
import { GeminiUsageReader } from "./gemini_usage.ts";
import { GeminiArrayUsageParser } from "./gemini_array_stream.ts";
import { GeminiCommitRules } from "./commit_gemini.ts";
import { vertexErrorBodyFacts } from "./gemini_errors.ts";
import type { MethodKind } from "./gemini_paths.ts";
import { parseVertexPath, type VertexPath, vertexWithModel } from "./vertex_paths.ts";
import { VertexEmbedUsageReader } from "./vertex_embed_usage.ts";
import { vertexPriceKey } from "./vertex_price_key.ts";
import { StreamCommitScanner } from "./stream_commit.ts";
import type {
  PreparedRequest,
  PrepareInput,
  ProviderAdapter,
  ResponseInfo,
  SseEvent,
  StreamTextLocation,
} from "./types.ts";

/** `gen_ai.operation.name` by publisher and method kind (OpenTelemetry GenAI conventions). */
const operations: Record<VertexPath["publisher"], Partial<Record<MethodKind, string>>> = {
  google: { generate: "generate_content", embed: "embeddings", predict: "embeddings" },
  // Claude's `rawPredict` is a Messages call, as `/v1/messages` is on Anthropic's API.
  anthropic: { generate: "chat" },
};

/**
 * Usage by method: generation and Gemini embeddings report it; counting tokens is free;
 * `predict` is generic (embeddings report token counts, other models may not); other paths
 * (model lists, operations, caches) are read when they carry usage.
 */
function pathRule(path: VertexPath | null): UsageExpectation {
  if (path === null) return "optional";
  switch (path.kind) {
    case "generate":
    case "embed":
      return "expected";
    case "count_tokens":
      return "none";
    default:
      return "optional";
  }
}

export function prepareVertexRequest(input: PrepareInput): PreparedRequest {
  const path = parseVertexPath(input.path);
  const json = readRequestJson(input.method, input.contentType, input.body);
  const body = json?.value ?? null;
  const base = { body: input.body, hideUsageEvent: false, modelIn: "path" as const };
  if (path?.publisher === "anthropic") {
    // `count-tokens:rawPredict` names its model in the body (Anthropic's count_tokens shape).
    const model = path.kind === "count_tokens"
      ? (body === null ? null : modelOf(body))
      : path.model;
    const maxTokens = body === null ? null : maxTokensOf(body, ["max_tokens"]);
    return { ...base, model, streaming: path.streams, maxTokens };
  }
  const config = body?.generationConfig;
  const max = isRecord(config) ? config.maxOutputTokens : undefined;
  return {
    ...base,
    model: path?.model ?? null,
    streaming: path?.streams ?? false,
    maxTokens: typeof max === "number" && Number.isSafeInteger(max) && max >= 0 ? max : null,
  };
}

function streamedPost(info: ResponseInfo): boolean {
  const post = info.method === undefined || info.method.toUpperCase() === "POST";
  return post && info.status >= 200 && info.status < 300 && isEventStream(info);
}

/**
 * Text locations in a Vertex stream of either publisher. The locator sees events, not paths: an
 * Anthropic event always names its `type` (`message_start`, `content_block_delta`, ...); a Gemini
 * chunk never has one (`candidates`, `usageMetadata`, `modelVersion`). A chunk with `candidates`
 * is Gemini's whatever else it holds, so that a `type` member cannot hide its text from the
 * Gemini locator (which refuses what it cannot read).
 */
export function locateVertexStreamText(event: SseEvent): StreamTextLocation {
  const data = event.data;
  const anthropic = isRecord(data) && typeof data.type === "string" &&
    data.candidates === undefined;
  return anthropic ? locateAnthropicStreamText(event) : locateGeminiStreamText(event);
}

export const vertexAdapter: ProviderAdapter = {
  prepareRequest: prepareVertexRequest,
  streamKind: sseStreamKind,
  // Vertex takes an OAuth access token; a pool key is one (short-lived: see docs).
  keyHeader: (key) => ["authorization", `Bearer ${key}`],
  withModel: vertexWithModel,
  operationOf(path) {
    const p = parseVertexPath(path);
    return p === null ? null : operations[p.publisher][p.kind] ?? null;
  },
  priceKeyOf: vertexPriceKey,

  createUsageParser(info, observer) {
    const path = parseVertexPath(info.path);
    const expectation = expectationFor(info, pathRule(path));
    if (path?.publisher === "anthropic") {
      return createResponseParser(info, expectation, new AnthropicUsageReader(), observer);
    }
    if (path?.kind === "embed" || path?.kind === "predict") {
      return createResponseParser(info, expectation, new VertexEmbedUsageReader(), observer);
    }
    if (expectation !== "none" && path?.framing === "json-array" && !isEventStream(info)) {
      return new GeminiArrayUsageParser(info.requestModel);
    }
    return createResponseParser(info, expectation, new GeminiUsageReader(), observer);
  },

  createCommitScanner(info, options) {
    if (!streamedPost(info)) return null;
    const path = parseVertexPath(info.path);
    if (path === null || !path.streams) return null;
    const rules = path.publisher === "anthropic"
      ? new AnthropicCommitRules()
      : new GeminiCommitRules();
    return new StreamCommitScanner(rules, options);
  },

  errorFacts: vertexErrorBodyFacts,
  locateStreamText: locateVertexStreamText,

  /** The error the path's SDK raises: Anthropic's for Claude, Gemini's raw error otherwise. */
  streamError(code, message, path) {
    const claude = path !== undefined && parseVertexPath(path)?.publisher === "anthropic";
    return (claude ? anthropicAdapter : geminiAdapter).streamError!(code, message);
  },
};

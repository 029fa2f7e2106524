/**
 * Usage of Bedrock's InvokeModel and InvokeModelWithResponseStream, whose bodies are the model
 * family's own (issue 20 plan sections 2.3 and 6.5):
 * - Anthropic family: the body is Anthropic Messages: the JSON answer, or Anthropic stream
 *   events, one per `chunk` message, as base64 in the payload's `bytes` (`PayloadPart`,
 *   bedrock-client `schemas_0.js:1213`; the payload's `p` padding is ignored). Usage exactly as
 *   `AnthropicUsageReader` reads it (`input = input_tokens + cache_read + cache_creation`).
 * - Every family, streamed: the last chunk carries `amazon-bedrock-invocationMetrics`
 *   (`inputTokenCount`, `outputTokenCount`, and `cacheReadInputTokenCount` /
 *   `cacheWriteInputTokenCount` when caching applies); `inputTokenCount` is the uncached part,
 *   as Converse's `inputTokens`.
 * - Every family, not streamed: the response headers `X-Amzn-Bedrock-Input-Token-Count`,
 *   `-Output-Token-Count`, and `-Cache-Read-Input-Token-Count` / `-Cache-Write-Input-Token-Count`
 *   when caching applies (input uncached, as the metrics'). The SDK does not model them
 *   (`@aws-sdk/client-bedrock-runtime` 3.1178.0 names no such header): the names are those
 *   recorded from real answers by dd-trace-js's Bedrock fixtures, LiteLLM, and AWS users reading
 *   `ResponseMetadata.HTTPHeaders` from boto3.
 * Rule: the Anthropic body's usage first (it is what Anthropic bills and splits cache writes by
 * TTL); the invocation metrics or the headers otherwise. When both are there and disagree, the
 * body's is kept, the disagreement counted as a parse error and named in the trace
 * (`usage_anomaly: bedrock_usage_reports_disagree`; peers lost input tokens by reading only one:
 * Bifrost #5629).
 *
 * The family is told by the body's shape, not by the model id: an application inference
 * profile's ARN names no model, and a body that is not Anthropic's simply has no Anthropic usage.
 * Other families' own body figures (Llama's `prompt_token_count`, Nova's `usage`) are not read:
 * the headers and metrics carry the same for every family; a family that fills neither (AI21 and
 * Cohere, by one third-party report) stays `unknown`, never zero.
 */
import { decodeBase64 } from "../bytes.ts";
import type { Usage } from "./usage.ts";
import type { BillingFacts } from "./billing_facts.ts";
import { isRecord } from "./json_body.ts";
import { makeUsage, tokenCount } from "./usage_counts.ts";
import { AnthropicUsageReader } from "./anthropic.ts";
import { leadingTypeOf } from "./commit_events.ts";
import type {
  BedrockReaderResult,
  BedrockStreamMessage,
  BedrockStreamReader,
  BedrockUsageAnomaly,
} from "./bedrock_stream.ts";

export const invocationMetricsMember = "amazon-bedrock-invocationMetrics";

/** `amazon-bedrock-invocationMetrics` → trace usage; null when a figure is missing or bad. */
export function invocationMetricsUsage(m: unknown): Usage | null {
  if (!isRecord(m)) return null;
  const input = tokenCount(m.inputTokenCount);
  const output = tokenCount(m.outputTokenCount);
  const cached = m.cacheReadInputTokenCount === undefined
    ? 0
    : tokenCount(m.cacheReadInputTokenCount);
  const write = m.cacheWriteInputTokenCount === undefined
    ? 0
    : tokenCount(m.cacheWriteInputTokenCount);
  if (input === null || output === null || cached === null || write === null) return null;
  return makeUsage({ input: input + cached + write, output, cached, cacheWrite: write });
}

/** The token-count headers of a non-streamed InvokeModel answer (lower case, as `Headers`). */
export const invokeTokenHeaders = {
  input: "x-amzn-bedrock-input-token-count",
  output: "x-amzn-bedrock-output-token-count",
  cacheRead: "x-amzn-bedrock-cache-read-input-token-count",
  cacheWrite: "x-amzn-bedrock-cache-write-input-token-count",
} as const;

/** A header's token count: decimal digits only (at most 15: a safe integer); null otherwise. */
function headerCount(headers: Headers, name: string): number | null {
  const v = headers.get(name)?.trim();
  return v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : null;
}

/**
 * InvokeModel's token-count headers → trace usage (input = uncached + cache read + cache
 * write); null when the input or output count is missing or not a count, or a cache header is
 * present but not a count.
 */
export function invokeHeadersUsage(headers: Headers | undefined): Usage | null {
  if (headers === undefined) return null;
  const h = invokeTokenHeaders;
  const input = headerCount(headers, h.input);
  const output = headerCount(headers, h.output);
  const cached = headers.has(h.cacheRead) ? headerCount(headers, h.cacheRead) : 0;
  const write = headers.has(h.cacheWrite) ? headerCount(headers, h.cacheWrite) : 0;
  if (input === null || output === null || cached === null || write === null) return null;
  return makeUsage({ input: input + cached + write, output, cached, cacheWrite: write });
}

const utf8 = new TextDecoder();

/**
 * The family's event inside a `chunk` payload (`{"bytes": "<base64>", "p": ...}`), parsed; throws
 * on a payload that is not that (a parse error for the caller).
 */
export function chunkEvent(payload: string): unknown {
  return JSON.parse(chunkText(payload));
}

/** The decoded text of a `chunk` payload's `bytes`. */
export function chunkText(payload: string): string {
  const outer: unknown = JSON.parse(payload);
  if (!isRecord(outer) || typeof outer.bytes !== "string") {
    throw new Error("a chunk without base64 bytes");
  }
  return utf8.decode(fromBase64(outer.bytes));
}

/**
 * The leading `type` of a chunk's event, read from its first 48 base64 characters (36 bytes)
 * without decoding the rest: enough for every Anthropic event type. Null when it does not start
 * with a `type` member (another family, or a long type name).
 */
export function chunkLeadingType(payload: string): string | null {
  const at = payload.indexOf('"bytes":"');
  if (at < 0) return null;
  const start = at + 9;
  const end = payload.indexOf('"', start);
  const b64 = payload.slice(start, Math.min(start + 48, end < 0 ? start : end));
  try {
    return leadingTypeOf(utf8.decode(fromBase64(b64.slice(0, b64.length - (b64.length % 4)))));
  } catch {
    return null;
  }
}

/** Base64 to bytes; throws when it is not base64 (the callers count that as a parse error). */
function fromBase64(b64: string): Uint8Array {
  const bytes = decodeBase64(b64);
  if (bytes === null) throw new Error("a chunk whose bytes are not base64");
  return bytes;
}

/**
 * Anthropic events that never carry usage or the invocation metrics, skipped without decoding
 * them whole (most of a long stream): the usage reader reads what any other chunk says.
 */
const skippedTypes = new Set([
  "content_block_delta",
  "content_block_start",
  "content_block_stop",
  "ping",
]);

/** InvokeModelWithResponseStream: Anthropic usage from the chunks, invocation metrics last. */
export class BedrockInvokeStreamReader implements BedrockStreamReader {
  readonly #anthropic = new AnthropicUsageReader();
  #metrics: Usage | null = null;
  #metricsSeen = false;

  message(m: BedrockStreamMessage): void {
    if (m.messageType !== "event" || m.type !== "chunk") return;
    const type = chunkLeadingType(m.payload);
    if (type !== null && skippedTypes.has(type)) return;
    const event = chunkEvent(m.payload);
    if (!isRecord(event)) throw new Error("a chunk's event is not an object");
    if (typeof event.type === "string") this.#anthropic.event(event, undefined);
    if (event[invocationMetricsMember] !== undefined) {
      this.#metricsSeen = true;
      this.#metrics = invocationMetricsUsage(event[invocationMetricsMember]);
    }
  }

  result(): BedrockReaderResult {
    return combine(this.#anthropic.result(), this.#metrics, this.#metricsSeen);
  }
}

/**
 * InvokeModel's JSON answer: the Anthropic reader as it is, its model left out (the trace's
 * model is the path's, whose prefix prices the endpoint scope).
 */
export class BedrockInvokeReader extends AnthropicUsageReader {
  override result() {
    return { ...super.result(), model: null };
  }
}

function combine(
  a: { usage: Usage | null; final: boolean; facts?: BillingFacts },
  metrics: Usage | null,
  metricsSeen: boolean,
): BedrockReaderResult {
  if (a.usage !== null && a.final) {
    const conflicts = metrics !== null && !sameUsage(a.usage, metrics) ? 1 : 0;
    const anomaly = conflicts > 0 ? disagreement : null;
    const r: BedrockReaderResult = { model: null, usage: a.usage, final: true, conflicts, anomaly };
    if (a.facts !== undefined) r.facts = a.facts;
    return r;
  }
  return { model: null, usage: metrics, final: metricsSeen && metrics !== null };
}

/** Trace metadata `usage_anomaly` when the body and Bedrock's own figures disagree. */
export const disagreement: BedrockUsageAnomaly = "bedrock_usage_reports_disagree";

export function sameUsage(a: Usage, b: Usage): boolean {
  return a.input_tokens === b.input_tokens && a.output_tokens === b.output_tokens &&
    a.cached_input_tokens === b.cached_input_tokens &&
    a.cache_write_tokens === b.cache_write_tokens;
}

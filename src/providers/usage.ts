/**
 * Usage as the gateway knows it, in one meaning for every provider. Providers own it: they read
 * it from the answers; traces, pricing and the API consume it.
 */

/**
 * - `exact`: the provider reported usage and we read it.
 * - `unknown`: usage was expected but is not known (stream cut, upstream omitted it, unparsable).
 *   Tokens and cost are then null, never a partial count presented as complete.
 * - `none`: the exchange carries no usage (model lists, upstream errors, non-LLM paths).
 */
export type UsageStatus = "exact" | "unknown" | "none";

/**
 * Why usage was not read although the answer arrived (trace metadata `usage_unknown_reason`):
 * the answer crossed a bound that keeps an upstream from exhausting the gateway's memory, so
 * reading stopped there while the client kept getting every byte.
 * - `decoded_body_too_large`: the decoded copy of a compressed answer passed
 *   `proxy.max_decoded_response_bytes`.
 * - `decompression_ratio_exceeded`: a compressed answer expanded more than 200:1 (past 8 MiB).
 * - `usage_member_too_large`: a JSON member the usage reader keeps (`usage`, `model`) passed 256 KiB.
 * - `sse_event_too_large`: one SSE line or event passed 16 MiB.
 * - `eventstream_corrupt`: an AWS event-stream prelude CRC or header type was wrong, so no
 *   message length after it can be trusted (the bytes still reach the client unchanged).
 * - `eventstream_message_too_large`: one event-stream message passed 24 MiB (headers 128 KiB).
 * - `not_reported`: the provider's answer carries no usage by design (Gemini API embeddings).
 * The last three have no producer in this build yet (issue 20's adapters add them).
 */
export type UsageUnknownReason =
  | "decoded_body_too_large"
  | "decompression_ratio_exceeded"
  | "usage_member_too_large"
  | "sse_event_too_large"
  | "eventstream_corrupt"
  | "eventstream_message_too_large"
  | "not_reported";

/**
 * The token counts, in one meaning for every provider; the one list of them. Traces, rollups,
 * analytics rows and their SQL take their token columns from it, in this order.
 * - `input_tokens`: every input token the model processed, cached and cache-written included
 *   (OpenAI `prompt_tokens`; Anthropic `input_tokens + cache_read + cache_creation`).
 * - `cached_input_tokens`, `cache_write_tokens`: the parts of `input_tokens` read from or written
 *   to the prompt cache.
 * - `output_tokens`: every generated token, reasoning included; `reasoning_tokens` is that part.
 */
export const tokenFields = [
  "input_tokens",
  "output_tokens",
  "total_tokens",
  "cached_input_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
] as const;
export type TokenField = (typeof tokenFields)[number];

/** What each token figure counts, as the API document and the README say it. */
export const tokenFieldDescriptions: Readonly<Record<TokenField, string>> = {
  input_tokens: "Every input token processed, cached and cache-written included",
  output_tokens: "Every generated token, reasoning included",
  total_tokens: "input_tokens + output_tokens",
  cached_input_tokens: "The part of input_tokens read from the prompt cache",
  cache_write_tokens: "The part of input_tokens written to the prompt cache",
  reasoning_tokens: "The part of output_tokens spent on reasoning",
};

/** Token counts of one exchange (see `tokenFields` for what each means). */
export type Usage = Record<TokenField, number>;

/** One entry per token field, in `tokenFields` order: how the other lists of token figures are built. */
export function perTokenField<T>(value: (field: TokenField) => T): Record<TokenField, T> {
  return Object.fromEntries(tokenFields.map((field) => [field, value(field)])) as Record<
    TokenField,
    T
  >;
}

/** No tokens at all (a refused request's usage). */
export function zeroUsage(): Usage {
  return perTokenField(() => 0);
}

/**
 * Errors inside streams (plan sections 4 and 5), one mapping for every stream codec: a decoder
 * turns an upstream's in-band error into the IR error through T6's `inBandErrorOf`
 * (errors_in_band.ts: the adapters' own classifiers, the message prefixed `openai:` /
 * `anthropic:` / `gemini:` / `bedrock:`), and an encoder writes an IR error through T6's client
 * rows (`clientErrorOf`, errors.ts), so a stream error and an HTTP error of the same condition
 * carry the same type and code. Only the shapes that exist in streams alone are built here.
 */
import { clientErrorOf, type UpstreamError, upstreamLabels } from "./errors.ts";
import { inBandErrorOf } from "./errors_in_band.ts";
import type { Protocol } from "./ir.ts";
import type { ProviderError } from "./ir_stream.ts";
import { isObject, type Obj } from "./json.ts";

/**
 * The IR error of an in-band error payload. The `detail` (context_length, content_policy,
 * billing) rides on the event only when there is one: the client's encoder needs it to name
 * `context_length_exceeded` or `insufficient_quota`, and an event without it stays a plain
 * `ProviderError`.
 */
export function streamErrorOf(
  upstream: Protocol,
  payload: unknown,
  exceptionType: string | null = null,
): UpstreamError {
  const { detail, ...error } = inBandErrorOf(upstream, payload, exceptionType);
  return detail ? { ...error, detail } : error;
}

/** The upstream's body ended before its protocol's end: the gateway's 502, never a hang. */
export function streamCutError(upstream: Protocol, missing: string): ProviderError {
  return {
    kind: "server",
    status: 502,
    message: `${upstreamLabels[upstream]}: the upstream stream ended before ${missing}`,
    retryAfterMs: null,
  };
}

/** The `error` object of an OpenAI in-band error chunk (`data: {"error": {...}}`). */
export function openAiStreamError(error: ProviderError): Obj {
  const body = clientErrorOf("openai.chat", error).body;
  return isObject(body.error) ? body.error : {};
}

/**
 * `response.error` of a Responses `response.failed` event [oa `ResponseError`: `code`, `message`],
 * as OpenAI sends it (`{"code": "server_is_overloaded", "message": ...}`, sub2api PR #3476).
 * Codex reads the code (codex-rs `codex-api/src/sse/responses.rs`): `context_length_exceeded`
 * starts its compaction, `insufficient_quota` stops without retrying, any other code is retried.
 * A row without a code (server, invalid request) gives its type: `server_error` is the enum's own.
 */
export function responsesStreamError(error: ProviderError): Obj {
  const e = openAiStreamError(error);
  return { code: e.code ?? e.type ?? "server_error", message: e.message };
}

/**
 * ConverseStream's exception members [br `ConverseStreamOutput`]: the AWS SDK throws its modeled
 * class only for these (any other `:exception-type` is a bare `Error`), so the client row's
 * `x-amzn-errortype` is written as its member when it has one.
 */
const converseExceptions: Readonly<Record<string, string>> = {
  ThrottlingException: "throttlingException",
  ServiceUnavailableException: "serviceUnavailableException",
  ValidationException: "validationException",
  InternalServerException: "internalServerException",
};

/**
 * The ConverseStream exception of an IR error. Rows without a stream member: a timeout
 * (`ModelTimeoutException`) is `internalServerException` (retryable, as the timeout is); access
 * and not-found rows are `validationException` (the request itself will not pass, never
 * retried).
 */
export function converseStreamException(error: ProviderError): { type: string; message: string } {
  const answer = clientErrorOf("bedrock.converse", error);
  const row = answer.headers["x-amzn-errortype"] ?? "";
  const fallback = answer.status >= 500 ? "internalServerException" : "validationException";
  return {
    type: converseExceptions[row] ?? fallback,
    message: String(answer.body.message ?? error.message),
  };
}

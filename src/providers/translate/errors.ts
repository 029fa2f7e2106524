/**
 * Errors across protocols (plan section 5): an upstream's error, as its adapter's `errorFacts`
 * classify it (error_facts.ts), becomes the IR `ProviderError`, which is written in the client's
 * own error format with a status its official SDK retries exactly when the condition is retryable.
 *
 * Retry rules, read in the SDKs' code: `openai` 7.57.0 and `@anthropic-ai/sdk` 1.12.0
 * `shouldRetry` obey `x-should-retry: true|false` first, then retry 408, 409, 429 and ≥ 500;
 * `@google/genai` 3.6.1 `apiCall` retries (when retries are on) 408, 429, 500, 502, 503, 504
 * only, so a Gemini client never gets 529 or 409; the AWS SDK (`@smithy/core` 3.41.1
 * `service-error-classification`) retries throttling (429 or `ThrottlingException`) and
 * 500, 502, 503, 504, and not 408 or 409. OpenAI and Anthropic clients also get
 * `x-should-retry` so a non-retryable 429 (billing) is not retried.
 */
import { boundedMessage, type ProviderErrorFacts } from "../error_facts.ts";
import type { JsonObject, Protocol } from "./ir.ts";
import type { ErrorKind, ProviderError } from "./ir_stream.ts";
import type { TranslationError } from "./notes.ts";

/** What the client's own codes distinguish beyond the kind (OpenAI `context_length_exceeded`). */
export type ErrorDetail = "context_length" | "content_policy" | "billing";

/** `ProviderError` with the detail the client format names; stream codecs may omit it. */
export interface UpstreamError extends ProviderError {
  detail?: ErrorDetail | null;
}

/** An error answer in the client's format: status, headers to add, JSON body. */
export interface ClientErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: JsonObject;
}

/** Kinds whose condition passes with time: the client's SDK retries these and only these. */
export const retryableKinds: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  "rate_limit",
  "overloaded",
  "server",
  "timeout",
  "conflict",
]);

/** The name a message is prefixed with, so a user knows which provider said it. */
export const upstreamLabels: Record<Protocol, string> = {
  "openai.chat": "openai",
  "openai.responses": "openai",
  "anthropic.messages": "anthropic",
  "gemini.generate": "gemini",
  "bedrock.converse": "bedrock",
};

const kindStatus: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  request_too_large: 413,
  rate_limit: 429,
  overloaded: 529,
  server: 500,
  timeout: 504,
  conflict: 409,
};

/** The kind an HTTP status means when the category says nothing more precise. */
function kindOfStatus(status: number | null): ErrorKind {
  switch (status) {
    case 401:
      return "authentication";
    case 402:
    case 403:
      return "permission";
    case 404:
      return "not_found";
    case 408:
    case 504:
      return "timeout";
    case 409:
      return "conflict";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit";
    case 503:
    case 529:
      return "overloaded";
  }
  return status !== null && status >= 500 ? "server" : "invalid_request";
}

function kindAndDetail(
  facts: ProviderErrorFacts,
  status: number | null,
): { kind: ErrorKind; detail: ErrorDetail | null } {
  switch (facts.category) {
    case "rate_limited":
      return { kind: "rate_limit", detail: null };
    case "overloaded":
      return { kind: "overloaded", detail: null };
    case "server_error":
      return { kind: status === 408 || status === 504 ? "timeout" : "server", detail: null };
    case "context_length":
      return { kind: "invalid_request", detail: "context_length" };
    case "content_policy":
      return { kind: "invalid_request", detail: "content_policy" };
    case "billing":
      return { kind: "permission", detail: "billing" };
    case "auth":
      return { kind: status === 403 ? "permission" : "authentication", detail: null };
    case "not_found":
      return { kind: "not_found", detail: null };
    case "invalid_request":
      return { kind: status === 413 ? "request_too_large" : "invalid_request", detail: null };
    case "other":
      return { kind: kindOfStatus(status), detail: null };
  }
}

/**
 * The IR error of an upstream's answer: `status` is the upstream's HTTP status (null for an
 * in-band stream error), `retryAfterMs` the wait its headers or body name (facts' own wins
 * when the caller has none). The message keeps the provider's text (already bounded by
 * `boundedMessage`), prefixed with the upstream's name.
 */
export function providerErrorOf(
  upstream: Protocol,
  status: number | null,
  facts: ProviderErrorFacts,
  retryAfterMs: number | null = null,
): UpstreamError {
  const { kind, detail } = kindAndDetail(facts, status);
  const said = facts.message ?? (status === null ? "error without a message" : `status ${status}`);
  return {
    kind,
    status: status ?? kindStatus[kind],
    message: `${upstreamLabels[upstream]}: ${said}`,
    retryAfterMs: retryAfterMs ?? facts.retryAfterMs ?? null,
    detail,
  };
}

function retryHeaders(error: ProviderError, sdkHeader: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (sdkHeader) headers["x-should-retry"] = String(retryableKinds.has(error.kind));
  const wait = error.retryAfterMs;
  if (wait !== null && Number.isFinite(wait) && wait >= 0 && retryableKinds.has(error.kind)) {
    headers["retry-after"] = String(Math.ceil(wait / 1000));
    headers["retry-after-ms"] = String(Math.ceil(wait));
  }
  return headers;
}

const openaiRows: Record<ErrorKind, [number, string, string | null]> = {
  invalid_request: [400, "invalid_request_error", null],
  authentication: [401, "authentication_error", null],
  permission: [403, "permission_error", null],
  not_found: [404, "invalid_request_error", "not_found"],
  request_too_large: [413, "invalid_request_error", "request_too_large"],
  rate_limit: [429, "rate_limit_exceeded", "rate_limit_exceeded"],
  // OpenAI has no 529; both SDKs retry every status ≥ 500. `server_is_overloaded` is the code
  // OpenAI sends (its Responses `error` / `response.failed` events, sub2api PR #3476, opencode
  // #25884; Codex retries it), also on Chat's in-band error line.
  overloaded: [503, "server_error", "server_is_overloaded"],
  server: [500, "server_error", null],
  timeout: [504, "server_error", "timeout"],
  conflict: [409, "invalid_request_error", "conflict"],
};

function openaiError(error: UpstreamError): ClientErrorAnswer {
  let [status, type, code] = openaiRows[error.kind];
  let param: string | null = null;
  if (error.detail === "context_length") {
    [status, type, code, param] = [
      400,
      "invalid_request_error",
      "context_length_exceeded",
      "messages",
    ];
  } else if (error.detail === "content_policy") {
    [status, type, code] = [400, "invalid_request_error", "content_policy_violation"];
  } else if (error.detail === "billing") {
    // Billing is `permission` in the IR (403-class: waiting does not help, so routing never
    // takes it for a rate limit), but an OpenAI client gets OpenAI's own shape for it: HTTP 429
    // with `type`/`code` `insufficient_quota` (OpenAI's error-code guide; `openai_errors.ts`).
    // The openai SDK retries a 429 unless `x-should-retry: false`, which it obeys first
    // (7.57.0 `client.js` `shouldRetry`), and retryHeaders sends false for this kind: the
    // client sees the status it knows and does not retry. In a stream no status reaches the
    // client (the SDK throws `APIError` without one and never retries mid-stream): the code is
    // what it reads, and Codex stops on it (`codex-api/src/sse/responses.rs`).
    [status, type, code] = [429, "insufficient_quota", "insufficient_quota"];
  }
  return {
    status,
    headers: retryHeaders(error, true),
    body: { error: { message: error.message, type, param, code } },
  };
}

const anthropicRows: Record<ErrorKind, [number, string]> = {
  invalid_request: [400, "invalid_request_error"],
  authentication: [401, "authentication_error"],
  permission: [403, "permission_error"],
  not_found: [404, "not_found_error"],
  request_too_large: [413, "request_too_large"],
  rate_limit: [429, "rate_limit_error"],
  overloaded: [529, "overloaded_error"],
  server: [500, "api_error"],
  // A decision (plan section 5): 504 `api_error`; the SDK retries it.
  timeout: [504, "api_error"],
  conflict: [409, "api_error"],
};

/** Claude Code recognises an overflow by this wording and reads the figures after it
 *  (`/prompt is too long[^0-9]*(\d+)\s*tokens?\s*>\s*(\d+)/i` in its 2.1.332 code) to know
 *  how much to compact. */
export const anthropicOverflowPrefix = "prompt is too long: ";

/** Token figures of an overflow as each provider words it; null when the text names none. */
export function overflowFigures(text: string): { actual: number; limit: number } | null {
  const n = (v: string | undefined) => (v === undefined ? NaN : Number(v));
  const pairs: [number, number][] = [];
  // Anthropic (also through Bedrock): "prompt is too long: 200049 tokens > 200000 maximum".
  let m = text.match(/(\d+) tokens? > (\d+)/);
  if (m) pairs.push([n(m[1]), n(m[2])]);
  // Gemini: "The input token count (1048577) exceeds the maximum number of tokens allowed (1048576)".
  m = text.match(
    /input token count \(?(\d+)\)? exceeds the maximum number of tokens allowed \(?(\d+)/i,
  );
  if (m) pairs.push([n(m[1]), n(m[2])]);
  // OpenAI: "maximum context length is 128000 tokens. However, your messages resulted in 130500 tokens".
  const limit = text.match(/maximum context length is (\d+)/i);
  const actual = text.match(/(?:resulted in|requested) (\d+) tokens/i);
  if (limit && actual) pairs.push([n(actual[1]), n(limit[1])]);
  const found = pairs.find(([a, l]) => Number.isSafeInteger(a) && Number.isSafeInteger(l));
  return found ? { actual: found[0], limit: found[1] } : null;
}

function anthropicOverflowMessage(message: string): string {
  const f = overflowFigures(message);
  return f === null
    ? anthropicOverflowPrefix + message
    : `${anthropicOverflowPrefix}${f.actual} tokens > ${f.limit} maximum (${message})`;
}

function anthropicError(error: UpstreamError): ClientErrorAnswer {
  let [status, type] = anthropicRows[error.kind];
  let message = error.message;
  if (error.detail === "context_length") {
    [status, type, message] = [400, "invalid_request_error", anthropicOverflowMessage(message)];
  } else if (error.detail === "content_policy") [status, type] = [400, "invalid_request_error"];
  else if (error.detail === "billing") [status, type] = [402, "billing_error"];
  return {
    status,
    headers: retryHeaders(error, true),
    body: { type: "error", error: { type, message } },
  };
}

const geminiRows: Record<ErrorKind, [number, string]> = {
  invalid_request: [400, "INVALID_ARGUMENT"],
  authentication: [401, "UNAUTHENTICATED"],
  permission: [403, "PERMISSION_DENIED"],
  not_found: [404, "NOT_FOUND"],
  request_too_large: [400, "INVALID_ARGUMENT"],
  rate_limit: [429, "RESOURCE_EXHAUSTED"],
  overloaded: [503, "UNAVAILABLE"],
  server: [500, "INTERNAL"],
  timeout: [504, "DEADLINE_EXCEEDED"],
  // @google/genai does not retry 409: a retryable conflict goes out as 503.
  conflict: [503, "UNAVAILABLE"],
};

function geminiError(error: UpstreamError): ClientErrorAnswer {
  let [code, status] = geminiRows[error.kind];
  if (error.detail === "billing") [code, status] = [400, "FAILED_PRECONDITION"];
  else if (error.detail !== null && error.detail !== undefined) {
    [code, status] = [400, "INVALID_ARGUMENT"];
  }
  const body: JsonObject = { code, message: error.message, status };
  const wait = error.retryAfterMs;
  if (wait !== null && Number.isFinite(wait) && wait >= 0 && retryableKinds.has(error.kind)) {
    body.details = [{
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: `${Math.ceil(wait / 1000)}s`,
    }];
  }
  return { status: code, headers: retryHeaders(error, false), body: { error: body } };
}

const bedrockRows: Record<ErrorKind, [number, string]> = {
  invalid_request: [400, "ValidationException"],
  authentication: [403, "AccessDeniedException"],
  permission: [403, "AccessDeniedException"],
  not_found: [404, "ResourceNotFoundException"],
  request_too_large: [400, "ValidationException"],
  rate_limit: [429, "ThrottlingException"],
  overloaded: [503, "ServiceUnavailableException"],
  server: [500, "InternalServerException"],
  // The AWS SDK retries 504 (not Bedrock's own 408 for this type).
  timeout: [504, "ModelTimeoutException"],
  // The AWS SDK retries neither 409 nor ConflictException (400).
  conflict: [503, "ServiceUnavailableException"],
};

function bedrockError(error: UpstreamError): ClientErrorAnswer {
  let [status, type] = bedrockRows[error.kind];
  if (error.detail === "context_length" || error.detail === "content_policy") {
    [status, type] = [400, "ValidationException"];
  }
  const headers = retryHeaders(error, false);
  headers["x-amzn-errortype"] = type;
  return { status, headers, body: { message: error.message } };
}

/** The upstream's error in the client's format (an HTTP answer, or an in-band stream error's
 *  payload: the same body each protocol sends in its `error` event or chunk). */
export function clientErrorOf(client: Protocol, upstreamError: UpstreamError): ClientErrorAnswer {
  // Stream codecs build errors from hostile bytes: bound the message here too.
  const message = boundedMessage(upstreamError.message) ?? "error without a message";
  const error = { ...upstreamError, message };
  switch (client) {
    case "openai.chat":
    case "openai.responses":
      return openaiError(error);
    case "anthropic.messages":
      return anthropicError(error);
    case "gemini.generate":
      return geminiError(error);
    case "bedrock.converse":
      return bedrockError(error);
  }
}

/** A request the translation cannot carry: 400 in the client's format, naming the field. */
export function translationErrorOf(client: Protocol, error: TranslationError): ClientErrorAnswer {
  const message = `ongoingai: cannot translate ${error.field}: ${error.reason}`;
  switch (client) {
    case "openai.chat":
    case "openai.responses":
      return {
        status: 400,
        headers: { "x-should-retry": "false" },
        body: {
          error: { message, type: "invalid_request_error", param: error.field, code: null },
        },
      };
    case "anthropic.messages":
      return {
        status: 400,
        headers: { "x-should-retry": "false" },
        body: { type: "error", error: { type: "invalid_request_error", message } },
      };
    case "gemini.generate":
      return {
        status: 400,
        headers: {},
        body: {
          error: {
            code: 400,
            message,
            status: "INVALID_ARGUMENT",
            details: [{
              "@type": "type.googleapis.com/google.rpc.BadRequest",
              fieldViolations: [{ field: error.field, description: error.reason }],
            }],
          },
        },
      };
    case "bedrock.converse":
      return {
        status: 400,
        headers: { "x-amzn-errortype": "ValidationException" },
        body: { message },
      };
  }
}

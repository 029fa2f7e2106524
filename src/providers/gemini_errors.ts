/**
 * Error facts for the Gemini API and Vertex AI: the google.rpc error body
 * `{"error": {"code": <http status>, "message": "...", "status": "<google.rpc code>", "details":
 * [...]}}` of a non-2xx answer (also with `Content-Type: text/event-stream` on a streamed request:
 * js-genai recording `Chats_Tests_sendMessage_Send_message_stream_with_error.json`), a one-element
 * array of it (`[{"error": {...}}]`, google-gemini/gemini-cli #6678, #4118), and the same object
 * written into a 200 stream (gemini_unframed.ts).
 *
 * Codes (ai.google.dev/gemini-api/docs/troubleshooting): 400 `INVALID_ARGUMENT`, 400
 * `FAILED_PRECONDITION` (free tier not offered in the country: a billing matter), 403
 * `PERMISSION_DENIED`, 404 `NOT_FOUND`, 429 `RESOURCE_EXHAUSTED`, 500 `INTERNAL`, 503
 * `UNAVAILABLE` ("The model is overloaded"), 504 `DEADLINE_EXCEEDED`. A bad key is a 400
 * `INVALID_ARGUMENT` whose `details[]` hold `google.rpc.ErrorInfo` with `reason:
 * "API_KEY_INVALID"`. A context overflow is a 400 "The input token count (N) exceeds the maximum
 * number of tokens allowed (M)." A 429 may carry `google.rpc.RetryInfo {retryDelay: "17s"}`: the
 * wait it asks for becomes `retryAfterMs`. Content policy is no HTTP error on Gemini (a 200 with
 * `promptFeedback.blockReason`: commit_gemini.ts).
 *
 * Vertex's `publishers/anthropic` methods answer model errors in Anthropic's shape
 * (`{"type": "error", "error": {"type", "message"}}`): `vertexErrorBodyFacts` reads a google
 * `status` first and an Anthropic `type` otherwise.
 */
import {
  boundedMessage,
  categoryForStatus,
  contextLengthWording,
  maxErrorBodyChars,
  type ProviderErrorCategory,
  type ProviderErrorFacts,
  statusIn,
} from "./error_facts.ts";
import { anthropicErrorFacts } from "./anthropic_errors.ts";
import { isRecord, type JsonObject } from "./json_body.ts";

// P0 shared type, copied from the plan section 10 until P0 lands (error_facts.ts gains the field).
export interface GeminiErrorFacts extends ProviderErrorFacts {
  /** A wait the error body asks for (google.rpc.RetryInfo `retryDelay`), in ms. */
  retryAfterMs?: number | null;
}

const byStatus: Record<string, ProviderErrorCategory> = {
  RESOURCE_EXHAUSTED: "rate_limited",
  UNAVAILABLE: "overloaded",
  INTERNAL: "server_error",
  DEADLINE_EXCEEDED: "server_error",
  UNKNOWN: "server_error",
  DATA_LOSS: "server_error",
  ABORTED: "server_error",
  PERMISSION_DENIED: "auth",
  UNAUTHENTICATED: "auth",
  NOT_FOUND: "not_found",
  INVALID_ARGUMENT: "invalid_request",
  FAILED_PRECONDITION: "invalid_request",
  OUT_OF_RANGE: "invalid_request",
  ALREADY_EXISTS: "invalid_request",
  UNIMPLEMENTED: "invalid_request",
};

/** `google.rpc.ErrorInfo.reason` values that name a credential problem. */
const authReasons = new Set([
  "API_KEY_INVALID",
  "API_KEY_SERVICE_BLOCKED",
  "API_KEY_HTTP_REFERRER_BLOCKED",
  "API_KEY_IP_ADDRESS_BLOCKED",
  "ACCESS_TOKEN_EXPIRED",
  "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
  "SERVICE_DISABLED",
  "CONSUMER_INVALID",
]);
const billingReasons = new Set(["BILLING_DISABLED"]);

const billingWording = /billing|free tier is not available|prepayment credits are depleted/i;
const policyWording = /safety|prohibited content|blocked by/i;

/** A google.rpc `Duration` in its JSON form (`"30s"`, `"1.5s"`), bounded, in whole ms (ceil). */
export function durationMs(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const m = /^(\d{1,9})(?:\.(\d{1,9}))?s$/.exec(value.trim());
  if (m === null) return null;
  const fraction = (m[2] ?? "").padEnd(9, "0");
  const nanos = Number(m[1]) * 1e9 + Number(fraction);
  return Math.ceil(nanos / 1e6);
}

function details(error: JsonObject): JsonObject[] {
  return Array.isArray(error.details) ? error.details.filter(isRecord) : [];
}

function detailOf(error: JsonObject, type: string): JsonObject | undefined {
  return details(error).find((d) => typeof d["@type"] === "string" && d["@type"].endsWith(type));
}

/** The `retryDelay` of a `google.rpc.RetryInfo` detail, in ms; null when there is none. */
export function retryDelayOf(error: unknown): number | null {
  if (!isRecord(error)) return null;
  return durationMs(detailOf(error, "google.rpc.RetryInfo")?.retryDelay);
}

function reasonsOf(error: JsonObject): string[] {
  const out: string[] = [];
  for (const d of details(error)) if (typeof d.reason === "string") out.push(d.reason);
  // The older `errors[]` list (`reason: "badRequest"`) says nothing finer; not read.
  return out;
}

/** Facts from one google.rpc error object (`{code, message, status, details}`). */
export function geminiErrorFacts(status: number | null, error: unknown): GeminiErrorFacts {
  const e = isRecord(error) ? error : {};
  const message = boundedMessage(e.message);
  const text = typeof e.message === "string" ? e.message : "";
  const retryAfterMs = retryDelayOf(e);
  const facts = (category: ProviderErrorCategory): GeminiErrorFacts =>
    retryAfterMs === null ? { category, message } : { category, message, retryAfterMs };
  const reasons = reasonsOf(e);
  if (reasons.some((r) => authReasons.has(r))) return facts("auth");
  if (reasons.some((r) => billingReasons.has(r))) return facts("billing");
  const code = statusIn(e.code) ?? status;
  const rpc = typeof e.status === "string" ? e.status : null;
  const known = rpc !== null ? byStatus[rpc] : undefined;
  const category = known ?? categoryForStatus(code);
  if (category === "invalid_request") {
    if (contextLengthWording.test(text)) return facts("context_length");
    if (billingWording.test(text)) return facts("billing");
    if (policyWording.test(text)) return facts("content_policy");
  }
  // A 503 named INTERNAL still says the model could not take the request now.
  if (category === "server_error" && code === 503) return facts("overloaded");
  return facts(category);
}

/** The error object of a body: `{"error": {...}}` or `[{"error": {...}}]`; null otherwise. */
export function googleErrorObject(body: string): JsonObject | null {
  if (body.length > maxErrorBodyChars) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return null;
  }
  if (Array.isArray(doc)) doc = doc[0];
  return isRecord(doc) && isRecord(doc.error) ? doc.error : null;
}

/** `Retry-After` in whole seconds (Google front ends rarely send it; RetryInfo wins). */
function retryAfterHeader(headers: Headers | undefined): number | null {
  const v = headers?.get("retry-after")?.trim();
  return v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) * 1000 : null;
}

/** Facts from a non-2xx answer of the Gemini API; a body of another shape goes by status. */
export function geminiErrorBodyFacts(
  status: number,
  body: string,
  headers?: Headers,
): GeminiErrorFacts {
  const error = googleErrorObject(body);
  const facts: GeminiErrorFacts = error === null
    ? { category: categoryForStatus(status), message: null }
    : geminiErrorFacts(status, error);
  if (facts.retryAfterMs === undefined) {
    const wait = retryAfterHeader(headers);
    if (wait !== null) return { ...facts, retryAfterMs: wait };
  }
  return facts;
}

/**
 * Facts from a non-2xx answer of Vertex AI: the google.rpc shape (front end, Gemini models,
 * quota), or Anthropic's for Claude's `rawPredict`/`streamRawPredict` model errors.
 */
export function vertexErrorBodyFacts(
  status: number,
  body: string,
  headers?: Headers,
): GeminiErrorFacts {
  const error = googleErrorObject(body);
  if (error !== null && typeof error.status !== "string" && typeof error.type === "string") {
    return anthropicErrorFacts(status, error);
  }
  return geminiErrorBodyFacts(status, body, headers);
}

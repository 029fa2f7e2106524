/**
 * Error facts in the OpenAI wire format (Chat Completions, Completions, Responses, and every
 * OpenAI-compatible server): the `{"error": {message, type, code, param}}` body of a non-2xx
 * answer, the same object as an in-band `data: {"error": ...}` chunk, the Responses `error` event
 * (`{type: "error", code, message}`, over WebSocket with `status` and a nested `error`) and the
 * `response.error` of `response.failed`.
 *
 * Codes from the OpenAI error-code guide (platform.openai.com/docs/guides/error-codes: 429
 * `rate_limit_exceeded` vs `insufficient_quota`, 503 "engine overloaded" / `slow_down`), the
 * Responses `ResponseError.code` enum (`server_error`, `rate_limit_exceeded`, `invalid_prompt`,
 * `image_content_policy_violation`, ...), `context_length_exceeded` on 400s, and Azure OpenAI's
 * `content_filter` 400.
 */
import {
  boundedMessage,
  categoryForStatus,
  contextLengthWording,
  parseErrorBody,
  type ProviderErrorCategory,
  type ProviderErrorFacts,
  statusIn,
} from "./error_facts.ts";
import { isRecord } from "./json_body.ts";

const byCode: Record<string, ProviderErrorCategory> = {
  insufficient_quota: "billing",
  billing_hard_limit_reached: "billing",
  billing_not_active: "billing",
  rate_limit_exceeded: "rate_limited",
  rate_limit_error: "rate_limited",
  requests: "rate_limited",
  tokens: "rate_limited",
  context_length_exceeded: "context_length",
  content_filter: "content_policy",
  content_policy_violation: "content_policy",
  image_content_policy_violation: "content_policy",
  moderation_blocked: "content_policy",
  server_is_overloaded: "overloaded",
  engine_overloaded: "overloaded",
  overloaded_error: "overloaded",
  slow_down: "overloaded",
  server_error: "server_error",
  internal_error: "server_error",
  api_error: "server_error",
  invalid_api_key: "auth",
  invalid_authentication: "auth",
  authentication_error: "auth",
  permission_error: "auth",
  insufficient_permissions: "auth",
  unsupported_country_region_territory: "auth",
  model_not_found: "not_found",
  not_found_error: "not_found",
};

/** `invalid_prompt` is the Responses code for a prompt flagged by the usage policies. */
const policyWording = /usage polic|flagged|safety system|content management polic/i;
const overloadWording = /overloaded|at capacity/i;
const rateWording = /rate limit|too many requests/i;

/**
 * Facts from one OpenAI error object: `code` first (the most specific), then `type`, then the
 * wording of a 400, then the status.
 */
export function openAiErrorFacts(status: number | null, error: unknown): ProviderErrorFacts {
  const e = isRecord(error) ? error : {};
  const message = boundedMessage(e.message);
  const code = typeof e.code === "string" ? e.code : null;
  const type = typeof e.type === "string" ? e.type : null;
  // Own keys only: a code such as "toString" names no category (it would find a function).
  const known = (code !== null && Object.hasOwn(byCode, code) ? byCode[code] : undefined) ??
    (type !== null && Object.hasOwn(byCode, type) ? byCode[type] : undefined);
  // A 503 says "engine overloaded" with `type: "server_error"`: the status is the finer fact.
  if (known === "server_error" && (status === 503 || status === 529)) {
    return { category: "overloaded", message };
  }
  if (known !== undefined) return { category: known, message };
  const text = typeof e.message === "string" ? e.message : "";
  const clientSide = status === null || (status >= 400 && status < 500 && status !== 429);
  if (clientSide && contextLengthWording.test(text)) return { category: "context_length", message };
  if (code === "invalid_prompt" && policyWording.test(text)) {
    return { category: "content_policy", message };
  }
  const fromStatus = categoryForStatus(status ?? statusIn(e.status, e.status_code, e.code));
  if (fromStatus !== "other") return { category: fromStatus, message };
  const invalid = type === "invalid_request_error" || code === "invalid_prompt";
  if (invalid) return { category: "invalid_request", message };
  // An in-band error of a compatible server may carry nothing but words.
  if (overloadWording.test(text)) return { category: "overloaded", message };
  if (rateWording.test(text)) return { category: "rate_limited", message };
  return { category: "other", message };
}

/** Facts from a non-2xx answer's body text; a body that is not OpenAI's shape goes by status. */
export function openAiErrorBodyFacts(status: number, body: string): ProviderErrorFacts {
  const doc = parseErrorBody(body);
  if (doc === null) return { category: categoryForStatus(status), message: null };
  return openAiErrorFacts(status, isRecord(doc.error) ? doc.error : doc);
}

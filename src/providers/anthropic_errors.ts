/**
 * Error facts in the Anthropic Messages wire format: the `{"type": "error", "error": {type,
 * message}}` body of a non-2xx answer, and the same object in an in-band `event: error` after a
 * 200. Types and statuses from docs.claude.com/en/api/errors: 400 `invalid_request_error` (also
 * used for other 4xx), 401 `authentication_error`, 402 `billing_error`, 403 `permission_error`,
 * 404 `not_found_error`, 413 `request_too_large`, 429 `rate_limit_error`, 500 `api_error`, 504
 * `timeout_error`, 529 `overloaded_error`. A context overflow is a 400 `invalid_request_error`
 * whose message says "prompt is too long: N tokens > M maximum"; a low credit balance is a 400
 * that says "Your credit balance is too low".
 */
import {
  boundedMessage,
  categoryForStatus,
  contextLengthWording,
  parseErrorBody,
  type ProviderErrorCategory,
  type ProviderErrorFacts,
} from "./error_facts.ts";
import { isRecord } from "./json_body.ts";

const byType: Record<string, { category: ProviderErrorCategory; status: number }> = {
  invalid_request_error: { category: "invalid_request", status: 400 },
  authentication_error: { category: "auth", status: 401 },
  billing_error: { category: "billing", status: 402 },
  permission_error: { category: "auth", status: 403 },
  not_found_error: { category: "not_found", status: 404 },
  request_too_large: { category: "invalid_request", status: 413 },
  rate_limit_error: { category: "rate_limited", status: 429 },
  api_error: { category: "server_error", status: 500 },
  timeout_error: { category: "server_error", status: 504 },
  overloaded_error: { category: "overloaded", status: 529 },
};

const billingWording = /credit balance is too low|spend limit|billing/i;
const policyWording = /content filtering policy|usage polic/i;

/** The HTTP status Anthropic documents for an error type; null for a type it does not list. */
export function anthropicStatusOf(type: unknown): number | null {
  return typeof type === "string" ? byType[type]?.status ?? null : null;
}

/** Facts from one Anthropic error object (`{type, message}`). */
export function anthropicErrorFacts(status: number | null, error: unknown): ProviderErrorFacts {
  const e = isRecord(error) ? error : {};
  const message = boundedMessage(e.message);
  const text = typeof e.message === "string" ? e.message : "";
  const known = typeof e.type === "string" ? byType[e.type] : undefined;
  const category = known?.category ?? categoryForStatus(status);
  if (category === "invalid_request") {
    if (contextLengthWording.test(text)) return { category: "context_length", message };
    if (billingWording.test(text)) return { category: "billing", message };
    if (policyWording.test(text)) return { category: "content_policy", message };
  }
  return { category, message };
}

/** Facts from a non-2xx answer's body text; a body that is not Anthropic's shape goes by status. */
export function anthropicErrorBodyFacts(status: number, body: string): ProviderErrorFacts {
  const doc = parseErrorBody(body);
  if (doc === null) return { category: categoryForStatus(status), message: null };
  return anthropicErrorFacts(status, isRecord(doc.error) ? doc.error : doc);
}

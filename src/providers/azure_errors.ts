/**
 * Error facts for Azure OpenAI: the OpenAI error shape (openai_errors.ts reads it) with Azure's
 * additions, each from recorded bodies:
 *
 * - 429: `{"error": {"code": "429", "message": "Requests to the ChatCompletions_Create Operation
 *   under Azure OpenAI API version 2024-08-01-preview have exceeded token rate limit of your
 *   current OpenAI S0 pricing tier. Please retry after 86400 seconds. ..."}}` (climb #1,
 *   TinyLLM #17; "Rate limit is exceeded. Try again in 2 seconds.", copilot-camp #551), with a
 *   `Retry-After: <seconds>` header (paperless-gpt #814, spring-ai #2078) or `retry-after-ms`
 *   (Azure/azure-openai-benchmark #31 reads it); some 429s carry neither (openai-python #937:
 *   `x-rate-limit-reset-tokens` only). The code is the status as a string: the status decides.
 * - content filter: 400 `{"error": {"code": "content_filter", "param": "prompt", "status": 400,
 *   "innererror": {"code": "ResponsibleAIPolicyViolation", "content_filter_result": {...}}}}`
 *   (TinyTroupe #85, compl-ai #20); the spec spells it `inner_error` / `content_filter_results`
 *   (inference.yaml 2024-10-21 `error.inner_error`), and so do some answers (browser-use #262).
 *   Images answer `code: "contentFilter"` with the same inner code: the inner code decides.
 * - context length: 400 `code: "context_length_exceeded"`, `type: "invalid_request_error"`
 *   (azure-sdk-for-net #41892, kernel-memory #516).
 * - 404 `{"error": {"code": "DeploymentNotFound", "message": "The API deployment for this
 *   resource does not exist. ..."}}` (chatbox #861, azure-search-openai-demo-csharp #379).
 * - 401 `{"error": {"code": "401", "message": "Access denied due to invalid subscription key or
 *   wrong API endpoint. ..."}}` (BotSharp #386; `code: "Unauthorized"`, vercel/chatbot #588).
 *
 * The wait a 429 asks for becomes `retryAfterMs` (`retry-after-ms` first, then `Retry-After` in
 * seconds, then the body's "retry after N seconds" / "Try again in N seconds"), bounded to a day.
 */
import {
  boundedMessage,
  categoryForStatus,
  parseErrorBody,
  type ProviderErrorCategory,
  type ProviderErrorFacts,
} from "./error_facts.ts";
import { openAiErrorFacts } from "./openai_errors.ts";
import { isRecord, type JsonObject } from "./json_body.ts";

// P0 shared type, copied from the plan section 10 until P0 lands (error_facts.ts gains the field).
export interface AzureErrorFacts extends ProviderErrorFacts {
  /** A wait the answer asks for (`retry-after-ms`, `Retry-After`, the message), in ms. */
  retryAfterMs?: number | null;
}

/** Azure's own codes that the OpenAI table does not know. */
const azureCodes: Record<string, ProviderErrorCategory> = {
  DeploymentNotFound: "not_found",
  contentFilter: "content_policy",
  ResponsibleAIPolicyViolation: "content_policy",
  Unauthorized: "auth",
  PermissionDenied: "auth",
  AuthenticationTypeDisabled: "auth",
  InvalidAuthenticationToken: "auth",
  OperationNotSupported: "invalid_request",
};

/** No wait above a day is believed (a hostile or absurd value cannot park a key forever). */
export const maxRetryAfterMs = 24 * 3600_000;
const maxHeaderChars = 64;

function innerCode(e: JsonObject): string | null {
  const inner = isRecord(e.innererror)
    ? e.innererror
    : isRecord(e.inner_error)
    ? e.inner_error
    : null;
  return inner !== null && typeof inner.code === "string" ? inner.code : null;
}

/** Facts from one Azure error object (`{code, message, type, param, innererror}`). */
export function azureErrorFacts(status: number | null, error: unknown): ProviderErrorFacts {
  const e = isRecord(error) ? error : {};
  const inner = innerCode(e);
  if (inner !== null && Object.hasOwn(azureCodes, inner)) {
    return { category: azureCodes[inner]!, message: boundedMessage(e.message) };
  }
  const code = typeof e.code === "string" ? e.code : null;
  if (code !== null && Object.hasOwn(azureCodes, code)) {
    return { category: azureCodes[code]!, message: boundedMessage(e.message) };
  }
  return openAiErrorFacts(status, withoutInheritedNames(e));
}

/**
 * `openAiErrorFacts` looks codes up with `byCode[code]`, so a body naming `toString` or
 * `constructor` would get a function as its category: such names are dropped before (P5 report).
 */
function withoutInheritedNames(e: JsonObject): JsonObject {
  const inherited = (v: unknown) => typeof v === "string" && v in Object.prototype;
  if (!inherited(e.code) && !inherited(e.type)) return e;
  const { code, type, ...rest } = e;
  return {
    ...rest,
    ...(inherited(code) ? {} : { code }),
    ...(inherited(type) ? {} : { type }),
  };
}

/** Facts from a non-2xx answer of Azure OpenAI; a body of another shape goes by status. */
export function azureErrorBodyFacts(
  status: number,
  body: string,
  headers?: Headers,
): AzureErrorFacts {
  const doc = parseErrorBody(body);
  const error = doc === null ? null : isRecord(doc.error) ? doc.error : doc;
  const facts: AzureErrorFacts = error === null
    ? { category: categoryForStatus(status), message: null }
    : azureErrorFacts(status, error);
  if (facts.category !== "rate_limited" && facts.category !== "overloaded") return facts;
  const wait = retryAfterHeaders(headers) ?? retryAfterWords(error);
  return wait === null ? facts : { ...facts, retryAfterMs: wait };
}

const clip = (ms: number): number => Math.min(maxRetryAfterMs, Math.ceil(ms));

function headerValue(headers: Headers | undefined, name: string): string | null {
  const v = headers?.get(name)?.trim();
  return v === undefined || v === "" || v.length > maxHeaderChars ? null : v;
}

/** `retry-after-ms: 1500`, else `Retry-After: 45` (whole or fractional seconds; no HTTP date). */
export function retryAfterHeaders(headers: Headers | undefined): number | null {
  const ms = headerValue(headers, "retry-after-ms");
  if (ms !== null && /^\d{1,12}(\.\d{1,6})?$/.test(ms)) return clip(Number(ms));
  const s = headerValue(headers, "retry-after");
  if (s !== null && /^\d{1,9}(\.\d{1,6})?$/.test(s)) return clip(Number(s) * 1000);
  return null;
}

const waitWording = /(?:retry after|try again in) (\d{1,9}) seconds?/i;

/** "Please retry after 45 seconds." / "Try again in 2 seconds." in the error's message. */
function retryAfterWords(error: JsonObject | null): number | null {
  const message = error !== null && typeof error.message === "string" ? error.message : "";
  const m = waitWording.exec(message.slice(0, 2000));
  return m === null ? null : clip(Number(m[1]) * 1000);
}

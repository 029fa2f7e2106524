/**
 * Error facts for Bedrock (restJson1): a non-2xx answer names its type in the
 * `x-amzn-errortype` header (`ThrottlingException:http://internal.amazon.com/coral/...`), else in
 * the body's `code` or `__type` (`com.amazonaws.bedrockruntime#ThrottlingException`), in that
 * order, each cut at `,` and `:` and after `#` (smithy `protocols/json/parseJsonBody.js`
 * `loadRestJsonErrorCode`, `@smithy/core` 3.41.1); the message is the body's `message` or
 * `Message`. The same exception types arrive in a 200 stream as exception messages
 * (`:exception-type: throttlingException`, the union member's name: lower camel case).
 *
 * Statuses are the `httpError` of each exception shape (bedrock-client 3.1178.0
 * `dist-es/schemas/schemas_0.js:529-599`); categories from the issue 20 plan section 6.7.
 */
import {
  boundedMessage,
  categoryForStatus,
  contextLengthWording,
  maxErrorBodyChars,
  type ProviderErrorCategory,
  type ProviderErrorFacts,
} from "./error_facts.ts";
import { isRecord } from "./json_body.ts";

const byType: Record<string, { category: ProviderErrorCategory; status: number }> = {
  accessdeniedexception: { category: "auth", status: 403 },
  resourcenotfoundexception: { category: "not_found", status: 404 },
  throttlingexception: { category: "rate_limited", status: 429 },
  // "The model is not ready to serve inference requests": AWS retries it itself; a capacity
  // problem of the provider, not of the caller's rate.
  modelnotreadyexception: { category: "overloaded", status: 429 },
  servicequotaexceededexception: { category: "rate_limited", status: 400 },
  validationexception: { category: "invalid_request", status: 400 },
  conflictexception: { category: "invalid_request", status: 400 },
  modelerrorexception: { category: "server_error", status: 424 },
  modelstreamerrorexception: { category: "server_error", status: 424 },
  modeltimeoutexception: { category: "server_error", status: 408 },
  internalserverexception: { category: "server_error", status: 500 },
  serviceunavailableexception: { category: "overloaded", status: 503 },
  // AWS's own authentication layer, before Bedrock sees the request (any AWS service).
  unrecognizedclientexception: { category: "auth", status: 403 },
  invalidsignatureexception: { category: "auth", status: 403 },
  incompletesignatureexception: { category: "auth", status: 403 },
  missingauthenticationtokenexception: { category: "auth", status: 403 },
  expiredtokenexception: { category: "auth", status: 403 },
};

/**
 * Context overflows as Bedrock words them: "Input is too long for requested model."
 * (aws-samples/bedrock-chat #95, continuedev/continue #6005) and Anthropic's own "prompt is too
 * long: 200049 tokens > 200000 maximum" passed through (daisuke-awaji/moca #254); plus the
 * wordings every provider shares.
 */
const bedrockContextWording = /input is too long|too many input tokens/i;
/** Bedrock's answer to a model id it does not serve here (widely reported wording). */
const unknownModelWording = /provided model identifier is invalid/i;

/** The exception type as smithy reads it: cut at `,` and `:`, the part after `#`. */
export function sanitizeErrorType(raw: string): string {
  let v = raw.split(",", 1)[0]!.split(":", 1)[0]!;
  if (v.includes("#")) v = v.split("#")[1] ?? "";
  return v.trim();
}

/** The HTTP status an exception type declares (either casing); null for a type not listed. */
export function bedrockStatusOf(type: string | null): number | null {
  return type === null ? null : byType[type.toLowerCase()]?.status ?? null;
}

/** Facts from an exception type (header, body or stream message) and its message. */
export function bedrockExceptionFacts(
  type: string | null,
  status: number | null,
  rawMessage: unknown,
): ProviderErrorFacts {
  const message = boundedMessage(rawMessage);
  const text = typeof rawMessage === "string" ? rawMessage : "";
  const known = type === null ? undefined : byType[type.toLowerCase()];
  const category = known?.category ?? categoryForStatus(status ?? known?.status ?? null);
  if (category === "invalid_request") {
    if (bedrockContextWording.test(text) || contextLengthWording.test(text)) {
      return { category: "context_length", message };
    }
    if (unknownModelWording.test(text)) return { category: "not_found", message };
  }
  return { category, message };
}

/** Facts from a non-2xx answer: status, body text and (when the caller has them) headers. */
export function bedrockErrorFacts(
  status: number,
  body: string,
  headers?: Headers,
): ProviderErrorFacts {
  const doc = body.length <= maxErrorBodyChars ? parseObject(body) : null;
  const type = errorTypeOf(headers, doc);
  return bedrockExceptionFacts(type, status, doc?.message ?? doc?.Message);
}

function errorTypeOf(
  headers: Headers | undefined,
  doc: Record<string, unknown> | null,
): string | null {
  const header = headers?.get("x-amzn-errortype");
  if (header !== null && header !== undefined && header.trim() !== "") {
    return sanitizeErrorType(header);
  }
  if (doc === null) return null;
  const codeKey = Object.keys(doc).find((k) => k.toLowerCase() === "code");
  const code = codeKey === undefined ? undefined : doc[codeKey];
  if (typeof code === "string" && code !== "") return sanitizeErrorType(code);
  return typeof doc.__type === "string" ? sanitizeErrorType(doc.__type) : null;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * What a 200 answer's `stopReason` says when the model did not answer the request (`StopReason`,
 * bedrock-client `dist-es/models/enums.js:272`): a guardrail or content filter stopped it
 * (content_policy: routing passes it through as the provider's answer), or the context window
 * was full (context_length). Null for an ordinary stop (`end_turn`, `tool_use`, `max_tokens`,
 * `stop_sequence`, ...). Not wired yet: how a 200 carries error facts is P0's decision (plan 6.4).
 */
export function bedrockStopReasonFacts(stopReason: unknown): ProviderErrorFacts | null {
  switch (stopReason) {
    case "guardrail_intervened":
    case "content_filtered":
      return { category: "content_policy", message: `stopReason: ${stopReason}` };
    case "model_context_window_exceeded":
      return { category: "context_length", message: `stopReason: ${stopReason}` };
  }
  return null;
}

/**
 * What an upstream error says, reduced to what a routing decision needs: a category shared by
 * every wire format and the provider's own message, bounded. Each adapter reads its own error
 * shapes (openai_errors.ts, anthropic_errors.ts); routing never parses a wire format. The shape is
 * the plan's `ProviderErrorFacts` (routing/types.ts): providers/ must not import routing, so it
 * is declared here and kept structurally identical there.
 */

export const providerErrorCategories = [
  "rate_limited",
  "overloaded",
  "server_error",
  "context_length",
  "content_policy",
  "auth",
  "billing",
  "invalid_request",
  "not_found",
  "other",
] as const;
export type ProviderErrorCategory = (typeof providerErrorCategories)[number];

export interface ProviderErrorFacts {
  category: ProviderErrorCategory;
  /** The provider's message, at most `maxErrorMessageChars` characters; null when it had none. */
  message: string | null;
  /**
   * A wait the error body asks for, in ms (Google's `google.rpc.RetryInfo` `retryDelay`); routing
   * uses it when the headers name none. Absent or null: the body names none.
   */
  retryAfterMs?: number | null;
}

/** Long enough for "This model's maximum context length is ... tokens" with its figures. */
export const maxErrorMessageChars = 500;

/** Error bodies longer than this are classified by their status alone (a page, not an error). */
export const maxErrorBodyChars = 64 * 1024;

/** The message cut to the bound (whole code points) with an ellipsis; null for non-strings. */
export function boundedMessage(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (text === "") return null;
  const points = Array.from(text);
  if (points.length <= maxErrorMessageChars) return text;
  return points.slice(0, maxErrorMessageChars - 1).join("") + "…";
}

/**
 * The category an HTTP status means when the body says nothing more precise. 529 is Anthropic's
 * `overloaded_error`; 503 is OpenAI's "engine overloaded" / `slow_down`.
 */
export function categoryForStatus(status: number | null): ProviderErrorCategory {
  switch (status) {
    case 429:
      return "rate_limited";
    case 503:
    case 529:
      return "overloaded";
    case 401:
    case 403:
      return "auth";
    case 402:
      return "billing";
    case 404:
      return "not_found";
    case 400:
    case 413:
    case 422:
      return "invalid_request";
  }
  if (status !== null && status >= 500 && status <= 599) return "server_error";
  return "other";
}

/** How the providers word a request that does not fit the model's context window. */
export const contextLengthWording =
  /maximum context length|context length|context window|prompt is too long|too many (input )?tokens|exceeds? the (model's )?(maximum|max) (number of )?tokens/i;

/** A JSON object parsed from at most `maxErrorBodyChars` of text; null otherwise. */
export function parseErrorBody(text: string): Record<string, unknown> | null {
  if (text.length > maxErrorBodyChars) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Record<string, unknown>
      : null;
  } catch {
    return null;
  }
}

/** An HTTP status carried inside an error object (`status`, `status_code`, a numeric `code`). */
export function statusIn(...values: unknown[]): number | null {
  for (const v of values) {
    if (typeof v === "number" && Number.isInteger(v) && v >= 400 && v <= 599) return v;
  }
  return null;
}

/**
 * What one attempt's outcome means for the next step, for the target's breaker and for the pool
 * key it used. The rules of issue 19: retry only what can succeed (429, 500, 502, 503, 504, 529,
 * connection failures before any response byte, timeouts); never the same model on a 400 such as
 * a context-length error or a content-policy refusal (those reach the client, except that a
 * context-length error may go to a larger-context target); a silent upstream (header timeout) is
 * failed over, never retried on the same target; 401/402/403 on a pool key disable that key.
 */
import type { AttemptOutcome, ProviderErrorFacts } from "./types.ts";
import { waitHintMs } from "./retry_after.ts";

export type Verdict =
  /** Success, or an answer the client must get as it is (a 400, a refusal, a client's 401). */
  | "answer"
  /** The same target again, after the backoff (or the upstream's wait hint). */
  | "retry"
  /** Another target now. */
  | "next"
  /** The same target with another pool key, now (the key, not the target, failed). */
  | "rotate_key"
  /** The next target whose context window is larger, else the answer as it is. */
  | "larger_context"
  /** The request's total budget is spent: no further attempt. */
  | "stop";

/** What the target's circuit breaker makes of the outcome. */
export type BreakerEffect = "success" | "failure" | "neutral";

/** What happens to the pool key that was used (only when one was). */
export type KeyEffect = "none" | "cool_down" | "disable";

export interface Classification {
  verdict: Verdict;
  breaker: BreakerEffect;
  key: KeyEffect;
  /** The upstream's wait hint (Retry-After or reset headers), ms; null when it gave none. */
  hintMs: number | null;
  /** Short and fixed (never the provider's message, which may echo a key): for attempt records. */
  reason: string;
}

/** Statuses worth another try on the same target. */
export const retryableStatuses: ReadonlySet<number> = new Set([429, 500, 502, 503, 504, 529]);

export interface ClassifyContext {
  /** The attempt used a key of the provider's pool (not the client's own key). */
  pooled: boolean;
  now: number;
}

/** A category in a reason: providers normalise it, this keeps a reason a short code anyway. */
const code = (category: string): string =>
  category.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 40);

const c = (
  verdict: Verdict,
  breaker: BreakerEffect,
  reason: string,
  key: KeyEffect = "none",
  hintMs: number | null = null,
): Classification => ({ verdict, breaker, key, hintMs, reason });

export function classify(outcome: AttemptOutcome, ctx: ClassifyContext): Classification {
  switch (outcome.kind) {
    case "success":
      return c("answer", "success", "success");
    case "status":
      return classifyStatus(outcome.status, outcome.headers, outcome.error, ctx);
    case "connect_failed":
      return c("retry", "failure", "connect_failed");
    case "reset_before_headers":
      return c("retry", "failure", "reset_before_headers");
    case "path_refused":
      return c("next", "neutral", "path_refused");
    case "credentials_failed":
      return c("next", "neutral", "credentials_failed");
    case "timeout":
      return classifyTimeout(outcome.phase);
    case "failed_before_commit":
      return classifyBeforeCommit(outcome.reason, outcome.error, ctx);
  }
}

function classifyTimeout(
  phase: "connect" | "first_byte" | "first_token" | "idle" | "total",
): Classification {
  switch (phase) {
    // Nothing was sent: a new connection may well succeed.
    case "connect":
      return c("retry", "failure", "timeout_connect");
    // A silent or stalled upstream is likely to stay so: another target, never this one again.
    case "first_byte":
    case "first_token":
    case "idle":
      return c("next", "failure", `timeout_${phase}`);
    // The request's budget is spent; the target is not to blame for our budget.
    case "total":
      return c("stop", "neutral", "timeout_total");
  }
}

function classifyStatus(
  status: number,
  headers: Headers,
  error: ProviderErrorFacts | null,
  ctx: ClassifyContext,
): Classification {
  const category = error?.category ?? null;
  const reason = category === null ? `status_${status}` : `status_${status}_${code(category)}`;
  if (category === "content_policy") return c("answer", "success", reason);
  if (category === "context_length") return c("larger_context", "success", reason);
  if (status === 429) return classify429(waitOf(headers, error, ctx), category, reason, ctx);
  if (status === 401 || status === 402 || status === 403) {
    // The client's own key: its problem to see. A pool key: ours to stop using.
    return ctx.pooled
      ? c("rotate_key", "neutral", reason, "disable")
      : c("answer", "neutral", reason);
  }
  if (retryableStatuses.has(status)) {
    return c("retry", "failure", reason, "none", waitOf(headers, error, ctx));
  }
  // Any other status (400, 404, 413, 422, 501, ...) is an answer: the target is up.
  return c("answer", status >= 500 ? "failure" : "success", reason);
}

/**
 * How long the upstream asked to wait: its headers first, else what its error body said
 * (`ProviderErrorFacts.retryAfterMs`, Google's `RetryInfo`); null when neither said.
 */
function waitOf(
  headers: Headers,
  error: ProviderErrorFacts | null,
  ctx: ClassifyContext,
): number | null {
  return waitHintMs(headers, ctx.now) ?? error?.retryAfterMs ?? null;
}

function classify429(
  hint: number | null,
  category: string | null,
  reason: string,
  ctx: ClassifyContext,
): Classification {
  // A spent quota (OpenAI `insufficient_quota`) does not come back after a wait.
  if (category === "billing") {
    return ctx.pooled
      ? c("rotate_key", "neutral", reason, "disable")
      : c("next", "neutral", reason);
  }
  // A rate limit belongs to the key, not to the target: the breaker stays out of it.
  if (ctx.pooled) return c("rotate_key", "neutral", reason, "cool_down", hint);
  return c("retry", "neutral", reason, "none", hint);
}

function classifyBeforeCommit(
  reason: "cut" | "stall" | "malformed" | "in_band_error" | "unclean_end",
  error: ProviderErrorFacts | null,
  ctx: ClassifyContext,
): Classification {
  const why = `before_commit_${reason}`;
  switch (reason) {
    // A broken connection: as transient as a reset before headers.
    case "cut":
    case "unclean_end":
      return c("retry", "failure", why);
    // Like a first-token timeout: a stalled upstream is not asked again.
    case "stall":
      return c("next", "failure", why);
    // A broken encoder answers the same way next time.
    case "malformed":
      return c("next", "failure", why);
    case "in_band_error":
      return classifyInBand(error, why, ctx);
  }
}

/** An error event after a 200, before anything reached the client: judged like its status. */
function classifyInBand(
  error: ProviderErrorFacts | null,
  why: string,
  ctx: ClassifyContext,
): Classification {
  const category = error?.category ?? "other";
  const reason = `${why}_${code(category)}`;
  switch (category) {
    case "rate_limited":
      return ctx.pooled
        ? c("rotate_key", "neutral", reason, "cool_down")
        : c("retry", "neutral", reason);
    case "overloaded":
    case "server_error":
      return c("retry", "failure", reason);
    case "context_length":
      return c("larger_context", "success", reason);
    case "content_policy":
    case "invalid_request":
    case "not_found":
      return c("answer", "success", reason);
    case "auth":
    case "billing":
      return ctx.pooled
        ? c("rotate_key", "neutral", reason, "disable")
        : c("answer", "neutral", reason);
    default:
      // Unknown in-band failure before commit: fail over invisibly, as the issue asks.
      return c("next", "failure", reason);
  }
}

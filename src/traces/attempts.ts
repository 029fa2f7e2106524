/**
 * A routed request's attempt records as a trace stores them (`Trace.attempts`): bounded in number
 * and in every string, strings through the stored scrubber, times as whole milliseconds. Pure.
 * The route loop writes the records (routing/types.ts `AttemptRecord`); this file only decides
 * what of them is kept, so a hostile or buggy loop cannot grow a trace without bound.
 */
import { cutString } from "../bytes.ts";
import type { AttemptRecord } from "../routing/mod.ts";

/**
 * The most attempt records one trace keeps. A route's attempts are bounded by its targets times
 * `retry.attempts` (a few in practice); past this the first ones and the last (the one that
 * answered) are kept, and `attempt_count` still counts them all.
 */
export const maxStoredAttempts = 32;

/** The longest string of a stored attempt record (provider, model, key id, reason). */
export const maxAttemptStringLength = 256;

/** The longest route name stored (names come from the config; the bound is for the record). */
export const maxRouteNameLength = 256;

/** Stored fields of a trace for its route and attempts. */
export interface StoredAttempts {
  route: string | null;
  attempt_count: number;
  attempts: AttemptRecord[] | null;
}

type Scrub = (value: string) => string;

/** Scrubbed, then cut with `...` appended (scrubbed first so that a cut secret is recognised). */
function bounded(value: string, max: number, scrub: Scrub): string {
  const out = scrub(value);
  return out.length <= max ? out : `${cutString(out, max)}...`;
}

const boundedOrNull = (value: string | null, scrub: Scrub) =>
  value === null ? null : bounded(String(value), maxAttemptStringLength, scrub);

/** Whole non-negative milliseconds; a value that is not a finite number is not known (null). */
function msOrNull(value: number | null): number | null {
  return typeof value === "number" && Number.isFinite(value)
    ? Math.max(0, Math.round(value))
    : null;
}

/** A required duration: never stored as NaN or Infinity (JSON would turn those into null). */
const ms = (value: number) => msOrNull(value) ?? 0;

function status(value: number | null): number | null {
  return Number.isInteger(value) && value! >= 100 && value! <= 599 ? value : null;
}

/** The route's timeout phases (routing/types.ts); anything else is not stored. */
const timeoutPhases: ReadonlySet<string> = new Set([
  "connect",
  "first_byte",
  "first_token",
  "idle",
  "total",
]);

function storedRecord(r: AttemptRecord, scrub: Scrub): AttemptRecord {
  return {
    n: Number.isInteger(r.n) && r.n > 0 ? r.n : 0,
    provider: bounded(String(r.provider), maxAttemptStringLength, scrub),
    model: bounded(String(r.model), maxAttemptStringLength, scrub),
    key_id: boundedOrNull(r.key_id, scrub),
    outcome: bounded(String(r.outcome), maxAttemptStringLength, scrub) as AttemptRecord["outcome"],
    status: status(r.status),
    reason: boundedOrNull(r.reason, scrub),
    timeout_phase: timeoutPhases.has(r.timeout_phase as string) ? r.timeout_phase : null,
    waited_ms: ms(r.waited_ms),
    started_ms: ms(r.started_ms),
    first_byte_ms: msOrNull(r.first_byte_ms),
    duration_ms: ms(r.duration_ms),
    committed: r.committed === true,
  };
}

/**
 * The trace's `route`, `attempt_count` and `attempts` from the exchange's facts. Without
 * attempts (an unrouted request): one attempt, no records. Past `maxStoredAttempts` records the
 * first `maxStoredAttempts - 1` and the last are kept.
 */
export function storedAttempts(
  route: string | null | undefined,
  attempts: readonly AttemptRecord[] | null | undefined,
  scrub: Scrub,
): StoredAttempts {
  const name = route == null ? null : bounded(String(route), maxRouteNameLength, scrub);
  if (attempts == null) return { route: name, attempt_count: 1, attempts: null };
  const kept = attempts.length <= maxStoredAttempts
    ? attempts
    : [...attempts.slice(0, maxStoredAttempts - 1), attempts[attempts.length - 1]!];
  return {
    route: name,
    attempt_count: attempts.length,
    attempts: kept.map((r) => storedRecord(r, scrub)),
  };
}

/**
 * The failover view: per route and per target, what the route's traffic did there. Two sources,
 * both read from the raw routed traces only (the partial index on `route`):
 * - the traces, grouped by the target that answered (the trace's provider and model, which the
 *   route loop sets to the answering attempt's): client requests, how many failed over (more than
 *   one upstream attempt), their attempts in all, and the errors the clients saw;
 * - the attempt records (`Trace.attempts`), grouped by the target each attempt went to: attempts,
 *   failures by outcome and by reason, and how many times the route left that target for another
 *   (the next attempt of the request went to another target).
 * A target that was tried but never answered has a row with no requests. This file holds the
 * driver-neutral half, so SQLite and PostgreSQL answer alike.
 */
import { compare, n } from "./analytics_merge.ts";
import type { TenantScope } from "./types.ts";

export const failoverLimits = {
  defaultLimit: 100,
  maxLimit: 1000,
  /** (route, target[, outcome, reason]) groups read from each source, most frequent first. */
  maxGroups: 50_000,
  /** Distinct reasons listed per row; the rarer ones are summed under `other`. */
  maxReasons: 32,
} as const;

export interface FailoverQuery {
  /** Inclusive bounds on `timestamp`, RFC 3339 UTC. */
  from?: string;
  to?: string;
  route?: string;
  /** The target: the answering one for the request counts, the attempted one for the attempts. */
  provider?: string;
  model?: string;
  /** Only requests made with this provider key fingerprint (`Trace.api_key_hash`). */
  api_key_hash?: string;
  scope?: TenantScope;
  /** Rows with the most requests first; at most `failoverLimits.maxLimit`. */
  limit: number;
}

export interface FailoverRow {
  route: string;
  /** The target (its provider and the model sent upstream). */
  provider: string;
  model: string;
  /** Client requests this target answered (one trace each). */
  request_count: number;
  /** Of those, requests that took more than one upstream attempt (a retry or a fallback). */
  failover_count: number;
  /** Upstream attempts of those requests, all of them (`Trace.attempt_count` summed). */
  attempt_count: number;
  /** Of those, requests whose answer to the client had status 400 or above. */
  error_count: number;
  /** Attempts made on this target, in every request of the route (from the attempt records). */
  target_attempt_count: number;
  /** Of those, attempts that failed (any outcome but success). */
  target_failure_count: number;
  /** Failed attempts by outcome (`status`, `timeout`, `connect_failed`...). */
  failures_by_outcome: Record<string, number>;
  /** Failed attempts by the policy's reason (`status_429_rate_limited`...), at most 32 + `other`. */
  failures_by_reason: Record<string, number>;
  /** Times the next attempt of a request went to another target: failovers away from this one. */
  failed_over_from_count: number;
}

/** One group of attempt records: [route, provider, model, outcome, reason, attempts, away]. */
export type AttemptGroupRow = readonly unknown[];

/**
 * Rows from the two sources as the SQL returns them (numbers may be bigint or text):
 * `traceRows` [route, provider, model, requests, failovers, attempts, errors], `attemptRows` as
 * `AttemptGroupRow`. In the view's order: most requests first, then route, provider and model in
 * byte order, so both stores list ties alike; at most `limit` rows.
 */
export function failoverRows(
  traceRows: Iterable<readonly unknown[]>,
  attemptRows: Iterable<AttemptGroupRow>,
  limit: number,
): FailoverRow[] {
  const byTarget = new Map<string, FailoverRow>();
  const row = (route: unknown, provider: unknown, model: unknown): FailoverRow => {
    const key = `${route}\u0000${provider}\u0000${model}`;
    let r = byTarget.get(key);
    if (r === undefined) {
      r = emptyRow(String(route), String(provider), String(model));
      byTarget.set(key, r);
    }
    return r;
  };
  for (const [route, provider, model, requests, failovers, attempts, errors] of traceRows) {
    const r = row(route, provider, model);
    r.request_count += n(requests);
    r.failover_count += n(failovers);
    r.attempt_count += n(attempts);
    r.error_count += n(errors);
  }
  // Maps, then own properties (`Object.fromEntries`): a stored reason is data, even "__proto__".
  const tallies = new Map<
    FailoverRow,
    { outcomes: Map<string, number>; reasons: Map<string, number> }
  >();
  for (const [route, provider, model, outcome, reason, attempts, away] of attemptRows) {
    const r = row(route, provider, model);
    const count = n(attempts);
    r.target_attempt_count += count;
    r.failed_over_from_count += n(away);
    if (outcome === "success") continue;
    r.target_failure_count += count;
    const kind = outcome === null || outcome === undefined ? "unknown" : String(outcome);
    const why = reason === null || reason === undefined ? kind : String(reason);
    let t = tallies.get(r);
    if (t === undefined) {
      t = { outcomes: new Map(), reasons: new Map() };
      tallies.set(r, t);
    }
    t.outcomes.set(kind, (t.outcomes.get(kind) ?? 0) + count);
    t.reasons.set(why, (t.reasons.get(why) ?? 0) + count);
  }
  for (const [r, t] of tallies) {
    r.failures_by_outcome = bounded(t.outcomes);
    r.failures_by_reason = bounded(t.reasons);
  }
  return [...byTarget.values()].sort((a, b) =>
    b.request_count - a.request_count || compare(a.route, b.route) ||
    compare(a.provider, b.provider) || compare(a.model, b.model)
  ).slice(0, limit);
}

function emptyRow(route: string, provider: string, model: string): FailoverRow {
  return {
    route,
    provider,
    model,
    request_count: 0,
    failover_count: 0,
    attempt_count: 0,
    error_count: 0,
    target_attempt_count: 0,
    target_failure_count: 0,
    failures_by_outcome: {},
    failures_by_reason: {},
    failed_over_from_count: 0,
  };
}

/** The most frequent `maxReasons` keys (ties in byte order), the rest summed under `other`. */
function bounded(counts: Map<string, number>): Record<string, number> {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]));
  const kept = sorted.slice(0, failoverLimits.maxReasons);
  const rest = sorted.slice(failoverLimits.maxReasons).reduce((s, [, c]) => s + c, 0);
  if (rest > 0) {
    const other = kept.find(([k]) => k === "other");
    if (other !== undefined) other[1] += rest;
    else kept.push(["other", rest]);
  }
  return Object.fromEntries(kept);
}

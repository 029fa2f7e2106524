/**
 * The failover view: per route and per target that answered (the trace's provider and model,
 * which the route loop sets to the answering attempt's), how many client requests there were,
 * how many failed over (more than one upstream attempt), and how many attempts they took in all.
 * Read from the raw routed traces (the partial index on `route`: unrouted traffic is never
 * read). This file holds the driver-neutral half, so SQLite and PostgreSQL answer alike.
 */
import { compare, n } from "./analytics_merge.ts";
import type { TenantScope } from "./types.ts";

export const failoverLimits = { defaultLimit: 100, maxLimit: 1000 } as const;

export interface FailoverQuery {
  /** Inclusive bounds on `timestamp`, RFC 3339 UTC. */
  from?: string;
  to?: string;
  route?: string;
  provider?: string;
  model?: string;
  scope?: TenantScope;
  /** Rows with the most requests first; at most `failoverLimits.maxLimit`. */
  limit: number;
}

export interface FailoverRow {
  route: string;
  /** The target that answered (its provider and the model sent upstream). */
  provider: string;
  model: string;
  /** Client requests (one trace each). */
  request_count: number;
  /** Requests that took more than one upstream attempt (a retry or a fallback). */
  failover_count: number;
  /** Upstream attempts of these requests, all of them (`Trace.attempt_count` summed). */
  attempt_count: number;
  /** Requests whose answer to the client had status 400 or above. */
  error_count: number;
}

/**
 * Rows of [route, provider, model, requests, failovers, attempts, errors] as the SQL returns
 * them (numbers may be bigint or text), in the view's order: most requests first, then route,
 * provider and model in byte order, so both stores list ties alike.
 */
export function failoverRows(rows: Iterable<readonly unknown[]>): FailoverRow[] {
  const out: FailoverRow[] = [];
  for (const [route, provider, model, requests, failovers, attempts, errors] of rows) {
    out.push({
      route: String(route),
      provider: String(provider),
      model: String(model),
      request_count: n(requests),
      failover_count: n(failovers),
      attempt_count: n(attempts),
      error_count: n(errors),
    });
  }
  return out.sort((a, b) =>
    b.request_count - a.request_count || compare(a.route, b.route) ||
    compare(a.provider, b.provider) || compare(a.model, b.model)
  );
}

/**
 * The sessions view: one row per claimed session (`Trace.session_id`: an agent's session, or
 * `X-OngoingAI-Session-Id`) with its agent, developer, first and last request, totals and the
 * models it used. Sessions are far too many for the rollups, so both stores read the raw traces
 * in two bounded steps: the `limit` most recent sessions of the range (the partial index on
 * session_id), then their figures per model. This file holds the driver-neutral half: the query
 * and row types, and the merge of per-(session, model) rows into sessions, so SQLite and
 * PostgreSQL answer alike by construction.
 */
import { perTokenField, type TokenField, tokenFields } from "../providers/mod.ts";
import { knownCost } from "./analytics_types.ts";
import { compare, n, sOrNull } from "./analytics_merge.ts";
import type { TenantScope } from "./types.ts";

export const sessionLimits = { defaultLimit: 50, maxLimit: 500 } as const;

/** What a trace stores as its model when no model was named: a probe, a model list. */
export const unnamedModel = "unknown";

export interface SessionQuery {
  /** Inclusive bounds on `timestamp`, RFC 3339 UTC. */
  from?: string;
  to?: string;
  provider?: string;
  model?: string;
  developer?: string;
  agent?: string;
  session_id?: string;
  /** Only traces of this provider key fingerprint (`Trace.api_key_hash`). */
  api_key_hash?: string;
  scope?: TenantScope;
  /** Most recent sessions first (by last request); at most `sessionLimits.maxLimit`. */
  limit: number;
}

export interface SessionModel {
  model: string;
  request_count: number;
}

export interface SessionRow extends Record<TokenField, number> {
  /**
   * The session's tenant. A session is (org, workspace, session id): ids are claimed by clients,
   * so two tenants may well send the same one, and an unscoped read keeps them apart.
   */
  org_id: string;
  workspace_id: string;
  session_id: string;
  /** The greatest claimed value among the session's traces (one, in practice); null if none. */
  agent: string | null;
  developer: string | null;
  first_seen_at: string;
  last_seen_at: string;
  request_count: number;
  /** As `AggregateRow.total_cost_usd`: null when nothing with a cost could be priced. */
  total_cost_usd: number | null;
  priced_count: number;
  /** Priced but for a dimension the row does not price: in the cost with their priced part. */
  partial_count: number;
  unpriced_count: number;
  unknown_usage_count: number;
  error_count: number;
  /** Requests that named no model (probes, model lists): counted, never listed as a model. */
  non_generation_count: number;
  /** Models the session generated with, most requests first, then by name. */
  models: SessionModel[];
}

/** A session's identity: its tenant and its id (a NUL cannot occur in either). */
export const sessionKey = (org: unknown, workspace: unknown, session: unknown) =>
  `${String(org)}\u0000${String(workspace)}\u0000${String(session)}`;

/**
 * `mergeSessions` takes per-(org, workspace, session, model) rows whose values are, in order:
 * org, workspace, session, model, request count, the token sums (`tokenFields` order), priced
 * and partial cost, priced, partial, unpriced and unknown-usage counts, error count, first and last seen (stored
 * timestamp form), agent, developer. With `only`, rows of other sessions are left out (the
 * per-model step selects by session id alone, which other tenants may share).
 */
export function mergeSessions(
  rows: Iterable<readonly unknown[]>,
  only?: ReadonlySet<string>,
): SessionRow[] {
  const out = new Map<string, SessionRow>();
  for (const v of rows) {
    const key = sessionKey(v[0], v[1], v[2]);
    if (only !== undefined && !only.has(key)) continue;
    const session = String(v[2]);
    const model = String(v[3]);
    let i = 4;
    const next = () => v[i++];
    const count = n(next());
    const tokens = perTokenField(() => n(next()));
    const cost = n(next()), priced = n(next()), partial = n(next()), unpriced = n(next());
    const unknownUsage = n(next()), errors = n(next());
    const first = String(next()), last = String(next());
    const agent = sOrNull(next()), developer = sOrNull(next());
    let s = out.get(key);
    if (s === undefined) {
      s = {
        org_id: String(v[0]),
        workspace_id: String(v[1]),
        session_id: session,
        agent: null,
        developer: null,
        first_seen_at: first,
        last_seen_at: last,
        request_count: 0,
        ...perTokenField(() => 0),
        total_cost_usd: 0,
        priced_count: 0,
        partial_count: 0,
        unpriced_count: 0,
        unknown_usage_count: 0,
        error_count: 0,
        non_generation_count: 0,
        models: [],
      };
      out.set(key, s);
    }
    s.request_count += count;
    for (const f of tokenFields) s[f] += tokens[f];
    s.total_cost_usd! += cost;
    s.priced_count += priced;
    s.partial_count += partial;
    s.unpriced_count += unpriced;
    s.unknown_usage_count += unknownUsage;
    s.error_count += errors;
    if (first < s.first_seen_at) s.first_seen_at = first;
    if (last > s.last_seen_at) s.last_seen_at = last;
    if (agent !== null && (s.agent === null || agent > s.agent)) s.agent = agent;
    if (developer !== null && (s.developer === null || developer > s.developer)) {
      s.developer = developer;
    }
    if (model === unnamedModel) s.non_generation_count += count;
    else s.models.push({ model, request_count: count });
  }
  const sessions = [...out.values()];
  for (const s of sessions) {
    s.total_cost_usd = knownCost(s);
    s.models.sort((a, b) => b.request_count - a.request_count || compare(a.model, b.model));
  }
  return sessions.sort((a, b) =>
    compare(b.last_seen_at, a.last_seen_at) || compare(a.session_id, b.session_id) ||
    compare(a.org_id, b.org_id) || compare(a.workspace_id, b.workspace_id)
  );
}

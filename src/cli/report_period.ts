/**
 * The report's figures over time and by who spent (issue 25), for the HTML page's charts and the
 * JSON document: every figure is an API view of the same store query (`/api/analytics/cost`,
 * `errors`, `latency` with `bucket`; `dimensions?group_by=model` for what caching saved;
 * `sessions`, `failovers`), so the page's numbers are the API's. The time series share one
 * continuous axis (html_report/time_axis.ts): hours for a period up to two days, days, weeks for
 * a long one, so a year is 53 slots read from the rollups.
 */
import {
  analyticsBodies as bodies,
  analyticsSessions,
  type CacheSavings,
  cacheSavings,
} from "../api/mod.ts";
import { bucketFor, type TimeBucket, timeSlots } from "../html_report/mod.ts";
import {
  type AggregateRow,
  type AnalyticsQuery,
  failoverLimits,
  type FailoverRow,
  sessionLimits,
  type TraceStore,
} from "../store/mod.ts";

export type PeriodStore = Pick<
  TraceStore,
  "aggregate" | "percentiles" | "costLines" | "sessions" | "failovers"
>;

/** The time axis of the charts: the filters' bounds, else the first and the last trace. */
export interface ReportPeriod {
  from: string;
  to: string;
  bucket: TimeBucket;
  /** Every bucket start of the period, oldest first, traffic or not. */
  slots: string[];
}

export interface ProviderSlot {
  bucket_start: string;
  provider: string;
  total_tokens: number;
  /** null: nothing of it could be priced (the API's `total_cost_usd`). */
  total_cost_usd: number | null;
}

/** Cost and tokens of one model in one slot (`/api/analytics/cost?group_by=model&bucket=`). */
export interface ModelSlot {
  bucket_start: string;
  model: string;
  total_tokens: number;
  /** null: nothing of it could be priced. */
  total_cost_usd: number | null;
}

export interface ReportSeries {
  /** null: no trace and no bounds, nothing to draw over time. */
  period: ReportPeriod | null;
  /** Cost and tokens per slot and provider (`/api/analytics/cost?group_by=provider&bucket=`). */
  by_provider: ProviderSlot[];
  /** The same by model; requests that named no model are not in it (they are in `by_provider`). */
  by_model: ModelSlot[];
  /** `/api/analytics/errors?bucket=`'s items. */
  errors: ReturnType<typeof bodies.errors>["items"];
  /** `/api/analytics/latency?bucket=`'s items. */
  latency: ReturnType<typeof bodies.latency>["items"];
  /** What prompt caching saved per slot, from `/api/analytics/dimensions?group_by=model`. */
  cache_savings: CacheSavings[];
  /** The range the sessions were read from (`sessionRange`); null without a period. */
  sessions_range: { from: string; to: string } | null;
  /** Cost per workspace over the period, most costly first. */
  workspaces: AttributedCost[];
  /**
   * The costliest sessions of the period's last `sessionDays` days (`/api/analytics/sessions`
   * with that `from` and its largest limit, sorted by cost). The sessions view reads the raw
   * traces (sessions are too many for the rollups): over a year of a million traces that alone
   * took 4 s, so it reads the last month.
   */
  sessions: ReturnType<typeof analyticsSessions.sessions>["items"];
  /** Requests and failovers per route (`/api/analytics/failovers`, summed over targets). */
  failovers: RouteFailovers[];
}

/** A developer's, agent's or workspace's requests and cost (null: nothing could be priced). */
export interface AttributedCost {
  /** null: requests that claimed none. */
  name: string | null;
  request_count: number;
  total_cost_usd: number | null;
  partial_count: number;
  unpriced_count: number;
  unknown_usage_count: number;
}

export interface RouteFailovers {
  route: string;
  request_count: number;
  failover_count: number;
  error_count: number;
}

/** How far back from the period's end the sessions chart looks. */
export const sessionDays = 30;

/** The sessions chart's range: the period's last `sessionDays` days (all of a shorter one). */
export function sessionRange(period: ReportPeriod): { from: string; to: string } {
  const from = new Date(Date.parse(period.to) - sessionDays * 86_400_000).toISOString();
  return { from: from > period.from ? from : period.from, to: period.to };
}

export function attributed(rows: readonly AggregateRow[]): AttributedCost[] {
  return rows.map((r) => ({
    name: r.group,
    request_count: r.request_count,
    total_cost_usd: r.total_cost_usd === null ? null : Math.round(r.total_cost_usd * 1e9) / 1e9,
    partial_count: r.partial_count,
    unpriced_count: r.unpriced_count,
    unknown_usage_count: r.unknown_usage_count,
  })).sort(costliestFirst);
}

/** The period's axis from the filters' bounds, else the traffic's first and last trace. */
export function reportPeriod(
  query: Pick<AnalyticsQuery, "from" | "to">,
  all: readonly AggregateRow[],
): ReportPeriod | null {
  const from = query.from ?? all[0]?.first_seen_at ?? null;
  const to = query.to ?? all[0]?.last_seen_at ?? null;
  if (from === null || to === null) return null;
  const bucket = bucketFor(from, to);
  return { from, to, bucket, slots: timeSlots(from, to, bucket) };
}

/** Costliest first; a cost nothing could price (null) last. */
export const costliestFirst = (
  a: { total_cost_usd: number | null },
  b: { total_cost_usd: number | null },
) => (b.total_cost_usd ?? -1) - (a.total_cost_usd ?? -1);

/** Per route: the failover view's targets summed. Most requests first, then by name. */
export function routeFailovers(rows: readonly FailoverRow[]): RouteFailovers[] {
  const out = new Map<string, RouteFailovers>();
  for (const r of rows) {
    const f = out.get(r.route) ??
      { route: r.route, request_count: 0, failover_count: 0, error_count: 0 };
    f.request_count += r.request_count;
    f.failover_count += r.failover_count;
    f.error_count += r.error_count;
    out.set(r.route, f);
  }
  return [...out.values()].sort((a, b) =>
    b.request_count - a.request_count || (a.route < b.route ? -1 : 1)
  );
}

/** The series of the period (`period` from `reportPeriod`), in one round of store queries. */
export async function buildSeries(
  store: PeriodStore,
  query: AnalyticsQuery,
  period: ReportPeriod | null,
  limit: number,
): Promise<ReportSeries> {
  const bucket = period?.bucket ?? "day";
  const timed = { ...query, bucket };
  const { provider: _p, model: _m, ...range } = query;
  const [byProvider, byModel, totals, pct, lines, workspaces, sessions, failovers] = await Promise
    .all([
      store.aggregate({ ...timed, group_by: "provider" }),
      store.aggregate({ ...timed, group_by: "model" }),
      store.aggregate(timed),
      store.percentiles(timed),
      store.costLines({ ...timed, group_by: "model" }),
      store.aggregate({ ...query, group_by: "workspace" }),
      period === null
        ? Promise.resolve([])
        : store.sessions({ ...query, ...sessionRange(period), limit: sessionLimits.maxLimit }),
      // Failover targets are filtered by the target's provider and model: the range only here.
      store.failovers({ ...range, limit: failoverLimits.maxLimit }),
    ]);
  const cost = bodies.costSeries(byProvider, { group_by: "provider", bucket }).items;
  const usage = bodies.usageSeries(byProvider, { group_by: "provider", bucket }).items;
  const modelCost = bodies.costSeries(byModel, { group_by: "model", bucket }).items;
  const modelUsage = bodies.usageSeries(byModel, { group_by: "model", bucket }).items;
  const shape = { group_by: null, bucket };
  return {
    period,
    by_provider: cost.map((c, i) => ({
      bucket_start: c.bucket_start!,
      provider: c.group ?? "(unknown)",
      total_tokens: usage[i]!.total_tokens,
      total_cost_usd: c.total_cost_usd,
    })),
    by_model: modelCost.map((c, i) => ({
      bucket_start: c.bucket_start!,
      model: c.group ?? "(unknown)",
      total_tokens: modelUsage[i]!.total_tokens,
      total_cost_usd: c.total_cost_usd,
    })),
    errors: bodies.errors(totals, shape).items,
    latency: bodies.latency(totals, pct, shape).items,
    cache_savings: cacheSavings(lines),
    workspaces: attributed(workspaces),
    sessions_range: period === null ? null : sessionRange(period),
    sessions: analyticsSessions.sessions(sessions).items
      .sort(costliestFirst)
      .slice(0, limit),
    failovers: routeFailovers(failovers),
  };
}

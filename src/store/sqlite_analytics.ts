/**
 * Analytics on SQLite from the rollups (sqlite_rollups.ts) for the whole periods (hours, or days
 * for the keys table) of a range, plus the raw traces of the partial periods at its edges: exact
 * totals over any range while reading thousands of rollup rows rather than millions of traces. Percentiles come from the
 * rollups' histograms, within 1%. Every fragment comes from fixed tables; values are bound.
 */
import type { DatabaseSync } from "node:sqlite";
import { tokenFields } from "../providers/mod.ts";
import type {
  AggregateRow,
  AnalyticsQuery,
  Bucket,
  GroupBy,
  PercentileRow,
} from "./analytics_types.ts";
import { checkGroup } from "./analytics_types.ts";
import {
  AggregateMerger,
  PercentileMerger,
  planRanges,
  planSources,
  type Range,
  type Tier,
} from "./analytics_merge.ts";

export { planRanges };
import type { QueryValue } from "./sqlite_query.ts";

export const bucketOn = (column: string): Record<Bucket, string> => ({
  hour: `strftime('%Y-%m-%dT%H:00:00.000Z', ${column})`,
  day: `strftime('%Y-%m-%dT00:00:00.000Z', ${column})`,
  // 'weekday 0' moves to the Sunday on or after; 6 days back is that week's Monday.
  week: `strftime('%Y-%m-%dT00:00:00.000Z', ${column}, 'weekday 0', '-6 days')`,
});

/** Group expressions per source; rollups keep '' for "none". */
const groupOn: Record<"raw" | "rollup", Record<GroupBy, string>> = {
  raw: {
    provider: "provider",
    model: "model",
    api_key_hash: "api_key_hash",
    gateway_key: "gateway_key_id",
    workspace: "workspace_id",
    route: "request_path",
    developer: "developer",
    agent: "agent",
    route_name: "route",
  },
  rollup: {
    provider: "provider",
    model: "model",
    api_key_hash: "NULLIF(api_key_hash, '')",
    gateway_key: "NULLIF(gateway_key_id, '')",
    workspace: "workspace_id",
    route: "request_path",
    developer: "NULLIF(developer, '')",
    agent: "NULLIF(agent, '')",
    route_name: "NULLIF(route_name, '')",
  },
};

interface Source {
  table: string;
  time: string;
  bucket: string;
  group: string;
  where: string;
  params: QueryValue[];
}

/**
 * The conditions of a query on one source (`raw`: the traces; `rollup`: a rollup table, whose
 * time column is `period` and which keeps '' for "no key"), and their values in order.
 */
export function rangeFilters(
  q: AnalyticsQuery,
  kind: "raw" | "rollup",
  range: Range,
): { parts: string[]; params: QueryValue[] } {
  const time = kind === "raw" ? "timestamp" : "period";
  const parts: string[] = [];
  const params: QueryValue[] = [];
  const where = (sql: string, ...values: QueryValue[]) => {
    parts.push(sql);
    params.push(...values);
  };
  if (range.from !== undefined) where(`${time} >= ?`, range.from);
  if (range.before !== undefined) where(`${time} < ?`, range.before);
  if (q.provider !== undefined) where("provider = ?", q.provider);
  if (q.model !== undefined) where("model = ?", q.model);
  if (q.scope) where("org_id = ? AND workspace_id = ?", q.scope.org_id, q.scope.workspace_id);
  if (q.with_key_only) where(kind === "raw" ? "api_key_hash IS NOT NULL" : "api_key_hash <> ''");
  // Raw traces and `rollup_daily_keys` hold the key; the other rollups hold '' (never equal to a
  // fingerprint), which is why a keyed query reads only those two (`sources`).
  if (q.api_key_hash !== undefined) where("api_key_hash = ?", q.api_key_hash);
  return { parts, params };
}

const tables: Record<Tier, string> = {
  keys: "rollup_daily_keys",
  day: "rollup_daily",
  hour: "rollup_hourly",
};

/**
 * Where a query's rows come from: rollup tables for whole periods, the traces for the rest. The
 * keys view and a key filter read the daily keys table (the traces of the whole range where it
 * cannot answer: `keyRollupAnswers`); the others read whole days from
 * `rollup_daily` and the hours at the edges from `rollup_hourly` (`planTiers`), or, by hour,
 * the hourly table alone.
 */
function sources(q: AnalyticsQuery): { rollups: Source[]; raw: Source[] } {
  checkGroup(q.group_by);
  const make = (kind: "raw" | "rollup", range: Range, table = "traces"): Source => {
    const time = kind === "raw" ? "timestamp" : "period";
    const { parts, params } = rangeFilters(q, kind, range);
    return {
      table,
      time,
      bucket: q.bucket ? bucketOn(time)[q.bucket] : "NULL",
      group: q.group_by ? groupOn[kind][q.group_by] : "NULL",
      where: parts.length === 0 ? "" : ` WHERE ${parts.join(" AND ")}`,
      params,
    };
  };
  const plan = planSources(q, true);
  return {
    rollups: plan.rollups.map((r) => make("rollup", r.range, tables[r.tier])),
    raw: plan.raw.map((r) => make("raw", r)),
  };
}

/** One sum per `tokenFields` entry, in its order; raw traces hold null for unknown usage. */
const tokenSums = (raw: boolean) =>
  tokenFields.map((f) => raw ? `coalesce(sum(${f}), 0)` : `sum(${f})`).join(", ");

/** The same sums from either source, so that rows merge by adding. */
const sums = {
  rollup: `sum(request_count), ${tokenSums(false)}, sum(cost_usd), sum(priced_count),
    sum(partial_count), sum(unpriced_count), sum(unknown_usage_count), sum(error_count_4xx), sum(error_count_5xx), sum(latency_sum), min(latency_min), max(latency_max), sum(ttft_us_sum),
    sum(ttft_count), min(first_seen_at), max(last_seen_at), max(api_key_last4)`,
  raw: `count(*), ${tokenSums(true)},
    coalesce(sum(CASE WHEN cost_status IN ('priced', 'partial') THEN estimated_cost_usd END), 0),
    sum(cost_status = 'priced'), sum(cost_status = 'partial'), sum(cost_status = 'unpriced'), sum(usage_status = 'unknown'),
    sum(response_status BETWEEN 400 AND 499), sum(response_status >= 500), sum(latency_ms),
    min(latency_ms), max(latency_ms), coalesce(sum(time_to_first_token_us), 0),
    count(time_to_first_token_us), min(timestamp), max(timestamp), max(api_key_last4)`,
};

export function aggregate(db: DatabaseSync, q: AnalyticsQuery): AggregateRow[] {
  const { rollups, raw } = sources(q);
  const merger = new AggregateMerger();
  const read = (s: Source, kind: "raw" | "rollup") => {
    const sql = `SELECT ${s.bucket} AS b, ${s.group} AS g, ${sums[kind]} FROM ${s.table}${s.where}
      GROUP BY 1, 2`;
    for (const r of db.prepare(sql).all(...s.params) as Record<string, unknown>[]) {
      merger.add(Object.values(r));
    }
  };
  for (const s of rollups) read(s, "rollup");
  for (const s of raw) read(s, "raw");
  return merger.rows();
}

export function percentiles(db: DatabaseSync, q: AnalyticsQuery): PercentileRow[] {
  const { rollups, raw } = sources(q);
  const merger = new PercentileMerger();
  for (const rollup of rollups) {
    const sql = `SELECT ${rollup.bucket} AS b, ${rollup.group} AS g, latency_hist, ttft_hist
      FROM ${rollup.table}${rollup.where}`;
    for (const r of db.prepare(sql).all(...rollup.params) as Record<string, unknown>[]) {
      merger.addHistograms(r.b, r.g, r.latency_hist as string, r.ttft_hist as string);
    }
  }
  for (const s of raw) {
    const sql = `SELECT ${s.bucket} AS b, ${s.group} AS g, latency_ms, time_to_first_token_us
      FROM traces${s.where}`;
    for (const r of db.prepare(sql).all(...s.params) as Record<string, unknown>[]) {
      merger.addTrace(r.b, r.g, r.latency_ms, r.time_to_first_token_us);
    }
  }
  return merger.rows();
}

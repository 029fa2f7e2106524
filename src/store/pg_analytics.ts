/**
 * Analytics on PostgreSQL: the same plan as sqlite_analytics.ts (`planSources`: daily rollups for
 * whole days, hourly ones for whole hours, raw traces for the partial hours at the edges), the same row shapes, and the same merging
 * (analytics_merge.ts), so both stores answer alike. Fragments come from fixed tables.
 */
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
  planSources,
  type Range,
  type Tier,
} from "./analytics_merge.ts";
import type { Sql } from "./pg_connect.ts";
import { and, type Fragment } from "./pg_query.ts";

export type Kind = "raw" | "rollup";

/** The stored timestamp form, from a timestamptz. */
const iso = (sql: Sql, e: Fragment) =>
  sql`to_char(${e} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const timeColumn = (sql: Sql, kind: Kind) => kind === "raw" ? sql`"timestamp"` : sql`period`;

export function bucketOn(sql: Sql, kind: Kind, bucket: Bucket): Fragment {
  const t = timeColumn(sql, kind);
  // date_trunc('week') starts weeks on Monday, as the SQLite expression does.
  const unit = { hour: sql`'hour'`, day: sql`'day'`, week: sql`'week'` }[bucket];
  return sql`to_char(date_trunc(${unit}, ${t} AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

function groupOn(sql: Sql, kind: Kind, group: GroupBy): Fragment {
  const raw = kind === "raw";
  switch (group) {
    case "provider":
      return sql`provider`;
    case "model":
      return sql`model`;
    case "api_key_hash":
      return raw ? sql`api_key_hash` : sql`NULLIF(api_key_hash, '')`;
    case "gateway_key":
      return raw ? sql`gateway_key_id` : sql`NULLIF(gateway_key_id, '')`;
    case "workspace":
      return sql`workspace_id`;
    case "route":
      return sql`request_path`;
    case "developer":
      return raw ? sql`developer` : sql`NULLIF(developer, '')`;
    case "agent":
      return raw ? sql`agent` : sql`NULLIF(agent, '')`;
    case "route_name":
      return raw ? sql`route` : sql`NULLIF(route_name, '')`;
  }
}

interface Source {
  kind: Kind;
  table: Fragment;
  bucket: Fragment;
  group: Fragment;
  where: Fragment;
}

/**
 * The conditions of a query on one source (`raw`: the traces; `rollup`: a rollup table, whose
 * time column is `period` and which keeps '' for "no key").
 */
export function rangeFilters(sql: Sql, q: AnalyticsQuery, kind: Kind, range: Range): Fragment[] {
  const t = timeColumn(sql, kind);
  const parts: Fragment[] = [];
  if (range.from !== undefined) parts.push(sql`${t} >= ${range.from}::timestamptz`);
  if (range.before !== undefined) parts.push(sql`${t} < ${range.before}::timestamptz`);
  if (q.provider !== undefined) parts.push(sql`provider = ${q.provider}`);
  if (q.model !== undefined) parts.push(sql`model = ${q.model}`);
  if (q.scope) {
    parts.push(sql`org_id = ${q.scope.org_id} AND workspace_id = ${q.scope.workspace_id}`);
  }
  if (q.with_key_only) {
    parts.push(kind === "raw" ? sql`api_key_hash IS NOT NULL` : sql`api_key_hash <> ''`);
  }
  // Raw traces and `rollup_daily_keys` hold the key; `rollup_hourly` and `rollup_daily` hold ''
  // (never equal to a fingerprint), which is why a keyed query reads only those two (`sources`).
  if (q.api_key_hash !== undefined) parts.push(sql`api_key_hash = ${q.api_key_hash}`);
  return parts;
}

/**
 * Where a query's rows come from (`planSources`, shared with SQLite): whole days from
 * `rollup_daily`, the whole hours at the edges from `rollup_hourly`, partial hours from the
 * traces; by hour the hourly table; a keyed query `rollup_daily_keys` or the traces.
 */
function sources(sql: Sql, q: AnalyticsQuery): { rollups: Source[]; raw: Source[] } {
  checkGroup(q.group_by);
  const tables: Record<Tier, Fragment> = {
    keys: sql`rollup_daily_keys`,
    day: sql`rollup_daily`,
    hour: sql`rollup_hourly`,
  };
  const make = (kind: Kind, range: Range, table: Fragment): Source => ({
    kind,
    table,
    bucket: q.bucket ? bucketOn(sql, kind, q.bucket) : sql`NULL::text`,
    group: q.group_by ? groupOn(sql, kind, q.group_by) : sql`NULL::text`,
    where: and(sql, rangeFilters(sql, q, kind, range)),
  });
  const plan = planSources(q, true);
  return {
    rollups: plan.rollups.map((r) => make("rollup", r.range, tables[r.tier])),
    raw: plan.raw.map((r) => make("raw", r, sql`traces`)),
  };
}

/**
 * One sum per `tokenFields` entry, in its order, aliased by its own name; raw traces hold null
 * for unknown usage.
 */
function tokenSums(sql: Sql, kind: Kind): Fragment {
  return tokenFields.map((f) =>
    kind === "raw"
      ? sql`coalesce(sum(${sql(f)}), 0) AS ${sql(f)}`
      : sql`sum(${sql(f)}) AS ${sql(f)}`
  ).reduce((acc, p) => sql`${acc}, ${p}`);
}

/**
 * In AggregateMerger's order; aliased, since rows are objects keyed by column name (the token
 * sums carry their own names, hence no c1 to c6).
 */
function sums(sql: Sql, kind: Kind): Fragment {
  if (kind === "rollup") {
    return sql`sum(request_count) AS c0, ${tokenSums(sql, kind)}, sum(cost_usd) AS c7,
      sum(priced_count) AS c8, sum(partial_count) AS c8p, sum(unpriced_count) AS c9, sum(unknown_usage_count) AS c10, sum(error_count_4xx) AS c11,
      sum(error_count_5xx) AS c12, sum(latency_sum) AS c13, min(latency_min) AS c14,
      max(latency_max) AS c15, sum(ttft_us_sum) AS c16, sum(ttft_count) AS c17,
      ${iso(sql, sql`min(first_seen_at)`)} AS c18, ${iso(sql, sql`max(last_seen_at)`)} AS c19,
      max(api_key_last4) AS c20`;
  }
  return sql`count(*) AS c0, ${tokenSums(sql, kind)},
    coalesce(sum(CASE WHEN cost_status IN ('priced', 'partial') THEN estimated_cost_usd END), 0)
      AS c7,
    count(*) FILTER (WHERE cost_status = 'priced') AS c8,
    count(*) FILTER (WHERE cost_status = 'partial') AS c8p,
    count(*) FILTER (WHERE cost_status = 'unpriced') AS c9,
    count(*) FILTER (WHERE usage_status = 'unknown') AS c10,
    count(*) FILTER (WHERE response_status BETWEEN 400 AND 499) AS c11,
    count(*) FILTER (WHERE response_status >= 500) AS c12, sum(latency_ms) AS c13,
    min(latency_ms) AS c14, max(latency_ms) AS c15,
    coalesce(sum(time_to_first_token_us), 0) AS c16, count(time_to_first_token_us) AS c17,
    ${iso(sql, sql`min("timestamp")`)} AS c18, ${iso(sql, sql`max("timestamp")`)} AS c19,
    max(api_key_last4) AS c20`;
}

export async function aggregate(sql: Sql, q: AnalyticsQuery): Promise<AggregateRow[]> {
  const { rollups, raw } = sources(sql, q);
  const merger = new AggregateMerger();
  const read = async (s: Source) => {
    const rows = await sql`SELECT ${s.bucket} AS b, ${s.group} AS g, ${sums(sql, s.kind)}
      FROM ${s.table} WHERE ${s.where} GROUP BY 1, 2`;
    for (const r of rows) merger.add(Object.values(r));
  };
  for (const s of rollups) await read(s);
  for (const s of raw) await read(s);
  return merger.rows();
}

export async function percentiles(sql: Sql, q: AnalyticsQuery): Promise<PercentileRow[]> {
  const { rollups, raw } = sources(sql, q);
  const merger = new PercentileMerger();
  for (const rollup of rollups) {
    const rows = await sql`SELECT ${rollup.bucket} AS b, ${rollup.group} AS g,
      latency_hist::text AS l, ttft_hist::text AS t FROM ${rollup.table} WHERE ${rollup.where}`;
    for (const r of rows) merger.addHistograms(r.b, r.g, r.l as string, r.t as string);
  }
  for (const s of raw) {
    const rows = await sql`SELECT ${s.bucket} AS b, ${s.group} AS g, latency_ms AS l,
      time_to_first_token_us AS t FROM traces WHERE ${s.where}`;
    for (const r of rows) merger.addTrace(r.b, r.g, r.l, r.t);
  }
  return merger.rows();
}

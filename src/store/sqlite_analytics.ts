/**
 * Analytics on SQLite: one aggregate scan per query, grouped by (bucket, group), and latency
 * percentiles with window functions. Every fragment comes from fixed tables; values are bound.
 */
import type { DatabaseSync } from "node:sqlite";
import {
  type AggregateRow,
  type AnalyticsQuery,
  type Bucket,
  groupColumns,
  interpolate,
  type PercentileRow,
  type Percentiles,
} from "./analytics_types.ts";
import { buildWhere, type QueryValue } from "./sqlite_query.ts";
import type { TraceFilter } from "./types.ts";

// Stored timestamps are fixed-width UTC text, which SQLite's date functions read as is.
const bucketSql: Record<Bucket, string> = {
  hour: "strftime('%Y-%m-%dT%H:00:00.000Z', timestamp)",
  day: "strftime('%Y-%m-%dT00:00:00.000Z', timestamp)",
  // 'weekday 0' moves to the Sunday on or after; 6 days back is that week's Monday.
  week: "strftime('%Y-%m-%dT00:00:00.000Z', timestamp, 'weekday 0', '-6 days')",
};

interface Shape {
  bucket: string;
  group: string;
  where: string;
  params: QueryValue[];
}

function shapeOf(q: AnalyticsQuery): Shape {
  const filter: TraceFilter = {};
  for (const key of ["from", "to", "provider", "model"] as const) {
    if (q[key] !== undefined) filter[key] = q[key];
  }
  if (q.scope) filter.scope = q.scope;
  const where = buildWhere(filter);
  let sql = where.sql;
  if (q.with_key_only) sql += `${sql === "" ? " WHERE" : " AND"} api_key_hash IS NOT NULL`;
  return {
    bucket: q.bucket ? bucketSql[q.bucket] : "NULL",
    group: q.group_by ? groupColumns[q.group_by] : "NULL",
    where: sql,
    params: where.params,
  };
}

const aggregateColumns = `
  count(*) AS request_count,
  coalesce(sum(input_tokens), 0) AS input_tokens,
  coalesce(sum(output_tokens), 0) AS output_tokens,
  coalesce(sum(total_tokens), 0) AS total_tokens,
  coalesce(sum(cached_input_tokens), 0) AS cached_input_tokens,
  coalesce(sum(cache_write_tokens), 0) AS cache_write_tokens,
  coalesce(sum(reasoning_tokens), 0) AS reasoning_tokens,
  coalesce(sum(CASE WHEN cost_status = 'priced' THEN estimated_cost_usd END), 0) AS total_cost_usd,
  sum(cost_status = 'priced') AS priced_count,
  sum(cost_status = 'unpriced') AS unpriced_count,
  sum(usage_status = 'unknown') AS unknown_usage_count,
  sum(response_status BETWEEN 400 AND 499) AS error_count_4xx,
  sum(response_status >= 500) AS error_count_5xx,
  avg(latency_ms) AS avg_latency_ms,
  min(latency_ms) AS min_latency_ms,
  max(latency_ms) AS max_latency_ms,
  avg(time_to_first_token_us) / 1000.0 AS avg_ttft_ms,
  min(timestamp) AS first_seen_at,
  max(timestamp) AS last_seen_at,
  max(api_key_last4) AS api_key_last4`;

const num = (v: unknown) => Number(v ?? 0);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const textOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));

export function aggregate(db: DatabaseSync, q: AnalyticsQuery): AggregateRow[] {
  const s = shapeOf(q);
  const sql = `SELECT ${s.bucket} AS bucket_start, ${s.group} AS grp, ${aggregateColumns}
    FROM traces${s.where} GROUP BY 1, 2 ORDER BY 1 ASC, request_count DESC, 2 ASC`;
  const rows = db.prepare(sql).all(...s.params) as Record<string, unknown>[];
  return rows.filter((r) => num(r.request_count) > 0).map((r) => ({
    bucket_start: textOrNull(r.bucket_start),
    group: textOrNull(r.grp),
    request_count: num(r.request_count),
    input_tokens: num(r.input_tokens),
    output_tokens: num(r.output_tokens),
    total_tokens: num(r.total_tokens),
    cached_input_tokens: num(r.cached_input_tokens),
    cache_write_tokens: num(r.cache_write_tokens),
    reasoning_tokens: num(r.reasoning_tokens),
    total_cost_usd: num(r.total_cost_usd),
    priced_count: num(r.priced_count),
    unpriced_count: num(r.unpriced_count),
    unknown_usage_count: num(r.unknown_usage_count),
    error_count_4xx: num(r.error_count_4xx),
    error_count_5xx: num(r.error_count_5xx),
    avg_latency_ms: numOrNull(r.avg_latency_ms),
    min_latency_ms: numOrNull(r.min_latency_ms),
    max_latency_ms: numOrNull(r.max_latency_ms),
    avg_ttft_ms: numOrNull(r.avg_ttft_ms),
    first_seen_at: textOrNull(r.first_seen_at),
    last_seen_at: textOrNull(r.last_seen_at),
    api_key_last4: textOrNull(r.api_key_last4),
  }));
}

const ps = [0.5, 0.95, 0.99] as const;

/** Per (bucket, group): n and the values at floor(p(n-1)) and the rank after, for each p. */
function rankedValues(db: DatabaseSync, q: AnalyticsQuery, value: string, present: string) {
  const s = shapeOf(q);
  const where = s.where === "" ? ` WHERE ${present}` : `${s.where} AND ${present}`;
  const picks = ps.map((p, k) =>
    `max(CASE WHEN i = CAST(${p} * (n - 1) AS INTEGER) THEN v END) AS lo${k},
     max(CASE WHEN i = CAST(${p} * (n - 1) AS INTEGER) + 1 THEN v END) AS hi${k}`
  ).join(",");
  const sql = `WITH f AS (
      SELECT ${s.bucket} AS b, ${s.group} AS g, ${value} AS v FROM traces${where}
    ), r AS (
      SELECT b, g, v, row_number() OVER (PARTITION BY b, g ORDER BY v) - 1 AS i,
        count(*) OVER (PARTITION BY b, g) AS n FROM f
    )
    SELECT b, g, max(n) AS n, ${picks} FROM r GROUP BY b, g`;
  const out = new Map<string, Percentiles>();
  for (const r of db.prepare(sql).all(...s.params) as Record<string, unknown>[]) {
    const n = num(r.n);
    const at = (k: number) =>
      interpolate(ps[k]!, n, numOrNull(r[`lo${k}`]), numOrNull(r[`hi${k}`]));
    out.set(JSON.stringify([r.b ?? null, r.g ?? null]), {
      count: n,
      p50: at(0),
      p95: at(1),
      p99: at(2),
    });
  }
  return out;
}

const none: Percentiles = { count: 0, p50: null, p95: null, p99: null };

export function percentiles(db: DatabaseSync, q: AnalyticsQuery): PercentileRow[] {
  const latency = rankedValues(db, q, "latency_ms", "latency_ms IS NOT NULL");
  const ttft = rankedValues(
    db,
    q,
    "time_to_first_token_us / 1000.0",
    "time_to_first_token_us IS NOT NULL",
  );
  const keys = [...latency.keys()].sort();
  return keys.map((key) => {
    const [bucket_start, group] = JSON.parse(key) as [string | null, string | null];
    return { bucket_start, group, latency_ms: latency.get(key)!, ttft_ms: ttft.get(key) ?? none };
  });
}

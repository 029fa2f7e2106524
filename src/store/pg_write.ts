/**
 * The PostgreSQL batch write: one statement, so one round trip per batch. It takes the store's
 * advisory transaction lock first (writers from every instance are serialized, so seq order is
 * commit order, see TraceStore.listTraces), inserts the traces in batch order skipping ids already
 * stored, and adds only the inserted ones to both rollup tables, merging histograms in SQL.
 *
 * The batch travels as one JSON parameter. Histogram buckets and rollup periods are computed here
 * in TypeScript, the same functions SQLite's rollups use, so both stores count a trace alike.
 */
import { tokenFields } from "../providers/mod.ts";
import type { TraceRecord } from "../traces/mod.ts";
import { bucketOf } from "./latency_histogram.ts";
import { periodStart, rollupCounters } from "./rollups.ts";
import { encodeTrace, traceColumns } from "./trace_columns.ts";
import { lockKeys } from "./pg_migrations.ts";
import type { Sql } from "./pg_connect.ts";

const pgTypes = {
  text: "text",
  int: "bigint",
  real: "double precision",
  bool: "boolean",
  json: "jsonb",
  json_or_null: "jsonb",
  time: "timestamptz",
} as const;

/** The batch as JSON text: each trace's columns plus its order, buckets and periods. */
export function batchJson(traces: readonly TraceRecord[]): string {
  const seen = new Set<string>();
  const rows: string[] = [];
  for (const trace of traces) {
    // Encode first: a trace that cannot be stored fails the batch before any SQL runs.
    const values = encodeTrace(trace);
    // The first of two traces with one id is stored, as SQLite does.
    if (seen.has(trace.id)) continue;
    seen.add(trace.id);
    const fields: string[] = [];
    for (let i = 0; i < traceColumns.length; i++) {
      const [name, kind] = traceColumns[i]!;
      const v = values[i];
      const json = kind === "json" || kind === "json_or_null"
        ? String(v)
        : kind === "bool"
        ? (v === 1 ? "true" : "false")
        : JSON.stringify(v);
      fields.push(`"${name}":${json}`);
    }
    const timestamp = values[traceColumns.findIndex(([n]) => n === "timestamp")] as string;
    const ttft = trace.time_to_first_token_us;
    fields.push(
      `"ord":${rows.length}`,
      `"lb":${JSON.stringify(bucketOf(trace.latency_ms))}`,
      `"tb":${ttft === null ? "null" : JSON.stringify(bucketOf(ttft / 1000))}`,
      `"ph":${JSON.stringify(periodStart("hour", timestamp))}`,
      `"pd":${JSON.stringify(periodStart("day", timestamp))}`,
    );
    rows.push(`{${fields.join(",")}}`);
  }
  return `[${rows.join(",")}]`;
}

const recordType = [
  "ord int",
  "lb text",
  "tb text",
  "ph timestamptz",
  "pd timestamptz",
  ...traceColumns.map(([name, kind]) => `"${name}" ${pgTypes[kind]}`),
].join(", ");
const columnList = traceColumns.map(([name]) => `"${name}"`).join(", ");

const tokenColumns = tokenFields.join(", ");
const tokenSums = tokenFields.map((f) => `coalesce(sum(${f}), 0)`).join(", ");

const rollupAggregates = `count(*), ${tokenSums},
  coalesce(sum(CASE WHEN cost_status = 'priced' THEN coalesce(estimated_cost_usd, 0) ELSE 0 END), 0),
  count(*) FILTER (WHERE cost_status = 'priced'), count(*) FILTER (WHERE cost_status = 'unpriced'),
  count(*) FILTER (WHERE usage_status = 'unknown'),
  count(*) FILTER (WHERE response_status BETWEEN 400 AND 499),
  count(*) FILTER (WHERE response_status >= 500), sum(latency_ms), min(latency_ms),
  max(latency_ms), coalesce(sum(time_to_first_token_us), 0), count(time_to_first_token_us),
  min("timestamp"), max("timestamp"), max(api_key_last4 COLLATE "C"), ongoingai_hist(lb),
  ongoingai_hist(tb)`;

const rollupColumnList = `period, org_id, workspace_id, provider, model, request_path,
  gateway_key_id, api_key_hash, developer, agent, route_name, request_count, ${tokenColumns}, cost_usd, priced_count,
  unpriced_count, unknown_usage_count, error_count_4xx, error_count_5xx, latency_sum, latency_min,
  latency_max, ttft_us_sum, ttft_count, first_seen_at, last_seen_at, api_key_last4, latency_hist,
  ttft_hist`;

function mergeSet(table: string): string {
  return [
    ...rollupCounters.map((c) => `${c} = ${table}.${c} + excluded.${c}`),
    `latency_min = LEAST(${table}.latency_min, excluded.latency_min)`,
    `latency_max = GREATEST(${table}.latency_max, excluded.latency_max)`,
    `first_seen_at = LEAST(${table}.first_seen_at, excluded.first_seen_at)`,
    `last_seen_at = GREATEST(${table}.last_seen_at, excluded.last_seen_at)`,
    `api_key_last4 = GREATEST(${table}.api_key_last4, excluded.api_key_last4)`,
    `latency_hist = ongoingai_hist_merge(${table}.latency_hist, excluded.latency_hist)`,
    `ttft_hist = ongoingai_hist_merge(${table}.ttft_hist, excluded.ttft_hist)`,
  ].join(", ");
}

const dimensions = "period, org_id, workspace_id, provider, model, request_path, gateway_key_id, " +
  "api_key_hash, developer, agent, route_name";

/**
 * Fixed text: every part above comes from constants, and the batch is the one bound parameter.
 * Built once, run as a prepared statement.
 */
const statement = `WITH lock AS MATERIALIZED (
    SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${lockKeys.write[0]}, ${
  lockKeys.write[1]
})) AS l
  ),
  input AS MATERIALIZED (
    SELECT x.* FROM lock, jsonb_to_recordset($1::text::jsonb) AS x(${recordType})
  ),
  ins AS (
    INSERT INTO traces (${columnList})
    SELECT ${columnList} FROM input ORDER BY ord
    ON CONFLICT (id) DO NOTHING
    RETURNING id
  ),
  new AS MATERIALIZED (SELECT input.* FROM input JOIN ins USING (id)),
  hourly AS (
    INSERT INTO rollup_hourly (${rollupColumnList})
    SELECT ph, org_id, workspace_id, provider, model, request_path, coalesce(gateway_key_id, ''),
      '', coalesce(developer, ''), coalesce(agent, ''), coalesce(route, ''), ${rollupAggregates}
    FROM new GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ON CONFLICT (${dimensions}) DO UPDATE SET ${mergeSet("rollup_hourly")}
  ),
  daily AS (
    INSERT INTO rollup_daily_keys (${rollupColumnList})
    SELECT pd, org_id, workspace_id, provider, model, '', '', coalesce(api_key_hash, ''), '', '',
      '', ${rollupAggregates}
    FROM new GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ON CONFLICT (${dimensions}) DO UPDATE SET ${mergeSet("rollup_daily_keys")}
  )
SELECT count(*)::int AS inserted FROM ins`;

/** Writes the batch; returns how many traces were new. */
export async function writeBatch(sql: Sql, traces: readonly TraceRecord[]): Promise<number> {
  if (traces.length === 0) return 0;
  const json = batchJson(traces);
  const rows = await sql.unsafe(statement, [json], { prepare: true });
  return Number(rows[0]?.inserted ?? 0);
}

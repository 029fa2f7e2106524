/**
 * Rollups (migrations/sqlite/002_rollups.sql): what one period (an hour, or a UTC day for the
 * keys table) of one group of traces adds up to. Pure: traces in, rows keyed by table and dimensions out, and rows merged with rows; the
 * SQLite side only reads and writes them.
 */
import { perTokenField, type TokenField, tokenFields } from "../providers/mod.ts";
import type { TraceRecord } from "../traces/mod.ts";
import {
  bucketOf,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  merge,
} from "./latency_histogram.ts";

export type RollupTable = "rollup_hourly" | "rollup_daily_keys" | "rollup_daily";

/**
 * The period each table sums over. `rollup_daily` keeps the hourly table's groups per UTC day
 * (SQLite's migration 010, PostgreSQL's 012): a year read from it is 365 periods, not 8,760.
 */
export const periodOf: Record<RollupTable, "hour" | "day"> = {
  rollup_hourly: "hour",
  rollup_daily_keys: "day",
  rollup_daily: "day",
};

export const rollupDimensions = [
  "period",
  "org_id",
  "workspace_id",
  "provider",
  "model",
  "request_path",
  "gateway_key_id",
  "api_key_hash",
  "developer",
  "agent",
  "route_name",
] as const;

/** Token columns are `tokenFields` (providers/usage.ts), summed. */
export interface Rollup extends Record<TokenField, number> {
  period: string;
  org_id: string;
  workspace_id: string;
  provider: string;
  model: string;
  request_path: string;
  gateway_key_id: string;
  api_key_hash: string;
  /** Hourly only (few values each); '' in the keys table, as request_path. */
  developer: string;
  agent: string;
  /** The route's name (`Trace.route`), '' when unrouted; hourly only, as developer. */
  route_name: string;
  request_count: number;
  /** The costs of `priced` and `partial` traces (a partial one's priced part). */
  cost_usd: number;
  priced_count: number;
  /** Traces whose cost leaves out a dimension the price row does not price: a lower bound. */
  partial_count: number;
  unpriced_count: number;
  unknown_usage_count: number;
  error_count_4xx: number;
  error_count_5xx: number;
  latency_sum: number;
  latency_min: number | null;
  latency_max: number | null;
  ttft_us_sum: number;
  ttft_count: number;
  first_seen_at: string;
  last_seen_at: string;
  api_key_last4: string | null;
  latency_hist: Histogram;
  ttft_hist: Histogram;
}

/** Columns a merge adds up (the others take a min, a max or a histogram merge). */
export const rollupCounters = [
  "request_count",
  ...tokenFields,
  "cost_usd",
  "priced_count",
  "partial_count",
  "unpriced_count",
  "unknown_usage_count",
  "error_count_4xx",
  "error_count_5xx",
  "latency_sum",
  "ttft_us_sum",
  "ttft_count",
] as const satisfies readonly (keyof Rollup)[];

export const rollupColumns = [
  ...rollupDimensions,
  ...rollupCounters,
  "latency_min",
  "latency_max",
  "first_seen_at",
  "last_seen_at",
  "api_key_last4",
  "latency_hist",
  "ttft_hist",
] as const satisfies readonly (keyof Rollup)[];

/** The hour or UTC day a stored timestamp (YYYY-MM-DDTHH:MM:SS.sssZ) falls in. */
export function periodStart(period: "hour" | "day", timestamp: string): string {
  return period === "hour"
    ? `${timestamp.slice(0, 13)}:00:00.000Z`
    : `${timestamp.slice(0, 10)}T00:00:00.000Z`;
}

function dimensionsOf(t: TraceRecord, table: RollupTable) {
  const keys = table === "rollup_daily_keys";
  return {
    period: periodStart(periodOf[table], t.timestamp),
    org_id: t.org_id,
    workspace_id: t.workspace_id,
    provider: t.provider,
    model: t.model,
    request_path: keys ? "" : t.request_path,
    gateway_key_id: keys ? "" : t.gateway_key_id ?? "",
    api_key_hash: keys ? t.api_key_hash ?? "" : "",
    developer: keys ? "" : t.developer ?? "",
    agent: keys ? "" : t.agent ?? "",
    route_name: keys ? "" : t.route ?? "",
  };
}

export const keyOf = (r: Pick<Rollup, (typeof rollupDimensions)[number]>) =>
  rollupDimensions.map((d) => r[d]).join("\u0000");

/** `keyOf(dimensionsOf(t, table))`, without building the dimensions (the hot path). */
function traceKey(t: TraceRecord, table: RollupTable): string {
  const s = "\u0000";
  const head = `${
    periodStart(periodOf[table], t.timestamp)
  }${s}${t.org_id}${s}${t.workspace_id}${s}${t.provider}${s}${t.model}${s}`;
  return table === "rollup_daily_keys"
    ? `${head}${s}${s}${t.api_key_hash ?? ""}${s}${s}${s}`
    : `${head}${t.request_path}${s}${t.gateway_key_id ?? ""}${s}${s}${t.developer ?? ""}${s}${
      t.agent ?? ""
    }${s}${t.route ?? ""}`;
}

/** A trace's latency and time-to-first-token buckets (latency_histogram.ts), computed once. */
interface Buckets {
  latency: string;
  ttft: string | null;
}

function bucketsOf(t: TraceRecord): Buckets {
  const ttft = t.time_to_first_token_us;
  return { latency: bucketOf(t.latency_ms), ttft: ttft === null ? null : bucketOf(ttft / 1000) };
}

/** What a trace adds to `cost_usd`: its cost when priced, its priced part when partial. */
const costedOf = (t: TraceRecord) =>
  t.cost_status === "priced" || t.cost_status === "partial" ? t.estimated_cost_usd ?? 0 : 0;

const countIn = (h: Histogram, bucket: string) => h.set(bucket, (h.get(bucket) ?? 0) + 1);

function single(t: TraceRecord, table: RollupTable, b: Buckets): Rollup {
  const latency_hist: Histogram = new Map([[b.latency, 1]]);
  const ttft_hist: Histogram = b.ttft === null ? new Map() : new Map([[b.ttft, 1]]);
  const ttft = t.time_to_first_token_us;
  return {
    ...dimensionsOf(t, table),
    request_count: 1,
    ...perTokenField((field) => t[field] ?? 0),
    cost_usd: costedOf(t),
    priced_count: t.cost_status === "priced" ? 1 : 0,
    partial_count: t.cost_status === "partial" ? 1 : 0,
    unpriced_count: t.cost_status === "unpriced" ? 1 : 0,
    unknown_usage_count: t.usage_status === "unknown" ? 1 : 0,
    error_count_4xx: t.response_status >= 400 && t.response_status <= 499 ? 1 : 0,
    error_count_5xx: t.response_status >= 500 ? 1 : 0,
    latency_sum: t.latency_ms,
    latency_min: t.latency_ms,
    latency_max: t.latency_ms,
    ttft_us_sum: ttft ?? 0,
    ttft_count: ttft === null ? 0 : 1,
    first_seen_at: t.timestamp,
    last_seen_at: t.timestamp,
    api_key_last4: t.api_key_last4,
    latency_hist,
    ttft_hist,
  };
}

const minOf = (a: number | null, b: number | null) =>
  a === null ? b : b === null ? a : Math.min(a, b);
const maxOf = (a: number | null, b: number | null) =>
  a === null ? b : b === null ? a : Math.max(a, b);
const maxText = (a: string | null, b: string | null) =>
  a === null ? b : b === null ? a : a > b ? a : b;

/** Adds `from` into `into` (same dimensions). */
export function mergeRollup(into: Rollup, from: Rollup): void {
  for (const c of rollupCounters) into[c] += from[c];
  into.latency_min = minOf(into.latency_min, from.latency_min);
  into.latency_max = maxOf(into.latency_max, from.latency_max);
  if (from.first_seen_at < into.first_seen_at) into.first_seen_at = from.first_seen_at;
  if (from.last_seen_at > into.last_seen_at) into.last_seen_at = from.last_seen_at;
  into.api_key_last4 = maxText(into.api_key_last4, from.api_key_last4);
  merge(into.latency_hist, from.latency_hist);
  merge(into.ttft_hist, from.ttft_hist);
}

/**
 * Adds one trace into a row of its key: `mergeRollup(into, single(t))` without building the
 * single row, the same additions in the same order (so float sums come out bit for bit alike).
 */
function addTrace(into: Rollup, t: TraceRecord, b: Buckets): void {
  const ttft = t.time_to_first_token_us;
  into.request_count += 1;
  for (const f of tokenFields) into[f] += t[f] ?? 0;
  into.cost_usd += costedOf(t);
  into.priced_count += t.cost_status === "priced" ? 1 : 0;
  into.partial_count += t.cost_status === "partial" ? 1 : 0;
  into.unpriced_count += t.cost_status === "unpriced" ? 1 : 0;
  into.unknown_usage_count += t.usage_status === "unknown" ? 1 : 0;
  into.error_count_4xx += t.response_status >= 400 && t.response_status <= 499 ? 1 : 0;
  into.error_count_5xx += t.response_status >= 500 ? 1 : 0;
  into.latency_sum += t.latency_ms;
  into.ttft_us_sum += ttft ?? 0;
  into.ttft_count += ttft === null ? 0 : 1;
  into.latency_min = minOf(into.latency_min, t.latency_ms);
  into.latency_max = maxOf(into.latency_max, t.latency_ms);
  if (t.timestamp < into.first_seen_at) into.first_seen_at = t.timestamp;
  if (t.timestamp > into.last_seen_at) into.last_seen_at = t.timestamp;
  into.api_key_last4 = maxText(into.api_key_last4, t.api_key_last4);
  countIn(into.latency_hist, b.latency);
  if (b.ttft !== null) countIn(into.ttft_hist, b.ttft);
}

/**
 * The traces' contribution to each of `tables`, one row per period and group. The stores add
 * these rows to the stored ones (SQLite reads, merges and writes; PostgreSQL upserts), once per
 * batch.
 */
export function rollupsOf(
  traces: Iterable<TraceRecord>,
  // The two tables every schema has (the older-schema tests write them); both stores ask for
  // `rollup_daily` too (sqlite_rollups.ts, pg_write.ts).
  tables: readonly RollupTable[] = ["rollup_hourly", "rollup_daily_keys"],
): Map<RollupTable, Map<string, Rollup>> {
  const out = new Map<RollupTable, Map<string, Rollup>>(tables.map((t) => [t, new Map()]));
  for (const t of traces) {
    const b = bucketsOf(t);
    for (const table of tables) {
      const rows = out.get(table)!;
      const key = traceKey(t, table);
      const seen = rows.get(key);
      if (seen === undefined) rows.set(key, single(t, table, b));
      else addTrace(seen, t, b);
    }
  }
  return out;
}

export type RollupRow = Record<(typeof rollupColumns)[number], string | number | null>;

export function encodeRollup(r: Rollup): (string | number | null)[] {
  return rollupColumns.map((c) =>
    c === "latency_hist" || c === "ttft_hist" ? encodeHistogram(r[c]) : r[c]
  );
}

export function decodeRollup(row: Record<string, unknown>): Rollup {
  const out: Record<string, unknown> = {};
  for (const c of rollupColumns) {
    const v = row[c];
    out[c] = c === "latency_hist" || c === "ttft_hist"
      ? decodeHistogram(v as string)
      : typeof v === "bigint"
      ? Number(v)
      : v ?? null;
  }
  return out as unknown as Rollup;
}

/**
 * Analytics on SQLite from the rollups (sqlite_rollups.ts) for the whole periods (hours, or days
 * for the keys table) of a range, plus the raw traces of the partial periods at its edges: exact
 * totals over any range while reading thousands of rollup rows rather than millions of traces. Percentiles come from the
 * rollups' histograms, within 1%. Every fragment comes from fixed tables; values are bound.
 */
import type { DatabaseSync } from "node:sqlite";
import type {
  AggregateRow,
  AnalyticsQuery,
  Bucket,
  GroupBy,
  PercentileRow,
} from "./analytics_types.ts";
import { add, decodeHistogram, type Histogram, merge, quantile } from "./latency_histogram.ts";
import { periodOf, periodStart, type RollupTable } from "./rollups.ts";
import type { QueryValue } from "./sqlite_query.ts";

const bucketOn = (column: string): Record<Bucket, string> => ({
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
  },
  rollup: {
    provider: "provider",
    model: "model",
    api_key_hash: "NULLIF(api_key_hash, '')",
    gateway_key: "NULLIF(gateway_key_id, '')",
    workspace: "workspace_id",
    route: "request_path",
  },
};

interface Range {
  /** Inclusive lower and exclusive upper bounds on the source's time column. */
  from?: string | undefined;
  before?: string | undefined;
}

/**
 * Whole periods from the rollups, and the raw ranges at the edges (inclusive `to`). `period` is
 * the rollup table's: an hour or a UTC day.
 */
export function planRanges(
  from: string | undefined,
  to: string | undefined,
  period: "hour" | "day" = "hour",
): { rollup: Range | null; raw: Range[] } {
  const ms = (t: string) => Date.parse(t);
  const iso = (n: number) => new Date(n).toISOString();
  const length = period === "hour" ? 3_600_000 : 86_400_000;
  const start = (t: string) => periodStart(period, t);
  const first = from === undefined
    ? undefined
    : start(from) === from
    ? from
    : iso(ms(start(from)) + length);
  const end = to === undefined ? undefined : start(iso(ms(to) + 1));
  if (first !== undefined && end !== undefined && first >= end) {
    return { rollup: null, raw: [{ from, before: iso(ms(to!) + 1) }] };
  }
  const raw: Range[] = [];
  if (from !== undefined && from < first!) raw.push({ from, before: first });
  if (to !== undefined && end! <= to) raw.push({ from: end, before: iso(ms(to) + 1) });
  const rollup: Range = {};
  if (first !== undefined) rollup.from = first;
  if (end !== undefined) rollup.before = end;
  return { rollup, raw };
}

/** The exclusive bound just after an inclusive `to`. */
const beyond = (to: string | undefined) =>
  to === undefined ? undefined : new Date(Date.parse(to) + 1).toISOString();

interface Source {
  table: string;
  time: string;
  bucket: string;
  group: string;
  where: string;
  params: QueryValue[];
}

function sources(q: AnalyticsQuery): { rollup: Source | null; raw: Source[] } {
  const keys = q.group_by === "api_key_hash" || q.with_key_only === true;
  const table: RollupTable = keys ? "rollup_daily_keys" : "rollup_hourly";
  // Hourly buckets cannot come from daily rollups: such a query reads the traces.
  const plan = q.bucket === "hour" && periodOf[table] === "day"
    ? { rollup: null, raw: [{ from: q.from, before: beyond(q.to) }] }
    : planRanges(q.from, q.to, periodOf[table]);
  const make = (kind: "raw" | "rollup", range: Range): Source => {
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
    if (q.with_key_only) {
      where(kind === "raw" ? "api_key_hash IS NOT NULL" : "api_key_hash <> ''");
    }
    return {
      table: kind === "raw" ? "traces" : table,
      time,
      bucket: q.bucket ? bucketOn(time)[q.bucket] : "NULL",
      group: q.group_by ? groupOn[kind][q.group_by] : "NULL",
      where: parts.length === 0 ? "" : ` WHERE ${parts.join(" AND ")}`,
      params,
    };
  };
  return {
    rollup: plan.rollup === null ? null : make("rollup", plan.rollup),
    raw: plan.raw.map((r) => make("raw", r)),
  };
}

/** The same sums from either source, so that rows merge by adding. */
const sums = {
  rollup: `sum(request_count), sum(input_tokens), sum(output_tokens), sum(total_tokens),
    sum(cached_input_tokens), sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_usd),
    sum(priced_count), sum(unpriced_count), sum(unknown_usage_count), sum(error_count_4xx),
    sum(error_count_5xx), sum(latency_sum), min(latency_min), max(latency_max), sum(ttft_us_sum),
    sum(ttft_count), min(first_seen_at), max(last_seen_at), max(api_key_last4)`,
  raw: `count(*), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
    coalesce(sum(total_tokens), 0), coalesce(sum(cached_input_tokens), 0),
    coalesce(sum(cache_write_tokens), 0), coalesce(sum(reasoning_tokens), 0),
    coalesce(sum(CASE WHEN cost_status = 'priced' THEN estimated_cost_usd END), 0),
    sum(cost_status = 'priced'), sum(cost_status = 'unpriced'), sum(usage_status = 'unknown'),
    sum(response_status BETWEEN 400 AND 499), sum(response_status >= 500), sum(latency_ms),
    min(latency_ms), max(latency_ms), coalesce(sum(time_to_first_token_us), 0),
    count(time_to_first_token_us), min(timestamp), max(timestamp), max(api_key_last4)`,
};

const summed = [
  "request_count",
  "input_tokens",
  "output_tokens",
  "total_tokens",
  "cached_input_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
  "total_cost_usd",
  "priced_count",
  "unpriced_count",
  "unknown_usage_count",
  "error_count_4xx",
  "error_count_5xx",
  "latency_sum",
] as const;

interface Partial {
  row: AggregateRow;
  latency_sum: number;
  ttft_us_sum: number;
  ttft_count: number;
}

const key = (b: unknown, g: unknown) => JSON.stringify([b ?? null, g ?? null]);
const n = (v: unknown) => Number(v ?? 0);
const nOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const sOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));
const pick = <T>(a: T | null, b: T | null, better: (x: T, y: T) => boolean) =>
  a === null ? b : b === null ? a : better(b, a) ? b : a;

export function aggregate(db: DatabaseSync, q: AnalyticsQuery): AggregateRow[] {
  const { rollup, raw } = sources(q);
  const acc = new Map<string, Partial>();
  const read = (s: Source, kind: "raw" | "rollup") => {
    const sql = `SELECT ${s.bucket} AS b, ${s.group} AS g, ${sums[kind]} FROM ${s.table}${s.where}
      GROUP BY 1, 2`;
    for (const r of db.prepare(sql).all(...s.params) as Record<string, unknown>[]) {
      const v = Object.values(r);
      const [b, g] = v;
      if (n(v[2]) === 0) continue;
      const [lmin, lmax, tsum, tcount, first, last, last4] = v.slice(16);
      const k = key(b, g);
      const seen = acc.get(k);
      const add: Record<string, number> = {};
      summed.forEach((f, i) => (add[f] = n(v[2 + i])));
      if (seen === undefined) {
        acc.set(k, {
          row: {
            bucket_start: sOrNull(b),
            group: sOrNull(g),
            ...(add as Record<(typeof summed)[number], number>),
            avg_latency_ms: null,
            min_latency_ms: nOrNull(lmin),
            max_latency_ms: nOrNull(lmax),
            avg_ttft_ms: null,
            first_seen_at: sOrNull(first),
            last_seen_at: sOrNull(last),
            api_key_last4: sOrNull(last4),
          } as AggregateRow,
          latency_sum: add.latency_sum!,
          ttft_us_sum: n(tsum),
          ttft_count: n(tcount),
        });
        continue;
      }
      const row = seen.row as unknown as Record<string, number>;
      for (const f of summed) if (f !== "latency_sum") row[f]! += add[f]!;
      seen.latency_sum += add.latency_sum!;
      seen.ttft_us_sum += n(tsum);
      seen.ttft_count += n(tcount);
      const r2 = seen.row;
      r2.min_latency_ms = pick(r2.min_latency_ms, nOrNull(lmin), (x, y) => x < y);
      r2.max_latency_ms = pick(r2.max_latency_ms, nOrNull(lmax), (x, y) => x > y);
      r2.first_seen_at = pick(r2.first_seen_at, sOrNull(first), (x, y) => x < y);
      r2.last_seen_at = pick(r2.last_seen_at, sOrNull(last), (x, y) => x > y);
      r2.api_key_last4 = pick(r2.api_key_last4, sOrNull(last4), (x, y) => x > y);
    }
  };
  if (rollup) read(rollup, "rollup");
  for (const s of raw) read(s, "raw");
  const rows = [...acc.values()].map((p) => {
    const r = p.row as AggregateRow & { latency_sum?: number };
    delete r.latency_sum;
    r.avg_latency_ms = r.request_count === 0 ? null : p.latency_sum / r.request_count;
    r.avg_ttft_ms = p.ttft_count === 0 ? null : p.ttft_us_sum / p.ttft_count / 1000;
    return r as AggregateRow;
  });
  return rows.sort((a, b) =>
    compare(a.bucket_start, b.bucket_start) || b.request_count - a.request_count ||
    compare(a.group, b.group)
  );
}

/** Nulls first, then text order (SQLite's ORDER BY for text). */
function compare(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export function percentiles(db: DatabaseSync, q: AnalyticsQuery): PercentileRow[] {
  const { rollup, raw } = sources(q);
  const hists = new Map<string, { b: unknown; g: unknown; latency: Histogram; ttft: Histogram }>();
  const entry = (b: unknown, g: unknown) => {
    const k = key(b, g);
    let e = hists.get(k);
    if (e === undefined) hists.set(k, e = { b, g, latency: new Map(), ttft: new Map() });
    return e;
  };
  if (rollup) {
    const sql = `SELECT ${rollup.bucket} AS b, ${rollup.group} AS g, latency_hist, ttft_hist
      FROM ${rollup.table}${rollup.where}`;
    for (const r of db.prepare(sql).all(...rollup.params) as Record<string, unknown>[]) {
      const e = entry(r.b, r.g);
      merge(e.latency, decodeHistogram(r.latency_hist as string));
      merge(e.ttft, decodeHistogram(r.ttft_hist as string));
    }
  }
  for (const s of raw) {
    const sql = `SELECT ${s.bucket} AS b, ${s.group} AS g, latency_ms, time_to_first_token_us
      FROM traces${s.where}`;
    for (const r of db.prepare(sql).all(...s.params) as Record<string, unknown>[]) {
      const e = entry(r.b, r.g);
      add(e.latency, n(r.latency_ms));
      if (r.time_to_first_token_us !== null) add(e.ttft, n(r.time_to_first_token_us) / 1000);
    }
  }
  const figures = (h: Histogram) => {
    let count = 0;
    for (const c of h.values()) count += c;
    return { count, p50: quantile(h, 0.5), p95: quantile(h, 0.95), p99: quantile(h, 0.99) };
  };
  return [...hists.values()]
    .map((e) => ({
      bucket_start: sOrNull(e.b),
      group: sOrNull(e.g),
      latency_ms: figures(e.latency),
      ttft_ms: figures(e.ttft),
    }))
    .filter((r) => r.latency_ms.count > 0)
    .sort((a, b) => compare(a.bucket_start, b.bucket_start) || compare(a.group, b.group));
}

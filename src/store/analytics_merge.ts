/**
 * The driver-neutral half of analytics: which ranges come from rollups and which from raw traces
 * (planRanges), and how the rows each source returns merge into the answer. SQLite
 * (sqlite_analytics.ts) and PostgreSQL (pg_analytics.ts) run their own SQL and hand the rows
 * here, so both give the same answers by construction.
 */
import { tokenFields } from "../providers/mod.ts";
import {
  type AggregateRow,
  type AnalyticsQuery,
  keyed,
  keyRollupAnswers,
  knownCost,
  type PercentileRow,
} from "./analytics_types.ts";
import { add, type Histogram, quantile } from "./latency_histogram.ts";
import { periodStart } from "./rollups.ts";

export interface Range {
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

/**
 * Three tiers for tables kept both per day and per hour (`rollup_daily` and
 * `rollup_hourly`): the whole UTC days of a range from the daily table, the whole hours at its
 * edges from the hourly one, and the partial hours from the traces. Exact on any bounds, and a
 * year is 365 daily periods plus at most 46 hours and two partial hours.
 */
export function planTiers(
  from: string | undefined,
  to: string | undefined,
): { day: Range | null; hour: Range[]; raw: Range[] } {
  const days = planRanges(from, to, "day");
  if (days.rollup === null) {
    const hours = planRanges(from, to, "hour");
    return { day: null, hour: hours.rollup === null ? [] : [hours.rollup], raw: hours.raw };
  }
  const hour: Range[] = [];
  const raw: Range[] = [];
  for (const edge of days.raw) {
    // Edges have both bounds: the exclusive one back to an inclusive `to`.
    const last = new Date(Date.parse(edge.before!) - 1).toISOString();
    const hours = planRanges(edge.from, last, "hour");
    if (hours.rollup !== null) hour.push(hours.rollup);
    raw.push(...hours.raw);
  }
  return { day: days.rollup, hour, raw };
}

/**
 * Which rollup a range reads: `keys` the daily keys table (`rollup_daily_keys`), `day` the
 * daily one (`rollup_daily`, `rollup_cost_lines_daily`), `hour` the hourly one.
 */
export type Tier = "keys" | "day" | "hour";

export interface SourcePlan {
  rollups: { tier: Tier; range: Range }[];
  /** Ranges read from the traces. */
  raw: Range[];
}

/**
 * Where a query's rows come from, for both stores (their SQL differs, the plan does not). A
 * keyed query (`keyed`) reads the daily keys table where `keys` says the source has one and it
 * can answer (`keyRollupAnswers`), else the traces of the whole range: the other rollups hold ''
 * for the key. By hour: the hourly table and the traces. Otherwise `planTiers`: whole days daily,
 * the whole hours at the edges hourly, the partial hours from the traces.
 */
export function planSources(q: AnalyticsQuery, keys: boolean): SourcePlan {
  const whole = (p: { rollup: Range | null; raw: Range[] }, tier: Tier): SourcePlan => ({
    rollups: p.rollup === null ? [] : [{ tier, range: p.rollup }],
    raw: p.raw,
  });
  if (keyed(q)) {
    if (!keys || !keyRollupAnswers(q)) {
      return { rollups: [], raw: [{ from: q.from, before: beyond(q.to) }] };
    }
    return whole(planRanges(q.from, q.to, "day"), "keys");
  }
  if (q.bucket === "hour") return whole(planRanges(q.from, q.to, "hour"), "hour");
  const tiers = planTiers(q.from, q.to);
  return {
    rollups: [
      ...(tiers.day === null ? [] : [{ tier: "day" as const, range: tiers.day }]),
      ...tiers.hour.map((range) => ({ tier: "hour" as const, range })),
    ],
    raw: tiers.raw,
  };
}

/** The exclusive bound just after an inclusive `to`. */
export const beyond = (to: string | undefined) =>
  to === undefined ? undefined : new Date(Date.parse(to) + 1).toISOString();

const summed = [
  "request_count",
  ...tokenFields,
  "total_cost_usd",
  "priced_count",
  "partial_count",
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
export const n = (v: unknown) => Number(v ?? 0);
const nOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
export const sOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));
const pick = <T>(a: T | null, b: T | null, better: (x: T, y: T) => boolean) =>
  a === null ? b : b === null ? a : better(b, a) ? b : a;

/**
 * Merges aggregate rows from any number of sources. Each row's values are, in order: bucket,
 * group, the 15 `summed` figures, latency min and max, ttft_us sum and count, first and last
 * seen (stored timestamp form), api_key_last4.
 */
export class AggregateMerger {
  readonly #acc = new Map<string, Partial>();

  add(v: readonly unknown[]): void {
    const acc = this.#acc;
    const [b, g] = v;
    if (n(v[2]) === 0) return;
    const [lmin, lmax, tsum, tcount, first, last, last4] = v.slice(2 + summed.length);
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
      return;
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

  rows(): AggregateRow[] {
    const rows = [...this.#acc.values()].map((p) => {
      const r = p.row as AggregateRow & { latency_sum?: number };
      delete r.latency_sum;
      r.avg_latency_ms = r.request_count === 0 ? null : p.latency_sum / r.request_count;
      r.avg_ttft_ms = p.ttft_count === 0 ? null : p.ttft_us_sum / p.ttft_count / 1000;
      // Decided once every source is merged: a rollup and an edge range may each hold only part.
      r.total_cost_usd = knownCost(r);
      return r as AggregateRow;
    });
    return rows.sort((a, b) =>
      compare(a.bucket_start, b.bucket_start) || b.request_count - a.request_count ||
      compare(a.group, b.group)
    );
  }
}

/** Nulls first, then text order (SQLite's ORDER BY for text). */
export function compare(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/**
 * A stored histogram's counts added to `into` straight from its JSON: `merge(into,
 * decodeHistogram(text))` without the Map between (a year of daily rows is 20,000 of them).
 */
function addCounts(into: Histogram, text: string): void {
  if (text === "" || text === "{}") return;
  const counts = JSON.parse(text) as Record<string, number>;
  for (const b in counts) into.set(b, (into.get(b) ?? 0) + counts[b]!);
}

/** Merges latency histograms per (bucket, group): rollup histograms and raw values alike. */
export class PercentileMerger {
  readonly #hists = new Map<
    string,
    { b: unknown; g: unknown; latency: Histogram; ttft: Histogram }
  >();

  #entry(b: unknown, g: unknown) {
    const k = key(b, g);
    let e = this.#hists.get(k);
    if (e === undefined) this.#hists.set(k, e = { b, g, latency: new Map(), ttft: new Map() });
    return e;
  }

  /** A rollup row's histograms, as JSON text. */
  addHistograms(b: unknown, g: unknown, latency: string, ttft: string): void {
    const e = this.#entry(b, g);
    addCounts(e.latency, latency);
    addCounts(e.ttft, ttft);
  }

  /** One trace's latency (ms) and time to first token (us, or null). */
  addTrace(b: unknown, g: unknown, latencyMs: unknown, ttftUs: unknown): void {
    const e = this.#entry(b, g);
    add(e.latency, n(latencyMs));
    if (ttftUs !== null && ttftUs !== undefined) add(e.ttft, n(ttftUs) / 1000);
  }

  rows(): PercentileRow[] {
    const figures = (h: Histogram) => {
      let count = 0;
      for (const c of h.values()) count += c;
      return { count, p50: quantile(h, 0.5), p95: quantile(h, 0.95), p99: quantile(h, 0.99) };
    };
    return [...this.#hists.values()]
      .map((e) => ({
        bucket_start: sOrNull(e.b),
        group: sOrNull(e.g),
        latency_ms: figures(e.latency),
        ttft_ms: figures(e.ttft),
      }))
      .filter((r) => r.latency_ms.count > 0)
      .sort((a, b) => compare(a.bucket_start, b.bucket_start) || compare(a.group, b.group));
  }
}

/**
 * Response bodies of the analytics endpoints: zod schemas (the API contract) and the pure
 * functions that shape store aggregates into them. Every total comes with the counts that say
 * what it does not include (unpriced traces, traces with unknown usage).
 */
import { z } from "zod";
import type { AggregateRow, GroupBy, PercentileRow } from "../store/mod.ts";
import { isNonGeneration, nonGeneration, nonGenerationSchema } from "./analytics_attribution.ts";
import { perTokenField, type TokenField, tokenFields, zeroUsage } from "../providers/mod.ts";

const count = z.number().int().nonnegative();
const usd = z.number().nonnegative().describe("US dollars, estimated at request time");
/** A total over traces some of which may have no price: unknown is null, never 0. */
const totalUsd = z.number().nonnegative().nullable().describe(
  "US dollars, estimated at request time, summed over priced traces. null when traces with a cost " +
    "were seen and none could be priced (unknown, not free); when partial_count, unpriced_count or " +
    "unknown_usage_count is not 0 the total leaves those out and is a lower bound",
);
const timestamp = z.string().describe("RFC 3339 UTC");
const groupBySchema = z.enum([
  "provider",
  "model",
  "api_key_hash",
  "gateway_key",
  "workspace",
  "route",
  "developer",
  "agent",
  "route_name",
]);
const bucketSchema = z.enum(["hour", "day", "week"]);

const seriesKey = {
  bucket_start: timestamp.nullable().describe("start of the bucket; null without bucket"),
  group: z.string().nullable().describe("the group's value; null without group_by or when absent"),
};

const tokenFigures = perTokenField(() => count);
const completeness = {
  partial_count: count.describe(
    "traces priced but for a dimension their price row does not price (a 1-hour cache write, " +
      "audio tokens, a tool use): in the cost with their priced part only",
  ),
  unpriced_count: count.describe("traces with known usage but no price: not in the cost"),
  unknown_usage_count: count.describe("traces whose usage is unknown: not in tokens or cost"),
};

/** The summary names each token figure `total_<field>` (`total_tokens` stays itself). */
type SummaryName<F extends TokenField> = F extends "total_tokens" ? F : `total_${F}`;
const summaryName = <F extends TokenField>(field: F) =>
  (field === "total_tokens" ? field : `total_${field}`) as SummaryName<F>;
function perSummaryName<T>(value: (field: TokenField) => T): Record<SummaryName<TokenField>, T> {
  return Object.fromEntries(tokenFields.map((f) => [summaryName(f), value(f)])) as Record<
    SummaryName<TokenField>,
    T
  >;
}

export const usageSummarySchema = z.object({
  request_count: count,
  ...perSummaryName(() => count),
  unknown_usage_count: completeness.unknown_usage_count,
});

export const usageSeriesSchema = z.object({
  group_by: groupBySchema.nullable(),
  bucket: bucketSchema,
  items: z.array(z.object({
    ...seriesKey,
    request_count: count,
    ...tokenFigures,
    unknown_usage_count: completeness.unknown_usage_count,
  })),
  non_generation: nonGenerationSchema.exactOptional(),
});

export const costSummarySchema = z.object({
  request_count: count,
  total_cost_usd: totalUsd,
  priced_count: count,
  ...completeness,
});

export const costSeriesSchema = z.object({
  group_by: groupBySchema.nullable(),
  bucket: bucketSchema,
  items: z.array(z.object({
    ...seriesKey,
    request_count: count,
    total_cost_usd: totalUsd,
    avg_cost_usd: usd.nullable().describe("over priced traces; null when none"),
    priced_count: count,
    ...completeness,
  })),
  non_generation: nonGenerationSchema.exactOptional(),
});

export const modelsSchema = z.object({
  items: z.array(z.object({
    model: z.string(),
    request_count: count,
    avg_latency_ms: z.number().nullable(),
    avg_ttft_ms: z.number().nullable(),
    ...tokenFigures,
    total_cost_usd: totalUsd,
    ...completeness,
    error_count: count,
  })),
  non_generation: nonGenerationSchema,
});

export const keysSchema = z.object({
  items: z.array(z.object({
    api_key_hash: z.string(),
    api_key_last4: z.string().nullable(),
    request_count: count,
    total_tokens: count,
    total_cost_usd: totalUsd,
    ...completeness,
    first_seen_at: timestamp,
    last_active_at: timestamp,
  })),
});

const percentileFigures = z.object({
  count,
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});

export const latencySchema = z.object({
  group_by: groupBySchema.nullable(),
  bucket: bucketSchema.nullable(),
  items: z.array(z.object({
    ...seriesKey,
    request_count: count,
    avg_ms: z.number().nullable(),
    min_ms: z.number().nullable(),
    max_ms: z.number().nullable(),
    p50_ms: z.number().nullable(),
    p95_ms: z.number().nullable(),
    p99_ms: z.number().nullable(),
    ttft_ms: percentileFigures.describe("time to first token of streamed requests"),
  })),
});

export const errorsSchema = z.object({
  group_by: groupBySchema.nullable(),
  bucket: bucketSchema.nullable(),
  items: z.array(z.object({
    ...seriesKey,
    total_requests: count,
    error_count_4xx: count,
    error_count_5xx: count,
    error_rate: z.number().min(0).max(1).describe("(4xx + 5xx) / total_requests"),
  })),
});

export const summarySchema = z.object({
  total_requests: count,
  total_input_tokens: count,
  total_output_tokens: count,
  total_tokens: count,
  total_cost_usd: totalUsd,
  ...completeness,
  error_count: count,
  error_rate: z.number().min(0).max(1),
  active_keys: count.describe("distinct provider key fingerprints"),
  top_model: z.string().nullable().describe(
    "the model with the most requests among those that named one (probes and model lists do not rank)",
  ),
});

/** Sums of doubles drift in the last bits; a cost is shown to the nano-dollar. */
const money = (x: number) => Math.round(x * 1e9) / 1e9;
const moneyOrNull = (x: number | null) => (x === null ? null : money(x));
const ms = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
const zero: AggregateRow = {
  bucket_start: null,
  group: null,
  request_count: 0,
  ...zeroUsage(),
  total_cost_usd: 0,
  priced_count: 0,
  partial_count: 0,
  unpriced_count: 0,
  unknown_usage_count: 0,
  error_count_4xx: 0,
  error_count_5xx: 0,
  avg_latency_ms: null,
  min_latency_ms: null,
  max_latency_ms: null,
  avg_ttft_ms: null,
  first_seen_at: null,
  last_seen_at: null,
  api_key_last4: null,
};
const only = (rows: AggregateRow[]) => rows[0] ?? zero;
const tokens = (r: AggregateRow) => perTokenField((field) => r[field]);

export function usageSummary(rows: AggregateRow[]): z.infer<typeof usageSummarySchema> {
  const r = only(rows);
  return {
    request_count: r.request_count,
    ...perSummaryName((field) => r[field]),
    unknown_usage_count: r.unknown_usage_count,
  };
}

type Series = { group_by: GroupBy | null; bucket: "hour" | "day" | "week" };

/**
 * Grouped by model, a series lists models only and says what named none apart; any other
 * grouping lists every group.
 */
function byModel(rows: AggregateRow[], s: Series) {
  if (s.group_by !== "model") return { rows, extra: {} };
  return {
    rows: rows.filter((r) => !isNonGeneration(r)),
    extra: { non_generation: nonGeneration(rows) },
  };
}

/** The series asked for: one item per bucket and group, its figures given by `figures`. */
function series<T>(all: AggregateRow[], s: Series, figures: (r: AggregateRow) => T) {
  const { rows, extra } = byModel(all, s);
  return {
    ...s,
    ...extra,
    items: rows.map((r) => ({
      bucket_start: r.bucket_start,
      group: r.group,
      request_count: r.request_count,
      ...figures(r),
    })),
  };
}

export function usageSeries(all: AggregateRow[], s: Series): z.infer<typeof usageSeriesSchema> {
  return series(all, s, (r) => ({ ...tokens(r), unknown_usage_count: r.unknown_usage_count }));
}

export function costSummary(rows: AggregateRow[]): z.infer<typeof costSummarySchema> {
  const r = only(rows);
  return {
    request_count: r.request_count,
    total_cost_usd: moneyOrNull(r.total_cost_usd),
    priced_count: r.priced_count,
    partial_count: r.partial_count,
    unpriced_count: r.unpriced_count,
    unknown_usage_count: r.unknown_usage_count,
  };
}

export function costSeries(all: AggregateRow[], s: Series): z.infer<typeof costSeriesSchema> {
  return series(all, s, (r) => ({
    total_cost_usd: moneyOrNull(r.total_cost_usd),
    avg_cost_usd: r.priced_count + r.partial_count === 0 || r.total_cost_usd === null
      ? null
      : money(r.total_cost_usd / (r.priced_count + r.partial_count)),
    priced_count: r.priced_count,
    partial_count: r.partial_count,
    unpriced_count: r.unpriced_count,
    unknown_usage_count: r.unknown_usage_count,
  }));
}

/**
 * Most requests first, then by name (the store's order), among requests that named a model;
 * the others are counted in `non_generation`.
 */
export function models(rows: AggregateRow[]): z.infer<typeof modelsSchema> {
  return {
    non_generation: nonGeneration(rows),
    items: rows.filter((r) => !isNonGeneration(r)).map((r) => ({
      model: r.group!,
      request_count: r.request_count,
      avg_latency_ms: ms(r.avg_latency_ms),
      avg_ttft_ms: ms(r.avg_ttft_ms),
      ...tokens(r),
      total_cost_usd: moneyOrNull(r.total_cost_usd),
      partial_count: r.partial_count,
      unpriced_count: r.unpriced_count,
      unknown_usage_count: r.unknown_usage_count,
      error_count: r.error_count_4xx + r.error_count_5xx,
    })),
  };
}

export function keys(rows: AggregateRow[]): z.infer<typeof keysSchema> {
  return {
    items: rows.filter((r) => r.group !== null).map((r) => ({
      api_key_hash: r.group!,
      api_key_last4: r.api_key_last4,
      request_count: r.request_count,
      total_tokens: r.total_tokens,
      total_cost_usd: moneyOrNull(r.total_cost_usd),
      partial_count: r.partial_count,
      unpriced_count: r.unpriced_count,
      unknown_usage_count: r.unknown_usage_count,
      first_seen_at: r.first_seen_at!,
      last_active_at: r.last_seen_at!,
    })),
  };
}

/** Groups in name order (null last), each with its averages and percentiles. */
export function latency(
  rows: AggregateRow[],
  pct: PercentileRow[],
  s: { group_by: GroupBy | null; bucket: "hour" | "day" | "week" | null },
): z.infer<typeof latencySchema> {
  const key = (bucket: string | null, group: string | null) => `${bucket}\u0000${group}`;
  const byKey = new Map(pct.map((p) => [key(p.bucket_start, p.group), p]));
  // By bucket (oldest first), then group in name order with the null group last.
  const order = (a: string | null, b: string | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
  const sorted = [...rows].sort((a, b) =>
    order(a.bucket_start, b.bucket_start) || order(a.group, b.group)
  );
  return {
    group_by: s.group_by,
    bucket: s.bucket,
    items: sorted.map((r) => {
      const p = byKey.get(key(r.bucket_start, r.group));
      return {
        bucket_start: r.bucket_start,
        group: r.group,
        request_count: r.request_count,
        avg_ms: ms(r.avg_latency_ms),
        min_ms: r.min_latency_ms,
        max_ms: r.max_latency_ms,
        p50_ms: ms(p?.latency_ms.p50 ?? null),
        p95_ms: ms(p?.latency_ms.p95 ?? null),
        p99_ms: ms(p?.latency_ms.p99 ?? null),
        ttft_ms: {
          count: p?.ttft_ms.count ?? 0,
          p50: ms(p?.ttft_ms.p50 ?? null),
          p95: ms(p?.ttft_ms.p95 ?? null),
          p99: ms(p?.ttft_ms.p99 ?? null),
        },
      };
    }),
  };
}

export function errors(
  rows: AggregateRow[],
  s: { group_by: GroupBy | null; bucket: "hour" | "day" | "week" | null },
): z.infer<typeof errorsSchema> {
  return {
    ...s,
    items: rows.map((r) => ({
      bucket_start: r.bucket_start,
      group: r.group,
      total_requests: r.request_count,
      error_count_4xx: r.error_count_4xx,
      error_count_5xx: r.error_count_5xx,
      error_rate: r.request_count === 0
        ? 0
        : Math.round((r.error_count_4xx + r.error_count_5xx) / r.request_count * 1e6) / 1e6,
    })),
  };
}

export function summary(
  all: AggregateRow[],
  byModel: AggregateRow[],
  byKey: AggregateRow[],
): z.infer<typeof summarySchema> {
  const r = only(all);
  const errorCount = r.error_count_4xx + r.error_count_5xx;
  return {
    total_requests: r.request_count,
    total_input_tokens: r.input_tokens,
    total_output_tokens: r.output_tokens,
    total_tokens: r.total_tokens,
    total_cost_usd: moneyOrNull(r.total_cost_usd),
    partial_count: r.partial_count,
    unpriced_count: r.unpriced_count,
    unknown_usage_count: r.unknown_usage_count,
    error_count: errorCount,
    error_rate: r.request_count === 0 ? 0 : Math.round(errorCount / r.request_count * 1e6) / 1e6,
    active_keys: byKey.filter((k) => k.group !== null).length,
    top_model: topModel(byModel),
  };
}

/**
 * The model with the most requests, among requests that named one. A request without a model (a
 * health probe such as Claude Code's `HEAD /api/hello`, a model list) is stored as `unknown`: it
 * is traced and counted in the totals, but it is no generation of any model, so it never ranks.
 * `byModel` comes ordered by request count.
 */
export function topModel(byModel: readonly AggregateRow[]): string | null {
  return byModel.find((row) => !isNonGeneration(row))?.group ?? null;
}

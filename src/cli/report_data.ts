/**
 * The `ongoingai report` document: read from the store with the same aggregates, and shaped by
 * the same functions, as `/api/analytics/*`, so the report and the API never disagree.
 *
 * Schema "report.v2", not the original's "report.v1": the shape differs. The summary adds what
 * the totals leave out (unpriced and unknown-usage counts) and errors (count, rate); providers
 * carry request counts and those counts too; `daily` (cost and tokens by provider and UTC day),
 * `recent_errors` and `api_keys[].api_key_last4` are new; averages and costs may be null where
 * v1 printed 0. A v1 reader would misread it, hence the new version. `models` lists requests
 * that named a model; the others (probes, model lists) are counted in `non_generation`.
 */
import { analyticsBodies as bodies, costDimensions as dimensions } from "../api/mod.ts";
import type { AnalyticsQuery, TraceFilter, TraceStore, TraceSummary } from "../store/mod.ts";
import {
  attributed,
  type AttributedCost,
  buildSeries,
  type PeriodStore,
  reportPeriod,
  type ReportSeries,
} from "./report_period.ts";

export type { AttributedCost };

export const reportSchemaVersion = "report.v2";

export interface ReportFilters {
  provider?: string;
  model?: string;
  /** A provider key fingerprint (`--key`): every section reads only that key's traces. */
  api_key_hash?: string;
  /** Stored form (RFC 3339 UTC, milliseconds), already parsed from the flags. */
  from?: string;
  to?: string;
  limit: number;
}

const unknownProvider = "(unknown)";

/** What a row of the report's figure tables adds up: a provider's, a day's, a developer's. */
export interface GroupTotals {
  request_count: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  /** null when nothing of it could be priced (see the API's `total_cost_usd`). */
  total_cost_usd: number | null;
  partial_count: number;
  unpriced_count: number;
  unknown_usage_count: number;
}

export interface ProviderTotals extends GroupTotals {
  provider: string;
}

export interface DailyProviderTotals extends ProviderTotals {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
}

export interface ReportTrace {
  id: string;
  timestamp: string;
  provider: string;
  model: string;
  response_status: number;
  total_tokens: number | null;
  estimated_cost_usd: number | null;
  latency_ms: number;
  request_path: string;
  error_code: string | null;
}

export interface ReportDocument extends ReportSeries {
  schema_version: typeof reportSchemaVersion;
  generated_at: string;
  storage: { driver: "sqlite" | "postgres"; path?: string };
  filters: ReportFilters;
  summary: ReturnType<typeof bodies.summary>;
  providers: ProviderTotals[];
  daily: DailyProviderTotals[];
  models: ReturnType<typeof bodies.models>["items"];
  /** Requests that named no model (probes, model lists): in the totals, never in `models`. */
  non_generation: ReturnType<typeof bodies.models>["non_generation"];
  api_keys: ReturnType<typeof bodies.keys>["items"];
  /** Cost by billed dimension over the period (`GET /api/analytics/dimensions`' items). */
  cost_dimensions: ReturnType<typeof dimensions>["items"];
  /** Cost per developer and per agent over the period, most costly first. */
  developers: AttributedCost[];
  agents: AttributedCost[];
  recent_errors: ReportTrace[];
  recent_traces: ReportTrace[];
}

/** Every store call a report makes (`report` counts them on its progress line). */
export const reportReads = [
  "aggregate",
  "listTraces",
  "costLines",
  "sessions",
  "percentiles",
  "failovers",
] as const;
type Store = Pick<TraceStore, (typeof reportReads)[number]> & PeriodStore;

/**
 * Usage and cost views of the same rows (grouped by `group_by`), joined back into one item each,
 * with the group and the bucket they came with.
 */
export function groupTotals(
  rows: Awaited<ReturnType<Store["aggregate"]>>,
  group_by: "provider" | "developer",
): { group: string | null; bucket_start: string | null; totals: GroupTotals }[] {
  const shape = { group_by, bucket: "day" as const };
  const usage = bodies.usageSeries(rows, shape).items;
  const cost = bodies.costSeries(rows, shape).items;
  return usage.map((u, i) => ({
    group: u.group,
    bucket_start: u.bucket_start,
    totals: {
      request_count: u.request_count,
      input_tokens: u.input_tokens,
      output_tokens: u.output_tokens,
      total_tokens: u.total_tokens,
      total_cost_usd: cost[i]!.total_cost_usd,
      partial_count: cost[i]!.partial_count,
      unpriced_count: cost[i]!.unpriced_count,
      unknown_usage_count: u.unknown_usage_count,
    },
  }));
}

function providerItems(rows: Awaited<ReturnType<Store["aggregate"]>>) {
  return groupTotals(rows, "provider").map((g) => ({
    day: g.bucket_start,
    provider: g.group ?? unknownProvider,
    ...g.totals,
  }));
}

/** As the original: most tokens first, then the costliest (an unknown cost last), then by name. */
function byTokensThenCost(a: ProviderTotals, b: ProviderTotals): number {
  return b.total_tokens - a.total_tokens ||
    (b.total_cost_usd ?? -1) - (a.total_cost_usd ?? -1) ||
    (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0);
}

function reportTrace(t: TraceSummary): ReportTrace {
  return {
    id: t.id,
    timestamp: t.timestamp,
    provider: t.provider,
    model: t.model,
    response_status: t.response_status,
    total_tokens: t.total_tokens,
    estimated_cost_usd: t.estimated_cost_usd,
    latency_ms: t.latency_ms,
    request_path: t.request_path,
    error_code: t.error_code,
  };
}

/** All tenants: the report is an operator's view of the whole store, as in the original. */
export async function buildReport(
  store: Store,
  filters: ReportFilters,
  storage: ReportDocument["storage"],
  now: Date = new Date(),
): Promise<ReportDocument> {
  const query: AnalyticsQuery = {};
  const filter: TraceFilter = {};
  for (const key of ["provider", "model", "api_key_hash", "from", "to"] as const) {
    const value = filters[key];
    if (value !== undefined) query[key] = filter[key] = value;
  }
  // The totals first: their first and last trace bound the period's time axis.
  const all = await store.aggregate(query);
  const period = reportPeriod(query, all);
  const [series, byModel, byKey, byProvider, daily, errors, recent, lines, devs, agents] =
    await Promise.all([
      buildSeries(store, query, period, filters.limit),
      store.aggregate({ ...query, group_by: "model" }),
      store.aggregate({ ...query, group_by: "api_key_hash", with_key_only: true }),
      store.aggregate({ ...query, group_by: "provider" }),
      store.aggregate({ ...query, group_by: "provider", bucket: "day" }),
      store.listTraces({ ...filter, min_status: 400, limit: filters.limit }),
      store.listTraces({ ...filter, limit: filters.limit }),
      store.costLines(query),
      store.aggregate({ ...query, group_by: "developer" }),
      store.aggregate({ ...query, group_by: "agent" }),
    ]);
  const models = bodies.models(byModel);
  return {
    schema_version: reportSchemaVersion,
    generated_at: now.toISOString(),
    storage,
    filters,
    summary: bodies.summary(all, byModel, byKey),
    providers: providerItems(byProvider).map(({ day: _, ...p }) => p).sort(byTokensThenCost),
    daily: providerItems(daily).map(({ day, ...p }) => ({ day: day!.slice(0, 10), ...p })),
    models: models.items.slice(0, filters.limit),
    non_generation: models.non_generation,
    api_keys: bodies.keys(byKey).items.slice(0, filters.limit),
    cost_dimensions: dimensions(lines, { group_by: null, bucket: null }).items,
    developers: attributed(devs),
    agents: attributed(agents),
    recent_errors: errors.items.map(reportTrace),
    recent_traces: recent.items.map(reportTrace),
    ...series,
  };
}

/**
 * Both sides summed onto the lines they are compared on: day × line model (× group). The report
 * side keeps which metrics were unreadable so a line shows them as unknown, not short.
 */
import type { GatewayRow, GatewayTokens } from "./gateway_row.ts";
import type { CostStatusCounts, LineScope } from "./result.ts";
import type { GroupField, Metric, ProviderReport, ProviderRow } from "./types.ts";

export interface GatewayAgg {
  requests: number;
  tokens: GatewayTokens;
  usd: number;
  counts: CostStatusCounts;
  models: Set<string>;
  price_rows: Set<string>;
}

export interface ReportAgg {
  values: Partial<Record<Metric, number>>;
  unreadable: Set<Metric>;
  models: Set<string>;
  /** Tokens of Priority Tier rows: their cost is not in Anthropic's cost report. */
  priority_tokens: number;
}

export interface LineKey {
  day: string;
  scope: LineScope;
  model: string | null;
  group: string | null;
}

export function keyOf(k: LineKey): string {
  return `${k.day}\t${k.scope}\t${k.model ?? ""}\t${k.group ?? ""}`;
}

export function emptyGateway(): GatewayAgg {
  return {
    requests: 0,
    tokens: {
      uncached_input: 0,
      cache_read: 0,
      cache_write_5m: 0,
      cache_write_1h: 0,
      cache_write_other: 0,
      output: 0,
    },
    usd: 0,
    counts: { priced: 0, partial: 0, unpriced: 0, unknown_usage: 0 },
    models: new Set(),
    price_rows: new Set(),
  };
}

/** Adds a gateway row into `into`. */
export function addGateway(into: GatewayAgg, row: GatewayRow): void {
  mergeGateway(into, {
    requests: row.requests,
    tokens: row.tokens,
    usd: row.usd,
    counts: {
      priced: row.priced_requests,
      partial: row.partial_requests,
      unpriced: row.unpriced_requests,
      unknown_usage: row.unknown_usage_requests,
    },
    models: new Set([row.model]),
    price_rows: new Set(row.price_rows ?? []),
  });
}

/** Adds the figures of `a` into `into`; returns `into`. */
export function mergeGateway(into: GatewayAgg, a: GatewayAgg): GatewayAgg {
  into.requests += a.requests;
  for (const k of Object.keys(into.tokens) as (keyof GatewayTokens)[]) {
    into.tokens[k] += a.tokens[k];
  }
  into.usd += a.usd;
  for (const k of Object.keys(into.counts) as (keyof CostStatusCounts)[]) {
    into.counts[k] += a.counts[k];
  }
  for (const m of a.models) into.models.add(m);
  for (const p of a.price_rows) into.price_rows.add(p);
  return into;
}

/** A gateway aggregate's figure for a metric; the lifetime split is unknown beside writes without one. */
export function gatewayValue(g: GatewayAgg, m: Metric): number | null {
  const t = g.tokens;
  switch (m) {
    case "cache_write_total":
      return t.cache_write_5m + t.cache_write_1h + t.cache_write_other;
    case "cache_write_5m":
    case "cache_write_1h":
      return t.cache_write_other > 0 ? null : t[m];
    case "requests":
      return g.requests;
    case "usd":
      return g.usd;
    default:
      return t[m];
  }
}

/** A report row's figures by metric (only those it carries). */
export function rowValues(r: ProviderRow): Partial<Record<Metric, number>> {
  const t = r.tokens;
  const out: Partial<Record<Metric, number>> = {};
  const set = (m: Metric, v: number | null | undefined) => {
    if (v !== undefined && v !== null) out[m] = v;
  };
  set("uncached_input", t.uncached_input);
  set("cache_read", t.cache_read);
  set("cache_write_5m", t.cache_write_5m);
  set("cache_write_1h", t.cache_write_1h);
  const writes = [t.cache_write_5m, t.cache_write_1h, t.cache_write].filter((v) => v !== undefined);
  if (writes.length > 0) out.cache_write_total = writes.reduce((a, b) => a + b, 0);
  set("output", t.output);
  set("requests", r.requests);
  set("usd", r.usd);
  return out;
}

export function addReport(into: ReportAgg, r: ProviderRow): void {
  for (const [m, v] of Object.entries(rowValues(r)) as [Metric, number][]) {
    into.values[m] = (into.values[m] ?? 0) + v;
  }
  for (const m of r.unreadable ?? []) into.unreadable.add(m);
  if (r.model !== null) into.models.add(r.model);
  if (r.service_tier?.startsWith("priority")) {
    const v = rowValues(r);
    into.priority_tokens += (v.uncached_input ?? 0) + (v.cache_read ?? 0) +
      (v.cache_write_total ?? 0) + (v.output ?? 0);
  }
}

export function emptyReport(): ReportAgg {
  return { values: {}, unreadable: new Set(), models: new Set(), priority_tokens: 0 };
}

/** The group a row falls in under `groupBy` (null: not grouping). */
export function groupValue(group: GatewayRow["group"], groupBy: GroupField | null): string | null {
  if (groupBy === null) return null;
  return group?.[groupBy] ?? "(none)";
}

/** Whether `groupBy` can be applied: every document with rows is grouped by it. */
export function canGroup(report: ProviderReport, groupBy: GroupField | undefined): boolean {
  if (groupBy === undefined) return false;
  return report.sources.length > 0 && report.sources.every((s) => s.grouped_by.includes(groupBy));
}

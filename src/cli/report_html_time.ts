/**
 * The HTML report's charts over time, on one continuous axis (`doc.period`): every slot of the
 * period is a category, so a day without traffic shows as an empty slot. A slot without traffic
 * cost nothing and used no tokens (a true 0), but has no error rate and no latency: those read
 * "no requests", never 0.
 */
import { type Chart, slotLabel, slotName, slotTick } from "../html_report/mod.ts";
import type { ReportDocument } from "./report_data.ts";

const unique = <T>(values: T[]) => [...new Set(values)];

/** The axis' slots and how the charts name them; null without a period. */
function axis(doc: ReportDocument) {
  const p = doc.period;
  if (p === null) return null;
  return {
    slots: p.slots,
    categoryLabel: slotLabel(p.bucket),
    categories: p.slots.map((s) => slotName(s, p.bucket)),
    ticks: p.slots.map((s) => slotTick(s, p.bucket)),
    per: p.bucket,
  };
}

type Axis = NonNullable<ReturnType<typeof axis>>;

function empty(id: string, title: string, unit: string): Chart {
  return { id, title, unit, categoryLabel: "time (UTC)", categories: [], series: [] };
}

/** A slot's cost and tokens for one provider or model. */
type Slot = { bucket_start: string; total_tokens: number; total_cost_usd: number | null };

/** Models with their own series; the rest are summed as "other models". */
export const stackedModels = 6;

/**
 * One series per provider or model × `slots` of one figure; a slot without traffic is 0. Models
 * past the costliest `stackedModels` share one series, the sum of their known figures (null
 * when none is known), as the API's group totals are.
 */
export function stackedSeries(
  slots: readonly string[],
  rows: readonly (Slot & { name: string })[],
  by: "provider" | "model",
  value: (d: Slot) => number | null,
): { name: string; values: (number | null)[] }[] {
  const names = by === "model" ? rankedModels(rows) : unique(rows.map((d) => d.name)).sort();
  const own = new Set(names.slice(0, by === "model" ? stackedModels : names.length));
  const rest = names.length - own.size;
  const other = "\u0000other";
  const parts = new Map<string, (number | null)[]>();
  for (const d of rows) {
    const key = `${d.bucket_start} ${own.has(d.name) ? d.name : other}`;
    parts.set(key, [...(parts.get(key) ?? []), value(d)]);
  }
  const sum = (of: (number | null)[] | undefined) => {
    if (of === undefined) return 0;
    const known = of.filter((v): v is number => v !== null);
    return known.length === 0 ? null : known.reduce((x, y) => x + y, 0);
  };
  const line = (name: string, key: string) => ({
    name,
    values: slots.map((slot) => sum(parts.get(`${slot} ${key}`))),
  });
  const series = [...own].map((n) => line(n, n));
  if (rest > 0) series.push(line(`${rest} other model${rest === 1 ? "" : "s"}`, other));
  return series;
}

function stacked(
  a: Axis,
  rows: readonly (Slot & { name: string })[],
  by: "provider" | "model",
  id: string,
  title: string,
  unit: string,
  value: (d: Slot) => number | null,
): Chart {
  return {
    id,
    title: `${title} per ${a.per} by ${by}`,
    unit,
    categoryLabel: a.categoryLabel,
    categories: a.categories,
    ticks: a.ticks,
    series: stackedSeries(a.slots, rows, by, value),
  };
}

/** Models costliest first over the period (then by tokens, then by name). */
function rankedModels(rows: readonly (Slot & { name: string })[]): string[] {
  const total = new Map<string, { cost: number; tokens: number }>();
  for (const r of rows) {
    const t = total.get(r.name) ?? { cost: 0, tokens: 0 };
    t.cost += r.total_cost_usd ?? 0;
    t.tokens += r.total_tokens;
    total.set(r.name, t);
  }
  return [...total].sort(([an, a], [bn, b]) =>
    b.cost - a.cost || b.tokens - a.tokens || (an < bn ? -1 : 1)
  ).map(([n]) => n);
}

/** A figure of a bucketed view's items per slot; null (`nullText`) where the view has none. */
function perSlot<T extends { bucket_start: string | null }>(
  a: Axis,
  items: readonly T[],
  value: (item: T) => number | null,
): (number | null)[] {
  const of = new Map(items.map((i) => [i.bucket_start, i]));
  return a.slots.map((slot) => {
    const item = of.get(slot);
    return item === undefined ? null : value(item);
  });
}

function errorRate(doc: ReportDocument, a: Axis): Chart {
  return {
    id: "error-rate-over-time",
    title: `Error rate per ${a.per}`,
    unit: "%",
    categoryLabel: a.categoryLabel,
    categories: a.categories,
    ticks: a.ticks,
    series: [{ name: "error rate", values: perSlot(a, doc.errors, (e) => e.error_rate) }],
    nullText: "no requests",
    columns: [
      { name: "requests", values: perSlot(a, doc.errors, (e) => e.total_requests) },
      {
        name: "errors",
        values: perSlot(a, doc.errors, (e) => e.error_count_4xx + e.error_count_5xx),
      },
    ],
    note: `Answers with status 400 or above over every request of the ${a.per}.`,
  };
}

function latency(doc: ReportDocument, a: Axis, ttft: boolean): Chart {
  const l = doc.latency;
  const pick = (p: "p50" | "p95" | "p99") =>
    perSlot(a, l, (i) => ttft ? i.ttft_ms[p] : i[`${p}_ms`]);
  return {
    id: ttft ? "ttft-over-time" : "latency-over-time",
    title: ttft
      ? `Time to first token per ${a.per} (streams): p50, p95, p99`
      : `Latency per ${a.per}: p50, p95, p99`,
    unit: "ms",
    categoryLabel: a.categoryLabel,
    categories: a.categories,
    ticks: a.ticks,
    series: [
      { name: "p50", values: pick("p50") },
      { name: "p95", values: pick("p95") },
      { name: "p99", values: pick("p99") },
    ],
    line: true,
    nullText: ttft ? "no streams" : "no requests",
    columns: [{
      name: ttft ? "streams" : "requests",
      values: perSlot(a, l, (i) => ttft ? i.ttft_ms.count : i.request_count),
    }],
    note: "Percentiles from the rollups' histograms: within 1% of the exact value." +
      (ttft ? " Only streamed answers have a first token." : " From request to the last byte."),
  };
}

function cacheSaved(doc: ReportDocument, a: Axis): Chart {
  const c = doc.cache_savings;
  // A slot with cached tokens of which none could be valued is unknown, not 0.
  const known = (v: (s: (typeof c)[number]) => number) => (s: (typeof c)[number]) =>
    s.unknown_tokens === s.cached_tokens && s.cached_tokens > 0 ? null : v(s);
  const zeroOr = (values: (number | null)[], items: typeof c) =>
    values.map((v, i) => v ?? (items.some((s) => s.bucket_start === a.slots[i]) ? null : 0));
  const unknown = c.reduce((n, s) => n + s.unknown_tokens, 0);
  return {
    id: "cache-savings-over-time",
    title: `What prompt caching saved per ${a.per}`,
    unit: "USD",
    categoryLabel: a.categoryLabel,
    categories: a.categories,
    ticks: a.ticks,
    series: [
      {
        name: "paid for cached tokens",
        values: zeroOr(perSlot(a, c, known((s) => s.paid_usd)), c),
      },
      { name: "saved", values: zeroOr(perSlot(a, c, known((s) => s.saved_usd)), c) },
    ],
    columns: [
      { name: "cached tokens", values: zeroOr(perSlot(a, c, (s) => s.cached_tokens), c) },
      { name: "of which unknown", values: zeroOr(perSlot(a, c, (s) => s.unknown_tokens), c) },
    ],
    note: "Saved: cached input tokens at their model's uncached input rate of the slot (what " +
      "its priced input lines cost per token) minus what they cost; paid plus saved is what " +
      "they would have cost uncached." +
      (unknown > 0
        ? ` ${unknown.toLocaleString("en-US")} cached tokens are not valued (no price, or ` +
          "no priced uncached input of their model in the slot)."
        : ""),
  };
}

/** The charts over time, in reading order. */
export function timeCharts(doc: ReportDocument, leftOut: string | undefined): Chart[] {
  const a = axis(doc);
  if (a === null) {
    return [
      empty("cost-over-time", "Cost over time", "USD"),
      empty("latency-over-time", "Latency over time", "ms"),
    ];
  }
  const providers = doc.by_provider.map((d) => ({ ...d, name: d.provider }));
  const models = doc.by_model.map((d) => ({ ...d, name: d.model }));
  const cost = (d: Slot) => d.total_cost_usd, tokens = (d: Slot) => d.total_tokens;
  const withNote = (c: Chart) => leftOut === undefined ? c : { ...c, note: leftOut };
  return [
    withNote(stacked(a, providers, "provider", "cost-over-time", "Cost", "USD", cost)),
    stacked(a, providers, "provider", "tokens-over-time", "Tokens", "tokens", tokens),
    withNote(stacked(a, models, "model", "cost-by-model-over-time", "Cost", "USD", cost)),
    stacked(a, models, "model", "tokens-by-model-over-time", "Tokens", "tokens", tokens),
    errorRate(doc, a),
    latency(doc, a, false),
    latency(doc, a, true),
    cacheSaved(doc, a),
  ];
}

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

/** Providers (series) × slots of one figure of `by_provider`; a slot without traffic is 0. */
function byProvider(
  doc: ReportDocument,
  a: Axis,
  id: string,
  title: string,
  unit: string,
  value: (d: ReportDocument["by_provider"][number]) => number | null,
): Chart {
  const providers = unique(doc.by_provider.map((d) => d.provider)).sort();
  const of = new Map(doc.by_provider.map((d) => [`${d.bucket_start} ${d.provider}`, d]));
  return {
    id,
    title: `${title} per ${a.per} by provider`,
    unit,
    categoryLabel: a.categoryLabel,
    categories: a.categories,
    ticks: a.ticks,
    series: providers.map((p) => ({
      name: p,
      values: a.slots.map((slot) => {
        const row = of.get(`${slot} ${p}`);
        return row === undefined ? 0 : value(row);
      }),
    })),
  };
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
  const cost = byProvider(doc, a, "cost-over-time", "Cost", "USD", (d) => d.total_cost_usd);
  return [
    leftOut === undefined ? cost : { ...cost, note: leftOut },
    byProvider(doc, a, "tokens-over-time", "Tokens", "tokens", (d) => d.total_tokens),
    errorRate(doc, a),
    latency(doc, a, false),
    latency(doc, a, true),
    cacheSaved(doc, a),
  ];
}

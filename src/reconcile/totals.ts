/**
 * Cells, the totals over the period (per model and overall) and the verdict. A total adds only
 * the lines where both sides know the figure, so an unknown never counts as 0 in it.
 */
import { causeLabels, formatPercent } from "./format.ts";
import type {
  Explanation,
  MetricCell,
  ReconcileLine,
  ReconcileResult,
  TotalLine,
} from "./result.ts";
import { type Metric, metrics } from "./types.ts";

export function cellOf(
  gateway: number | null,
  provider: number | null,
  tolerance: number,
): MetricCell {
  if (gateway === null || provider === null) {
    return {
      gateway,
      provider,
      difference: null,
      relative_difference: null,
      beyond_tolerance: false,
    };
  }
  const difference = gateway - provider;
  // Against the report (the bill); a figure the report says is 0 counts as entirely off.
  const relative_difference = provider === 0 ? (gateway === 0 ? 0 : 1) : difference / provider;
  return {
    gateway,
    provider,
    difference,
    relative_difference,
    beyond_tolerance: Math.abs(relative_difference) > tolerance,
  };
}

function totalOf(model: string | null, lines: ReconcileLine[], tolerance: number): TotalLine {
  const cells: Partial<Record<Metric, MetricCell>> = {};
  for (const m of metrics) {
    const known = lines.map((l) => l.metrics[m]).filter((c) =>
      c !== undefined && c.difference !== null
    );
    if (known.length === 0) continue;
    const sum = (side: "gateway" | "provider") => known.reduce((a, c) => a + c![side]!, 0);
    cells[m] = cellOf(sum("gateway"), sum("provider"), tolerance);
  }
  const beyond = Object.values(cells).some((c) => c.beyond_tolerance);
  return {
    model,
    metrics: cells,
    beyond_tolerance: beyond,
    explanations: beyond ? causesOf(lines, model) : [],
  };
}

export function totalsOf(lines: ReconcileLine[], tolerance: number): ReconcileResult["totals"] {
  const byModel = new Map<string, ReconcileLine[]>();
  for (const l of lines) {
    if (l.scope !== "model" || l.model === null) continue;
    byModel.set(l.model, [...(byModel.get(l.model) ?? []), l]);
  }
  const by_model = [...byModel.keys()].sort().map((m) => totalOf(m, byModel.get(m)!, tolerance));
  return { by_model, all: totalOf(null, lines.filter((l) => l.scope !== "no_model"), tolerance) };
}

/** A total's causes: each cause of its lines once, with how many lines and which days. */
function causesOf(lines: ReconcileLine[], model: string | null): Explanation[] {
  const by = new Map<string, { e: Explanation; days: string[] }>();
  for (const l of lines) {
    for (const e of l.explanations) {
      const at = by.get(e.cause) ?? { e: { ...e, metrics: [] }, days: [] };
      at.days.push(l.day);
      for (const m of e.metrics) if (!at.e.metrics.includes(m)) at.e.metrics.push(m);
      by.set(e.cause, at);
    }
  }
  return [...by.values()].map(({ e, days }) => ({
    cause: e.cause,
    metrics: e.metrics,
    message: e.cause === "price_differs" && model !== null
      ? priceSummary(lines)
      : `${causeLabels[e.cause]} on ${days.length} line(s) (${spanOf(days)})`,
  }));
}

function spanOf(days: string[]): string {
  const sorted = [...new Set(days)].sort();
  return sorted.length <= 3 ? sorted.join(", ") : `${sorted[0]} .. ${sorted[sorted.length - 1]}`;
}

/**
 * A model's price differences over the period. On every day: a wrong price row (or a change
 * before the period). From a day on, the days before agreeing: a price change one side lacks.
 * The ratio is the same each day only when all of the model's rates differ alike; otherwise it
 * follows the day's token mix, which is said rather than read as a change.
 */
function priceSummary(lines: ReconcileLine[]): string {
  const compared = lines.filter((l) => l.metrics.usd?.difference != null)
    .sort((a, b) => a.day.localeCompare(b.day));
  const isPrice = (l: ReconcileLine) => l.explanations.some((e) => e.cause === "price_differs");
  const priced = compared.filter(isPrice);
  const ratios = priced.map((l) => l.metrics.usd!.gateway! / l.metrics.usd!.provider!)
    .filter(Number.isFinite);
  if (priced.length === 0 || ratios.length === 0) return causeLabels.price_differs;
  const [lo, hi] = [Math.min(...ratios), Math.max(...ratios)];
  const ratio = hi / lo - 1 <= 0.001
    ? `by the same ratio ${lo.toFixed(4)}× (gateway/report)`
    : `by ratios ${lo.toFixed(4)}× to ${hi.toFixed(4)}× (gateway/report; not all of its rates ` +
      `differ, so the ratio follows the token mix)`;
  const start = compared.indexOf(priced[0]!);
  if (priced.length === compared.length) {
    return `a price that differs on every day compared (${priced.length}) ${ratio}: a wrong ` +
      `price row, or a price change before the period`;
  }
  if (start > 0 && compared.slice(start).every(isPrice)) {
    return `a price that differs from ${priced[0]!.day} on (${priced.length} days; the days ` +
      `before agree) ${ratio}: a price change on ${priced[0]!.day} one side does not have`;
  }
  return `a price that differs on ${priced.length} of ${compared.length} days ` +
    `(${spanOf(priced.map((l) => l.day))}) ${ratio}`;
}

export function verdictOf(
  lines: ReconcileLine[],
  totals: ReconcileResult["totals"],
): ReconcileResult["verdict"] {
  let worst: ReconcileResult["verdict"]["worst"] = null;
  let worstRel: number | null = null;
  for (const l of lines) {
    for (const [m, c] of Object.entries(l.metrics) as [Metric, MetricCell][]) {
      if (c.relative_difference === null) continue;
      const rel = Math.abs(c.relative_difference);
      if (worstRel === null || rel > worstRel) {
        (worstRel = rel), (worst = { day: l.day, model: l.model, metric: m });
      }
    }
  }
  const beyondLines = lines.filter((l) => l.beyond_tolerance).length;
  const totalsBeyond = totals.all.beyond_tolerance ||
    totals.by_model.some((t) => t.beyond_tolerance);
  return {
    within_tolerance: beyondLines === 0 && !totalsBeyond,
    worst_relative_difference: worstRel,
    worst,
    lines_beyond_tolerance: beyondLines,
  };
}

/** "3 lines beyond 0.50%; worst -100.00%" for logs and summaries. */
export function verdictLine(result: ReconcileResult): string {
  const v = result.verdict;
  const worst = v.worst_relative_difference === null
    ? "nothing compared"
    : `worst ${formatPercent(v.worst_relative_difference)}`;
  return v.within_tolerance
    ? `within tolerance (${formatPercent(result.tolerance)}): ${worst}`
    : `${v.lines_beyond_tolerance} line(s) beyond tolerance (${
      formatPercent(result.tolerance)
    }): ${worst}`;
}

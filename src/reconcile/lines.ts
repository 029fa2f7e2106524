/**
 * The lines of a reconciliation from both sides' sums: which lines exist on a day (a model line
 * when the report gives some metric per model, a day total when it gives some per day only, a
 * line apart for its figures naming no model) and the cell of each metric on each.
 */
import {
  emptyGateway,
  emptyReport,
  type GatewayAgg,
  gatewayValue,
  keyOf,
  type LineKey,
  mergeGateway,
  type ReportAgg,
} from "./aggregate.ts";
import { explainLine } from "./explain.ts";
import type { MetricCell, ReconcileLine } from "./result.ts";
import { cellOf } from "./totals.ts";
import { type GroupField, type Metric, metrics, type ReportSource } from "./types.ts";

export interface Setup {
  tolerance: number;
  /** `day/metric` → the document that reports it for that day. */
  coverage: Map<string, ReportSource>;
  days: Set<string>;
  groupBy: GroupField | null;
}

export interface Sides {
  gateway: Map<string, { key: LineKey; agg: GatewayAgg }>;
  report: Map<string, { key: LineKey; agg: ReportAgg }>;
}

/** Whether a metric on a day is compared per model (true), per day (false), or not at all. */
function levelOf(setup: Setup, day: string, m: Metric): boolean | undefined {
  return setup.coverage.get(`${day}/${m}`)?.by_model;
}

export function linesOf(sides: Sides, setup: Setup): ReconcileLine[] {
  const keys = new Map<string, LineKey>();
  const dayTotals = new Map<string, GatewayAgg>();
  for (const { key, agg } of sides.gateway.values()) {
    if (metrics.some((m) => levelOf(setup, key.day, m) === true)) keys.set(keyOf(key), key);
    const total: LineKey = { ...key, scope: "day_total", model: null };
    const into = dayTotals.get(keyOf(total)) ?? emptyGateway();
    dayTotals.set(keyOf(total), mergeGateway(into, agg));
    if (metrics.some((m) => levelOf(setup, key.day, m) === false)) keys.set(keyOf(total), total);
  }
  for (const { key } of sides.report.values()) keys.set(keyOf(key), key);
  const lines = [...keys.entries()].map(([k, key]) => {
    const g = key.scope === "day_total" ? dayTotals.get(k) : sides.gateway.get(k)?.agg;
    return lineOf(key, g, sides.report.get(k)?.agg, setup);
  });
  const scopeOrder = { model: 0, no_model: 1, day_total: 2 };
  return lines.sort((a, b) =>
    a.day.localeCompare(b.day) || scopeOrder[a.scope] - scopeOrder[b.scope] ||
    (a.model ?? "").localeCompare(b.model ?? "") || (a.group ?? "").localeCompare(b.group ?? "")
  );
}

/** The report's figure for a line: 0 when the report covers the day and has no row for it. */
function provided(r: ReportAgg | undefined, m: Metric): number | null {
  if (r === undefined) return 0;
  return r.unreadable.has(m) ? null : r.values[m] ?? 0;
}

/**
 * A model line gets every metric (the report's unknown when it gives the metric per day only or
 * not at all); a day total only the metrics the report gives per day; a line of the report's
 * model-less figures only those, with no gateway side.
 */
function cellsOf(key: LineKey, g: GatewayAgg, r: ReportAgg | undefined, setup: Setup) {
  const cells: Partial<Record<Metric, MetricCell>> = {};
  for (const m of metrics) {
    const level = levelOf(setup, key.day, m);
    if (key.scope === "no_model") {
      if (r?.values[m] !== undefined) cells[m] = cellOf(null, provided(r, m), setup.tolerance);
    } else if (key.scope === "day_total") {
      if (level === false) cells[m] = cellOf(gatewayValue(g, m), provided(r, m), setup.tolerance);
    } else {
      const p = level === true ? provided(r, m) : null;
      cells[m] = cellOf(gatewayValue(g, m), p, setup.tolerance);
    }
  }
  return cells;
}

function lineOf(
  key: LineKey,
  g: GatewayAgg | undefined,
  r: ReportAgg | undefined,
  setup: Setup,
): ReconcileLine {
  const gAgg = g ?? emptyGateway();
  const cells = cellsOf(key, gAgg, r, setup);
  const line: ReconcileLine = {
    day: key.day,
    scope: key.scope,
    model: key.model,
    group: key.group,
    gateway_models: [...gAgg.models].sort(),
    report_models: [...(r?.models ?? [])].sort(),
    metrics: cells,
    gateway_requests_by_cost: { ...gAgg.counts },
    beyond_tolerance: Object.values(cells).some((c) => c.beyond_tolerance),
    explanations: [],
  };
  if (line.beyond_tolerance) {
    line.explanations = explainLine(line, gAgg, r ?? emptyReport(), setup.tolerance);
  }
  return line;
}

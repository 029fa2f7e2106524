/**
 * The comparison: gateway rows and a provider report onto one set of lines (day × model × group,
 * plus day totals for figures the report gives per day only), a cell per metric, the likely cause
 * of each difference beyond tolerance, totals and a verdict. Pure: no clock, no I/O.
 */
import {
  addGateway,
  addReport,
  canGroup,
  emptyGateway,
  emptyReport,
  type GatewayAgg,
  gatewayValue,
  groupValue,
  keyOf,
  type LineKey,
  mergeGateway,
  type ReportAgg,
} from "./aggregate.ts";
import { explainLine } from "./explain.ts";
import type { GatewayRow } from "./gateway_row.ts";
import { modelLines } from "./model_match.ts";
import {
  defaultTolerance,
  type MetricCell,
  type ReconcileLine,
  type ReconcileOptions,
  type ReconcileResult,
} from "./result.ts";
import { cellOf, totalsOf, verdictOf } from "./totals.ts";
import {
  type GroupField,
  type Metric,
  metrics,
  type ProviderReport,
  type ReportSource,
} from "./types.ts";

interface Setup {
  tolerance: number;
  /** `day/metric` → the document that reports it for that day. */
  coverage: Map<string, ReportSource>;
  days: Set<string>;
  groupBy: GroupField | null;
}

interface Sides {
  gateway: Map<string, { key: LineKey; agg: GatewayAgg }>;
  report: Map<string, { key: LineKey; agg: ReportAgg }>;
}

const dayForm = /^\d{4}-\d{2}-\d{2}$/;

export function reconcile(
  gateway: GatewayRow[],
  report: ProviderReport,
  options: ReconcileOptions = {},
): ReconcileResult {
  const { from, to } = options;
  for (const d of [from, to]) {
    if (d !== undefined && !dayForm.test(d)) throw new RangeError(`not a day (YYYY-MM-DD): ${d}`);
  }
  const tolerance = options.tolerance ?? defaultTolerance;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`tolerance must be a fraction ≥ 0, got ${tolerance}`);
  }
  const inPeriod = (d: string) =>
    (from === undefined || d >= from) && (to === undefined || d <= to);
  const notes = [...report.notes];
  const gw = gateway.filter((r) => r.provider === report.provider && inPeriod(r.day));
  const otherKinds = gateway.filter((r) => r.provider !== report.provider).length;
  if (otherKinds > 0) notes.push(`${otherKinds} gateway row(s) of other providers left out`);
  const setup = setupOf(report, options, tolerance, inPeriod, notes);
  const sides = sidesOf(gw, report.rows.filter((r) => inPeriod(r.day)), report, setup);
  const lines = linesOf(sides, setup);
  const notCovered = [...new Set(gw.map((r) => r.day))].filter((d) => !setup.days.has(d)).sort();
  if (notCovered.length > 0) {
    notes.push(
      `days with gateway traffic the report does not cover, not compared: ${notCovered.join(", ")}`,
    );
  }
  const totals = totalsOf(lines, tolerance);
  const days = [...setup.days].sort();
  return {
    provider: report.provider,
    tolerance,
    period: { from: from ?? null, to: to ?? null },
    report: {
      kinds: report.sources.map((s) => s.kind),
      covered_from: days[0] ?? null,
      covered_to: days[days.length - 1] ?? null,
      days_compared: days.length,
      days_not_covered: notCovered,
      bad_values: report.bad_values,
    },
    lines,
    totals,
    verdict: verdictOf(lines, totals),
    notes,
  };
}

function setupOf(
  report: ProviderReport,
  options: ReconcileOptions,
  tolerance: number,
  inPeriod: (d: string) => boolean,
  notes: string[],
): Setup {
  const coverage = new Map<string, ReportSource>();
  const days = new Set<string>();
  for (const s of report.sources) {
    for (const d of s.days.filter(inPeriod)) {
      days.add(d);
      for (const m of s.metrics) coverage.set(`${d}/${m}`, s);
    }
  }
  const grouping = canGroup(report, options.groupBy);
  if (options.groupBy !== undefined && !grouping) {
    notes.push(`not every report is grouped by ${options.groupBy}: lines are not split by it`);
  }
  return { tolerance, coverage, days, groupBy: grouping ? options.groupBy! : null };
}

/** Both sides summed per line key, on the days the report covers. */
function sidesOf(
  gw: GatewayRow[],
  rows: ProviderReport["rows"],
  report: ProviderReport,
  setup: Setup,
): Sides {
  const names = modelLines(gw.map((r) => r.model), rows.flatMap((r) => r.model ?? []));
  const sides: Sides = { gateway: new Map(), report: new Map() };
  for (const r of gw) {
    if (!setup.days.has(r.day)) continue;
    const key: LineKey = {
      day: r.day,
      scope: "model",
      model: names.gateway.get(r.model) ?? r.model,
      group: groupValue(r.group, setup.groupBy),
    };
    const at = sides.gateway.get(keyOf(key)) ?? { key, agg: emptyGateway() };
    sides.gateway.set(keyOf(key), at);
    addGateway(at.agg, r);
  }
  for (const r of rows) {
    if (!setup.days.has(r.day)) continue;
    const byModel = report.sources[r.source]?.by_model ?? false;
    const scope = !byModel ? "day_total" : r.model === null ? "no_model" : "model";
    const model = scope === "model" ? names.report.get(r.model!) ?? r.model : null;
    const key: LineKey = { day: r.day, scope, model, group: groupValue(r.group, setup.groupBy) };
    const at = sides.report.get(keyOf(key)) ?? { key, agg: emptyReport() };
    sides.report.set(keyOf(key), at);
    addReport(at.agg, r);
  }
  return sides;
}

/** Whether a metric on a day is compared per model (true), per day (false), or not at all. */
function levelOf(setup: Setup, day: string, m: Metric): boolean | undefined {
  return setup.coverage.get(`${day}/${m}`)?.by_model;
}

function linesOf(sides: Sides, setup: Setup): ReconcileLine[] {
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

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
  groupValue,
  keyOf,
  type LineKey,
} from "./aggregate.ts";
import { formatUsd } from "./format.ts";
import type { GatewayRow } from "./gateway_row.ts";
import { linesOf, type Setup, type Sides } from "./lines.ts";
import { modelLines } from "./model_match.ts";
import {
  defaultTolerance,
  type ReconcileLine,
  type ReconcileOptions,
  type ReconcileResult,
} from "./result.ts";
import { totalsOf, verdictOf } from "./totals.ts";
import type { ProviderReport, ReportSource } from "./types.ts";

const dayForm = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Compares the gateway's rows with a provider's report over `options.from`..`options.to` (UTC
 * days, inclusive; both sides' other days left out), on the days the report covers whole.
 */
export function reconcile(
  gateway: GatewayRow[],
  report: ProviderReport,
  options: ReconcileOptions = {},
): ReconcileResult {
  const { from, to } = options;
  const tolerance = checkedTolerance(options);
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
  notes.push(...coverageNotes(lines, notCovered));
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

function checkedTolerance(options: ReconcileOptions): number {
  for (const d of [options.from, options.to]) {
    if (d !== undefined && !dayForm.test(d)) throw new RangeError(`not a day (YYYY-MM-DD): ${d}`);
  }
  const tolerance = options.tolerance ?? defaultTolerance;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`tolerance must be a fraction ≥ 0, got ${tolerance}`);
  }
  return tolerance;
}

/** What was not compared: gateway days the report lacks, report costs naming no model. */
function coverageNotes(lines: ReconcileLine[], notCovered: string[]): string[] {
  const notes: string[] = [];
  if (notCovered.length > 0) {
    notes.push(
      `days with gateway traffic the report does not cover, not compared: ${notCovered.join(", ")}`,
    );
  }
  const apart = lines.filter((l) => l.scope === "no_model");
  if (apart.length > 0) {
    const usd = apart.reduce((a, l) => a + (l.metrics.usd?.provider ?? 0), 0);
    notes.push(
      `the report has ${formatUsd(usd)} naming no model (tools, storage...) on ${apart.length} ` +
        `day(s): shown apart, not compared`,
    );
  }
  return notes;
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

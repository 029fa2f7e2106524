/**
 * The reconciliation as a table a finance reader can follow: the verdict first, then each day ×
 * model beyond tolerance with every figure of both sides (unknown said as such), its likely
 * causes, then the totals per model and overall, then the notes.
 */
import { formatFigure, formatPercent, metricLabels } from "./format.ts";
import type {
  Explanation,
  MetricCell,
  ReconcileLine,
  ReconcileResult,
  TotalLine,
} from "./result.ts";
import { verdictLine } from "./totals.ts";
import type { Metric } from "./types.ts";

export function renderText(result: ReconcileResult): string {
  const out: string[] = [...headerOf(result), ""];
  const beyond = result.lines.filter((l) => l.beyond_tolerance);
  out.push(
    beyond.length === 0
      ? "No day × model differs beyond tolerance."
      : `Differences beyond tolerance (${beyond.length}):`,
  );
  for (const line of beyond) {
    out.push("", ...blockOf(titleOf(line), line.metrics, line.explanations));
  }
  out.push("", "Totals over the period:");
  for (const t of [...result.totals.by_model, result.totals.all]) {
    out.push("", ...blockOf(totalTitle(t), t.metrics, t.explanations));
  }
  const notes = notesOf(result);
  if (notes.length > 0) out.push("", "Notes:", ...notes.map((n) => `  - ${n}`));
  return out.join("\n") + "\n";
}

function headerOf(r: ReconcileResult): string[] {
  const { from, to } = r.period;
  const period = from === null && to === null
    ? "all days"
    : `${from ?? "the report's first day"} .. ${to ?? "the report's last day"}`;
  const covered = r.report.covered_from === null
    ? "no day whole"
    : `${r.report.covered_from} .. ${r.report.covered_to} (${r.report.days_compared} days compared)`;
  return [
    `Reconciliation with ${r.provider}'s reports (${r.report.kinds.join(", ") || "none"})`,
    `Period: ${period}; the report covers ${covered}`,
    `Verdict: ${verdictLine(r)}`,
  ];
}

function titleOf(l: ReconcileLine): string {
  const group = l.group === null ? "" : `  [${l.group}]`;
  if (l.scope === "day_total") {
    return `${l.day}  all models (the report gives this per day only)${group}`;
  }
  if (l.scope === "no_model") return `${l.day}  not by model (report only, not compared)${group}`;
  const ids = [...new Set([...l.gateway_models, ...l.report_models])].filter((id) =>
    id !== l.model
  );
  return `${l.day}  ${l.model}${ids.length > 0 ? ` (${ids.join(", ")})` : ""}${group}`;
}

function totalTitle(t: TotalLine): string {
  return t.model === null ? "All models" : t.model;
}

const side = (m: Metric, v: number | null) => v === null ? "unknown" : formatFigure(m, v);

function blockOf(
  title: string,
  cells: Partial<Record<Metric, MetricCell>>,
  explanations: Explanation[],
): string[] {
  const rows: string[][] = [["", "gateway", "report", "difference", "relative", ""]];
  for (const [m, c] of Object.entries(cells) as [Metric, MetricCell][]) {
    rows.push([
      metricLabels[m],
      side(m, c.gateway),
      side(m, c.provider),
      c.difference === null ? "-" : formatFigure(m, c.difference),
      c.relative_difference === null ? "-" : formatPercent(c.relative_difference, true),
      c.beyond_tolerance ? "beyond" : "",
    ]);
  }
  return [
    title,
    ...table(rows).map((r) => `  ${r}`),
    ...explanations.map((e) => `  cause: ${e.message}`),
  ];
}

/** Columns padded to their widest cell: the first left-aligned, the others right-aligned. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join("  ").trimEnd()
  );
}

function notesOf(r: ReconcileResult): string[] {
  const bad = Object.entries(r.report.bad_values).map(([field, n]) =>
    `${n} unreadable value(s) in the report: ${field} (those figures show as unknown)`
  );
  return [...r.notes, ...bad];
}

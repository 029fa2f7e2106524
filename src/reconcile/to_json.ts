/**
 * The reconciliation as a JSON document (`--format json`, `GET /api/reconciliation`). Stable
 * snake_case keys, version `reconcile.v1`:
 *
 * {
 *   "version": "reconcile.v1",
 *   "provider": "anthropic" | "openai",
 *   "tolerance": 0.005,                                  // a fraction
 *   "period": { "from": "YYYY-MM-DD" | null, "to": ... },
 *   "report": { "kinds": ["anthropic_usage", ...], "covered_from", "covered_to",
 *               "days_compared", "days_not_covered": [day], "bad_values": { field: count } },
 *   "verdict": { "within_tolerance", "worst_relative_difference" (absolute, or null),
 *                "worst": { "day", "model", "metric" } | null, "lines_beyond_tolerance" },
 *   "lines": [{ "day", "scope": "model" | "day_total" | "no_model", "model", "group",
 *               "gateway_models", "report_models",
 *               "metrics": { <metric>: { "gateway", "provider", "difference",
 *                                        "relative_difference", "beyond_tolerance" } },
 *               "gateway_requests_by_cost": { "priced", "partial", "unpriced", "unknown_usage" },
 *               "beyond_tolerance", "explanations": [{ "cause", "message", "metrics" }] }],
 *   "totals": { "by_model": [TotalLine], "all": TotalLine },  // TotalLine: model, metrics, beyond_tolerance, explanations
 *   "notes": [string]
 * }
 *
 * Metrics: uncached_input, cache_read, cache_write_total, cache_write_5m, cache_write_1h, output
 * (tokens), requests, usd (dollars). `null` is unknown (a side that does not report the figure),
 * never 0. `relative_difference` = difference / provider (1 when the provider says 0 and the
 * gateway does not). USD figures and relative differences are rounded to 10 decimals to drop
 * float noise.
 */
import type { MetricCell, ReconcileResult, TotalLine } from "./result.ts";

export const reconcileJsonVersion = "reconcile.v1";

const round = (v: number | null) => v === null ? null : Math.round(v * 1e10) / 1e10;

function cellsJson(cells: Partial<Record<string, MetricCell>>): Record<string, MetricCell> {
  const out: Record<string, MetricCell> = {};
  for (const [m, c] of Object.entries(cells)) {
    if (c === undefined) continue;
    const money = m === "usd";
    out[m] = {
      gateway: money ? round(c.gateway) : c.gateway,
      provider: money ? round(c.provider) : c.provider,
      difference: money ? round(c.difference) : c.difference,
      relative_difference: round(c.relative_difference),
      beyond_tolerance: c.beyond_tolerance,
    };
  }
  return out;
}

function totalJson(t: TotalLine) {
  return {
    model: t.model,
    metrics: cellsJson(t.metrics),
    beyond_tolerance: t.beyond_tolerance,
    explanations: t.explanations,
  };
}

export function toJson(r: ReconcileResult): Record<string, unknown> {
  return {
    version: reconcileJsonVersion,
    provider: r.provider,
    tolerance: r.tolerance,
    period: r.period,
    report: r.report,
    verdict: r.verdict,
    lines: r.lines.map((l) => ({ ...l, metrics: cellsJson(l.metrics) })),
    totals: { by_model: r.totals.by_model.map(totalJson), all: totalJson(r.totals.all) },
    notes: r.notes,
  };
}

/**
 * What `reconcile` returns. Unknown figures are `null` everywhere: a side that does not report a
 * metric is shown as unknown, never as 0.
 */
import type { GroupField, Metric, ReportKind, ReportProvider } from "./types.ts";

export interface ReconcileOptions {
  /** First UTC day compared, `YYYY-MM-DD` (inclusive); both sides' other days are left out. */
  from?: string;
  /** Last UTC day compared (inclusive). */
  to?: string;
  /** Largest relative difference accepted, as a fraction (default 0.005 = 0.5%). */
  tolerance?: number;
  /** Also split lines by this group, when every report document is grouped by it. */
  groupBy?: GroupField;
}

export const defaultTolerance = 0.005;

export interface MetricCell {
  gateway: number | null;
  provider: number | null;
  /** gateway − provider; null when either is unknown. */
  difference: number | null;
  /** difference / provider; 1 (100%) when the provider says 0 and the gateway does not. */
  relative_difference: number | null;
  beyond_tolerance: boolean;
}

/** Likely causes, as stable codes (the message says it in words with the figures). */
export type Cause =
  | "bypass"
  | "unknown_usage"
  | "unpriced"
  | "partially_priced"
  | "price_differs"
  | "cache_ttl_split"
  | "priority_tier"
  | "unexplained";

export interface Explanation {
  cause: Cause;
  message: string;
  /** The metrics beyond tolerance this cause accounts for. */
  metrics: Metric[];
}

/**
 * `model`: a line per day × model; `day_total`: a figure the report gives per day only (not by
 * model), compared with the gateway's day total; `no_model`: report figures that name no model
 * beside others that do (tool or storage costs), shown, not compared.
 */
export type LineScope = "model" | "day_total" | "no_model";

/** How the gateway's requests of a line were priced. */
export interface CostStatusCounts {
  priced: number;
  partial: number;
  unpriced: number;
  unknown_usage: number;
}

export interface ReconcileLine {
  day: string;
  scope: LineScope;
  /** The shared id, the undated family id when the sides name it differently, null off-model. */
  model: string | null;
  group: string | null;
  gateway_models: string[];
  report_models: string[];
  metrics: Partial<Record<Metric, MetricCell>>;
  gateway_requests_by_cost: CostStatusCounts;
  beyond_tolerance: boolean;
  explanations: Explanation[];
}

export interface TotalLine {
  /** null: every model and day-total line together. */
  model: string | null;
  metrics: Partial<Record<Metric, MetricCell>>;
  beyond_tolerance: boolean;
  explanations: Explanation[];
}

export interface ReconcileResult {
  provider: ReportProvider;
  tolerance: number;
  period: { from: string | null; to: string | null };
  report: {
    kinds: ReportKind[];
    /** First and last UTC day the report covers whole (within the period). */
    covered_from: string | null;
    covered_to: string | null;
    days_compared: number;
    /** Days of the period with gateway traffic the report does not cover: not compared. */
    days_not_covered: string[];
    bad_values: Record<string, number>;
  };
  lines: ReconcileLine[];
  totals: { by_model: TotalLine[]; all: TotalLine };
  verdict: {
    within_tolerance: boolean;
    /** Largest |relative difference| among compared figures, null when nothing was compared. */
    worst_relative_difference: number | null;
    worst: { day: string | null; model: string | null; metric: Metric } | null;
    lines_beyond_tolerance: number;
  };
  notes: string[];
}

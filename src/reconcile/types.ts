/**
 * The provider side of a reconciliation: what a provider's own usage or cost report says, per UTC
 * day and model, after parsing. Unknown is `null` or an absent member, never 0: a report that does
 * not carry a figure (Anthropic's usage report has no request count) must not read as "none".
 */

/** The providers whose reports are read (the provider kinds of the gateway's config). */
export type ReportProvider = "anthropic" | "openai";

/** The four report documents understood, named after their endpoints. */
export type ReportKind =
  | "anthropic_usage" // GET /v1/organizations/usage_report/messages
  | "anthropic_cost" // GET /v1/organizations/cost_report
  | "openai_usage" // GET /v1/organization/usage/completions
  | "openai_costs"; // GET /v1/organization/costs

/**
 * Token counts as a report gives them. `cache_write` holds writes whose lifetime the report does
 * not give (OpenAI); Anthropic reports the 5-minute and 1-hour parts instead.
 */
export interface ReportTokens {
  uncached_input?: number;
  cache_read?: number;
  cache_write_5m?: number;
  cache_write_1h?: number;
  cache_write?: number;
  output?: number;
}

/** Grouping dimensions a report may carry; absent unless the report was grouped by them. */
export interface RowGroup {
  workspace_id?: string;
  project_id?: string;
  api_key_id?: string;
}

export type GroupField = keyof RowGroup;

/** One result of a report, normalized. */
export interface ProviderRow {
  /** The UTC day of the bucket's start, `YYYY-MM-DD`. */
  day: string;
  /** The model id as the report gives it (dated snapshots kept); null when not grouped by model. */
  model: string | null;
  group?: RowGroup;
  tokens: ReportTokens;
  /** null: the report has no request count (Anthropic's usage report). */
  requests: number | null;
  /** null: not a cost row. Always dollars, whatever unit the report used. */
  usd: number | null;
  /** Server-side tool uses by kind (`web_search`), from Anthropic's `server_tool_use`. */
  tool_uses?: Record<string, number>;
  /** The tier as reported (`standard`, `priority`, `batch`...), when grouped by it. */
  service_tier?: string;
  /** Index of the source (`ProviderReport.sources`) the row came from. */
  source: number;
  /** Metrics of this row whose value was unreadable: the line's figure becomes unknown. */
  unreadable?: Metric[];
}

/** One parsed document: what it reports and which days it covers. */
export interface ReportSource {
  kind: ReportKind;
  /** A label for messages (the file name). */
  name: string;
  /** The metrics the document reports; the others are unknown on its days. */
  metrics: Metric[];
  /** Whether its rows name models; when none does, its figures compare per day only. */
  by_model: boolean;
  /** Group fields with at least one value in the document. */
  grouped_by: GroupField[];
  /** UTC days its buckets cover whole, sorted; only these are compared. */
  days: string[];
  /** Days only part of which its buckets cover (hourly buckets cut short): not compared. */
  partial_days: string[];
  pages: number;
  buckets: number;
  results: number;
}

/** Everything read from one provider's report files, merged. */
export interface ProviderReport {
  provider: ReportProvider;
  sources: ReportSource[];
  rows: ProviderRow[];
  /** Caveats for the reader ("the cost report excludes Priority Tier", ...). */
  notes: string[];
  /** Values that could not be read, by field (`cost amount`: 3): counted, never dropped silently. */
  bad_values: Record<string, number>;
}

/** The figures compared on each line, in display order. */
export const metrics = [
  "uncached_input",
  "cache_read",
  "cache_write_total",
  "cache_write_5m",
  "cache_write_1h",
  "output",
  "requests",
  "usd",
] as const;

export type Metric = typeof metrics[number];

/** The token metrics (all but requests and USD). */
export const tokenMetrics: readonly Metric[] = metrics.filter((m) =>
  m !== "requests" && m !== "usd"
);

/** Bounds on a report document; anything beyond them is refused, not truncated. */
export interface ReportLimits {
  max_pages: number;
  max_buckets_per_page: number;
  max_results_per_bucket: number;
  /** Model ids, group ids, tiers and line items longer than this are unreadable. */
  max_name_chars: number;
}

export const defaultReportLimits: ReportLimits = {
  max_pages: 10_000,
  max_buckets_per_page: 2_000,
  max_results_per_bucket: 10_000,
  max_name_chars: 256,
};

/** A report that cannot be read at all (wrong shape, wrong currency, past a bound). */
export class ReportError extends Error {
  override name = "ReportError";
}

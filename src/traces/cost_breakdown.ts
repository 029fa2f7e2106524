/**
 * A trace's cost, line by line (issue 24: cost that matches the invoice). Pricing fills it; the
 * trace, the API, the export and `report` show it. Every amount is a whole number of 1e-10 USD,
 * so the lines add up to `estimated_cost_usd` exactly (in those units).
 */

/** One billed dimension of one exchange. */
export interface CostLine {
  /**
   * What was billed: a token kind (`input` uncached text, `cached_input`, `cache_write` (the
   * provider's default lifetime: 5 minutes at Anthropic), `cache_write_1h`, `output` text,
   * `reasoning`, `audio_input`, `audio_output`, `image_input`, `image_output`, `video_input`) or
   * a tool billed per use (`web_search`, `web_fetch`, `file_search`, `code_execution`,
   * `code_interpreter`).
   */
  dimension: string;
  /** Tokens, or uses of a tool. */
  quantity: number;
  /** `per_million_tokens` for a token kind, `per_use` for a tool. */
  unit: "per_million_tokens" | "per_use";
  /**
   * USD per unit after every adjustment (prompt-size tier, service tier, scope and region
   * multipliers); null when the price row has no price for this dimension.
   */
  unit_price_usd: number | null;
  /** `quantity × unit_price_usd` (÷ 1e6 for tokens), rounded to 1e-10 USD; null when unpriced. */
  amount_usd: number | null;
}

/** The price row a cost came from, so that a person can check it by hand. */
export interface CostPriceRow {
  /** Where the row is: `providers.<id>.prices`, `pricing.sources[N]: <file>`, `built-in <kind>`. */
  source: string;
  /** The key the row is filed under (an exact id or a family). */
  model: string;
  /** The row's `valid_from` (RFC 3339 UTC), null when it applies since always. */
  valid_from: string | null;
  /** The service tier the rates are of: `standard`, or the tier the answer reported. */
  service_tier: string;
  /** The prompt-size tier applied (its `above_input_tokens`), null for the row's own rates. */
  tier_above_input_tokens: number | null;
  /** Scope and region multipliers applied to every token rate (1 when none). */
  multiplier: number;
}

export interface CostBreakdown {
  lines: CostLine[];
  /**
   * What the exchange was billed for and the row does not price: dimensions (`audio_input`,
   * `cache_write_1h`, `web_fetch`), `service_tier.<name>` or `inference_geo.<region>`. Never
   * priced as zero: a cost with any is `partial` (or `unpriced` when no line could be priced).
   */
  unpriced: string[];
  price_row: CostPriceRow;
}

/**
 * The cost fields of a trace as zod schemas (traces/cost_breakdown.ts): its status and its
 * breakdown, one line per billed dimension. type_checks.ts proves they match the types.
 */
import { z } from "zod";

export const costStatusSchema = z.enum(["priced", "partial", "unpriced", "unknown_usage", "none"])
  .meta({
    id: "CostStatus",
    description: "priced: every billed dimension priced from the price table; partial: the " +
      "answer reports a dimension the price row does not price, the cost is the priced part (a " +
      "lower bound) and cost_breakdown.unpriced names the rest; unpriced: the model (or the " +
      "service tier that served it) has no price; unknown_usage: usage unknown; none: nothing " +
      "billable. Cost is a number only when priced or partial.",
  });

const costLineSchema = z.object({
  dimension: z.string().describe(
    "input (uncached text), cached_input, cache_write (the default lifetime: 5 minutes at " +
      "Anthropic), cache_write_1h, output (text), reasoning, audio_input, audio_output, " +
      "image_input, image_output, video_input, or a tool billed per use (web_search, web_fetch, " +
      "file_search, code_execution, code_interpreter).",
  ),
  quantity: z.int().nonnegative().describe("Tokens, or uses of a tool."),
  unit: z.enum(["per_million_tokens", "per_use"]),
  unit_price_usd: z.number().nonnegative().nullable().describe(
    "USD per unit after the prompt-size tier, service tier and multipliers; null: unpriced.",
  ),
  amount_usd: z.number().nonnegative().nullable().describe(
    "quantity x unit_price_usd (/ 1e6 for tokens), rounded to 1e-10 USD; null: unpriced.",
  ),
}).meta({ id: "CostLine", description: "One billed dimension of one exchange." });

const costPriceRowSchema = z.object({
  source: z.string().describe(
    "Where the row is: providers.<id>.prices, pricing.sources[N]: <file>, built-in <kind>.",
  ),
  model: z.string().describe("The key the row is filed under (an id or a family)."),
  valid_from: z.string().nullable().describe("The row's start, RFC 3339 UTC; null: always."),
  service_tier: z.string().describe("standard, or the tier the answer reported."),
  tier_above_input_tokens: z.int().positive().nullable().describe(
    "The prompt-size tier applied (its threshold); null for the row's own rates.",
  ),
  multiplier: z.number().positive().describe(
    "Endpoint-scope and region multipliers applied to every token rate (1 when none).",
  ),
}).meta({ id: "CostPriceRow", description: "The price row a cost came from." });

export const costBreakdownSchema = z.object({
  lines: z.array(costLineSchema),
  unpriced: z.array(z.string()).describe(
    "Billed and not priced: dimensions, service_tier.<name> or inference_geo.<region>.",
  ),
  price_row: costPriceRowSchema,
}).nullable().meta({
  id: "CostBreakdown",
  description: "The trace's cost line by line; the priced amounts add up to " +
    "estimated_cost_usd exactly (in units of 1e-10 USD). Null when nothing was priced.",
});

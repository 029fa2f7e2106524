/**
 * Cost of one exchange. Arithmetic is done in integers (micro-dollars per million tokens times
 * tokens, i.e. 1e-12 USD) so that sums are exact, then rounded to 1e-10 USD: `0.00075`, not
 * `0.0007500000000000001`.
 */
import type { ModelPrice } from "../config/mod.ts";
import type { UsageReport } from "../providers/mod.ts";
import type { CostStatus, Usage } from "../traces/mod.ts";
import { createPricer, type PricedProvider } from "./resolve.ts";
import { noPriceSources, type PriceSources } from "./sources_index.ts";

export interface CostEstimate {
  estimated_cost_usd: number | null;
  cost_status: CostStatus;
}

const micro = (usdPerMillion: number) => Math.round(usdPerMillion * 1e6);

/**
 * USD for `usage` at `price`: uncached input at `input`, cache reads at `cached_input`, cache
 * writes at `cache_write` (both default to `input`), output at `output`, its reasoning part at
 * `reasoning` (default `output`: most providers bill reasoning as output).
 */
export function computeCost(price: ModelPrice, usage: Usage): number {
  const input = usage.input_tokens;
  // Guard against a provider reporting more cached tokens than input tokens.
  const cached = Math.min(usage.cached_input_tokens, input);
  const written = Math.min(usage.cache_write_tokens, input - cached);
  const reasoning = Math.min(usage.reasoning_tokens, usage.output_tokens);
  const picoUsd = (input - cached - written) * micro(price.input) +
    cached * micro(price.cached_input ?? price.input) +
    written * micro(price.cache_write ?? price.input) +
    (usage.output_tokens - reasoning) * micro(price.output) +
    reasoning * micro(price.reasoning ?? price.output);
  return Math.round(picoUsd / 100) / 1e10;
}

/** The trace's cost fields: a number only when usage is exact and the model is priced. */
export function costOf(
  report: Pick<UsageReport, "status" | "usage">,
  price: ModelPrice | null,
): CostEstimate {
  if (report.status === "none") return { estimated_cost_usd: null, cost_status: "none" };
  if (report.status === "unknown" || report.usage === null) {
    return { estimated_cost_usd: null, cost_status: "unknown_usage" };
  }
  if (price === null) return { estimated_cost_usd: null, cost_status: "unpriced" };
  const usd = computeCost(price, report.usage);
  // Prices are capped where they are read; this is the last guard, for a price that came some
  // other way: a cost that is not a number is unknown (the store refuses a non-finite one).
  if (!Number.isFinite(usd)) return { estimated_cost_usd: null, cost_status: "unpriced" };
  return { estimated_cost_usd: usd, cost_status: "priced" };
}

/**
 * One provider's cost function, in the shape the proxy route wants; built once per provider and
 * config generation. `at` (ms since the epoch) is when the request started: the price row valid
 * then is used, so a later price change never rewrites it.
 */
export function createCostEstimator(
  provider: PricedProvider,
  sources: PriceSources = noPriceSources,
): (
  model: string | null,
  report: Pick<UsageReport, "status" | "usage">,
  at: number,
) => CostEstimate {
  const priceOf = createPricer(provider, sources);
  return (model, report, at) =>
    costOf(report, report.status === "exact" ? priceOf(model, at) : null);
}

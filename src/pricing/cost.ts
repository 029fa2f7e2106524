/**
 * Cost of one exchange. Arithmetic is done in integers (micro-dollars per million tokens times
 * tokens, i.e. 1e-12 USD) so that sums are exact, then rounded to 1e-10 USD: `0.00075`, not
 * `0.0007500000000000001`.
 */
import type { ModelPrice, ResolvedProvider } from "../config/mod.ts";
import type { UsageReport } from "../providers/mod.ts";
import type { CostStatus, Usage } from "../traces/mod.ts";
import { createPricer } from "./resolve.ts";

export interface CostEstimate {
  estimated_cost_usd: number | null;
  cost_status: CostStatus;
}

const micro = (usdPerMillion: number) => Math.round(usdPerMillion * 1e6);

/**
 * USD for `usage` at `price`: uncached input at `input`, cache reads at `cached_input`, cache
 * writes at `cache_write` (both default to `input`), output (reasoning included) at `output`.
 */
export function computeCost(price: ModelPrice, usage: Usage): number {
  const input = usage.input_tokens;
  // Guard against a provider reporting more cached tokens than input tokens.
  const cached = Math.min(usage.cached_input_tokens, input);
  const written = Math.min(usage.cache_write_tokens, input - cached);
  const picoUsd = (input - cached - written) * micro(price.input) +
    cached * micro(price.cached_input ?? price.input) +
    written * micro(price.cache_write ?? price.input) +
    usage.output_tokens * micro(price.output);
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
  return { estimated_cost_usd: computeCost(price, report.usage), cost_status: "priced" };
}

/** One provider's cost function, in the shape the proxy route wants. Built once per provider. */
export function createCostEstimator(
  provider: Pick<ResolvedProvider, "kind" | "prices">,
): (model: string | null, report: Pick<UsageReport, "status" | "usage">) => CostEstimate {
  const priceOf = createPricer(provider);
  return (model, report) => costOf(report, report.status === "exact" ? priceOf(model) : null);
}

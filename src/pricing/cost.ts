/**
 * Cost of one exchange. Arithmetic is done in integers (micro-dollars per million tokens times
 * tokens, i.e. 1e-12 USD) so that sums are exact, then rounded to 1e-10 USD: `0.00075`, not
 * `0.0007500000000000001`.
 */
import type { ModelPrice, PriceScope } from "../config/mod.ts";
import type { UsageReport } from "../providers/mod.ts";
import type { CostStatus, Usage } from "../traces/mod.ts";
import { createPriceMatcher, type PricedProvider, type PriceKeyOf } from "./resolve.ts";
import { noPriceSources, type PriceSources } from "./sources_index.ts";

export interface CostEstimate {
  estimated_cost_usd: number | null;
  cost_status: CostStatus;
}

const micro = (usdPerMillion: number) => Math.round(usdPerMillion * 1e6);

/** The rates one request is billed at: a row's own, or one of its tiers'. */
type Rates = Pick<ModelPrice, "input" | "output" | "cached_input" | "cache_write" | "reasoning">;

/**
 * The rates for a request of `inputTokens`: the highest tier whose threshold it is above (the
 * WHOLE request moves to that tier, as Google's "prompts > 200k tokens" rows and OpenAI's and
 * Anthropic's long-context prices bill it), else the row's own. A tier's absent cache prices
 * default to the tier's input, as a row's do to its own.
 */
export function ratesFor(price: ModelPrice, inputTokens: number): Rates {
  let rates: Rates = price;
  let above = -1;
  // Tiers are ascending where they are read; the highest crossed one wins even if they are not.
  for (const tier of price.tiers ?? []) {
    if (inputTokens > tier.above_input_tokens && tier.above_input_tokens > above) {
      rates = tier;
      above = tier.above_input_tokens;
    }
  }
  return rates;
}

/** The multiplier of `scope` on this row: 1 without a scope or without data for it. */
export function scopeMultiplierOf(price: ModelPrice, scope: PriceScope | null): number {
  if (scope === null) return 1;
  return price.scope_multipliers?.[scope] ?? 1;
}

/**
 * USD for `usage` at `price`: uncached input at `input`, cache reads at `cached_input`, cache
 * writes at `cache_write` (both default to `input`), output at `output`, its reasoning part at
 * `reasoning` (default `output`: most providers bill reasoning as output). The row's tier for the
 * request's input tokens applies to all of them, and the scope's multiplier to every rate.
 */
export function computeCost(
  price: ModelPrice,
  usage: Usage,
  scope: PriceScope | null = null,
): number {
  const input = usage.input_tokens;
  // Guard against a provider reporting more cached tokens than input tokens.
  const cached = Math.min(usage.cached_input_tokens, input);
  const written = Math.min(usage.cache_write_tokens, input - cached);
  const reasoning = Math.min(usage.reasoning_tokens, usage.output_tokens);
  const r = ratesFor(price, input);
  const k = scopeMultiplierOf(price, scope);
  // The multiplier scales each rate before it is made an integer, so 1.1 x $3 is exactly $3.3.
  const at = (usdPerMillion: number) => micro(usdPerMillion * k);
  const picoUsd = (input - cached - written) * at(r.input) +
    cached * at(r.cached_input ?? r.input) +
    written * at(r.cache_write ?? r.input) +
    (usage.output_tokens - reasoning) * at(r.output) +
    reasoning * at(r.reasoning ?? r.output);
  return Math.round(picoUsd / 100) / 1e10;
}

/**
 * The trace's cost fields: a number only when usage is exact and the model is priced. `scope` is
 * the endpoint scope the request used (null: none known, priced at 1x).
 */
export function costOf(
  report: Pick<UsageReport, "status" | "usage" | "billing">,
  price: ModelPrice | null,
  scope: PriceScope | null = null,
): CostEstimate {
  if (report.status === "none") return { estimated_cost_usd: null, cost_status: "none" };
  if (report.status === "unknown" || report.usage === null) {
    return { estimated_cost_usd: null, cost_status: "unknown_usage" };
  }
  if (price === null) return { estimated_cost_usd: null, cost_status: "unpriced" };
  // Reserved capacity (Vertex provisioned throughput) is paid by the hour: no per-token price,
  // and the on-demand list price would be a cost nobody is billed.
  if (report.billing?.perToken === false) {
    return { estimated_cost_usd: null, cost_status: "unpriced" };
  }
  const usd = computeCost(price, report.usage, scope);
  // Prices are capped where they are read; this is the last guard, for a price that came some
  // other way: a cost that is not a number is unknown (the store refuses a non-finite one).
  if (!Number.isFinite(usd)) return { estimated_cost_usd: null, cost_status: "unpriced" };
  return { estimated_cost_usd: usd, cost_status: "priced" };
}

/**
 * One provider's cost function, in the shape the proxy route wants; built once per provider and
 * config generation. `at` (ms since the epoch) is when the request started: the price row valid
 * then is used, so a later price change never rewrites it. `priceKeyOf` is the provider
 * adapter's (`ProviderAdapter.priceKeyOf`), when it has one: it names the priced model and the
 * endpoint scope of the ids that provider uses. `path`, when the caller has it, is the
 * upstream-relative path the request was sent to (the adapter may read the scope there).
 */
export function createCostEstimator(
  provider: PricedProvider,
  sources: PriceSources = noPriceSources,
  priceKeyOf?: PriceKeyOf,
): (
  model: string | null,
  report: Pick<UsageReport, "status" | "usage" | "billing">,
  at: number,
  path?: string,
) => CostEstimate {
  const match = createPriceMatcher(provider, sources, priceKeyOf);
  return (model, report, at, path) => {
    const found = report.status === "exact" ? match(model, at, path) : null;
    return costOf(report, found?.price ?? null, found?.scope ?? null);
  };
}

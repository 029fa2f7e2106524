/**
 * Cost of one exchange: the trace's `estimated_cost_usd`, `cost_status` and `cost_breakdown`.
 * The lines are computed in `cost_lines.ts` (integers: 1e-12 USD, each line rounded once to
 * 1e-10 USD), so `0.00075` is `0.00075`, not `0.0007500000000000001`, and the lines add up to the
 * total exactly.
 */
import type { ModelPrice, PriceScope } from "../config/mod.ts";
import type { UsageReport } from "../providers/mod.ts";
import type { CostBreakdown, CostStatus, Usage } from "../traces/mod.ts";
import { costLines, type PriceRowRef } from "./cost_lines.ts";
import { createPriceMatcher, type PricedProvider, type PriceKeyOf } from "./resolve.ts";
import { noPriceSources, type PriceSources } from "./sources_index.ts";

export { ratesFor, scopeMultiplierOf } from "./rates.ts";

export interface CostEstimate {
  estimated_cost_usd: number | null;
  cost_status: CostStatus;
  /** One line per billed dimension; null when there was nothing to price it with. */
  cost_breakdown: CostBreakdown | null;
}

const unnamedRow: PriceRowRef = { source: "(given)", model: "(given)", valid_from: null };

/**
 * USD for the token figures of `usage` at `price` (standard tier, no per-use tools): uncached
 * input at `input`, cache reads at `cached_input`, cache writes at `cache_write` (both default to
 * `input`), output at `output`, its reasoning part at `reasoning` (default `output`). The row's
 * tier for the request's input tokens applies to all of them, and the scope's multiplier to every
 * rate.
 */
export function computeCost(
  price: ModelPrice,
  usage: Usage,
  scope: PriceScope | null = null,
): number {
  const { totalTenthNanoUsd } = costLines(price, usage, undefined, scope, unnamedRow);
  return (totalTenthNanoUsd ?? NaN) / 1e10;
}

/**
 * The trace's cost fields: a number only when usage is exact and the model is priced. `scope` is
 * the endpoint scope the request used (null: none known, priced at 1x). A dimension the answer
 * reports and the row does not price makes the cost `partial`: the priced lines' sum, with the
 * rest named, never priced as zero. A service tier the row does not price makes it `unpriced`.
 */
export function costOf(
  report: Pick<UsageReport, "status" | "usage" | "billing" | "facts">,
  price: ModelPrice | null,
  scope: PriceScope | null = null,
  row: PriceRowRef = unnamedRow,
): CostEstimate {
  const none = (cost_status: CostStatus): CostEstimate => ({
    estimated_cost_usd: null,
    cost_status,
    cost_breakdown: null,
  });
  if (report.status === "none") return none("none");
  if (report.status === "unknown" || report.usage === null) return none("unknown_usage");
  if (price === null) return none("unpriced");
  // Reserved capacity (Vertex provisioned throughput) is paid by the hour: no per-token price,
  // and the on-demand list price would be a cost nobody is billed.
  if (report.billing?.perToken === false) return none("unpriced");
  const { breakdown, totalTenthNanoUsd } = costLines(
    price,
    report.usage,
    withServedTier(report),
    scope,
    row,
  );
  const usd = totalTenthNanoUsd === null ? null : totalTenthNanoUsd / 1e10;
  // Prices are capped where they are read; this is the last guard, for a price that came some
  // other way: a cost that is not a number is unknown (the store refuses a non-finite one).
  if (usd === null) {
    return { estimated_cost_usd: null, cost_status: "unpriced", cost_breakdown: breakdown };
  }
  if (!Number.isFinite(usd)) return none("unpriced");
  const status = breakdown.unpriced.length === 0 ? "priced" : "partial";
  return { estimated_cost_usd: usd, cost_status: status, cost_breakdown: breakdown };
}

/** Vertex's `trafficType` values that name a service tier (the others are standard or hourly). */
const trafficTiers: Readonly<Record<string, string>> = {
  ON_DEMAND_PRIORITY: "priority",
  ON_DEMAND_FLEX: "flex",
};

/** The answer's facts, with Vertex's priority or flex traffic as the tier that served it. */
function withServedTier(report: Pick<UsageReport, "billing" | "facts">) {
  const tier = report.billing === undefined ? undefined : trafficTiers[report.billing.tier];
  if (tier === undefined || report.facts?.service_tier !== undefined) return report.facts;
  return { ...report.facts, service_tier: tier };
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
  report: Pick<UsageReport, "status" | "usage" | "billing" | "facts">,
  at: number,
  path?: string,
) => CostEstimate {
  const match = createPriceMatcher(provider, sources, priceKeyOf);
  return (model, report, at, path) => {
    const found = report.status === "exact" ? match(model, at, path) : null;
    return costOf(report, found?.price ?? null, found?.scope ?? null, found?.row);
  };
}

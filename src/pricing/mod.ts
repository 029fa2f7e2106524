/**
 * Pricing: the built-in price table (data, USD per million tokens), model id resolution to a
 * family, and the cost of an exchange. Config prices override and extend the table per provider;
 * OpenAI-compatible providers are priced by config only.
 */
export { builtInPrices, type PriceList } from "./builtin_prices.ts";
export { computeCost, type CostEstimate, costOf, createCostEstimator } from "./cost.ts";
export { createPricer, familyOf, type PriceIndex, priceIndex, resolvePrice } from "./resolve.ts";

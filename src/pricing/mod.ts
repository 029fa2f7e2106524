/**
 * Pricing: the built-in price table (data, USD per million tokens), price files in LiteLLM's
 * format (`pricing.sources`: read, fetched, cached), model id and time to price through layers
 * (config over price files over built-in), and the cost of an exchange. OpenAI-compatible
 * providers are priced by config and by price-file entries named after their id.
 */
export { type BuiltInEntry, builtInPrices, type PriceList } from "./builtin_prices.ts";
export {
  computeCost,
  type CostEstimate,
  costOf,
  createCostEstimator,
  ratesFor,
  scopeMultiplierOf,
} from "./cost.ts";
export {
  createPriceMatcher,
  createPricer,
  familyOf,
  type PricedProvider,
  priceKeyFor,
  type PriceKeyOf,
  priceLayers,
  type PriceMatch,
  resolvePrice,
} from "./resolve.ts";
export { mappedPriceKey, type ModelMapping, type PriceKey, priceKeyOfId } from "./model_key.ts";
export { type PriceLayer, rowAt, tableLayer, type TimedPrice, timeline } from "./price_layer.ts";
export {
  defaultLiteLlmLimits,
  type LiteLlmLimits,
  type ParsedPriceFile,
  parseLiteLlm,
  perMillionOf,
  type SkipReason,
  skipReasons,
} from "./litellm.ts";
export {
  litellmProviders,
  noPriceSources,
  type PriceFile,
  type PriceSources,
  sourceLayers,
} from "./sources_index.ts";
export {
  isUrlSource,
  type LoadedPricing,
  loadPriceSources,
  loadPricing,
  type LoadSourcesOptions,
  maxPriceFileBytes,
  priceCacheDir,
  type SourceNote,
  summary,
} from "./sources.ts";
export { displayUrl, fetchBounded, type FetchBounds, redactUrls } from "./fetch_bounded.ts";
export { checkPriceSources, type SourceIssues } from "./sources_check.ts";

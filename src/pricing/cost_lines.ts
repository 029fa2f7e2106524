/**
 * The cost of one exchange, line by line: every dimension the answer reports (token kinds, cache
 * lifetimes, modalities, tools billed per use) priced at the rates of the row, the prompt-size
 * tier, the service tier that served it and the multipliers of its endpoint and region. Pure.
 *
 * Arithmetic is in integers: rates in micro-dollars per million tokens times tokens is 1e-12 USD;
 * each line is rounded once to 1e-10 USD and the total is the sum of the rounded lines, so the
 * lines add up to the total exactly.
 */
import type { ModelPrice, PerUseTool, PriceScope } from "../config/mod.ts";
import type { BillingFacts } from "../providers/mod.ts";
import type { CostBreakdown, CostLine, CostPriceRow, Usage } from "../traces/mod.ts";
import { perUseCounts } from "./per_use.ts";
import {
  ratesFor,
  scopeMultiplierOf,
  servedTierOf,
  serviceRates,
  type TokenRates,
} from "./rates.ts";

/** Where the row came from (`CostPriceRow` without what the computation decides). */
export type PriceRowRef = Pick<CostPriceRow, "source" | "model" | "valid_from">;

export interface LinedCost {
  breakdown: CostBreakdown;
  /** The sum of the priced lines in 1e-10 USD; null when no rate applied (a tier not priced). */
  totalTenthNanoUsd: number | null;
}

const micro = (usdPerMillion: number) => Math.round(usdPerMillion * 1e6);
/** 1e-12 USD to the line's rounded 1e-10 USD. */
const toTenthNano = (picoUsd: number) => Math.round(picoUsd / 100);

/** Token counts split into the dimensions a provider bills apart; none negative, none counted twice. */
export function tokenSplit(usage: Usage, facts: BillingFacts | undefined) {
  const input = usage.input_tokens;
  // Guard against a provider reporting more cached tokens than input tokens.
  const cached = Math.min(usage.cached_input_tokens, input);
  const written = Math.min(usage.cache_write_tokens, input - cached);
  const written1h = Math.min(facts?.cache_write_by_ttl?.["1h"] ?? 0, written);
  let uncached = input - cached - written;
  const take = (n: number | undefined) => {
    const part = Math.min(n ?? 0, uncached);
    uncached -= part;
    return part;
  };
  const audioIn = take(facts?.audio_input_tokens);
  const imageIn = take(facts?.image_input_tokens);
  const videoIn = take(facts?.video_input_tokens);
  const reasoning = Math.min(usage.reasoning_tokens, usage.output_tokens);
  let text = usage.output_tokens - reasoning;
  const takeOut = (n: number | undefined) => {
    const part = Math.min(n ?? 0, text);
    text -= part;
    return part;
  };
  const audioOut = takeOut(facts?.audio_output_tokens);
  const imageOut = takeOut(facts?.image_output_tokens);
  return {
    input: uncached,
    cached_input: cached,
    cache_write: written - written1h,
    cache_write_1h: written1h,
    audio_input: audioIn,
    image_input: imageIn,
    video_input: videoIn,
    output: text,
    reasoning,
    audio_output: audioOut,
    image_output: imageOut,
  };
}

type TokenDimension = keyof ReturnType<typeof tokenSplit>;

/** The rate of each token dimension at `r` (null: the row has none, the line is unpriced). */
function tokenRate(dim: TokenDimension, r: TokenRates): number | null {
  switch (dim) {
    case "input":
      return r.input;
    case "cached_input":
      return r.cached_input ?? r.input;
    case "cache_write":
      return r.cache_write ?? r.input;
    case "output":
      return r.output;
    case "reasoning":
      return r.reasoning ?? r.output;
    case "image_input":
    case "video_input":
      return r[dim] ?? r.input;
    case "image_output":
      return r.image_output ?? r.output;
    default:
      return r[dim] ?? null;
  }
}

/** The region multiplier and, when the row has none for the region, its name as unpriced. */
function geoMultiplier(price: ModelPrice, geo: string | undefined): [number, string | null] {
  if (geo === undefined || geo === "global" || geo === "not_available") return [1, null];
  const k = price.inference_geo_multipliers?.[geo];
  return k === undefined ? [1, `inference_geo.${geo}`] : [k, null];
}

/**
 * The breakdown of `usage` (with its `facts`) at `price`. `scope` is the endpoint scope the
 * request used (null: none known, 1x); `row` says where the price row came from.
 */
export function costLines(
  price: ModelPrice,
  usage: Usage,
  facts: BillingFacts | undefined,
  scope: PriceScope | null,
  row: PriceRowRef,
): LinedCost {
  const unpriced: string[] = [];
  const served = servedTierOf(facts?.service_tier);
  const base = serviceRates(price, served);
  if (base === null) unpriced.push(`service_tier.${served}`);
  const rates = base === null ? null : ratesFor(base, usage.input_tokens);
  const [geoK, geoMissing] = geoMultiplier(price, facts?.inference_geo);
  if (geoMissing !== null) unpriced.push(geoMissing);
  const k = scopeMultiplierOf(price, scope) * geoK;
  const lines: CostLine[] = [];
  let total = 0;
  for (const [dim, quantity] of Object.entries(tokenSplit(usage, facts))) {
    if (quantity === 0) continue;
    const rate = rates === null ? null : tokenRate(dim as TokenDimension, rates);
    if (rate === null && rates !== null) unpriced.push(dim);
    // The multiplier scales each rate before it is made an integer, so 1.1 x $3 is exactly $3.3.
    const unit = rate === null ? null : micro(rate * k);
    const amount = unit === null ? null : toTenthNano(quantity * unit);
    if (amount !== null) total += amount;
    lines.push(line(dim, quantity, "per_million_tokens", unit, amount));
  }
  for (const [tool, uses] of perUseCounts(facts?.server_tool_uses, price.web_search_unit)) {
    const usd = price.per_use?.[tool as PerUseTool];
    if (usd === undefined) unpriced.push(tool);
    const unit = usd === undefined ? null : micro(usd);
    const amount = unit === null ? null : toTenthNano(uses * unit * 1e6);
    if (amount !== null) total += amount;
    lines.push(line(tool, uses, "per_use", unit, amount));
  }
  const priceRow: CostPriceRow = {
    ...row,
    service_tier: served,
    tier_above_input_tokens: rates === null ? null : rates.above_input_tokens ?? null,
    multiplier: k,
  };
  return {
    breakdown: { lines, unpriced, price_row: priceRow },
    totalTenthNanoUsd: base === null ? null : total,
  };
}

function line(
  dimension: string,
  quantity: number,
  unit: CostLine["unit"],
  microUnit: number | null,
  tenthNano: number | null,
): CostLine {
  return {
    dimension,
    quantity,
    unit,
    unit_price_usd: microUnit === null ? null : microUnit / 1e6,
    amount_usd: tenthNano === null ? null : tenthNano / 1e10,
  };
}

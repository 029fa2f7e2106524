/**
 * The rates a request is billed at: by its prompt size (a tier of the row), by the service tier
 * that served it (the answer's
 * `service_tier`, never the one asked for: a `priority` request can be served at `default`).
 * A tier's rates the row leaves out are the row's, scaled as the tier's input (or output) is to
 * the row's: OpenAI's priority cache reads are priority input × (cache read ÷ input), as its
 * price list and LiteLLM's `_priority` keys agree.
 */
import type { ModelPrice, PriceScope, PriceTier, ServiceTierName } from "../config/mod.ts";

/** Every rate a token dimension may have; absent ones fall back as `cost_lines.ts` says. */
export interface TokenRates {
  input: number;
  output: number;
  cached_input?: number | undefined;
  cache_write?: number | undefined;
  cache_write_1h?: number | undefined;
  reasoning?: number | undefined;
  audio_input?: number | undefined;
  audio_output?: number | undefined;
  image_input?: number | undefined;
  image_output?: number | undefined;
  video_input?: number | undefined;
  /** Prompt-size tiers of these rates. */
  tiers?: readonly PriceTier[] | undefined;
  /** Set when these are a prompt-size tier's rates: the tier's threshold. */
  above_input_tokens?: number | undefined;
}

/** The names providers give the standard tier. */
const standardNames = new Set(["standard", "default", "auto", "on_demand"]);

/**
 * The tier name rates are looked up by: `standard` for the standard tier's many names (and when
 * the answer says none), `priority` for OpenAI's `fast` (billed as priority), else as reported.
 */
export function servedTierOf(reported: string | undefined): string {
  if (reported === undefined) return "standard";
  const name = reported.toLowerCase();
  if (standardNames.has(name)) return "standard";
  return name === "fast" ? "priority" : name;
}

/** `value × to ÷ from`; undefined when there is no value or no ratio to scale it by. */
export function scaled(value: number | undefined, from: number, to: number): number | undefined {
  if (value === undefined) return undefined;
  if (from === 0) return to === 0 ? value : undefined;
  return value * to / from;
}

/**
 * The rates of `served` on this row: the row's own for `standard`, the tier's (completed from the
 * row's) when the row lists it, null when it does not (the request is unpriced: standard rates
 * would be a cost nobody is billed, twice too high for flex).
 */
export function serviceRates(price: ModelPrice, served: string): TokenRates | null {
  if (served === "standard") return price;
  const tier = price.service_tiers?.[served as ServiceTierName];
  if (tier === undefined) return null;
  const inScaled = (v: number | undefined) => scaled(v, price.input, tier.input);
  const outScaled = (v: number | undefined) => scaled(v, price.output, tier.output);
  return {
    input: tier.input,
    output: tier.output,
    cached_input: tier.cached_input ?? inScaled(price.cached_input),
    cache_write: tier.cache_write ?? inScaled(price.cache_write),
    cache_write_1h: tier.cache_write_1h ?? inScaled(price.cache_write_1h),
    reasoning: tier.reasoning ?? outScaled(price.reasoning),
    audio_input: inScaled(price.audio_input),
    audio_output: outScaled(price.audio_output),
    image_input: inScaled(price.image_input),
    image_output: outScaled(price.image_output),
    video_input: inScaled(price.video_input),
    tiers: tier.tiers,
  };
}

/**
 * The rates of a prompt-size tier over `base`: the tier's own token prices (its absent cache
 * prices default to the tier's input, as a row's do), and the rates a tier does not carry
 * (modalities, 1-hour writes unless given) scaled from `base` as the tier's input or output is.
 */
export function tierRates(base: TokenRates, tier: PriceTier): TokenRates {
  const inScaled = (v: number | undefined) => scaled(v, base.input, tier.input);
  const outScaled = (v: number | undefined) => scaled(v, base.output, tier.output);
  return {
    input: tier.input,
    output: tier.output,
    cached_input: tier.cached_input,
    cache_write: tier.cache_write,
    cache_write_1h: tier.cache_write_1h ?? inScaled(base.cache_write_1h),
    reasoning: tier.reasoning,
    audio_input: inScaled(base.audio_input),
    audio_output: outScaled(base.audio_output),
    image_input: inScaled(base.image_input),
    image_output: outScaled(base.image_output),
    video_input: inScaled(base.video_input),
    above_input_tokens: tier.above_input_tokens,
  };
}

/**
 * The rates for a request of `inputTokens`: the highest tier whose threshold it is above (the
 * WHOLE request moves to that tier, as Google's "prompts > 200k tokens" rows and OpenAI's and
 * Anthropic's long-context prices bill it), else the rates' own. A tier's absent cache prices
 * default to the tier's input, as a row's do to its own.
 */
export function ratesFor(base: TokenRates, inputTokens: number): TokenRates {
  let chosen: PriceTier | null = null;
  // Tiers are ascending where they are read; the highest crossed one wins even if they are not.
  for (const tier of base.tiers ?? []) {
    if (
      inputTokens > tier.above_input_tokens &&
      (chosen === null || tier.above_input_tokens > chosen.above_input_tokens)
    ) chosen = tier;
  }
  return chosen === null ? base : tierRates(base, chosen);
}

/** The multiplier of `scope` on this row: 1 without a scope or without data for it. */
export function scopeMultiplierOf(price: ModelPrice, scope: PriceScope | null): number {
  if (scope === null) return 1;
  return price.scope_multipliers?.[scope] ?? 1;
}

/**
 * Reads a price file in the format of LiteLLM's `model_prices_and_context_window.json`: one JSON
 * object, key = model id (bare, or `provider/model`), value = USD **per token** and metadata.
 * Pure: a parsed document in, prices per LiteLLM provider out, and every entry that was not
 * taken counted by reason, so nothing is dropped silently.
 *
 * Only what the gateway's price rows can express is read: input, output, cache read, cache write
 * (5-minute), reasoning. Long-context tiers (`*_above_200k_tokens`), service tiers (`*_priority`,
 * `*_flex`, `*_batches`) and 1-hour cache writes are not: such entries are priced at their
 * standard band and counted in `standardBandOnly`.
 */
import { maxUsdPerMillion, type ModelPrice } from "../config/mod.ts";

export interface LiteLlmLimits {
  /** Most entries read; the rest are counted as `over_limit`. */
  maxEntries: number;
  /** Longest model key taken (LiteLLM's longest are about 120 characters). */
  maxKeyLength: number;
}

export const defaultLiteLlmLimits: LiteLlmLimits = { maxEntries: 50_000, maxKeyLength: 256 };

/** Why an entry was not taken. */
export const skipReasons = [
  "sample_spec",
  "not_an_object",
  "key_too_long",
  "no_provider",
  "mode_not_priced_by_token",
  "missing_price",
  "bad_number",
  "implausible_price",
  "duplicate",
  "over_limit",
] as const;
export type SkipReason = (typeof skipReasons)[number];

export interface ParsedPriceFile {
  /** LiteLLM provider (`openai`, `anthropic`, `groq`, ...) to lower-cased model id to price. */
  byProvider: Map<string, Map<string, ModelPrice>>;
  /** Entries taken. */
  priced: number;
  /** Entries taken whose tier or 1-hour cache prices were left out. */
  standardBandOnly: number;
  skipped: Record<SkipReason, number>;
}

/** Modes billed per token; `responses` is where LiteLLM files some Codex models. */
const tokenModes = new Set(["chat", "responses", "completion", "embedding"]);

const tierField = /_(above_\d+k?_tokens|above_1hr|priority|flex|batches)(_|$)/;

const fields = {
  input: "input_cost_per_token",
  output: "output_cost_per_token",
  cached_input: "cache_read_input_token_cost",
  cache_write: "cache_creation_input_token_cost",
  reasoning: "output_cost_per_reasoning_token",
} as const;

/** The parsed JSON document of a price file; an error message when it is not one. */
export function parseLiteLlm(
  doc: unknown,
  limits: LiteLlmLimits = defaultLiteLlmLimits,
): ParsedPriceFile | { error: string } {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return { error: "is not a JSON object of model entries (LiteLLM's format)" };
  }
  const out: ParsedPriceFile = {
    byProvider: new Map(),
    priced: 0,
    standardBandOnly: 0,
    skipped: Object.fromEntries(skipReasons.map((r) => [r, 0])) as Record<SkipReason, number>,
  };
  let seen = 0;
  for (const [key, entry] of Object.entries(doc as Record<string, unknown>)) {
    if (++seen > limits.maxEntries) {
      out.skipped.over_limit++;
      continue;
    }
    const taken = readEntry(key, entry, limits);
    if (typeof taken === "string") {
      out.skipped[taken]++;
      continue;
    }
    let models = out.byProvider.get(taken.provider);
    if (models === undefined) out.byProvider.set(taken.provider, models = new Map());
    if (models.has(taken.model)) {
      // The first entry wins: a bare key usually comes before its provider-prefixed twin.
      out.skipped.duplicate++;
      continue;
    }
    models.set(taken.model, taken.price);
    out.priced++;
    if (taken.partial) out.standardBandOnly++;
  }
  return out;
}

interface Taken {
  provider: string;
  model: string;
  price: ModelPrice;
  partial: boolean;
}

function readEntry(key: string, entry: unknown, limits: LiteLlmLimits): Taken | SkipReason {
  if (key === "sample_spec") return "sample_spec";
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return "not_an_object";
  if (key.length > limits.maxKeyLength) return "key_too_long";
  const e = entry as Record<string, unknown>;
  const provider = e.litellm_provider;
  if (typeof provider !== "string" || provider === "" || provider.length > 64) return "no_provider";
  if (typeof e.mode !== "string" || !tokenModes.has(e.mode)) return "mode_not_priced_by_token";
  const price: Partial<Record<keyof typeof fields, number>> = {};
  for (const [name, field] of Object.entries(fields) as [keyof typeof fields, string][]) {
    const value = e[field];
    if (value === undefined || value === null) continue;
    const perMillion = perMillionOf(value);
    if (typeof perMillion === "string") return perMillion;
    price[name] = perMillion;
  }
  // Embeddings generate nothing; every other mode needs both sides, or it would price as free.
  if (e.mode === "embedding" && price.output === undefined) price.output = 0;
  if (price.input === undefined || price.output === undefined) return "missing_price";
  const id = key.trim().toLowerCase();
  const prefix = `${provider.toLowerCase()}/`;
  return {
    provider: provider.toLowerCase(),
    model: id.startsWith(prefix) && id.length > prefix.length ? id.slice(prefix.length) : id,
    price: price as ModelPrice,
    partial: Object.keys(e).some((k) => tierField.test(k)),
  };
}

/**
 * USD per token to USD per million tokens, without binary noise (3e-06 is 3, not 3.0000000000000004).
 * A result above `maxUsdPerMillion` (or one that overflowed: 1e303 per token) is no real price but
 * a broken or hostile file, and would make costs absurd or infinite: the entry is not taken.
 */
export function perMillionOf(value: unknown): number | "bad_number" | "implausible_price" {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return "bad_number";
  const perMillion = Number((value * 1e6).toPrecision(12));
  if (!Number.isFinite(perMillion) || perMillion > maxUsdPerMillion) return "implausible_price";
  return perMillion;
}

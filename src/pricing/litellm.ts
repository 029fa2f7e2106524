/**
 * Reads a price file in the format of LiteLLM's `model_prices_and_context_window.json`: one JSON
 * object, key = model id (bare, or `provider/model`), value = USD **per token** and metadata.
 * Pure: a parsed document in, prices per LiteLLM provider out, and every entry that was not
 * taken counted by reason, so nothing is dropped silently.
 *
 * Only what the gateway's price rows can express is read: input, output, cache read, cache write
 * (5-minute), reasoning, and prompt-size tiers (`input_cost_per_token_above_200k_tokens` and the
 * same suffix on output, cache read and cache write: above the threshold the whole request is
 * priced at the tier). A tier needs both its input and output price, or it would price one side
 * of a long request at the short band: half a tier is left out. Service tiers (`*_priority`,
 * `*_flex`, `*_batches`), 1-hour cache writes and half tiers are not read: such entries are priced
 * without them and counted in `standardBandOnly`.
 */
import { maxTiers, maxTierThreshold, maxUsdPerMillion, type ModelPrice } from "../config/mod.ts";

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
  /** Entries taken whose service-tier, 1-hour cache or half-tier prices were left out. */
  standardBandOnly: number;
  /**
   * Price keys of the entries taken that their row does not apply, by name, with how many entries
   * have each (at most `maxNotAppliedNames` names; the rest are counted in `notAppliedOther`): so
   * the operator sees which of the file's prices the gateway's cost leaves out, never silently.
   */
  notApplied: Map<string, number>;
  notAppliedOther: number;
  skipped: Record<SkipReason, number>;
}

/** Modes billed per token; `responses` is where LiteLLM files some Codex models. */
const tokenModes = new Set(["chat", "responses", "completion", "embedding"]);

const tierField = /_(above_\d+k?_tokens|above_1hr|priority|flex|batches)(_|$)/;

/** A prompt-size tier field: `{base field}_above_{n}k_tokens` (or `_above_{n}_tokens`). */
const sizeTierField = /^(.+)_above_(\d{1,9})(k?)_tokens$/;

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
    notApplied: new Map(),
    notAppliedOther: 0,
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
    for (const key of taken.notApplied) countNotApplied(out, key);
  }
  return out;
}

interface Taken {
  provider: string;
  model: string;
  price: ModelPrice;
  partial: boolean;
  /** The entry's price keys its row does not apply. */
  notApplied: string[];
}

/** Distinct price-key names counted by name; LiteLLM's whole file has fewer than 80. */
export const maxNotAppliedNames = 128;
/** A price key in LiteLLM's format names a cost (`*_cost_per_*`, `*_cost`, `tiered_pricing`). */
const priceKey = /cost|pricing/;
const readFields = new Set<string>(Object.values(fields));

function countNotApplied(out: ParsedPriceFile, key: string): void {
  const seen = out.notApplied.get(key);
  if (seen !== undefined) out.notApplied.set(key, seen + 1);
  else if (out.notApplied.size < maxNotAppliedNames && key.length <= 80) {
    out.notApplied.set(key, 1);
  } else out.notAppliedOther++;
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
  const tiers = readTiers(e);
  if (typeof tiers === "string") return tiers;
  const row: ModelPrice = price as ModelPrice;
  if (tiers.tiers.length > 0) row.tiers = tiers.tiers;
  const id = key.trim().toLowerCase();
  // `groq/llama-...` under `groq`; Vertex's sub-providers (`vertex_ai-anthropic_models`) file
  // their keys under the family's prefix (`vertex_ai/claude-opus-4-7`).
  const name = provider.toLowerCase();
  const prefix = [`${name}/`, `${name.split("-")[0]}/`].find((p) =>
    id.startsWith(p) && id.length > p.length
  );
  return {
    provider: name,
    model: prefix === undefined ? id : id.slice(prefix.length),
    price: row,
    partial: Object.keys(e).some((k) => tierField.test(k) && !tiers.taken.has(k)),
    notApplied: Object.keys(e).filter((k) =>
      priceKey.test(k) && e[k] !== null && !readFields.has(k) && !tiers.taken.has(k)
    ),
  };
}

const tierBases = new Map<string, keyof typeof fields>(
  (Object.entries(fields) as [keyof typeof fields, string][]).map(([name, f]) => [f, name]),
);

/**
 * The entry's prompt-size tiers, ascending, and the fields they used. A threshold with an input
 * and an output price is a tier (its cache prices optional); one with less is left out, its
 * fields counted as not applied. Tier prices go through the same checks as the row's.
 */
function readTiers(
  e: Record<string, unknown>,
): { tiers: NonNullable<ModelPrice["tiers"]>; taken: Set<string> } | SkipReason {
  const byThreshold = new Map<
    number,
    { fields: Partial<Record<string, number>>; keys: string[] }
  >();
  for (const [k, value] of Object.entries(e)) {
    const m = sizeTierField.exec(k);
    const name = m === null ? undefined : tierBases.get(m[1]!);
    if (m === null || name === undefined || value === undefined || value === null) continue;
    const threshold = Number(m[2]) * (m[3] === "k" ? 1000 : 1);
    if (threshold <= 0 || threshold > maxTierThreshold) continue;
    const perMillion = perMillionOf(value);
    if (typeof perMillion === "string") return perMillion;
    let tier = byThreshold.get(threshold);
    if (tier === undefined) byThreshold.set(threshold, tier = { fields: {}, keys: [] });
    tier.fields[name] = perMillion;
    tier.keys.push(k);
  }
  const tiers: NonNullable<ModelPrice["tiers"]> = [];
  const taken = new Set<string>();
  for (const [threshold, { fields: f, keys }] of [...byThreshold].sort((a, b) => a[0] - b[0])) {
    if (f.input === undefined || f.output === undefined || tiers.length === maxTiers) continue;
    tiers.push({ above_input_tokens: threshold, ...f } as NonNullable<ModelPrice["tiers"]>[0]);
    for (const k of keys) taken.add(k);
  }
  return { tiers, taken };
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

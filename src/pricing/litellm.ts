/**
 * Reads a price file in the format of LiteLLM's `model_prices_and_context_window.json`: one JSON
 * object, key = model id (bare, or `provider/model`), value = USD **per token** and metadata.
 * Pure: a parsed document in, prices per LiteLLM provider out, and every entry that was not
 * taken counted by reason, so nothing is dropped silently.
 *
 * Every cost key of chat, embedding and audio entries that a row can express is read
 * (`litellm_rows.ts`): token rates by kind, modality and cache lifetime, prompt-size tiers,
 * service tiers, tools per use, region multipliers. The keys a taken entry has and its row does
 * not apply (per-second, per-character, per-image prices; data-residency hostnames; `fast`
 * speed) are counted by name, and entries with a tier key left out in `standardBandOnly`.
 */
import type { ModelPrice } from "../config/mod.ts";
import { rowOf } from "./litellm_rows.ts";

export { perMillionOf } from "./litellm_numbers.ts";

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
  /** Entries taken with a tier key (size, service, 1-hour cache) their row leaves out. */
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
  const read = rowOf(e, e.mode === "embedding");
  if (typeof read === "string") return read;
  if (read.row === null) return "missing_price";
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
    price: read.row,
    partial: Object.keys(e).some((k) => tierField.test(k) && !read.used.has(k)),
    notApplied: Object.keys(e).filter((k) =>
      priceKey.test(k) && e[k] !== null && !read.used.has(k)
    ),
  };
}

/**
 * One LiteLLM entry's price keys to the gateway's row: every cost key its chat, embedding and
 * audio entries use that a row can express. Token rates (`*_cost_per_token`, cache read, cache
 * write, the 1-hour write, reasoning, audio, image, video), prompt-size tiers
 * (`{key}_above_{N}k_tokens`: above the threshold the whole request moves to the tier), service
 * tiers (`{key}_priority`, `_flex`, `_batches`, and `{key}_above_{N}k_tokens_priority`), web search
 * per query (`search_context_cost_per_query`, its `medium` size: the default size, and the one
 * LiteLLM bills Anthropic's searches at), its unit (`web_search_billing_unit`), file search per
 * call (`file_search_cost_per_1k_calls`) and region multipliers (`provider_specific_entry`: `us`).
 * Pure; returns the keys it used, so the caller counts the rest by name.
 */
import {
  maxScopeMultiplier,
  maxTiers,
  maxTierThreshold,
  maxUsdPerUse,
  type ModelPrice,
  type PriceTier,
  type ServiceTierRates,
} from "../config/mod.ts";
import { perMillionOf } from "./litellm_numbers.ts";

/** The token-rate keys and the row field each fills. */
const rateKeys = {
  input_cost_per_token: "input",
  output_cost_per_token: "output",
  cache_read_input_token_cost: "cached_input",
  cache_creation_input_token_cost: "cache_write",
  cache_creation_input_token_cost_above_1hr: "cache_write_1h",
  output_cost_per_reasoning_token: "reasoning",
  input_cost_per_audio_token: "audio_input",
  output_cost_per_audio_token: "audio_output",
  input_cost_per_image_token: "image_input",
  output_cost_per_image_token: "image_output",
  input_cost_per_video_token: "video_input",
} as const;
type RateField = (typeof rateKeys)[keyof typeof rateKeys];

/** Fields a prompt-size or service tier carries (the others scale with its input or output). */
const tierFields = new Set<RateField>([
  "input",
  "output",
  "cached_input",
  "cache_write",
  "cache_write_1h",
  "reasoning",
]);

const serviceSuffix = { priority: "priority", flex: "flex", batches: "batch" } as const;

/** `{base}[_above_{N}[k]_tokens][_{priority|flex|batches}]`. */
const keyShape = /^(.+?)(?:_above_(\d{1,9})(k?)_tokens)?(?:_(priority|flex|batches))?$/;

type Band = Partial<Record<RateField, number>>;
/** Rates by service tier ('' standard) and threshold (0 for the row's own). */
type Bands = Map<string, Map<number, { rates: Band; keys: string[] }>>;

export type Bad = "bad_number" | "implausible_price";

/** Sorts an entry's rate keys into bands; a bad number refuses the entry. */
function bandsOf(e: Record<string, unknown>): Bands | Bad {
  const bands: Bands = new Map();
  for (const [key, value] of Object.entries(e)) {
    if (value === undefined || value === null) continue;
    const m = keyShape.exec(key);
    const field = m === null ? undefined : rateKeys[m[1] as keyof typeof rateKeys];
    if (m === null || field === undefined) continue;
    const threshold = m[2] === undefined ? 0 : Number(m[2]) * (m[3] === "k" ? 1000 : 1);
    if (threshold > maxTierThreshold || (threshold > 0 && !tierFields.has(field))) continue;
    const service = m[4] === undefined ? "" : serviceSuffix[m[4] as keyof typeof serviceSuffix];
    if (service !== "" && !tierFields.has(field)) continue;
    const perMillion = perMillionOf(value);
    if (typeof perMillion === "string") return perMillion;
    let byThreshold = bands.get(service);
    if (byThreshold === undefined) bands.set(service, byThreshold = new Map());
    let band = byThreshold.get(threshold);
    if (band === undefined) byThreshold.set(threshold, band = { rates: {}, keys: [] });
    band.rates[field] = perMillion;
    band.keys.push(key);
  }
  return bands;
}

/**
 * The prompt-size tiers of one service tier, ascending. A threshold with an input and an output
 * price is a tier; one with less is left out (half a tier would price one side of a long request
 * at the short band), its keys not used.
 */
function tiersOf(
  byThreshold: Map<number, { rates: Band; keys: string[] }>,
  used: Set<string>,
): PriceTier[] {
  const tiers: PriceTier[] = [];
  for (const [threshold, { rates, keys }] of [...byThreshold].sort((a, b) => a[0] - b[0])) {
    if (threshold === 0 || rates.input === undefined || rates.output === undefined) continue;
    if (tiers.length === maxTiers) continue;
    const tier: PriceTier = {
      above_input_tokens: threshold,
      input: rates.input,
      output: rates.output,
    };
    for (const f of ["cached_input", "cache_write", "cache_write_1h", "reasoning"] as const) {
      if (rates[f] !== undefined) tier[f] = rates[f];
    }
    tiers.push(tier);
    for (const k of keys) used.add(k);
  }
  return tiers;
}

/** A service tier's rates: its own band (input and output needed) and its size tiers. */
function serviceTierOf(
  byThreshold: Map<number, { rates: Band; keys: string[] }>,
  used: Set<string>,
): ServiceTierRates | null {
  const own = byThreshold.get(0);
  if (own?.rates.input === undefined || own.rates.output === undefined) return null;
  const rates: ServiceTierRates = { input: own.rates.input, output: own.rates.output };
  for (const f of ["cached_input", "cache_write", "cache_write_1h", "reasoning"] as const) {
    if (own.rates[f] !== undefined) rates[f] = own.rates[f];
  }
  for (const k of own.keys) used.add(k);
  const tiers = tiersOf(byThreshold, used);
  if (tiers.length > 0) rates.tiers = tiers;
  return rates;
}

export interface ReadRow {
  /** The row; null when input or output is missing (and the mode generates). */
  row: ModelPrice | null;
  /** The entry's keys the row applies. */
  used: Set<string>;
}

/** The row an entry's price keys describe. */
export function rowOf(e: Record<string, unknown>, embedding: boolean): ReadRow | Bad {
  const bands = bandsOf(e);
  if (typeof bands === "string") return bands;
  const used = new Set<string>();
  const standard = bands.get("")?.get(0);
  const own: Band = { ...standard?.rates };
  // Embeddings generate nothing; every other mode needs both sides, or it would price as free.
  if (embedding && own.output === undefined) own.output = 0;
  if (own.input === undefined || own.output === undefined) return { row: null, used };
  for (const k of standard?.keys ?? []) used.add(k);
  const row = { ...own } as ModelPrice;
  const tiers = tiersOf(bands.get("") ?? new Map(), used);
  if (tiers.length > 0) row.tiers = tiers;
  for (const service of ["priority", "flex", "batch"] as const) {
    const rates = bands.get(service);
    const tier = rates === undefined ? null : serviceTierOf(rates, used);
    if (tier !== null) (row.service_tiers ??= {})[service] = tier;
  }
  addPerUse(e, row, used);
  addGeo(e, row, used);
  return { row, used };
}

/** USD per use, within the row's bound; null when it is not one. */
function perUse(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= maxUsdPerUse ? v : null;
}

function addPerUse(e: Record<string, unknown>, row: ModelPrice, used: Set<string>): void {
  const search = e.search_context_cost_per_query;
  const medium = typeof search === "object" && search !== null
    ? perUse((search as Record<string, unknown>).search_context_size_medium)
    : null;
  if (medium !== null) {
    (row.per_use ??= {}).web_search = medium;
    used.add("search_context_cost_per_query");
    const unit = e.web_search_billing_unit;
    if (unit === "per_query" || unit === "per_prompt") {
      row.web_search_unit = unit === "per_query" ? "query" : "prompt";
      used.add("web_search_billing_unit");
    }
  }
  const perThousand = perUse(e.file_search_cost_per_1k_calls);
  if (perThousand !== null) {
    (row.per_use ??= {}).file_search = perThousand / 1000;
    used.add("file_search_cost_per_1k_calls");
  }
}

const geoName = /^[a-z0-9_-]{1,40}$/;

/** `provider_specific_entry`: region multipliers (`us`); `fast` is a speed, not a region. */
function addGeo(e: Record<string, unknown>, row: ModelPrice, used: Set<string>): void {
  const entry = e.provider_specific_entry;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return;
  const geo: Record<string, number> = {};
  for (const [name, k] of Object.entries(entry).slice(0, 16)) {
    if (name === "fast" || !geoName.test(name)) continue;
    if (typeof k !== "number" || !(k > 0) || k > maxScopeMultiplier) continue;
    geo[name] = k;
  }
  if (Object.keys(geo).length === 0) return;
  row.inference_geo_multipliers = geo;
  // Used only in part when it names a speed too: `fast` stays counted as not applied.
  if (!("fast" in entry)) used.add("provider_specific_entry");
}

/**
 * Model id and time to price. Providers answer with dated snapshot ids (`gpt-4o-mini-2024-07-18`,
 * `claude-sonnet-4-5-20250929`) and aliases (`claude-3-5-haiku-latest`) while prices are
 * published per family, so an id is looked up as:
 *
 * 1. the exact id, or the id without a date or `-latest` suffix (the same model: here the layer
 *    decides, config over price files over built-in, and within a layer the exact id first);
 * 2. then the longest family that is a prefix of it on a `-` boundary (`gpt-4-0613` is `gpt-4`),
 *    in the layers that list families (config and built-in; price files list exact ids only).
 *
 * Cloud providers' ids are first reduced to their price-table key (`model_key.ts`: config
 * mappings, the adapter's `priceKeyOf`, or the id's shape: `us.anthropic.claude-...-v1:0` is
 * `claude-sonnet-4-5`); in step 1 the id itself is tried before its key in each layer.
 *
 * Prefixes end on `-`, so `gpt-4o` never prices `gpt-4o-mini`, and `gpt-4` never `gpt-4.1`.
 * Matching ignores case. A key whose rows all start after the request's time is absent at that
 * time, so a price change never reprices what came before it.
 */
import type { ModelPrice, PriceScope, ResolvedProvider } from "../config/mod.ts";
import { builtInPrices, type PriceList } from "./builtin_prices.ts";
import { presetPrices } from "./preset_prices.ts";
import { isPresetId } from "../providers/mod.ts";
import { type PriceLayer, rowAt, tableLayer, type TimedPrice } from "./price_layer.ts";
import type { PriceRowRef } from "./cost_lines.ts";
import { mappedPriceKey, type ModelMapping, type PriceKey, priceKeyOfId } from "./model_key.ts";
import { noPriceSources, type PriceSources, sourceLayers } from "./sources_index.ts";

const versionSuffix = /(?:-\d{4}-\d{2}-\d{2}|-\d{8}|-latest|@[^@]*)$/;

/** The id without its date, `-latest` or Vertex-style `@date` suffixes. */
export function familyOf(model: string): string {
  let id = model.trim().toLowerCase();
  for (let next = id.replace(versionSuffix, ""); next !== id && next !== "";) {
    id = next;
    next = id.replace(versionSuffix, "");
  }
  return id;
}

/**
 * Layers first to last: the first that has a row for a key at `at` answers. `key` is the id's
 * price-table key when it differs from the id (a Bedrock profile id, a Gemini resource name, an
 * Azure deployment): the id itself is still tried first in each layer, so a price file that lists
 * `us.anthropic.claude-...-v1:0` with its own regional price wins over the normalised family.
 */
export function resolvePrice(
  layers: readonly PriceLayer[],
  model: string | null,
  at: number,
  key: string | null = null,
): ModelPrice | null {
  return resolvePriceRow(layers, model, at, key)?.price ?? null;
}

/** A row found, with where it was: its layer, the key it is filed under, when it starts. */
export interface FoundPrice {
  price: ModelPrice | null;
  row: PriceRowRef;
}

function found(layer: PriceLayer, id: string, row: TimedPrice): FoundPrice {
  const validFrom = Number.isFinite(row.from) ? new Date(row.from).toISOString() : null;
  return { price: row.price, row: { source: layer.name, model: id, valid_from: validFrom } };
}

/** As `resolvePrice`, with where the row was found. */
export function resolvePriceRow(
  layers: readonly PriceLayer[],
  model: string | null,
  at: number,
  key: string | null = null,
): FoundPrice | null {
  if (model === null) return null;
  const exact = model.trim().toLowerCase();
  const keyed = key === null ? exact : key.trim().toLowerCase();
  const family = familyOf(keyed);
  const sameModel = [...new Set([exact, familyOf(exact), keyed, family])].filter((id) => id !== "");
  for (const layer of layers) {
    for (const id of sameModel) {
      const row = rowOf(layer, id, at);
      if (row !== undefined) return found(layer, id, row);
    }
  }
  for (let cut = family.lastIndexOf("-"); cut > 0; cut = family.lastIndexOf("-", cut - 1)) {
    const id = family.slice(0, cut);
    for (const layer of layers) {
      if (!layer.families) continue;
      const row = rowOf(layer, id, at);
      if (row !== undefined) return found(layer, id, row);
    }
  }
  return null;
}

function rowOf(layer: PriceLayer, id: string, at: number): TimedPrice | undefined {
  const rows = layer.rows.get(id);
  return rows === undefined ? undefined : rowAt(rows, at);
}

const builtInLayers = new Map<string, PriceLayer>();

/** A preset's own list (an OpenAI-compatible vendor), else its kind's. */
function builtInList(provider: PricedProvider): { name: string; list: PriceList } {
  const preset = provider.preset;
  if (preset !== undefined && isPresetId(preset)) {
    return { name: `built-in ${preset}`, list: presetPrices[preset] };
  }
  return { name: `built-in ${provider.kind}`, list: builtInPrices[provider.kind] };
}

function builtInLayer(provider: PricedProvider): PriceLayer {
  const { name, list } = builtInList(provider);
  let layer = builtInLayers.get(name);
  if (layer === undefined) {
    layer = tableLayer(name, list.models);
    builtInLayers.set(name, layer);
  }
  return layer;
}

/**
 * What pricing needs of a provider; `id` names its price-file entries (default: the kind), a
 * `preset` chooses the preset's built-in list and LiteLLM names. `deployments` (Azure: deployment
 * name to model, with its deployment type) and `models` (ARN or alias to a priced model id) are
 * the config mappings, exact names only.
 */
export type PricedProvider = Pick<ResolvedProvider, "kind" | "prices" | "preset"> & {
  id?: string;
  deployments?: Readonly<Record<string, ModelMapping>> | undefined;
  models?: Readonly<Record<string, ModelMapping>> | undefined;
};

/** A provider's layers, highest first: its config prices, the price files (last first), built-in. */
export function priceLayers(
  provider: PricedProvider,
  sources: PriceSources = noPriceSources,
): PriceLayer[] {
  return [
    tableLayer(`providers.${provider.id ?? provider.kind}.prices`, provider.prices),
    ...sourceLayers(sources, provider),
    builtInLayer(provider),
  ];
}

/**
 * The adapter's view of a model id (`ProviderAdapter.priceKeyOf`), when it has one; `path` is
 * the upstream-relative path of the priced request, when known (Vertex reads its location).
 */
export type PriceKeyOf = (model: string, path?: string) => PriceKey;

/**
 * The key of `model` for `provider`: its config mappings first (a deployment or ARN names the
 * model exactly), then the adapter's `priceKeyOf`, then the id's shape (`priceKeyOfId`).
 */
export function priceKeyFor(
  provider: Pick<PricedProvider, "deployments" | "models">,
  model: string,
  adapterKeyOf?: PriceKeyOf,
  path?: string,
): PriceKey {
  return mappedPriceKey(model, provider.deployments, "global") ??
    mappedPriceKey(model, provider.models) ??
    (path === undefined ? adapterKeyOf?.(model) : adapterKeyOf?.(model, path)) ??
    priceKeyOfId(model);
}

/** A price row and the scope its request used (the row's `scope_multipliers` apply to it). */
export interface PriceMatch {
  price: ModelPrice;
  scope: PriceScope | null;
  /** Where the row is (layer, key, start), for the cost breakdown. */
  row: PriceRowRef;
}

/** The price lookup for one provider; built once per config generation, called per trace. */
export function createPricer(
  provider: PricedProvider,
  sources: PriceSources = noPriceSources,
): (model: string | null, at?: number) => ModelPrice | null {
  const match = createPriceMatcher(provider, sources);
  return (model, at = Date.now()) => match(model, at)?.price ?? null;
}

/**
 * As `createPricer`, with the scope the model id (or the adapter, given the request's
 * upstream-relative `path` when known) says the request used.
 */
export function createPriceMatcher(
  provider: PricedProvider,
  sources: PriceSources = noPriceSources,
  adapterKeyOf?: PriceKeyOf,
): (model: string | null, at?: number, path?: string) => PriceMatch | null {
  const layers = priceLayers(provider, sources);
  return (model, at = Date.now(), path) => {
    if (model === null) return null;
    const key = priceKeyFor(provider, model, adapterKeyOf, path);
    const hit = resolvePriceRow(layers, model, at, key.model);
    return hit?.price == null ? null : { price: hit.price, scope: key.scope, row: hit.row };
  };
}

/**
 * Model id to price. Providers answer with dated snapshot ids (`gpt-4o-mini-2024-07-18`,
 * `claude-sonnet-4-5-20250929`) and aliases (`claude-3-5-haiku-latest`) while prices are
 * published per family, so an id resolves in this order:
 *
 * 1. the exact id (some snapshots have their own price, e.g. `gpt-4o-2024-05-13`);
 * 2. the id without a date or `-latest` suffix;
 * 3. the longest family that is a prefix of it on a `-` boundary (`gpt-4-0613` is `gpt-4`).
 *
 * Prefixes end on `-`, so `gpt-4o` never prices `gpt-4o-mini`, and `gpt-4` never `gpt-4.1`.
 * Matching ignores case.
 */
import type { ModelPrice, PriceTable, ResolvedProvider } from "../config/mod.ts";
import { builtInPrices } from "./builtin_prices.ts";

/** Lower-cased id to price; `null` marks a family that must stay unpriced. */
export type PriceIndex = ReadonlyMap<string, ModelPrice | null>;

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

export function resolvePrice(index: PriceIndex, model: string | null): ModelPrice | null {
  if (model === null) return null;
  const exact = model.trim().toLowerCase();
  if (index.has(exact)) return index.get(exact) ?? null;
  let candidate = familyOf(exact);
  for (;;) {
    if (index.has(candidate)) return index.get(candidate) ?? null;
    const cut = candidate.lastIndexOf("-");
    if (cut <= 0) return null;
    candidate = candidate.slice(0, cut);
  }
}

/** Built-in prices for the kind, then the config's, which win for the same key. */
export function priceIndex(
  builtIn: Readonly<Record<string, ModelPrice | null>>,
  config: PriceTable,
): PriceIndex {
  const index = new Map<string, ModelPrice | null>();
  for (const [id, price] of Object.entries(builtIn)) index.set(id.toLowerCase(), price);
  for (const [id, price] of Object.entries(config)) index.set(id.trim().toLowerCase(), price);
  return index;
}

/** The price lookup for one provider; built once at start, called per trace. */
export function createPricer(
  provider: Pick<ResolvedProvider, "kind" | "prices">,
): (model: string | null) => ModelPrice | null {
  const index = priceIndex(builtInPrices[provider.kind].models, provider.prices);
  return (model) => resolvePrice(index, model);
}

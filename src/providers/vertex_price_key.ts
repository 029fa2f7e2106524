/**
 * The price-table key of a model on Vertex AI (`ProviderAdapter.priceKeyOf`). The id loses what
 * Vertex adds to the model the price table knows: a resource-name prefix
 * (`projects/p/locations/l/publishers/anthropic/models/claude-sonnet-4-5`, `publishers/google/
 * models/...`) and a `@version` suffix (`claude-sonnet-4-5@20250929`, `gemini-2.0-flash@001`).
 * Dated ids (`claude-sonnet-4-5-20250929`, what a Claude answer names) are the price lookup's to
 * reduce, as for every kind.
 *
 * The scope is the request path's location: `global` is the global endpoint; any other location
 * (a region such as `us-east5`, a multi-region such as `us` or `eu`) is `regional`, which
 * Anthropic prices 10% above global for Claude from Sonnet 4.5 on ("Regional endpoints include a
 * 10% pricing premium over global endpoints", platform.claude.com/docs/en/api/claude-on-vertex-ai;
 * the multiplier itself is price data, `scope_multipliers`). A path without a location (express
 * mode, or a caller that has no path) has no scope: priced at 1x.
 */
import type { PriceKey } from "./types.ts";
import { parseVertexPath } from "./vertex_paths.ts";

/** Ids longer than this are no model id: kept as they are (unpriced unless config names them). */
const maxIdChars = 512;

export function vertexPriceKey(model: string, path?: string): PriceKey {
  return { model: vertexPriceModel(model), scope: vertexScopeOf(path) };
}

/** The model id without a resource-name prefix and without `@version`. */
export function vertexPriceModel(model: string): string {
  let id = model.trim();
  if (id.length > maxIdChars) return model;
  const at = id.lastIndexOf("models/");
  if (at !== -1 && /^(?:projects|publishers|models)\//.test(id)) {
    id = id.slice(at + "models/".length);
  }
  const version = id.indexOf("@");
  if (version > 0) id = id.slice(0, version);
  return id === "" ? model : id;
}

/** `global`, `regional`, or null when the path names no location (or is no Vertex path). */
export function vertexScopeOf(path: string | undefined): PriceKey["scope"] {
  if (path === undefined) return null;
  const location = parseVertexPath(path)?.location ?? null;
  if (location === null) return null;
  return location === "global" ? "global" : "regional";
}

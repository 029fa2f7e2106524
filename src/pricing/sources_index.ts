/**
 * Loaded price files (`pricing.sources`) and which of their entries price which provider. An
 * entry names its provider in LiteLLM's words (`litellm_provider`): the built-in kinds read
 * their own (`openai`, `anthropic`), and every provider also reads the entries named by its id,
 * so an OpenAI-compatible provider called `groq` or `deepseek` gets LiteLLM's `groq/...` or
 * `deepseek/...` prices without further config.
 */
import type { ModelPrice, ProviderKind } from "../config/mod.ts";
import type { PriceLayer, TimedPrice } from "./price_layer.ts";

export interface PriceFile {
  /** The path or URL as configured (a URL without its query, as logs show it). */
  readonly name: string;
  readonly byProvider: ReadonlyMap<string, ReadonlyMap<string, ModelPrice>>;
}

export interface PriceSources {
  /** In config order; a later file wins over an earlier one. */
  readonly files: readonly PriceFile[];
}

export const noPriceSources: PriceSources = { files: [] };

/** LiteLLM's provider names for each kind's own API. */
export const litellmProviders: Readonly<Record<ProviderKind, readonly string[]>> = {
  openai: ["openai", "text-completion-openai"],
  anthropic: ["anthropic"],
  "openai-compatible": [],
  // Not available yet in this build (providers/registry.ts `unavailableKinds`): none read.
  gemini: [],
  vertex: [],
  "azure-openai": [],
  bedrock: [],
};

/** One layer per file with entries for this provider, the last file first. */
export function sourceLayers(
  sources: PriceSources,
  provider: { id?: string; kind: ProviderKind },
): PriceLayer[] {
  const names = new Set(litellmProviders[provider.kind]);
  if (provider.id !== undefined) names.add(provider.id.toLowerCase());
  const layers: PriceLayer[] = [];
  for (const file of sources.files) {
    const rows = new Map<string, readonly TimedPrice[]>();
    for (const name of names) {
      for (const [model, price] of file.byProvider.get(name) ?? []) {
        // The kind's own name (`openai`) is listed first and wins over an id-named twin.
        if (!rows.has(model)) rows.set(model, [{ from: -Infinity, price }]);
      }
    }
    if (rows.size > 0) layers.unshift({ name: file.name, families: false, rows });
  }
  return layers;
}

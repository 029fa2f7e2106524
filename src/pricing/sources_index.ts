/**
 * Loaded price files (`pricing.sources`) and which of their entries price which provider. An
 * entry names its provider in LiteLLM's words (`litellm_provider`): the built-in kinds read
 * their own (`openai`, `anthropic`), and every provider also reads the entries named by its id,
 * so an OpenAI-compatible provider called `groq` or `deepseek` gets LiteLLM's `groq/...` or
 * `deepseek/...` prices without further config. A preset reads its vendor's LiteLLM names
 * instead of its id (`together` reads `together_ai`; `ollama` and `vllm` read none).
 */
import type { ModelPrice, ProviderKind } from "../config/mod.ts";
import { presetOf } from "../providers/mod.ts";
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

/**
 * LiteLLM's provider names (`litellm_provider`) for each kind's own API. Vertex AI files Gemini
 * and Claude under separate names; Bedrock its Converse-only models under `bedrock_converse`.
 * Declared apart from its type check, as `builtInPrices`, so kinds may land in any order.
 */
const litellmNames = {
  openai: ["openai", "text-completion-openai"],
  anthropic: ["anthropic"],
  "openai-compatible": [],
  gemini: ["gemini"],
  vertex: ["vertex_ai-language-models", "vertex_ai-anthropic_models"],
  bedrock: ["bedrock", "bedrock_converse"],
  "azure-openai": ["azure"],
} as const;

export const litellmProviders:
  & typeof litellmNames
  & Readonly<Record<ProviderKind, readonly string[]>> = litellmNames;

/** One layer per file with entries for this provider, the last file first. */
export function sourceLayers(
  sources: PriceSources,
  provider: { id?: string; kind: ProviderKind; preset?: string | undefined },
): PriceLayer[] {
  const names = new Set(litellmProviders[provider.kind]);
  // A preset reads LiteLLM's name for its vendor (`together_ai`), and a self-hosted one none:
  // LiteLLM lists Ollama models at zero, and a local model's cost is unknown, not nothing.
  const preset = provider.preset === undefined ? null : presetOf(provider.preset);
  if (preset !== null) { for (const name of preset.litellm) names.add(name); }
  else if (provider.id !== undefined) names.add(provider.id.toLowerCase());
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

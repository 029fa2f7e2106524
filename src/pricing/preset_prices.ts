/**
 * Built-in prices of the OpenAI-compatible presets (`providers/presets.ts`), USD per million
 * tokens, in the format of `builtin_prices.ts` and matched the same way (`resolve.ts`). One
 * `const` block per vendor, each with the page it was read from; docs/providers-presets.md
 * gives the same figures with their sources.
 *
 * Only ids whose price was read in a source are listed: an id missing here is unpriced (cost
 * unknown, never zero), and `providers.<id>.prices` or a LiteLLM price file (`pricing.sources`,
 * entries named by the preset's LiteLLM provider) fills it in. Catalogues that change weekly
 * (Together, Fireworks, OpenRouter) have no built-in list; self-hosted servers (Ollama, vLLM)
 * have no price at all. Keys are exact ids where a shorter family would misprice a sibling
 * (`grok-3` is not `grok-3-fast`; `mistral-large-2411` is not Large 3).
 */
import type { PresetId } from "../providers/mod.ts";
import type { PriceList } from "./builtin_prices.ts";

const mistral: PriceList = {
  as_of: "2026-12-06",
  source: "Mistral's price list as tabulated by margindash.com/mistral-api-pricing ('verified " +
    "against official Mistral documentation'), read 2026-12-06; Mistral publishes no cached-input " +
    "discount (aipromptshub.co, 2026), so cached input is billed as input",
  models: {
    // Mistral Large 3 (Dec 2025) and Large 2 (Nov 2024) share the family name: dated ids only.
    "mistral-large-2512": { input: 0.5, output: 1.5 },
    "mistral-large-2411": { input: 2, output: 6 },
    "mistral-large-2407": { input: 2, output: 6 },
    "mistral-medium-2508": { input: 0.4, output: 2 },
    "mistral-medium-2505": { input: 0.4, output: 2 },
    "mistral-small-2506": { input: 0.1, output: 0.3 },
    "mistral-small-2503": { input: 0.1, output: 0.3 },
    "magistral-medium-2509": { input: 2, output: 5 },
    "magistral-small-2509": { input: 0.5, output: 1.5 },
    "devstral-medium-2507": { input: 0.4, output: 2 },
    "devstral-small-2507": { input: 0.1, output: 0.3 },
    "ministral-14b-2512": { input: 0.2, output: 0.2 },
    "ministral-8b-2512": { input: 0.15, output: 0.15 },
    "ministral-3b-2512": { input: 0.1, output: 0.1 },
  },
};

const deepseek: PriceList = {
  as_of: "2026-12-06",
  source: "DeepSeek's Models & Pricing page (api-docs.deepseek.com/quick_start/pricing): the " +
    "standard (daytime) prices until 2025-09-05, the list of 2025-09-05, then the V3.2 cut of " +
    "2025-09-29 as that page lists it (via benchlm.ai, 2026); cache hits are `cached_input`. " +
    "The nighttime discount that ended on 2025-09-05 is not modelled",
  models: {
    "deepseek-chat": [
      { input: 0.27, cached_input: 0.07, output: 1.1 },
      // From 16:00 UTC that day; a row starts on a day, so the day's earlier requests get it too.
      { input: 0.56, cached_input: 0.07, output: 1.68, valid_from: "2025-09-05" },
      { input: 0.28, cached_input: 0.028, output: 0.42, valid_from: "2025-09-29" },
    ],
    "deepseek-reasoner": [
      { input: 0.55, cached_input: 0.14, output: 2.19 },
      { input: 0.56, cached_input: 0.07, output: 1.68, valid_from: "2025-09-05" },
      { input: 0.28, cached_input: 0.028, output: 0.42, valid_from: "2025-09-29" },
    ],
  },
};

const xai: PriceList = {
  as_of: "2026-12-06",
  source: "xAI pricing page (docs.x.ai/developers/pricing) for grok-4.3, grok-4.20 and " +
    "grok-4-1-fast; the archived models page of 2025-06-02 (archive.fo/dYUtw) for grok-3; " +
    "grok-4-0709 from docs.x.ai/docs/models/grok-4-0709 as quoted in WorkflowAI PR #682",
  models: {
    "grok-4.3": { input: 1.25, cached_input: 0.2, output: 2.5 },
    // The models page showed $2 / $6 for these while the pricing page shows $1.25 / $2.50; the
    // pricing page lists the newer grok-4.3 too, so it is taken as the current one.
    "grok-4.20-0309-reasoning": { input: 1.25, cached_input: 0.2, output: 2.5 },
    "grok-4.20-0309-non-reasoning": { input: 1.25, cached_input: 0.2, output: 2.5 },
    "grok-4.20-multi-agent-0309": { input: 1.25, cached_input: 0.2, output: 2.5 },
    "grok-4-1-fast-reasoning": { input: 0.2, cached_input: 0.05, output: 0.5 },
    "grok-4-1-fast-non-reasoning": { input: 0.2, cached_input: 0.05, output: 0.5 },
    "grok-4-0709": { input: 3, output: 15 },
    "grok-3": { input: 3, cached_input: 0.75, output: 15 },
    "grok-3-fast": { input: 5, cached_input: 1.25, output: 25 },
    "grok-3-mini": { input: 0.3, cached_input: 0.075, output: 0.5 },
    "grok-3-mini-fast": { input: 0.6, cached_input: 0.15, output: 4 },
  },
};

const groq: PriceList = {
  as_of: "2026-12-06",
  source: "Groq pricing page (groq.com/pricing) as quoted by tokenmix.ai on 2026-06-04",
  models: {
    "openai/gpt-oss-120b": { input: 0.15, cached_input: 0.075, output: 0.6 },
  },
};

const notBuiltIn = (why: string): PriceList => ({ as_of: null, source: why, models: {} });

export const presetPrices = {
  mistral,
  deepseek,
  xai,
  groq,
  together: notBuiltIn(
    "none built in: Together's catalogue changes weekly; LiteLLM's together_ai entries " +
      "(pricing.sources) or providers.together.prices price it",
  ),
  fireworks: notBuiltIn(
    "none built in: Fireworks' catalogue changes weekly; LiteLLM's fireworks_ai entries " +
      "(pricing.sources) or providers.fireworks.prices price it",
  ),
  openrouter: notBuiltIn(
    "none built in: OpenRouter passes on each upstream's price per route; LiteLLM's " +
      "openrouter entries (pricing.sources) or providers.openrouter.prices price it",
  ),
  ollama: notBuiltIn("self-hosted: no list price; set providers.ollama.prices to count a cost"),
  vllm: notBuiltIn("self-hosted: no list price; set providers.vllm.prices to count a cost"),
} as const satisfies Record<PresetId, PriceList>;

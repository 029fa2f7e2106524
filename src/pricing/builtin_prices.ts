/**
 * Built-in prices, USD per million tokens, standard (not batch, not priority) tier. Data only:
 * keys are model families or exact ids, matched as described in `resolve.ts`. A `null` price marks
 * a family we know but deliberately do not price (its bill depends on audio or prompt-length
 * tiers that a token count cannot express), so that a shorter family never prices it wrongly.
 *
 * `cached_input` is the prompt-cache read price, `cache_write` the (5-minute) cache write price;
 * both default to `input` when absent. Anthropic 1-hour cache writes (2x input) and long-context
 * surcharges are not modelled. Config `providers.<id>.prices` override and extend these.
 */
import type { ModelPrice } from "../config/mod.ts";
import type { ProviderKind } from "../providers/mod.ts";

export interface PriceList {
  /** The day the figures were last checked against the provider's price page. */
  as_of: string | null;
  source: string;
  models: Readonly<Record<string, ModelPrice | null>>;
}

const openai: PriceList = {
  as_of: "2026-11-22",
  source: "OpenAI API pricing page (developers.openai.com/api/docs/pricing), standard tier; " +
    "cross-checked with published price tables of November 2026",
  models: {
    "gpt-5.5": { input: 5, cached_input: 0.5, output: 30 },
    "gpt-5.5-pro": { input: 30, output: 180 },
    "gpt-5.4": { input: 2.5, cached_input: 0.25, output: 15 },
    "gpt-5.4-mini": { input: 0.75, cached_input: 0.075, output: 4.5 },
    "gpt-5.4-nano": { input: 0.2, cached_input: 0.02, output: 1.25 },
    "gpt-5.4-pro": { input: 30, output: 180 },
    "gpt-5.2": { input: 1.75, cached_input: 0.175, output: 14 },
    "gpt-5.2-pro": { input: 21, output: 168 },
    "gpt-5.1": { input: 1.25, cached_input: 0.125, output: 10 },
    "gpt-5.1-codex-mini": { input: 0.25, cached_input: 0.025, output: 2 },
    "gpt-5": { input: 1.25, cached_input: 0.125, output: 10 },
    "gpt-5-mini": { input: 0.25, cached_input: 0.025, output: 2 },
    "gpt-5-nano": { input: 0.05, cached_input: 0.005, output: 0.4 },
    "gpt-5-pro": { input: 15, output: 120 },
    "gpt-4.5-preview": { input: 75, cached_input: 37.5, output: 150 },
    "gpt-4.1": { input: 2, cached_input: 0.5, output: 8 },
    "gpt-4.1-mini": { input: 0.4, cached_input: 0.1, output: 1.6 },
    "gpt-4.1-nano": { input: 0.1, cached_input: 0.025, output: 0.4 },
    "gpt-4o": { input: 2.5, cached_input: 1.25, output: 10 },
    "gpt-4o-2024-05-13": { input: 5, output: 15 },
    "gpt-4o-mini": { input: 0.15, cached_input: 0.075, output: 0.6 },
    "gpt-4o-search-preview": { input: 2.5, output: 10 },
    "gpt-4o-mini-search-preview": { input: 0.15, output: 0.6 },
    "gpt-4o-audio-preview": null,
    "gpt-4o-mini-audio-preview": null,
    "gpt-4o-realtime-preview": null,
    "gpt-4o-mini-realtime-preview": null,
    "gpt-4o-transcribe": null,
    "gpt-4o-mini-transcribe": null,
    "gpt-4o-mini-tts": null,
    "chatgpt-4o-latest": { input: 5, output: 15 },
    "o1": { input: 15, cached_input: 7.5, output: 60 },
    "o1-mini": { input: 1.1, cached_input: 0.55, output: 4.4 },
    "o1-pro": { input: 150, output: 600 },
    "o3": { input: 2, cached_input: 0.5, output: 8 },
    "o3-mini": { input: 1.1, cached_input: 0.55, output: 4.4 },
    "o3-pro": { input: 20, output: 80 },
    "o3-deep-research": { input: 10, cached_input: 2.5, output: 40 },
    "o4-mini": { input: 1.1, cached_input: 0.275, output: 4.4 },
    "o4-mini-deep-research": { input: 2, cached_input: 0.5, output: 8 },
    "codex-mini-latest": { input: 1.5, cached_input: 0.375, output: 6 },
    "computer-use-preview": { input: 3, output: 12 },
    "gpt-4-turbo": { input: 10, output: 30 },
    "gpt-4-1106-preview": { input: 10, output: 30 },
    "gpt-4-0125-preview": { input: 10, output: 30 },
    "gpt-4-vision-preview": { input: 10, output: 30 },
    "gpt-4": { input: 30, output: 60 },
    "gpt-4-32k": { input: 60, output: 120 },
    "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
    "gpt-3.5-turbo-16k": { input: 3, output: 4 },
    "gpt-3.5-turbo-instruct": { input: 1.5, output: 2 },
    "davinci-002": { input: 2, output: 2 },
    "babbage-002": { input: 0.4, output: 0.4 },
    "text-embedding-3-small": { input: 0.02, output: 0 },
    "text-embedding-3-large": { input: 0.13, output: 0 },
    "text-embedding-ada-002": { input: 0.1, output: 0 },
  },
};

const anthropic: PriceList = {
  as_of: "2026-11-22",
  source: "Anthropic pricing page (platform.claude.com/docs/en/about-claude/pricing); cache " +
    "writes are the 5-minute rate (1.25x input), cache reads as listed per model",
  models: {
    "claude-fable-5-1": { input: 10, cached_input: 0.25, cache_write: 12.5, output: 50 },
    "claude-fable-5": { input: 10, cached_input: 1, cache_write: 12.5, output: 50 },
    "claude-mythos-5-1": { input: 10, cached_input: 0.25, cache_write: 12.5, output: 50 },
    "claude-mythos-5": { input: 10, cached_input: 1, cache_write: 12.5, output: 50 },
    "claude-opus-5-5": { input: 4, cached_input: 0.2, cache_write: 5, output: 20 },
    "claude-opus-5": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
    "claude-opus-4-8": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
    "claude-opus-4-7": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
    "claude-opus-4-6": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
    "claude-opus-4-5": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
    "claude-opus-4-1": { input: 15, cached_input: 1.5, cache_write: 18.75, output: 75 },
    "claude-opus-4": { input: 15, cached_input: 1.5, cache_write: 18.75, output: 75 },
    "claude-sonnet-5-5": { input: 2, cached_input: 0.1, cache_write: 2.5, output: 10 },
    "claude-sonnet-5": { input: 2, cached_input: 0.2, cache_write: 2.5, output: 10 },
    "claude-sonnet-4-6": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    "claude-sonnet-4-5": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    "claude-sonnet-4": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    // Priced in two bands by prompt length; one token price would be wrong for one of them.
    "claude-haiku-5-5": null,
    "claude-haiku-4-5": { input: 1, cached_input: 0.1, cache_write: 1.25, output: 5 },
    "claude-3-7-sonnet": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    "claude-3-5-sonnet": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    "claude-3-5-haiku": { input: 0.8, cached_input: 0.08, cache_write: 1, output: 4 },
    "claude-3-opus": { input: 15, cached_input: 1.5, cache_write: 18.75, output: 75 },
    "claude-3-sonnet": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    "claude-3-haiku": { input: 0.25, cached_input: 0.03, cache_write: 0.3, output: 1.25 },
  },
};

export const builtInPrices = {
  openai,
  anthropic,
  "openai-compatible": {
    as_of: null,
    source: "none built in: every vendor prices differently; set providers.<id>.prices",
    models: {},
  },
} as const satisfies Record<ProviderKind, PriceList>;

/**
 * Built-in prices, USD per million tokens, standard (not batch, not priority) tier, prompts up to
 * the long-context threshold. Data only: keys are model families or exact ids, matched as
 * described in `resolve.ts`. A `null` price marks a family we know but deliberately do not price
 * (its bill depends on audio or prompt-length tiers that a token count cannot express), so that a
 * shorter family never prices it wrongly.
 *
 * `cached_input` is the prompt-cache read price, `cache_write` the cache write price (Anthropic:
 * 5-minute; OpenAI gpt-5.6 and later: 30-minute, 1.25x input); both default to `input` when
 * absent (older OpenAI models write to the cache for free). What the providers bill beyond
 * tokens (Anthropic 1-hour writes, batch, flex and priority tiers, tools per use, the US-only
 * uplift) is added to each list by their published rules (`builtin_billing.ts`). A row may carry prompt-size `tiers` (above a threshold the
 * whole request moves to the tier) and `scope_multipliers` (by the endpoint scope a request
 * used); the cloud kinds' lists (`builtin_cloud_prices.ts`) use both.
 *
 * A price change is a list of rows, oldest first, each later one with its `valid_from` (UTC day):
 * a request is priced by the row valid when it started, so the past keeps its price. Retired
 * models stay for the traces they left. `pricing.sources` files and config
 * `providers.<id>.prices` override and extend these (docs/pricing.md).
 */
import type { ModelPrice } from "../config/mod.ts";
import type { ProviderKind } from "../providers/mod.ts";
import { withAnthropicBilling, withOpenAiBilling } from "./builtin_billing.ts";
import {
  azureOpenAiPrices,
  bedrockPrices,
  geminiPrices,
  vertexPrices,
} from "./builtin_cloud_prices.ts";

/** One row, the rows of a price change (oldest first), or `null`: unpriced on purpose. */
export type BuiltInEntry = ModelPrice | readonly ModelPrice[] | null;

export interface PriceList {
  /** The day the figures were last checked against the provider's price page. */
  as_of: string | null;
  source: string;
  models: Readonly<Record<string, BuiltInEntry>>;
}

const openai: PriceList = {
  as_of: "2026-12-06",
  source: "OpenAI API pricing page and model pages (developers.openai.com/api/docs/pricing, " +
    ".../docs/models/<id>), standard tier; cross-checked with published price tables",
  models: withOpenAiBilling({
    // developers.openai.com/api/docs/models/gpt-6.2-sol (checked 2026-12-06): 2 / 0.10 / 2.50 / 10.
    // Codex's default model.
    "gpt-6.2-sol": { input: 2, cached_input: 0.1, cache_write: 2.5, output: 10 },
    // $8 / $40 from OpenAI's launch (2026-11-17; BerriAI/litellm discussion #52347). NOT
    // confirmed on OpenAI's model page: cached input is derived from "60% cheaper" than
    // gpt-6-astra's $1, the cache write from the 1.25x rule of gpt-5.6 and later.
    "gpt-6.2-astra": { input: 8, cached_input: 0.4, cache_write: 10, output: 40 },
    // developers.openai.com/api/docs/models/gpt-6.1-sol (via Codex-Manager 0.4.7).
    "gpt-6.1-sol": { input: 2, cached_input: 0.1, cache_write: 2.5, output: 10 },
    // docs.litellm.ai/blog/gpt-6-1-terra (2026-10-26); 30-minute cache write.
    "gpt-6.1-terra": { input: 1, cached_input: 0.05, cache_write: 1.25, output: 5 },
    // Effective 2026-09-03 (LiteLLM discussion #39633).
    "gpt-6-astra": { input: 10, cached_input: 1, cache_write: 12.5, output: 50 },
    // Effective 2026-09-22 (codexometer v0.18.4, from OpenAI's pricing page).
    "gpt-6-sol": { input: 2, cached_input: 0.2, cache_write: 2.5, output: 10 },
    "gpt-6-luna": { input: 0.1, cached_input: 0.01, cache_write: 0.125, output: 0.5 },
    // Launch prices (2026-06-26, OpenAI help center via laxima.tech); no later change found.
    "gpt-5.6-sol": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 30 },
    // Terra and Luna were cut on 2026-07-30 (PromptFuel v1.0.19). Their launch cache prices were
    // not published: 0.1x (read) and 1.25x (write) input, the family's stated rules.
    "gpt-5.6-terra": [
      { input: 2.5, cached_input: 0.25, cache_write: 3.125, output: 15 },
      { input: 2, cached_input: 0.2, cache_write: 2.5, output: 12, valid_from: "2026-07-30" },
    ],
    "gpt-5.6-luna": [
      { input: 1, cached_input: 0.1, cache_write: 1.25, output: 6 },
      { input: 0.2, cached_input: 0.02, cache_write: 0.25, output: 1.2, valid_from: "2026-07-30" },
    ],
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
  }),
};

const anthropic: PriceList = {
  as_of: "2026-12-06",
  source: "Anthropic pricing page (platform.claude.com/docs/en/about-claude/pricing) and Claude " +
    "Code 2.1.332's price catalog; cache writes are the 5-minute rate (1.25x input), cache " +
    "reads as listed per model",
  models: withAnthropicBilling({
    "claude-fable-5-2": { input: 8, cached_input: 0.2, cache_write: 10, output: 40 },
    "claude-mythos-5-2": { input: 8, cached_input: 0.2, cache_write: 10, output: 40 },
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
    // Retired 2026-11-30 (replacement claude-sonnet-5-5); kept for the traces it left.
    "claude-sonnet-4-5": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    "claude-sonnet-4": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    // Priced in two bands by prompt length (0.10 / 0.01 / 0.125 / 0.50 up to 100,000 prompt
    // tokens, 5x above); one token price would be wrong for one of them.
    "claude-haiku-5-5": null,
    "claude-haiku-4-5": { input: 1, cached_input: 0.1, cache_write: 1.25, output: 5 },
    "claude-3-7-sonnet": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    "claude-3-5-sonnet": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    "claude-3-5-haiku": { input: 0.8, cached_input: 0.08, cache_write: 1, output: 4 },
    "claude-3-opus": { input: 15, cached_input: 1.5, cache_write: 18.75, output: 75 },
    "claude-3-sonnet": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    "claude-3-haiku": { input: 0.25, cached_input: 0.03, cache_write: 0.3, output: 1.25 },
  }),
};

/**
 * Every kind's list. Declared apart from its type check so that lists of kinds the provider
 * contract does not have yet (or no longer has) are no compile error; `builtInPrices` must still
 * cover every `ProviderKind`.
 */
const lists = {
  openai,
  anthropic,
  "openai-compatible": {
    as_of: null,
    source: "none built in: every vendor prices differently; set providers.<id>.prices",
    models: {},
  },
  gemini: geminiPrices,
  vertex: vertexPrices,
  bedrock: bedrockPrices,
  "azure-openai": azureOpenAiPrices(openai),
} as const;

export const builtInPrices: typeof lists & Readonly<Record<ProviderKind, PriceList>> = lists;

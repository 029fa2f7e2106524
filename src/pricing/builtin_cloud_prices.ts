/**
 * Built-in prices of the cloud kinds (Gemini API, Vertex AI, Amazon Bedrock, Azure OpenAI), in
 * the format of `builtin_prices.ts`: USD per million tokens, standard (on-demand) tier. Model ids
 * are the price-table keys that `model_key.ts` (or the adapter's `priceKeyOf`) reduces the
 * providers' ids to: `us.anthropic.claude-sonnet-4-5-20250929-v1:0` is `claude-sonnet-4-5`.
 *
 * Two kinds of data beyond a flat price:
 * - `tiers`: above a prompt size the WHOLE request is priced at the tier (Google's pricing page
 *   labels the rows "prompts <= 200k tokens" and "prompts > 200k tokens", output included).
 * - `scope_multipliers`: Claude from Sonnet 4.5 on costs 10% more on regional endpoints than on
 *   global ones, on Bedrock and on Vertex ("Regional endpoints include a 10% pricing premium over
 *   global endpoints. This applies to Claude Sonnet 4.5 and future models only. Older models
 *   (Claude Sonnet 4, Opus 4, and earlier) maintain their existing pricing structures.":
 *   platform.claude.com/docs/en/api/claude-on-amazon-bedrock and .../claude-on-vertex-ai, section
 *   "Global vs regional endpoints"; AWS: "Global cross-Region inference for Anthropic's Claude
 *   Sonnet 4.5 offers approximately 10% savings on both input and output token pricing compared
 *   to geographic cross-Region inference", docs.aws.amazon.com/bedrock/latest/userguide/
 *   global-cross-region-inference.html).
 *
 * Left out on purpose (docs/pricing.md, "not priced: set it in config"): Claude models before
 * Sonnet 4.5 on Bedrock and Vertex ("existing pricing structures", which differ from Anthropic's
 * list: Bedrock bills Claude 3.5 Sonnet's extended access at $6 / $30), Bedrock's other families
 * (Nova, Llama, Mistral, ...: prices vary by region), Gemini 3.1 Flash-Lite and the embedding
 * model (third-party figures only), Vertex's regional uplift for Gemini and Azure's Data Zone
 * and Regional uplifts (no primary source read). A model left out stays `unpriced`, never 0.
 */
import type { ModelPrice } from "../config/mod.ts";
import { forAzure, withClaudeHourWrites } from "./builtin_billing.ts";
import type { BuiltInEntry, PriceList } from "./builtin_prices.ts";

/**
 * Gemini API list prices. Sources: ai.google.dev/gemini-api/docs/pricing as quoted by
 * morphllm.com/gemini-api-pricing and deploybase.ai/articles/gemini-api-pricing-2026 ("Data
 * from Google's official pricing page"), gemini-cost 0.1.0 (docs.rs, two-tier table), and the
 * issue 20 plan section 7.1. Output prices include thinking tokens ("Output price (including
 * thinking tokens)"), which the trace counts as output. Text (and image/video) input prices:
 * audio input is dearer on the Flash models and is priced here as text (docs/pricing.md).
 */
const geminiModels: Readonly<Record<string, BuiltInEntry>> = {
  // ai.google.dev/gemini-api/docs/pricing: 1.25 / 10 for prompts <= 200k tokens, 2.50 / 15
  // above (the whole request, per request: discuss.ai.google.dev/t/92919); context cache reads
  // 0.125 / 0.25 (quoted from the page in discuss.ai.google.dev/t/107349; LiteLLM's
  // `*_above_200k_tokens` fields agree: 2.5e-6 / 1.5e-5). The page listed 0.31 / 0.625 for
  // cache reads before (discuss.ai.google.dev/t/92919); the day of the cut was not found, so
  // earlier cache reads are priced at today's figure.
  "gemini-2.5-pro": {
    input: 1.25,
    cached_input: 0.125,
    output: 10,
    tiers: [{ above_input_tokens: 200_000, input: 2.5, cached_input: 0.25, output: 15 }],
  },
  // Same page: 0.30 text/image/video input (audio 1.00), 2.50 output, cache reads 0.03 (0.075
  // before a cut whose day was not found); flat. The GA prices (2025-06-17); the previews were
  // billed otherwise (0.15 input, 0.60 output, 3.50 thinking output: aiwiki.ai "Gemini 2.5
  // Flash", "At GA, Google unified output pricing at $2.50 ... input pricing rising to $0.30"),
  // so their ids are unpriced rather than priced by this family.
  "gemini-2.5-flash": { input: 0.3, cached_input: 0.03, output: 2.5 },
  "gemini-2.5-flash-preview-04-17": null,
  "gemini-2.5-flash-preview-05-20": null,
  // Same page: 0.10 / 0.40, cache reads 0.01; flat.
  "gemini-2.5-flash-lite": { input: 0.1, cached_input: 0.01, output: 0.4 },
  // aifreeapi.com "Gemini 3 API pricing" (2026-02-04, from AI Studio) and morphllm.com: 2 / 12
  // up to 200k prompt tokens, 4 / 18 above; cache reads 0.20. The long-prompt cache read (0.40)
  // is derived from the family's rule (cache reads at 10% of input), not read on a price page.
  "gemini-3-pro-preview": {
    input: 2,
    cached_input: 0.2,
    output: 12,
    tiers: [{ above_input_tokens: 200_000, input: 4, cached_input: 0.4, output: 18 }],
  },
  // morphllm.com (from Google's page) and three price tables (plan 7.1): as gemini-3-pro-preview.
  "gemini-3.1-pro-preview": {
    input: 2,
    cached_input: 0.2,
    output: 12,
    tiers: [{ above_input_tokens: 200_000, input: 4, cached_input: 0.4, output: 18 }],
  },
  // factquire.com's quote of ai.google.dev/gemini-api/docs/pricing (accessed 2026-07-04): 0.50
  // text input (audio 1.00), 3.00 output, cache reads 0.05; flat.
  "gemini-3-flash-preview": { input: 0.5, cached_input: 0.05, output: 3 },
  // Sources conflict (1.50 / 9.00 against 0.75 / 3.75): unpriced until Google's page is read.
  "gemini-3.5-flash": null,
  "gemini-3.6-flash": null,
  "gemini-3.7-flash": null,
  "gemini-3.8-flash": null,
  // Image output, speech output and Live audio are billed per modality, not by these rows; the
  // entries keep the shorter family (`gemini-2.5-flash`) from pricing them.
  "gemini-2.5-flash-image": null,
  "gemini-2.5-flash-preview-tts": null,
  "gemini-2.5-pro-preview-tts": null,
  "gemini-2.5-flash-native-audio": null,
  "gemini-2.5-flash-live": null,
  "gemini-2.5-flash-preview-native-audio-dialog": null,
};

/**
 * Claude from Sonnet 4.5 on, at Anthropic's list prices on global endpoints
 * (platform.claude.com/docs/en/about-claude/pricing; "Global endpoints: ... No pricing premium",
 * the pages cited above). `claude-haiku-5-5` is priced in two bands by prompt length and stays
 * unpriced here as in the `anthropic` table.
 */
const claudeGlobal: Readonly<Record<string, ModelPrice | null>> = {
  "claude-opus-5-5": { input: 4, cached_input: 0.2, cache_write: 5, output: 20 },
  "claude-sonnet-5-5": { input: 2, cached_input: 0.1, cache_write: 2.5, output: 10 },
  "claude-haiku-5-5": null,
  "claude-opus-5": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
  "claude-sonnet-5": { input: 2, cached_input: 0.2, cache_write: 2.5, output: 10 },
  "claude-opus-4-8": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
  "claude-opus-4-7": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
  "claude-opus-4-6": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
  "claude-sonnet-4-6": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
  "claude-opus-4-5": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
  "claude-haiku-4-5": { input: 1, cached_input: 0.1, cache_write: 1.25, output: 5 },
  "claude-sonnet-4-5": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
};

/** The Claude rows with a cloud's regional premium as scope multipliers. */
function claudeOn(
  premium: NonNullable<ModelPrice["scope_multipliers"]>,
): Record<string, BuiltInEntry> {
  return withClaudeHourWrites(Object.fromEntries(
    Object.entries(claudeGlobal).map((
      [id, row],
    ) => [id, row === null ? null : { ...row, scope_multipliers: premium }]),
  ));
}

export const geminiPrices: PriceList = {
  as_of: "2026-12-06",
  source: "Gemini API pricing (ai.google.dev/gemini-api/docs/pricing) as quoted by published " +
    "price tables, standard tier; above 200,000 prompt tokens the whole request is priced at the " +
    "long-prompt tier; thinking tokens are output",
  models: geminiModels,
};

export const vertexPrices: PriceList = {
  as_of: "2026-12-06",
  source: "Gemini: the Gemini API list prices (Vertex AI bills the same ids alike; its regional " +
    "uplift not modelled); Claude from Sonnet 4.5 on: Anthropic's list prices on the global " +
    "endpoint, +10% on regional and multi-region endpoints (platform.claude.com/docs/en/api/" +
    "claude-on-vertex-ai); older Claude models not priced",
  // Vertex's Anthropic endpoint and its multi-region ones (`us`, `eu`) are `regional` scope.
  models: { ...geminiModels, ...claudeOn({ regional: 1.1 }) },
};

export const bedrockPrices: PriceList = {
  as_of: "2026-12-06",
  source: "Claude from Sonnet 4.5 on: Anthropic's list prices on global cross-Region profiles " +
    "(`global.`), +10% on geographic profiles (`us.`, `eu.`, ...) and in-Region ids " +
    "(platform.claude.com/docs/en/api/claude-on-amazon-bedrock, docs.aws.amazon.com/bedrock/" +
    "latest/userguide/global-cross-region-inference.html); other models and families not priced",
  models: claudeOn({ geo: 1.1, in_region: 1.1 }),
};

/**
 * Azure OpenAI: the OpenAI list (Global Standard deployments bill OpenAI's list prices); Data
 * Zone and Regional deployment uplifts are not data here (no primary source read): set
 * `scope_multipliers` in config for them.
 */
export function azureOpenAiPrices(openai: PriceList): PriceList {
  return {
    as_of: openai.as_of,
    source: "the OpenAI list (Azure OpenAI Global Standard deployments), standard and batch " +
      "tiers; Data Zone and Regional deployment uplifts not built in",
    models: forAzure(openai.models),
  };
}

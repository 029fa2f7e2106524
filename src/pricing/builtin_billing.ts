/**
 * What the built-in rows bill beyond tokens, added by the providers' published rules rather than
 * typed into every row: the 1-hour cache write, the batch and flex tiers, the tools billed per
 * use, the US-only uplift. Each rule cites its page; a rule applies to every row of a list, so a
 * model added to a list gets it without another line.
 */
import type { ModelPrice } from "../config/mod.ts";
import type { BuiltInEntry } from "./builtin_prices.ts";

type Rows = Readonly<Record<string, BuiltInEntry>>;

/** Every row of every entry through `add` (a price change's rows each; unpriced stays unpriced). */
function mapRows(models: Rows, add: (id: string, row: ModelPrice) => ModelPrice): Rows {
  return Object.fromEntries(
    Object.entries(models).map(([id, entry]) => {
      if (entry === null) return [id, null];
      if (Array.isArray(entry)) return [id, entry.map((row: ModelPrice) => add(id, row))];
      return [id, add(id, entry as ModelPrice)];
    }),
  );
}

/**
 * Long-context prices: above the threshold the WHOLE request is billed at 2x input (cache reads
 * and writes too) and 1.5x output. Anthropic: Sonnet 4.5 and 4 above 200K input tokens, cache
 * included (Claude 4.6 and later bill the full context at the standard price); OpenAI: GPT-5.4,
 * 5.5 and 5.6 above 272K (research/issue24_research.md 2.4 and 4.2; LiteLLM's `_above_200k` and
 * `_above_272k` keys agree).
 */
const longContext: Readonly<Record<string, number>> = {
  "claude-sonnet-4-5": 200_000,
  "claude-sonnet-4": 200_000,
  "gpt-5.4": 272_000,
  "gpt-5.5": 272_000,
  "gpt-5.6-sol": 272_000,
};

function withLongContext(id: string, row: ModelPrice): ModelPrice {
  const above = longContext[id];
  if (above === undefined || row.tiers !== undefined) return row;
  const twice = (v: number | undefined) => (v === undefined ? undefined : v * 2);
  const tier: NonNullable<ModelPrice["tiers"]>[number] = {
    above_input_tokens: above,
    input: row.input * 2,
    output: row.output * 1.5,
  };
  for (const f of ["cached_input", "cache_write", "cache_write_1h"] as const) {
    const v = twice(row[f]);
    if (v !== undefined) tier[f] = v;
  }
  return { ...row, tiers: [tier] };
}

/** Half of every rate: both providers' Batch API ("50% off input and output"). */
const half = (row: ModelPrice) => ({ input: row.input / 2, output: row.output / 2 });

/**
 * Claude models billed 1.1x for US-only inference (`inference_geo: "us"`): "Claude 4.6 and later
 * models" (platform.claude.com/docs/en/about-claude/pricing, data residency). Earlier models
 * refuse the parameter, so they never report it.
 */
const usUplift = /^claude-(opus-4-[6-9]|sonnet-4-[6-9]|(opus|sonnet|haiku|fable|mythos)-[5-9])/;

/**
 * Anthropic (platform.claude.com/docs/en/about-claude/pricing): a 1-hour cache write costs 2x
 * base input; web search $10 per 1,000 searches, web fetch no charge beyond tokens; the Batch
 * API half price (its cache rates scale with it: the multipliers stack); US-only inference 1.1x
 * on Claude 4.6 and later. Code execution is billed by container hours after free hours, which
 * no answer reports per request: left unpriced, so a trace that used it says so.
 */
export function withAnthropicBilling(models: Rows): Rows {
  return mapRows(models, (id, row) => ({
    ...withLongContext(id, { ...row, cache_write_1h: row.cache_write_1h ?? row.input * 2 }),
    per_use: { web_search: 0.01, web_fetch: 0, ...row.per_use },
    service_tiers: { batch: half(row), ...row.service_tiers },
    ...(usUplift.test(id) ? { inference_geo_multipliers: { us: 1.1 } } : {}),
  }));
}

/**
 * The 1-hour cache write and the long-context prices (Claude on Bedrock and Vertex: the same
 * rules; AWS lists Sonnet 4.5 and 4 "Long Context" at 2x input as Anthropic does).
 */
export function withClaudeHourWrites(models: Rows): Rows {
  return mapRows(
    models,
    (id, row) =>
      withLongContext(id, { ...row, cache_write_1h: row.cache_write_1h ?? row.input * 2 }),
  );
}

/**
 * OpenAI priority processing, per model (openai.com/api-priority-processing, "excludes long
 * context"; GPT-4o from LiteLLM's `_priority` keys). Models not listed answer `priority`
 * unpriced rather than at a guessed multiple (it varies from 1.7x to 2.5x).
 */
const openAiPriority: Readonly<Record<string, ModelPrice["service_tiers"]>> = {
  "gpt-5.5": { priority: { input: 12.5, cached_input: 1.25, output: 75 } },
  "gpt-5.4": { priority: { input: 5, cached_input: 0.5, output: 30 } },
  "gpt-5.2": { priority: { input: 3.5, cached_input: 0.35, output: 28 } },
  "gpt-5.1": { priority: { input: 2.5, cached_input: 0.25, output: 20 } },
  "gpt-5": { priority: { input: 2.5, cached_input: 0.25, output: 20 } },
  "gpt-5-mini": { priority: { input: 0.45, cached_input: 0.045, output: 3.6 } },
  "gpt-4.1": { priority: { input: 3.5, cached_input: 0.875, output: 14 } },
  "gpt-4o": { priority: { input: 4.25, cached_input: 2.125, output: 17 } },
};

/**
 * OpenAI (developers.openai.com/api/docs/pricing): Batch API half price; Flex "priced at Batch
 * API rates"; web search $10 per 1,000 calls and file search $2.50 per 1,000 calls (search
 * content tokens billed as input, as the usage reports them).
 */
export function withOpenAiBilling(models: Rows): Rows {
  return mapRows(models, (id, row) => ({
    ...withLongContext(id, row),
    per_use: { web_search: 0.01, file_search: 0.0025, ...row.per_use },
    service_tiers: {
      batch: half(row),
      flex: half(row),
      ...openAiPriority[id],
      ...row.service_tiers,
    },
  }));
}

/**
 * The OpenAI rows as Azure OpenAI bills them: the Global Batch tier at half price as OpenAI's,
 * but no flex or priority rates nor tool prices, which Azure publishes apart and we have not
 * checked: an answer that reports them is unpriced or partial, never priced at OpenAI's rates.
 */
export function forAzure(models: Rows): Rows {
  return mapRows(models, (_id, row) => {
    const { per_use: _tools, service_tiers, ...rest } = row;
    return service_tiers?.batch === undefined
      ? rest
      : { ...rest, service_tiers: { batch: service_tiers.batch } };
  });
}

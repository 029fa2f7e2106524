/**
 * Prices in the config: one model's price rows (`providers.<id>.prices`), and the `pricing`
 * section (extra price files in LiteLLM's format). The pricing module reads both; the schema only
 * checks their shape, so `check` and `serve` agree on what is valid.
 */
import { z } from "zod";

/**
 * Highest price taken, in USD per million tokens, from the config or a price file. The dearest
 * models priced by token are near 600 (o1-pro output; most are under 100), so 10,000 leaves more
 * than ten times that room for future models while refusing what can only be a slip of unit or a
 * broken or hostile price file, whose values would make every cost absurd or, past about 1e302 USD
 * per token, infinite (a trace the store then refuses).
 */
export const maxUsdPerMillion = 10_000;

/** USD per one million tokens. */
const usdPerMillion = z.number().nonnegative().finite().max(maxUsdPerMillion, {
  error: (issue) =>
    `must be at most ${maxUsdPerMillion} (got ${String(issue.input)}): prices are USD per ` +
    "million tokens, and none is that high; check the unit",
});

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTime =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Milliseconds since the epoch of a `valid_from` value; NaN when it is not a real date. Each field
 * is checked against its range first, since Date.parse rolls 2026-02-30 over to March 2 and reads
 * hour 24 as the next day: a price must not start on a day or at an hour that does not exist.
 */
export function validFromMs(value: string): number {
  const m = dateOnly.exec(value) ?? dateTime.exec(value);
  if (m === null) return NaN;
  const [
    year = 0,
    month = 0,
    day = 0,
    hour = 0,
    minute = 0,
    second = 0,
    offHour = 0,
    offMinute = 0,
  ] = m.slice(1).map((f) => (f === undefined ? 0 : Number(f)));
  // Day 0 of the next month is the last day of this one (setUTCFullYear: Date.UTC would read
  // years 0 to 99 as 1900 to 1999).
  const daysInMonth = new Date(new Date(0).setUTCFullYear(year, month, 0)).getUTCDate();
  const inRange = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 &&
    minute <= 59 && second <= 59 && offHour <= 23 && offMinute <= 59;
  if (!inRange) return NaN;
  return Date.parse(m.length === 4 ? `${value}T00:00:00Z` : value);
}

const validFrom = z.string().check((ctx) => {
  if (Number.isNaN(validFromMs(ctx.value))) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: `must be a date such as 2026-12-01 (00:00 UTC) or a time with its offset such as ` +
        `2026-12-01T08:00:00Z (got "${ctx.value}")`,
    });
  }
});

/**
 * Largest prompt-size threshold a tier may name: the longest context windows are near 10 million
 * tokens, so a threshold past 100 million can never be crossed and is a slip of unit.
 */
export const maxTierThreshold = 100_000_000;

/** Endpoint scopes a price may depend on (Bedrock profiles, Vertex and Azure endpoint types). */
export const priceScopes = ["global", "geo", "in_region", "data_zone", "regional"] as const;
export type PriceScope = (typeof priceScopes)[number];

/** Most tiers one row may have; real price pages have one or two. */
export const maxTiers = 8;

/** Largest scope multiplier: real uplifts are about 1.1; 10 refuses a slip (110 for 10%). */
export const maxScopeMultiplier = 10;

const tierSchema = z.strictObject({
  above_input_tokens: z.number().int().positive().max(maxTierThreshold, {
    error: (issue) =>
      `must be at most ${maxTierThreshold} (got ${String(issue.input)}): it counts prompt ` +
      "tokens (200000 for Gemini 2.5 Pro's long-prompt price), not thousands or dollars",
  }).describe(
    "The tier applies when a request's input tokens (cached and cache-written included) are " +
      "above this number: then the WHOLE request is priced at the tier's prices.",
  ),
  input: usdPerMillion.describe("USD per million uncached input tokens in this tier."),
  output: usdPerMillion.describe("USD per million output tokens in this tier."),
  cached_input: usdPerMillion.optional().describe(
    "USD per million cache-read tokens in this tier. Default: the tier's `input`.",
  ),
  cache_write: usdPerMillion.optional().describe(
    "USD per million cache-write tokens in this tier. Default: the tier's `input`.",
  ),
  reasoning: usdPerMillion.optional().describe(
    "USD per million reasoning tokens in this tier. Default: the tier's `output`.",
  ),
  cache_write_1h: usdPerMillion.optional().describe(
    "USD per million 1-hour cache-write tokens in this tier. Default: the row's `cache_write_1h` " +
      "scaled as the tier's `input` is to the row's.",
  ),
});

const priceTiers = z.array(tierSchema).min(1).max(maxTiers).check((ctx) => {
  const at = ctx.value.map((t) => t.above_input_tokens);
  const bad = at.findIndex((n, i) => i > 0 && n <= at[i - 1]!);
  if (bad === -1) return;
  ctx.issues.push({
    code: "custom",
    input: ctx.value,
    message: `must be in ascending order of above_input_tokens, each threshold once (tier ${
      bad + 1
    } has ${at[bad]} after ${at[bad - 1]})`,
  });
}).describe(
  "Prompt-size tiers, ascending: a request whose input tokens are above a tier's " +
    "`above_input_tokens` is priced entirely at the highest such tier (Gemini 2.5 Pro above " +
    "200,000 prompt tokens, for example). Below the first threshold the row's own prices apply.",
);

const scopeMultiplier = z.number().positive().finite().max(maxScopeMultiplier, {
  error: (issue) =>
    `must be at most ${maxScopeMultiplier} (got ${String(issue.input)}): it multiplies every ` +
    "price of the row (1.1 for a 10% uplift, not 10 or 110)",
});

const scopeWords: Record<PriceScope, string> = {
  global: "global endpoints (Bedrock `global.` profiles, Vertex `global`, Azure Global)",
  geo: "Bedrock geographic cross-Region profiles (`us.`, `eu.`, `apac.`, ...)",
  in_region: "Bedrock in-Region model ids (no profile prefix)",
  data_zone: "Azure Data Zone deployments",
  regional: "Vertex regional and multi-region endpoints, Azure Regional deployments",
};

const scopeMultipliers = z.strictObject(
  Object.fromEntries(
    priceScopes.map((s) => [
      s,
      scopeMultiplier.optional().describe(`Multiplier for requests to ${scopeWords[s]}.`),
    ]),
  ) as Record<PriceScope, z.ZodOptional<typeof scopeMultiplier>>,
).describe(
  "Multiplier on every price of the row (tiers included) by the endpoint scope the request " +
    "used: `global`, `geo` (Bedrock geographic profiles such as `us.`), `in_region`, " +
    "`data_zone` (Azure), `regional` (Vertex regional and multi-region endpoints). A scope not " +
    "listed, or a request without one, is priced at 1x.",
);

/** Highest price of one use of a tool (USD): real ones are about 0.01 (a web search). */
export const maxUsdPerUse = 100;

const usdPerUse = z.number().nonnegative().finite().max(maxUsdPerUse, {
  error: (issue) =>
    `must be at most ${maxUsdPerUse} (got ${String(issue.input)}): per-use prices are USD for ` +
    "one use (0.01 for a $10 per 1,000 web search), not per thousand",
});

/** Tools billed per use, by the name a cost line gives them (pricing/billing_dimensions.ts). */
export const perUseTools = [
  "web_search",
  "web_fetch",
  "file_search",
  "code_execution",
  "code_interpreter",
] as const;
export type PerUseTool = (typeof perUseTools)[number];

const perUseWords: Record<PerUseTool, string> = {
  web_search: "one web search (Anthropic `web_search_requests`, OpenAI `web_search_call` " +
    "items, Gemini grounding: per query or per grounded prompt, see `web_search_unit`)",
  web_fetch: "one web fetch (Anthropic `web_fetch_requests`; free at Anthropic today: 0)",
  file_search: "one file search call (OpenAI `file_search_call` items)",
  code_execution: "one code execution request (Anthropic `code_execution_requests`; Anthropic " +
    "bills container hours, so leave it unset unless you have a per-request figure)",
  code_interpreter: "one code interpreter call (OpenAI `code_interpreter_call` items)",
};

const perUse = z.strictObject(
  Object.fromEntries(
    perUseTools.map((t) => [t, usdPerUse.optional().describe(`USD for ${perUseWords[t]}.`)]),
  ) as Record<PerUseTool, z.ZodOptional<typeof usdPerUse>>,
).describe(
  "USD per use of a tool the provider bills per use. A use the answer reports and the row has " +
    "no price for is never priced as zero: the trace's cost is `partial`, the tool named.",
);

/** Service tiers a row may price apart from the standard one. */
export const serviceTierNames = ["priority", "flex", "batch", "scale"] as const;
export type ServiceTierName = (typeof serviceTierNames)[number];

const serviceTierRates = z.strictObject({
  input: usdPerMillion.describe("USD per million uncached input tokens in this service tier."),
  output: usdPerMillion.describe("USD per million output tokens in this service tier."),
  cached_input: usdPerMillion.optional().describe(
    "Cache reads in this tier. Default: the row's `cached_input` scaled as `input` is.",
  ),
  cache_write: usdPerMillion.optional().describe(
    "Cache writes in this tier. Default: the row's `cache_write` scaled as `input` is.",
  ),
  cache_write_1h: usdPerMillion.optional().describe(
    "1-hour cache writes in this tier. Default: the row's `cache_write_1h` scaled as `input` is.",
  ),
  reasoning: usdPerMillion.optional().describe(
    "Reasoning tokens in this tier. Default: the row's `reasoning` scaled as `output` is.",
  ),
  tiers: priceTiers.optional(),
});

const serviceTiers = z.strictObject(
  Object.fromEntries(serviceTierNames.map((t) => [t, serviceTierRates.optional()])) as Record<
    ServiceTierName,
    z.ZodOptional<typeof serviceTierRates>
  >,
).describe(
  "Rates of the service tiers the answer says served the request (`service_tier`: OpenAI " +
    "`flex`, `priority` (also `fast`), `scale`; Anthropic `priority`, `batch`): each needs its " +
    "`input` and `output`; its other rates default to the row's, scaled by the same ratio. A " +
    "request served by a tier the row does not list is unpriced (never priced at standard).",
);

const geoName = /^[a-z0-9_-]{1,40}$/;

const inferenceGeoMultipliers = z.record(
  z.string().regex(geoName, { error: "must be a region name such as `us` (lower case)" }),
  scopeMultiplier.describe("Multiplier on every token rate for inference in this region."),
).check((ctx) => {
  if (Object.keys(ctx.value).length > 16) {
    ctx.issues.push({ code: "custom", input: ctx.value, message: "has more than 16 regions" });
  }
}).describe(
  "Multiplier on every rate by where the provider says it ran the inference (Anthropic " +
    "`usage.inference_geo`: `{ us: 1.1 }` on Claude 4.6 and later). `global` and " +
    "`not_available` are 1x; another region the row does not list makes the cost `partial`.",
);

export const modelPriceSchema = z.strictObject({
  input: usdPerMillion.describe("USD per million input tokens (uncached)."),
  output: usdPerMillion.describe("USD per million output tokens, reasoning tokens included."),
  cached_input: usdPerMillion.optional().describe(
    "USD per million input tokens read from the prompt cache. Default: `input`.",
  ),
  cache_write: usdPerMillion.optional().describe(
    "USD per million input tokens written to the prompt cache. Default: `input`.",
  ),
  reasoning: usdPerMillion.optional().describe(
    "USD per million reasoning tokens, for the few models that bill them apart. Default: `output`.",
  ),
  cache_write_1h: usdPerMillion.optional().describe(
    "USD per million input tokens written to the prompt cache for one hour (Anthropic " +
      "`cache_creation.ephemeral_1h_input_tokens`; 2x input). No default: without it 1-hour " +
      "writes are unpriced and the cost `partial`, never priced at the 5-minute rate.",
  ),
  audio_input: usdPerMillion.optional().describe(
    "USD per million audio input tokens (part of the input count). No default: audio tokens " +
      "without it leave the cost `partial`.",
  ),
  audio_output: usdPerMillion.optional().describe(
    "USD per million audio output tokens (part of the output count). No default, as " +
      "`audio_input`.",
  ),
  image_input: usdPerMillion.optional().describe(
    "USD per million image input tokens. Default: `input` (images are billed as text tokens " +
      "unless the provider prices them apart).",
  ),
  image_output: usdPerMillion.optional().describe(
    "USD per million image output tokens. Default: `output`.",
  ),
  video_input: usdPerMillion.optional().describe(
    "USD per million video input tokens. Default: `input`.",
  ),
  per_use: perUse.optional(),
  web_search_unit: z.enum(["query", "prompt"]).optional().describe(
    "Gemini grounding with Google Search: billed per search query (`query`, Gemini 3) or once " +
      "per grounded prompt (`prompt`, the default: Gemini 2.x).",
  ),
  service_tiers: serviceTiers.optional(),
  inference_geo_multipliers: inferenceGeoMultipliers.optional(),
  tiers: priceTiers.optional(),
  scope_multipliers: scopeMultipliers.optional(),
  valid_from: validFrom.optional().describe(
    "First day (UTC) or instant this row applies; a request is priced by the row valid when it " +
      "started. Unset: since always.",
  ),
});

/** One row, or the rows of a price change (each with its `valid_from`, at most one without). */
const modelPrices = z.union([modelPriceSchema, z.array(modelPriceSchema).min(1).max(64)]).describe(
  "One price row, or the rows of a price change, each with its `valid_from` (at most one " +
    "without: the price before the first change).",
).check(
  (ctx) => {
    if (!Array.isArray(ctx.value)) return;
    // Compared as instants: 2026-12-01 and 2026-12-01T00:00:00Z are one start written twice.
    const starts = ctx.value.map((row) =>
      row.valid_from === undefined ? "(unset)" : String(validFromMs(row.valid_from))
    );
    const second = starts.findIndex((s, i) => starts.indexOf(s) !== i);
    if (second === -1) return;
    const first = starts.indexOf(starts[second]!);
    const [a, b] = [ctx.value[first]!.valid_from, ctx.value[second]!.valid_from];
    const shown = a === undefined ? "(unset)" : a === b ? a : `${a} and ${b}`;
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: `has two rows with valid_from ${shown}${a === b ? "" : " (the same instant)"}; ` +
        "each row of a model starts at its own date (at most one row without valid_from, the " +
        "price before the first change)",
    });
  },
);

/** Model id (or family, matched by prefix on `-` boundaries) to its price row or rows. */
export const priceTableSchema = z.record(z.string().min(1), modelPrices);

const maxSourceLength = 2048;

/** A path, or an http(s) URL without credentials or fragment (it is logged). */
const priceSource = z.string().min(1).max(maxSourceLength).check((ctx) => {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(ctx.value)?.[1]?.toLowerCase();
  if (scheme === undefined) return;
  const fail = (message: string) => {
    ctx.issues.push({ code: "custom", input: ctx.value, message });
  };
  if (scheme !== "http" && scheme !== "https") {
    return fail(`must be a file path or an http(s) URL (got a ${scheme}:// URL)`);
  }
  let url: URL;
  try {
    url = new URL(ctx.value);
  } catch {
    return fail(`is not a valid URL (got "${ctx.value}")`);
  }
  if (url.username || url.password || url.hash) {
    fail("must not contain credentials or a fragment: it is written to logs; use a file path");
  }
});

export const pricingSchema = z.strictObject({
  sources: z.array(priceSource).max(32).default([]).describe(
    "Price files in the format of LiteLLM's `model_prices_and_context_window.json`, each a " +
      "path (relative to the working directory) or an http(s) URL. A URL is fetched at start " +
      "and on reload and cached beside the database; when a fetch fails the last good copy is " +
      "used. Precedence: `providers.<id>.prices`, then these files (a later one over an " +
      "earlier one), then the built-in table. See docs/pricing.md.",
  ),
  cache_dir: z.string().min(1).optional().describe(
    "Where fetched price files are cached. Default: the SQLite file's directory, or `./data` " +
      "with PostgreSQL.",
  ),
  fetch_timeout_ms: z.number().int().positive().max(300_000).default(15_000).describe(
    "Longest a price-file URL may take (redirects and body included) before the cached copy " +
      "is used.",
  ),
}).prefault({});

export type ModelPrice = z.output<typeof modelPriceSchema>;
export type PriceTable = z.output<typeof priceTableSchema>;
export type PricingConfig = z.output<typeof pricingSchema>;
export type PriceTier = z.output<typeof tierSchema>;
export type ServiceTierRates = z.output<typeof serviceTierRates>;

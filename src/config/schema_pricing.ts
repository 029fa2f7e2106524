/**
 * Prices in the config: one model's price rows (`providers.<id>.prices`), and the `pricing`
 * section (extra price files in LiteLLM's format). The pricing module reads both; the schema only
 * checks their shape, so `check` and `serve` agree on what is valid.
 */
import { z } from "zod";

/** USD per one million tokens. */
const usdPerMillion = z.number().nonnegative().finite();

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of a `valid_from` value; NaN when it is not a real date. */
export function validFromMs(value: string): number {
  if (!dateOnly.test(value) && !dateTime.test(value)) return NaN;
  const ms = Date.parse(dateOnly.test(value) ? `${value}T00:00:00Z` : value);
  // Date.parse rolls 2026-02-30 over to March; a price must not start on a day that is not one.
  if (Number.isNaN(ms) || !dateOnly.test(value)) return ms;
  return new Date(ms).toISOString().slice(0, 10) === value ? ms : NaN;
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
    const starts = ctx.value.map((row) => row.valid_from ?? "(unset)");
    const repeated = starts.find((s, i) => starts.indexOf(s) !== i);
    if (repeated !== undefined) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `has two rows with valid_from ${repeated}; each row of a model starts at its ` +
          "own date (at most one row without valid_from, the price before the first change)",
      });
    }
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

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  type ModelPrice,
  modelPriceSchema,
  type PriceTable,
  type ProviderKind,
} from "../../src/config/schema.ts";
import { type BuiltInEntry, builtInPrices, createPricer, familyOf } from "../../src/pricing/mod.ts";
import { tokenPricesOf } from "./token_prices.ts";

const openai = builtInPrices.openai.models;
const anthropic = builtInPrices.anthropic.models;

interface Case {
  model: string | null;
  kind?: ProviderKind;
  prices?: PriceTable;
  /** The table entry it must resolve to, or null for unpriced. */
  expected: BuiltInEntry | undefined;
}

const cases: Record<string, Case> = {
  "exact family id": { model: "gpt-4o", expected: openai["gpt-4o"] },
  "dated snapshot to its family": {
    model: "gpt-4o-mini-2024-07-18",
    expected: openai["gpt-4o-mini"],
  },
  "gpt-4o snapshot to gpt-4o": { model: "gpt-4o-2024-08-06", expected: openai["gpt-4o"] },
  "a snapshot with its own price wins over the family": {
    model: "gpt-4o-2024-05-13",
    expected: { input: 5, output: 15 },
  },
  "gpt-4o-mini is never priced as gpt-4o": {
    model: "gpt-4o-mini",
    expected: openai["gpt-4o-mini"],
  },
  "gpt-4.1-mini is not gpt-4": {
    model: "gpt-4.1-mini-2025-04-14",
    expected: openai["gpt-4.1-mini"],
  },
  "no prefix without a '-' boundary": { model: "gpt-4omni", expected: null },
  "short numeric suffix by prefix": { model: "gpt-4-0613", expected: openai["gpt-4"] },
  "gpt-3.5-turbo-0125": { model: "gpt-3.5-turbo-0125", expected: openai["gpt-3.5-turbo"] },
  "gpt-4-turbo snapshot": { model: "gpt-4-turbo-2024-04-09", expected: openai["gpt-4-turbo"] },
  "o1 snapshot": { model: "o1-2024-12-17", expected: openai["o1"] },
  "o3-mini snapshot": { model: "o3-mini-2025-01-31", expected: openai["o3-mini"] },
  "o4-mini snapshot": { model: "o4-mini-2025-04-16", expected: openai["o4-mini"] },
  "gpt-5-mini snapshot": { model: "gpt-5-mini-2025-08-07", expected: openai["gpt-5-mini"] },
  "gpt-5-chat-latest": { model: "gpt-5-chat-latest", expected: openai["gpt-5"] },
  "gpt-5.4-mini snapshot": { model: "gpt-5.4-mini-2026-03-17", expected: openai["gpt-5.4-mini"] },
  "case is ignored": { model: " GPT-4o ", expected: openai["gpt-4o"] },
  "embeddings": { model: "text-embedding-3-small", expected: openai["text-embedding-3-small"] },
  "audio models are deliberately unpriced": { model: "gpt-4o-mini-tts", expected: null },
  "audio previews stay unpriced when dated": {
    model: "gpt-4o-audio-preview-2024-12-17",
    expected: null,
  },
  "fine-tuned models are unpriced": {
    model: "ft:gpt-4o-mini-2024-07-18:acme::9xYz",
    expected: null,
  },
  "unknown model": { model: "llama-3.1-70b", expected: null },
  "no model at all": { model: null, expected: null },
  "anthropic dated id": {
    kind: "anthropic",
    model: "claude-sonnet-4-5-20250929",
    expected: anthropic["claude-sonnet-4-5"],
  },
  "anthropic -latest alias": {
    kind: "anthropic",
    model: "claude-3-5-haiku-latest",
    expected: anthropic["claude-3-5-haiku"],
  },
  "claude-sonnet-4-latest": {
    kind: "anthropic",
    model: "claude-sonnet-4-latest",
    expected: anthropic["claude-sonnet-4"],
  },
  "claude-opus-4 snapshot keeps the old Opus price": {
    kind: "anthropic",
    model: "claude-opus-4-20250514",
    expected: { input: 15, cached_input: 1.5, cache_write: 18.75, output: 75 },
  },
  "claude-opus-4-6 snapshot has the new Opus price": {
    kind: "anthropic",
    model: "claude-opus-4-6-20260220",
    expected: { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
  },
  "claude-opus-4-0 alias": {
    kind: "anthropic",
    model: "claude-opus-4-0",
    expected: anthropic["claude-opus-4"],
  },
  "claude-3-7-sonnet snapshot": {
    kind: "anthropic",
    model: "claude-3-7-sonnet-20250219",
    expected: anthropic["claude-3-7-sonnet"],
  },
  "vertex @date suffix": {
    kind: "anthropic",
    model: "claude-sonnet-4-5@20250929",
    expected: anthropic["claude-sonnet-4-5"],
  },
  "prompt-length tiered model is unpriced": {
    kind: "anthropic",
    model: "claude-haiku-5-5",
    expected: null,
  },
  "anthropic tables do not price OpenAI models": {
    kind: "anthropic",
    model: "gpt-4o",
    expected: null,
  },
  "openai-compatible has no built-in prices": {
    kind: "openai-compatible",
    model: "gpt-4o",
    expected: null,
  },
  "openai-compatible priced by config": {
    kind: "openai-compatible",
    model: "llama-3.1-70b-versatile",
    prices: { "llama-3.1-70b-versatile": { input: 0.59, output: 0.79 } },
    expected: { input: 0.59, output: 0.79 },
  },
  "config families resolve by prefix": {
    kind: "openai-compatible",
    model: "mistral-large-2411",
    prices: { "mistral-large": { input: 2, output: 6 } },
    expected: { input: 2, output: 6 },
  },
  "config overrides a built-in family for its snapshots": {
    model: "gpt-4o-2024-08-06",
    prices: { "GPT-4o": { input: 1, output: 2 } },
    expected: { input: 1, output: 2 },
  },
  "config can price a family the table leaves unpriced": {
    model: "gpt-4o-mini-tts",
    prices: { "gpt-4o-mini-tts": { input: 0.6, output: 12 } },
    expected: { input: 0.6, output: 12 },
  },
  "codex default model gpt-6.2-sol": {
    model: "gpt-6.2-sol",
    expected: { input: 2, cached_input: 0.1, cache_write: 2.5, output: 10 },
  },
  "gpt-6.1-terra dated snapshot": {
    model: "gpt-6.1-terra-2026-10-26",
    expected: openai["gpt-6.1-terra"],
  },
  "gpt-6-sol is not gpt-6.1-sol": { model: "gpt-6-sol", expected: openai["gpt-6-sol"] },
  "an unknown gpt-6.2 variant stays unpriced": { model: "gpt-6.2-nova", expected: null },
  "claude-fable-5-2": {
    kind: "anthropic",
    model: "claude-fable-5-2",
    expected: { input: 8, cached_input: 0.2, cache_write: 10, output: 40 },
  },
  "claude-mythos-5-2 is not mythos-5": {
    kind: "anthropic",
    model: "claude-mythos-5-2",
    expected: anthropic["claude-mythos-5-2"],
  },
  "retired claude-sonnet-4-5 keeps its price for old traces": {
    kind: "anthropic",
    model: "claude-sonnet-4-5-20250929",
    expected: {
      input: 3,
      cached_input: 0.3,
      cache_write: 3.75,
      output: 15,
      // The 1M-context beta: above 200K input tokens the whole request at 2x input, 1.5x output.
      tiers: [{
        above_input_tokens: 200_000,
        input: 6,
        output: 22.5,
        cached_input: 0.6,
        cache_write: 7.5,
        cache_write_1h: 12,
      }],
    },
  },
  "config overrides the family of a snapshot the table prices on its own": {
    model: "gpt-4o-2024-05-13",
    prices: { "gpt-4o": { input: 1, output: 2 } },
    expected: { input: 1, output: 2 },
  },
  "a config family never prices a longer built-in model": {
    model: "gpt-4o-mini-tts",
    prices: { "gpt-4o": { input: 1, output: 2 } },
    expected: null,
  },
  "config extends without hiding built-ins": {
    model: "gpt-4o-mini",
    prices: { "ft:gpt-4o-mini-2024-07-18:acme::9xyz": { input: 0.3, output: 1.2 } },
    expected: openai["gpt-4o-mini"],
  },
};

for (const [name, c] of Object.entries(cases)) {
  Deno.test(`createPricer: ${name}`, () => {
    ok(c.expected !== undefined, "the expected table entry exists");
    const priceOf = createPricer({ kind: c.kind ?? "openai", prices: c.prices ?? {} });
    // Token prices: what builtin_billing.ts adds is tested in builtin_billing_test.ts.
    deepStrictEqual(
      tokenPricesOf(priceOf(c.model)),
      tokenPricesOf(c.expected as ModelPrice | null),
    );
  });
}

Deno.test("familyOf strips date, -latest and @date suffixes only", () => {
  const table: [string, string][] = [
    ["gpt-4o-mini-2024-07-18", "gpt-4o-mini"],
    ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["claude-3-5-haiku-latest", "claude-3-5-haiku"],
    ["claude-sonnet-4-5@20250929", "claude-sonnet-4-5"],
    ["gpt-4-0613", "gpt-4-0613"],
    ["o3", "o3"],
  ];
  for (const [id, family] of table) strictEqual(familyOf(id), family, id);
});

/** Every row of the built-in table, with its model id. */
function builtInRows(kind: ProviderKind): [string, ModelPrice][] {
  return Object.entries(builtInPrices[kind].models).flatMap(([id, entry]) =>
    entry === null
      ? []
      : (Array.isArray(entry) ? entry : [entry as ModelPrice]).map((p): [string, ModelPrice] => [
        id,
        p,
      ])
  );
}

Deno.test("built-in price data: valid prices, lowercase ids, dated and sourced", () => {
  for (const [kind, list] of Object.entries(builtInPrices)) {
    ok(list.source.length > 0, `${kind} names its source`);
    // Priced kinds are dated; openai-compatible has no list. azure-openai is priced through its
    // deployments (cloud_cost_test.ts).
    const unpriced = kind === "openai-compatible";
    if (!unpriced) ok(/^\d{4}-\d{2}-\d{2}$/.test(list.as_of ?? ""), kind);
    if (unpriced) strictEqual(Object.keys(list.models).length, 0, kind);
    for (const [id, entry] of Object.entries(list.models)) {
      strictEqual(id, id.toLowerCase(), `${kind} ${id} is lowercase`);
      if (entry === null) continue;
      const rows: readonly ModelPrice[] = Array.isArray(entry) ? entry : [entry as ModelPrice];
      for (const row of rows) modelPriceSchema.parse(row);
      // A price change: the first row has no start (the price before it), the others ascend.
      strictEqual(rows[0]!.valid_from, undefined, `${id}: first row applies since always`);
      const starts = rows.slice(1).map((r) => r.valid_from ?? "");
      ok(starts.every((d, i) => d !== "" && (i === 0 || d > starts[i - 1]!)), `${id} ascends`);
    }
  }
  deepStrictEqual(builtInPrices["openai-compatible"].models, {});
});

Deno.test("built-in anthropic cache prices: write 1.25x input, read at most 0.1x input", () => {
  for (const [id, p] of builtInRows("anthropic")) {
    if (id === "claude-3-haiku") continue;
    strictEqual(p.cache_write, p.input * 1.25, id);
    ok(p.cached_input !== undefined && p.cached_input <= p.input * 0.1 + 1e-12, id);
  }
});

Deno.test("built-in openai gpt-5.6 and later: cache writes at 1.25x input, reads priced", () => {
  const later = /^gpt-(5\.6|6)(\.\d+)?-/;
  const rows = builtInRows("openai").filter(([id]) => later.test(id));
  ok(rows.length >= 12, `${rows.length} rows of gpt-5.6 and later`);
  for (const [id, p] of rows) {
    strictEqual(p.cache_write, p.input * 1.25, id);
    ok(p.cached_input !== undefined && p.cached_input <= p.input * 0.1 + 1e-12, id);
  }
});

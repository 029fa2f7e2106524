import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { ModelPrice, PriceTable, ProviderKind } from "../../src/config/mod.ts";
import { createPricer, type PriceFile, type PriceSources } from "../../src/pricing/mod.ts";
import { tokenPricesOf } from "./token_prices.ts";

/** A loaded price file: LiteLLM provider to model id to price. */
function file(name: string, entries: Record<string, Record<string, ModelPrice>>): PriceFile {
  return {
    name,
    byProvider: new Map(
      Object.entries(entries).map((
        [provider, models],
      ) => [provider, new Map(Object.entries(models))]),
    ),
  };
}

const first = file("first.json", {
  openai: {
    "gpt-4o-mini": { input: 1, output: 1 },
    "gpt-4o-2024-08-06": { input: 3, output: 3 },
    "only-in-first": { input: 4, output: 4 },
  },
  anthropic: { "claude-haiku-5-5": { input: 0.1, output: 0.5 } },
  groq: { "llama-3.3-70b-versatile": { input: 0.59, output: 0.79 } },
});
const second = file("second.json", {
  openai: { "gpt-4o-mini": { input: 2, output: 2 } },
  "text-completion-openai": { "gpt-4o-mini": { input: 9, output: 9 } },
});
const sources: PriceSources = { files: [first, second] };

interface Case {
  kind?: ProviderKind;
  id?: string;
  prices?: PriceTable;
  model: string;
  input: number | null;
}

const cases: Record<string, Case> = {
  "a later file over an earlier one": { model: "gpt-4o-mini", input: 2 },
  "a kind's own LiteLLM name over its other names": { model: "gpt-4o-mini-2024-07-18", input: 2 },
  "config over every file": {
    prices: { "gpt-4o-mini": { input: 0.5, output: 0.5 } },
    model: "gpt-4o-mini",
    input: 0.5,
  },
  "a config family over a file's exact snapshot": {
    prices: { "gpt-4o": { input: 0.7, output: 0.7 } },
    model: "gpt-4o-2024-08-06",
    input: 0.7,
  },
  "a file's exact snapshot over the built-in family": { model: "gpt-4o-2024-08-06", input: 3 },
  "a file over the built-in table": { model: "only-in-first", input: 4 },
  "built-in where no file prices it": { model: "gpt-4.1", input: 2 },
  "a file prices what the table leaves unpriced on purpose": {
    kind: "anthropic",
    id: "anthropic",
    model: "claude-haiku-5-5",
    input: 0.1,
  },
  "files are not families: no prefix match in them": {
    kind: "openai-compatible",
    id: "groq",
    model: "llama-3.3-70b-versatile-0125",
    input: null,
  },
  "an openai-compatible provider reads the entries named by its id": {
    kind: "openai-compatible",
    id: "groq",
    model: "llama-3.3-70b-versatile",
    input: 0.59,
  },
  "another provider's entries never price it": {
    kind: "openai-compatible",
    id: "together",
    model: "llama-3.3-70b-versatile",
    input: null,
  },
  "anthropic does not read openai entries": {
    kind: "anthropic",
    id: "anthropic",
    model: "gpt-4o-mini",
    input: null,
  },
};

for (const [name, c] of Object.entries(cases)) {
  Deno.test(`precedence: ${name}`, () => {
    const priceOf = createPricer(
      { id: c.id ?? "openai", kind: c.kind ?? "openai", prices: c.prices ?? {} },
      sources,
    );
    strictEqual(priceOf(c.model)?.input ?? null, c.input);
  });
}

Deno.test("precedence: no sources is the built-in table and config alone", () => {
  const priceOf = createPricer({ kind: "openai", prices: {} });
  deepStrictEqual(tokenPricesOf(priceOf("gpt-4o-mini")), {
    input: 0.15,
    cached_input: 0.075,
    output: 0.6,
  });
});

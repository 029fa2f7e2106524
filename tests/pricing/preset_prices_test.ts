/**
 * Built-in prices of the OpenAI-compatible presets: each listed id resolves to the figure its
 * source gives (written here again, not read from the table), siblings that a shorter family
 * would misprice stay apart, self-hosted presets are never priced (not even at LiteLLM's zero),
 * and a preset reads its vendor's LiteLLM name from price files.
 */
import assert from "node:assert/strict";
import type { ModelPrice } from "../../src/config/mod.ts";
import {
  createCostEstimator,
  createPricer,
  type PriceFile,
  type PriceSources,
} from "../../src/pricing/mod.ts";
import { presetPrices } from "../../src/pricing/preset_prices.ts";
import { presetIds } from "../../src/providers/mod.ts";

const preset = (id: string) => ({ kind: "openai-compatible" as const, prices: {}, id, preset: id });
const day = (d: string) => Date.parse(`${d}T12:00:00Z`);
const now = day("2026-12-06");

interface Row {
  preset: string;
  model: string;
  at?: number;
  price: Pick<ModelPrice, "input" | "output" | "cached_input"> | null;
}

const rows: Row[] = [
  // Mistral: dated ids only; `-latest` aliases move between releases and stay unpriced.
  { preset: "mistral", model: "mistral-large-2512", price: { input: 0.5, output: 1.5 } },
  { preset: "mistral", model: "mistral-large-2411", price: { input: 2, output: 6 } },
  { preset: "mistral", model: "mistral-medium-2508", price: { input: 0.4, output: 2 } },
  { preset: "mistral", model: "mistral-small-2506", price: { input: 0.1, output: 0.3 } },
  { preset: "mistral", model: "magistral-medium-2509", price: { input: 2, output: 5 } },
  { preset: "mistral", model: "devstral-small-2507", price: { input: 0.1, output: 0.3 } },
  { preset: "mistral", model: "ministral-8b-2512", price: { input: 0.15, output: 0.15 } },
  { preset: "mistral", model: "mistral-large-latest", price: null },
  // DeepSeek: daytime prices, the 2025-09-05 list, then the V3.2 cut of 2025-09-29.
  {
    preset: "deepseek",
    model: "deepseek-chat",
    at: day("2025-08-01"),
    price: { input: 0.27, cached_input: 0.07, output: 1.1 },
  },
  {
    preset: "deepseek",
    model: "deepseek-reasoner",
    at: day("2025-08-01"),
    price: { input: 0.55, cached_input: 0.14, output: 2.19 },
  },
  {
    preset: "deepseek",
    model: "deepseek-chat",
    at: day("2025-09-10"),
    price: { input: 0.56, cached_input: 0.07, output: 1.68 },
  },
  {
    preset: "deepseek",
    model: "deepseek-chat",
    price: { input: 0.28, cached_input: 0.028, output: 0.42 },
  },
  {
    preset: "deepseek",
    model: "deepseek-reasoner",
    price: { input: 0.28, cached_input: 0.028, output: 0.42 },
  },
  // xAI
  { preset: "xai", model: "grok-4.3", price: { input: 1.25, cached_input: 0.2, output: 2.5 } },
  {
    preset: "xai",
    model: "grok-4-1-fast-reasoning",
    price: { input: 0.2, cached_input: 0.05, output: 0.5 },
  },
  { preset: "xai", model: "grok-3", price: { input: 3, cached_input: 0.75, output: 15 } },
  { preset: "xai", model: "grok-3-fast", price: { input: 5, cached_input: 1.25, output: 25 } },
  {
    preset: "xai",
    model: "grok-3-mini",
    price: { input: 0.3, cached_input: 0.075, output: 0.5 },
  },
  { preset: "xai", model: "grok-4-0709", price: { input: 3, output: 15 } },
  // Groq
  {
    preset: "groq",
    model: "openai/gpt-oss-120b",
    price: { input: 0.15, cached_input: 0.075, output: 0.6 },
  },
  { preset: "groq", model: "llama-3.3-70b-versatile", price: null },
  // No built-in list: price files or config price them.
  { preset: "together", model: "meta-llama/Llama-3.3-70B-Instruct-Turbo", price: null },
  { preset: "fireworks", model: "accounts/fireworks/models/kimi-k2", price: null },
  { preset: "openrouter", model: "openai/gpt-4o-mini", price: null },
  // Self-hosted: never priced, whatever the model is called.
  { preset: "ollama", model: "llama3.2", price: null },
  { preset: "ollama", model: "gpt-4o-mini", price: null },
  { preset: "vllm", model: "deepseek-chat", price: null },
];

for (const row of rows) {
  Deno.test(`preset prices: ${row.preset} ${row.model} → ${JSON.stringify(row.price)}`, () => {
    const got = createPricer(preset(row.preset))(row.model, row.at ?? now);
    if (row.price === null) {
      assert.equal(got, null);
      return;
    }
    assert.ok(got !== null);
    assert.deepEqual(
      { input: got.input, output: got.output, cached_input: got.cached_input },
      { input: row.price.input, output: row.price.output, cached_input: row.price.cached_input },
    );
  });
}

Deno.test("preset prices: every preset has a list with a source; local ones are empty", () => {
  for (const id of presetIds) {
    const list = presetPrices[id];
    assert.ok(list.source.length > 20, id);
    if (id === "ollama" || id === "vllm") {
      assert.deepEqual(list.models, {});
      assert.equal(list.as_of, null);
    }
  }
});

Deno.test("preset prices: a dated id resolves through its date suffix", () => {
  const got = createPricer(preset("deepseek"))("deepseek-chat-2024-07-18", now);
  assert.equal(got?.output, 0.42);
});

Deno.test("preset prices: a provider named like a preset with another kind uses that kind", () => {
  const got = createPricer({ kind: "openai", prices: {}, id: "groq" })("openai/gpt-oss-120b", now);
  assert.equal(got, null);
});

Deno.test("preset prices: config prices win over the preset list", () => {
  const p = {
    ...preset("xai"),
    prices: { "grok-4.3": { input: 9, output: 9 } },
  };
  assert.equal(createPricer(p)("grok-4.3", now)?.input, 9);
});

function file(name: string, entries: Record<string, Record<string, ModelPrice>>): PriceFile {
  return {
    name,
    byProvider: new Map(Object.entries(entries).map(([k, v]) => [k, new Map(Object.entries(v))])),
  };
}

const litellm: PriceSources = {
  files: [file("litellm.json", {
    together_ai: { "meta-llama/llama-3.3-70b-instruct-turbo": { input: 0.88, output: 0.88 } },
    together: { "meta-llama/llama-3.3-70b-instruct-turbo": { input: 5, output: 5 } },
    fireworks_ai: { "accounts/fireworks/models/kimi-k2": { input: 0.6, output: 2.5 } },
    // LiteLLM lists local models at zero; a self-hosted preset must not read it.
    ollama: { "llama3.2": { input: 0, output: 0 } },
    hosted_vllm: { "llama3.2": { input: 0, output: 0 } },
  })],
};

Deno.test("preset prices: price files are read under the vendor's LiteLLM name", () => {
  const together = createPricer(preset("together"), litellm);
  assert.equal(together("meta-llama/Llama-3.3-70B-Instruct-Turbo", now)?.input, 0.88);
  const fireworks = createPricer(preset("fireworks"), litellm);
  assert.equal(fireworks("accounts/fireworks/models/kimi-k2", now)?.output, 2.5);
});

Deno.test("preset prices: self-hosted presets ignore LiteLLM's zero prices; cost stays unknown", () => {
  assert.equal(createPricer(preset("ollama"), litellm)("llama3.2", now), null);
  assert.equal(createPricer(preset("vllm"), litellm)("llama3.2", now), null);
  const cost = createCostEstimator(preset("ollama"), litellm)("llama3.2", {
    status: "exact",
    usage: {
      input_tokens: 10,
      output_tokens: 5,
      total_tokens: 15,
      cached_input_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
    },
  }, now);
  assert.equal(cost.estimated_cost_usd, null);
  assert.notEqual(cost.cost_status, "priced");
});

Deno.test("preset prices: an id that is no preset still reads entries named by its id", () => {
  const p = { kind: "openai-compatible" as const, prices: {}, id: "together" };
  assert.equal(createPricer(p, litellm)("meta-llama/Llama-3.3-70B-Instruct-Turbo", now)?.input, 5);
});

/**
 * The cost of every billed dimension, line by line. Each expected amount is worked out by hand
 * in the table (tokens × USD per million ÷ 1e6), not by the product's code.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { ModelPrice } from "../../src/config/schema.ts";
import { costOf } from "../../src/pricing/mod.ts";
import type { BillingFacts, UsageReport } from "../../src/providers/mod.ts";
import type { Usage } from "../../src/traces/mod.ts";
import { usage } from "../providers/replay.ts";

const report = (u: Usage, facts?: BillingFacts): UsageReport => ({
  model: "m",
  usage: u,
  status: "exact",
  parseErrors: 0,
  ...(facts === undefined ? {} : { facts }),
});

const sonnet: ModelPrice = {
  input: 3,
  cached_input: 0.3,
  cache_write: 3.75,
  cache_write_1h: 6,
  output: 15,
  per_use: { web_search: 0.01, web_fetch: 0 },
  inference_geo_multipliers: { us: 1.1 },
};
const gpt: ModelPrice = {
  input: 1.25,
  cached_input: 0.125,
  output: 10,
  audio_input: 40,
  service_tiers: { flex: { input: 0.625, output: 5 }, priority: { input: 2.5, output: 20 } },
  per_use: { web_search: 0.01, file_search: 0.0025 },
};
const gemini: ModelPrice = {
  input: 1.25,
  output: 10,
  per_use: { web_search: 0.014 },
  web_search_unit: "query",
  tiers: [{ above_input_tokens: 200_000, input: 2.5, output: 15 }],
};

interface Case {
  name: string;
  price: ModelPrice;
  usage: Usage;
  facts?: BillingFacts;
  /** [dimension, quantity, amount in USD or null] in the order the lines come. */
  lines: [string, number, number | null][];
  status: "priced" | "partial" | "unpriced";
  usd: number | null;
  unpriced?: string[];
  tier?: string;
  multiplier?: number;
}

const cases: Case[] = [
  {
    name: "Anthropic: 5-minute and 1-hour writes each at their price",
    price: sonnet,
    // 10,000 input = 5,000 uncached + 2,000 read + 3,000 written (1,000 of them for an hour).
    usage: usage(10_000, 500, { cached: 2000, write: 3000 }),
    facts: { cache_write_by_ttl: { "5m": 2000, "1h": 1000 } },
    lines: [
      ["input", 5000, 0.015],
      ["cached_input", 2000, 0.0006],
      ["cache_write", 2000, 0.0075],
      ["cache_write_1h", 1000, 0.006],
      ["output", 500, 0.0075],
    ],
    status: "priced",
    usd: 0.0366,
  },
  {
    name: "a 1-hour write without a 1-hour price: partial, never at the 5-minute rate",
    price: { ...sonnet, cache_write_1h: undefined },
    usage: usage(10_000, 500, { cached: 2000, write: 3000 }),
    facts: { cache_write_by_ttl: { "5m": 2000, "1h": 1000 } },
    lines: [
      ["input", 5000, 0.015],
      ["cached_input", 2000, 0.0006],
      ["cache_write", 2000, 0.0075],
      ["cache_write_1h", 1000, null],
      ["output", 500, 0.0075],
    ],
    status: "partial",
    usd: 0.0306,
    unpriced: ["cache_write_1h"],
  },
  {
    name: "Anthropic web search at $10 per 1,000, web fetch free",
    price: sonnet,
    usage: usage(1000, 100),
    facts: { server_tool_uses: { web_search_requests: 3, web_fetch_requests: 2 } },
    lines: [
      ["input", 1000, 0.003],
      ["output", 100, 0.0015],
      ["web_search", 3, 0.03],
      ["web_fetch", 2, 0],
    ],
    status: "priced",
    usd: 0.0345,
  },
  {
    name: "code execution has no per-request price: partial, named",
    price: sonnet,
    usage: usage(1000, 100),
    facts: { server_tool_uses: { code_execution_requests: 1 } },
    lines: [["input", 1000, 0.003], ["output", 100, 0.0015], ["code_execution", 1, null]],
    status: "partial",
    usd: 0.0045,
    unpriced: ["code_execution"],
  },
  {
    name: "US-only inference: 1.1x on every token rate",
    price: sonnet,
    usage: usage(1000, 100, { cached: 500 }),
    facts: { inference_geo: "us" },
    lines: [["input", 500, 0.00165], ["cached_input", 500, 0.000165], ["output", 100, 0.00165]],
    status: "priced",
    usd: 0.003465,
    multiplier: 1.1,
  },
  {
    name: "a region the row has no multiplier for: priced at 1x, partial, named",
    price: sonnet,
    usage: usage(1000, 100),
    facts: { inference_geo: "eu" },
    lines: [["input", 1000, 0.003], ["output", 100, 0.0015]],
    status: "partial",
    usd: 0.0045,
    unpriced: ["inference_geo.eu"],
  },
  {
    name: "global inference is the standard price",
    price: sonnet,
    usage: usage(1000, 100),
    facts: { inference_geo: "global", service_tier: "standard" },
    lines: [["input", 1000, 0.003], ["output", 100, 0.0015]],
    status: "priced",
    usd: 0.0045,
  },
  {
    name: "OpenAI flex: the tier's rates, its cache read scaled as its input (0.125 / 2)",
    price: gpt,
    usage: usage(1000, 100, { cached: 400 }),
    facts: { service_tier: "flex" },
    lines: [["input", 600, 0.000375], ["cached_input", 400, 0.000025], ["output", 100, 0.0005]],
    status: "priced",
    usd: 0.0009,
    tier: "flex",
  },
  {
    name: "OpenAI `fast` is billed as priority",
    price: gpt,
    usage: usage(1000, 100),
    facts: { service_tier: "fast" },
    lines: [["input", 1000, 0.0025], ["output", 100, 0.002]],
    status: "priced",
    usd: 0.0045,
    tier: "priority",
  },
  {
    name: "`default` is the standard tier",
    price: gpt,
    usage: usage(1000, 100),
    facts: { service_tier: "default" },
    lines: [["input", 1000, 0.00125], ["output", 100, 0.001]],
    status: "priced",
    usd: 0.00225,
  },
  {
    name: "a tier the row does not price: unpriced, never at standard",
    price: gpt,
    usage: usage(1000, 100),
    facts: { service_tier: "scale" },
    lines: [["input", 1000, null], ["output", 100, null]],
    status: "unpriced",
    usd: null,
    unpriced: ["service_tier.scale"],
    tier: "scale",
  },
  {
    name: "audio input tokens at the audio rate, out of the uncached input",
    price: gpt,
    usage: usage(1000, 100),
    facts: { audio_input_tokens: 300 },
    lines: [["input", 700, 0.000875], ["audio_input", 300, 0.012], ["output", 100, 0.001]],
    status: "priced",
    usd: 0.013875,
  },
  {
    name: "audio output without an audio price: partial, named",
    price: gpt,
    usage: usage(1000, 100),
    facts: { audio_output_tokens: 40 },
    lines: [["input", 1000, 0.00125], ["output", 60, 0.0006], ["audio_output", 40, null]],
    status: "partial",
    usd: 0.00185,
    unpriced: ["audio_output"],
  },
  {
    name: "image input without its own price is billed as text input",
    price: gpt,
    usage: usage(1000, 100),
    facts: { image_input_tokens: 200 },
    lines: [["input", 800, 0.001], ["image_input", 200, 0.00025], ["output", 100, 0.001]],
    status: "priced",
    usd: 0.00225,
  },
  {
    name: "OpenAI built-in tools per call; MCP calls are only tokens",
    price: gpt,
    usage: usage(1000, 100),
    facts: { server_tool_uses: { web_search_calls: 2, file_search_calls: 4, mcp_calls: 1 } },
    lines: [
      ["input", 1000, 0.00125],
      ["output", 100, 0.001],
      ["web_search", 2, 0.02],
      ["file_search", 4, 0.01],
    ],
    status: "priced",
    usd: 0.03225,
  },
  {
    name: "Gemini 3 grounding billed per search query",
    price: gemini,
    usage: usage(1000, 100),
    facts: { server_tool_uses: { grounded_prompts: 1, web_search_queries: 3 } },
    lines: [["input", 1000, 0.00125], ["output", 100, 0.001], ["web_search", 3, 0.042]],
    status: "priced",
    usd: 0.04425,
  },
  {
    name: "Gemini 2.x grounding billed once per grounded prompt",
    price: { ...gemini, web_search_unit: "prompt", per_use: { web_search: 0.035 } },
    usage: usage(1000, 100),
    facts: { server_tool_uses: { grounded_prompts: 1, web_search_queries: 3 } },
    lines: [["input", 1000, 0.00125], ["output", 100, 0.001], ["web_search", 1, 0.035]],
    status: "priced",
    usd: 0.03725,
  },
  {
    name: "above the prompt-size threshold the whole request moves to the tier",
    price: gemini,
    usage: usage(200_001, 1000, { reasoning: 400 }),
    lines: [["input", 200_001, 0.5000025], ["output", 600, 0.009], ["reasoning", 400, 0.006]],
    status: "priced",
    usd: 0.5150025,
    tier: "200000",
  },
  {
    name: "a prompt-size tier scales the 1-hour write as its input (6 x 6 / 3 = 12)",
    price: { ...sonnet, tiers: [{ above_input_tokens: 200_000, input: 6, output: 22.5 }] },
    usage: usage(300_000, 100, { write: 100_000 }),
    facts: { cache_write_by_ttl: { "1h": 100_000 } },
    lines: [["input", 200_000, 1.2], ["cache_write_1h", 100_000, 1.2], ["output", 100, 0.00225]],
    status: "priced",
    usd: 2.40225,
    tier: "200000",
  },
  {
    name: "an unknown per-use count keeps its name and leaves the cost partial",
    price: sonnet,
    usage: usage(1000, 0),
    facts: { server_tool_uses: { tool_search_requests: 2 } },
    lines: [["input", 1000, 0.003], ["tool_search", 2, null]],
    status: "partial",
    usd: 0.003,
    unpriced: ["tool_search"],
  },
];

Deno.test("cost lines: every billed dimension at its own price, worked out by hand", () => {
  for (const c of cases) {
    const got = costOf(report(c.usage, c.facts), c.price);
    strictEqual(got.cost_status, c.status, c.name);
    strictEqual(got.estimated_cost_usd, c.usd, c.name);
    const b = got.cost_breakdown!;
    deepStrictEqual(
      b.lines.map((l) => [l.dimension, l.quantity, l.amount_usd]),
      c.lines,
      c.name,
    );
    deepStrictEqual(b.unpriced, c.unpriced ?? [], c.name);
    strictEqual(b.price_row.service_tier, c.tier === "200000" ? "standard" : c.tier ?? "standard");
    strictEqual(b.price_row.tier_above_input_tokens, c.tier === "200000" ? 200_000 : null, c.name);
    strictEqual(b.price_row.multiplier, c.multiplier ?? 1, c.name);
  }
});

/** A small deterministic generator, so a failure names a reproducible case. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

Deno.test("cost lines: the priced lines add up to the total exactly (in 1e-10 USD)", () => {
  const next = prng(24);
  const int = (max: number) => Math.floor(next() * max);
  const rate = () => Math.round(next() * 100_000) / 1000;
  for (let i = 0; i < 2000; i++) {
    const input = int(2_000_000);
    const cached = int(input + 1);
    const write = int(input - cached + 1);
    const output = int(100_000);
    const price: ModelPrice = {
      input: rate(),
      output: rate(),
      cached_input: rate(),
      cache_write: rate(),
      cache_write_1h: rate(),
      audio_input: rate(),
      per_use: { web_search: rate() / 100 },
      inference_geo_multipliers: { us: 1.1 },
      tiers: [{ above_input_tokens: 1_000_000, input: rate(), output: rate() }],
    };
    const facts: BillingFacts = {
      cache_write_by_ttl: { "1h": int(write + 1) },
      audio_input_tokens: int(1000),
      server_tool_uses: { web_search_requests: int(5) },
      inference_geo: next() < 0.5 ? "us" : "global",
    };
    const got = costOf(report(usage(input, output, { cached, write }), facts), price);
    const lines = got.cost_breakdown!.lines;
    const sum = lines.reduce((acc, l) => acc + Math.round(l.amount_usd! * 1e10), 0);
    strictEqual(Math.round(got.estimated_cost_usd! * 1e10), sum, `case ${i}`);
    // Every token is on exactly one line.
    const tokens = lines.filter((l) => l.unit === "per_million_tokens")
      .reduce((acc, l) => acc + l.quantity, 0);
    strictEqual(tokens, input + output, `case ${i}`);
  }
});

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { ModelPrice } from "../../src/config/schema.ts";
import { computeCost, costOf, createCostEstimator } from "../../src/pricing/mod.ts";
import type { UsageReport } from "../../src/providers/mod.ts";
import type { Usage } from "../../src/traces/mod.ts";
import { usage } from "../providers/replay.ts";

const costs: { name: string; price: ModelPrice; usage: Usage; usd: number }[] = [
  { name: "no tokens", price: { input: 3, output: 15 }, usage: usage(0, 0), usd: 0 },
  {
    name: "gpt-4o-mini 1000/1000 (reference value)",
    price: { input: 0.15, cached_input: 0.075, output: 0.6 },
    usage: usage(1000, 1000),
    usd: 0.00075,
  },
  {
    name: "claude-haiku-4-5 1000/500 (reference value)",
    price: { input: 1, output: 5 },
    usage: usage(1000, 500),
    usd: 0.0035,
  },
  {
    name: "claude-opus-4-6 2000/1000 (reference value)",
    price: { input: 5, output: 25 },
    usage: usage(2000, 1000),
    usd: 0.035,
  },
  {
    name: "cached input at the cached price",
    price: { input: 2.5, cached_input: 1.25, output: 10 },
    usage: usage(10_000, 500, { cached: 4000 }),
    usd: (6000 * 2.5 + 4000 * 1.25 + 500 * 10) / 1e6,
  },
  {
    name: "anthropic cache read and write",
    price: { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
    usage: usage(12 + 10240 + 2048, 45, { cached: 10240, write: 2048 }),
    usd: 0.011463,
  },
  {
    name: "cache prices default to the input price",
    price: { input: 1, output: 2 },
    usage: usage(300, 10, { cached: 100, write: 100 }),
    usd: (300 * 1 + 10 * 2) / 1e6,
  },
  {
    name: "reasoning is part of output and not charged twice",
    price: { input: 1.1, cached_input: 0.275, output: 4.4 },
    usage: usage(1180, 256, { cached: 1024, reasoning: 192 }),
    usd: (156 * 1.1 + 1024 * 0.275 + 256 * 4.4) / 1e6,
  },
  {
    name: "gpt-6.2-sol: cache reads at 0.05x, cache writes at 1.25x input",
    price: { input: 2, cached_input: 0.1, cache_write: 2.5, output: 10 },
    usage: usage(10_000, 100, { cached: 6000, write: 3207 }),
    usd: (793 * 2 + 6000 * 0.1 + 3207 * 2.5 + 100 * 10) / 1e6,
  },
  {
    name: "reasoning priced apart when the price says so",
    price: { input: 0.55, output: 2.19, reasoning: 1 },
    usage: usage(1000, 500, { reasoning: 300 }),
    usd: (1000 * 0.55 + 200 * 2.19 + 300 * 1) / 1e6,
  },
  {
    name: "more cached tokens than input tokens is clamped",
    price: { input: 2, cached_input: 0.5, output: 8 },
    usage: usage(100, 0, { cached: 150 }),
    usd: 0.00005,
  },
  {
    name: "no floating-point noise",
    price: { input: 0.1, output: 0.2 },
    usage: usage(1, 1),
    usd: 3e-7,
  },
  {
    name: "large bills stay exact",
    price: { input: 30, output: 180 },
    usage: usage(1_000_000, 1_000_000),
    usd: 210,
  },
];

for (const c of costs) {
  Deno.test(`computeCost: ${c.name}`, () => {
    const got = computeCost(c.price, c.usage);
    strictEqual(got, Math.round(c.usd * 1e10) / 1e10);
  });
}

const exact = (u: Usage): UsageReport => ({
  model: "m",
  usage: u,
  status: "exact",
  parseErrors: 0,
});
const price: ModelPrice = { input: 1, output: 2 };
const now = Date.parse("2026-12-06T12:00:00Z");

Deno.test("costOf: a cost only for exact usage of a priced model, null otherwise", () => {
  type Expected = Omit<ReturnType<typeof costOf>, "cost_breakdown">;
  const table: [string, UsageReport, ModelPrice | null, Expected][] = [
    ["priced", exact(usage(1000, 1000)), price, {
      estimated_cost_usd: 0.003,
      cost_status: "priced",
    }],
    ["priced at zero tokens", exact(usage(0, 0)), price, {
      estimated_cost_usd: 0,
      cost_status: "priced",
    }],
    ["unpriced", exact(usage(10, 10)), null, { estimated_cost_usd: null, cost_status: "unpriced" }],
    [
      "unknown usage",
      { model: "m", usage: null, status: "unknown", parseErrors: 0 },
      price,
      { estimated_cost_usd: null, cost_status: "unknown_usage" },
    ],
    [
      "reserved capacity (Vertex provisioned throughput): no per-token price",
      { ...exact(usage(10, 10)), billing: { tier: "PROVISIONED_THROUGHPUT", perToken: false } },
      price,
      { estimated_cost_usd: null, cost_status: "unpriced" },
    ],
    [
      "a per-token tier is priced as usual",
      { ...exact(usage(1000, 1000)), billing: { tier: "ON_DEMAND", perToken: true } },
      price,
      { estimated_cost_usd: 0.003, cost_status: "priced" },
    ],
    [
      "no usage by nature",
      { model: null, usage: null, status: "none", parseErrors: 0 },
      price,
      { estimated_cost_usd: null, cost_status: "none" },
    ],
  ];
  for (const [name, report, p, expected] of table) {
    const { cost_breakdown, ...got } = costOf(report, p);
    deepStrictEqual(got, expected, name);
    // A breakdown exactly when a cost was computed.
    deepStrictEqual(cost_breakdown !== null, expected.estimated_cost_usd !== null, name);
  }
});

const tokenLine = (dimension: string, quantity: number, unitPrice: number, amount: number) => ({
  dimension,
  quantity,
  unit: "per_million_tokens" as const,
  unit_price_usd: unitPrice,
  amount_usd: amount,
});

Deno.test("createCostEstimator: resolves the model through the provider's prices", () => {
  const openai = createCostEstimator({ kind: "openai", prices: {} });
  deepStrictEqual(openai("gpt-4o-mini-2024-07-18", exact(usage(1000, 1000)), now), {
    estimated_cost_usd: 0.00075,
    cost_status: "priced",
    cost_breakdown: {
      lines: [
        tokenLine("input", 1000, 0.15, 0.00015),
        tokenLine("output", 1000, 0.6, 0.0006),
      ],
      unpriced: [],
      price_row: {
        source: "built-in openai",
        model: "gpt-4o-mini",
        valid_from: null,
        service_tier: "standard",
        tier_above_input_tokens: null,
        multiplier: 1,
      },
    },
  });
  deepStrictEqual(openai("some-future-model", exact(usage(1000, 1000)), now), {
    estimated_cost_usd: null,
    cost_status: "unpriced",
    cost_breakdown: null,
  });
  const groq = createCostEstimator({
    kind: "openai-compatible",
    prices: { "llama-3.1-8b-instant": { input: 0.05, output: 0.08 } },
  });
  const groqCost = groq("llama-3.1-8b-instant", exact(usage(1_000_000, 1_000_000)), now);
  deepStrictEqual([groqCost.estimated_cost_usd, groqCost.cost_status], [0.13, "priced"]);
  deepStrictEqual(
    groqCost.cost_breakdown?.price_row.source,
    "providers.openai-compatible.prices",
  );
});

Deno.test("costOf: a cost that is not finite is unpriced, never Infinity reported as priced", () => {
  const huge: ModelPrice = { input: Number.MAX_VALUE, output: 1 };
  deepStrictEqual(costOf(exact(usage(1000, 10)), huge), {
    estimated_cost_usd: null,
    cost_status: "unpriced",
    cost_breakdown: null,
  });
});

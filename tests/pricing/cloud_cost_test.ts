/**
 * Cost per cell of the issue 20 usage matrix (plan section 11), through each cloud kind's built-in
 * list and model keys. The expected figure is computed here from the documented formula and the
 * price page's figures, written out again (never read from the code under test); the code rounds
 * to 1e-10 USD, so the comparison allows that much.
 */
import { ok, strictEqual } from "node:assert/strict";
import type { ModelPrice } from "../../src/config/mod.ts";
import { computeCost, createCostEstimator, type PricedProvider } from "../../src/pricing/mod.ts";
import type { Usage } from "../../src/traces/mod.ts";
import { usage } from "../providers/replay.ts";

function near(got: number | null, expected: number, what: string) {
  ok(got !== null, `${what}: unpriced`);
  ok(Math.abs(got - expected) <= 1e-10, `${what}: got ${got}, expected ${expected}`);
}

const provider = (kind: string, extra: Partial<PricedProvider> = {}): PricedProvider =>
  ({ kind, prices: {}, ...extra }) as PricedProvider;

const exact = (u: Usage) => ({ status: "exact" as const, usage: u });
const now = Date.parse("2026-12-06T12:00:00Z");

/** Gemini `usageMetadata` to the trace's usage, by the plan's section 2.1 formulas. */
function gemini(m: {
  prompt: number;
  candidates: number;
  cached?: number;
  thoughts?: number;
  toolUse?: number;
}): Usage {
  return usage(m.prompt + (m.toolUse ?? 0), m.candidates + (m.thoughts ?? 0), {
    cached: m.cached ?? 0,
    reasoning: m.thoughts ?? 0,
  });
}

/** Bedrock Converse `usage` to the trace's usage, by section 2.2. */
function converse(m: { input: number; output: number; read?: number; write?: number }): Usage {
  return usage(m.input + (m.read ?? 0) + (m.write ?? 0), m.output, {
    cached: m.read ?? 0,
    write: m.write ?? 0,
  });
}

// gemini-2.5-flash: 0.30 input, 0.03 cache read, 2.50 output (thinking included).
const flash = { in: 0.3, cached: 0.03, out: 2.5 };
const geminiCells: [string, Usage, number][] = [
  [
    "no cache (prompt 21, candidates 445)",
    gemini({ prompt: 21, candidates: 445 }),
    (21 * flash.in + 445 * flash.out) / 1e6,
  ],
  [
    "cache read (prompt 1844, cached 901, toolUse 1934, candidates 432, thoughts 91)",
    gemini({ prompt: 1844, cached: 901, toolUse: 1934, candidates: 432, thoughts: 91 }),
    ((1844 + 1934 - 901) * flash.in + 901 * flash.cached + (432 + 91) * flash.out) / 1e6,
  ],
  [
    "thinking billed as output (thoughts 213)",
    gemini({ prompt: 21, candidates: 445, thoughts: 213 }),
    (21 * flash.in + (445 + 213) * flash.out) / 1e6,
  ],
];

for (const kind of ["gemini", "vertex"]) {
  for (const model of ["gemini-2.5-flash", "models/gemini-2.5-flash"]) {
    for (const [cell, u, usd] of geminiCells) {
      Deno.test(`cloud cost: ${kind} ${model}: ${cell}`, () => {
        strictEqual(u.cache_write_tokens, 0, "Gemini has no cache write");
        const cost = createCostEstimator(provider(kind))(model, exact(u), now);
        strictEqual(cost.cost_status, "priced");
        near(cost.estimated_cost_usd, usd, cell);
      });
    }
  }
}

// gemini-2.5-pro: 1.25 / 0.125 / 10 for prompts <= 200k tokens; 2.50 / 0.25 / 15 above, for
// the whole request (output included).
const pro = { in: 1.25, cached: 0.125, out: 10 };
const proLong = { in: 2.5, cached: 0.25, out: 15 };
const tierCells: [string, number, typeof pro][] = [
  ["just below the threshold", 199_999, pro],
  ["at the threshold (not above it)", 200_000, pro],
  ["just above: the whole request at the long-prompt prices", 200_001, proLong],
];
for (const [cell, prompt, p] of tierCells) {
  Deno.test(`cloud cost: gemini-2.5-pro ${cell}`, () => {
    const u = gemini({ prompt, cached: 50_000, candidates: 700, thoughts: 300 });
    const expected = ((prompt - 50_000) * p.in + 50_000 * p.cached + 1000 * p.out) / 1e6;
    for (const kind of ["gemini", "vertex"]) {
      const id = kind === "vertex"
        ? "projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro"
        : "gemini-2.5-pro";
      near(
        createCostEstimator(provider(kind))(id, exact(u), now).estimated_cost_usd,
        expected,
        kind,
      );
    }
  });
}

Deno.test("cloud cost: the tier threshold counts cached and tool-use prompt tokens", () => {
  // 150,000 prompt + 60,000 tool-use prompt tokens: 210,000 input, above 200k.
  const u = gemini({ prompt: 150_000, toolUse: 60_000, cached: 100_000, candidates: 10 });
  const expected = (110_000 * proLong.in + 100_000 * proLong.cached + 10 * proLong.out) / 1e6;
  near(
    createCostEstimator(provider("gemini"))("gemini-2.5-pro", exact(u), now).estimated_cost_usd,
    expected,
    "pro",
  );
});

// Claude Sonnet 4.5 list prices: 3 input, 0.30 cache read, 3.75 cache write (5 min), 15 output;
// regional endpoints +10% over global (Anthropic's Bedrock and Vertex pages).
const sonnet = { in: 3, read: 0.3, write: 3.75, out: 15 };
const bedrockCells: [string, Usage, number][] = [
  [
    "no cache (input 10, output 5)",
    converse({ input: 10, output: 5 }),
    (10 * sonnet.in + 5 * sonnet.out) / 1e6,
  ],
  [
    "cache write 1500",
    converse({ input: 10, output: 5, write: 1500 }),
    (10 * sonnet.in + 1500 * sonnet.write + 5 * sonnet.out) / 1e6,
  ],
  [
    "cache read 1500",
    converse({ input: 10, output: 5, read: 1500 }),
    (10 * sonnet.in + 1500 * sonnet.read + 5 * sonnet.out) / 1e6,
  ],
  [
    "reasoning content (no separate count: all output)",
    converse({ input: 10, output: 400 }),
    (10 * sonnet.in + 400 * sonnet.out) / 1e6,
  ],
];
const bedrockIds: [string, number][] = [
  ["global.anthropic.claude-sonnet-4-5-20250929-v1:0", 1],
  ["us.anthropic.claude-sonnet-4-5-20250929-v1:0", 1.1],
  ["eu.anthropic.claude-sonnet-4-5-20250929-v1:0", 1.1],
  ["anthropic.claude-sonnet-4-5-20250929-v1:0", 1.1],
  ["us.anthropic.claude-sonnet-4-5-20250929-v1%3A0", 1.1],
];
for (const [cell, u, usd] of bedrockCells) {
  for (const [id, uplift] of bedrockIds) {
    Deno.test(`cloud cost: bedrock ${id}: ${cell}`, () => {
      const cost = createCostEstimator(provider("bedrock"))(id, exact(u), now);
      near(cost.estimated_cost_usd, usd * uplift, `${id} x${uplift}`);
    });
  }
}

Deno.test("cloud cost: Claude on Vertex: global at list price, regional +10% (adapter scope)", () => {
  const u = usage(2000 + 4000 + 1000, 300, { cached: 4000, write: 1000, reasoning: 120 });
  const base = (2000 * sonnet.in + 4000 * sonnet.read + 1000 * sonnet.write + 300 * sonnet.out) /
    1e6;
  for (const [scope, k] of [["global", 1], ["regional", 1.1]] as const) {
    const estimate = createCostEstimator(
      provider("vertex"),
      undefined,
      (m) => ({ model: m, scope }),
    );
    near(estimate("claude-sonnet-4-5@20250929", exact(u), now).estimated_cost_usd, base * k, scope);
  }
  // Without a scope (an adapter that cannot tell): 1x, never a guess.
  near(
    createCostEstimator(provider("vertex"))("claude-sonnet-4-5@20250929", exact(u), now)
      .estimated_cost_usd,
    base,
    "no scope",
  );
});

Deno.test("cloud cost: Claude before Sonnet 4.5 on Bedrock and Vertex stays unpriced", () => {
  for (
    const [kind, id] of [
      ["bedrock", "us.anthropic.claude-3-5-sonnet-20240620-v1:0"],
      ["bedrock", "anthropic.claude-opus-4-1-20250805-v1:0"],
      ["bedrock", "amazon.nova-pro-v1:0"],
      ["bedrock", "meta.llama3-3-70b-instruct-v1:0"],
      ["vertex", "claude-sonnet-4@20250514"],
      ["gemini", "gemini-3.5-flash"],
      ["gemini", "gemini-2.5-flash-preview-tts"],
      ["gemini", "gemini-2.5-flash-preview-05-20"],
      ["gemini", "gemini-2.5-flash-image-preview"],
      ["gemini", "gemini-3.1-flash-lite-preview"],
      ["gemini", "gemini-embedding-001"],
      ["bedrock", "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc"],
    ]
  ) {
    const cost = createCostEstimator(provider(kind!))(id!, exact(usage(10, 5)), now);
    strictEqual(cost.cost_status, "unpriced", id);
    strictEqual(cost.estimated_cost_usd, null, id);
  }
});

Deno.test("cloud cost: Azure deployments map to OpenAI's prices; a config multiplier applies", () => {
  // gpt-4o: 2.50 input, 1.25 cached, 10 output. o4-mini: 1.10 / 0.275 / 4.40.
  const azure = provider("azure-openai", {
    deployments: { "prod-4o": "gpt-4o", "eu-mini": { model: "o4-mini", scope: "data_zone" } },
    prices: {
      "o4-mini": {
        input: 1.1,
        cached_input: 0.275,
        output: 4.4,
        scope_multipliers: { data_zone: 1.1 },
      },
    },
  });
  const estimate = createCostEstimator(azure);
  const chat = usage(1200, 80, { cached: 1024 });
  near(
    estimate("prod-4o", exact(chat), now).estimated_cost_usd,
    (176 * 2.5 + 1024 * 1.25 + 80 * 10) / 1e6,
    "prod-4o",
  );
  const reasoning = usage(500, 900, { reasoning: 640 });
  near(
    estimate("eu-mini", exact(reasoning), now).estimated_cost_usd,
    (500 * 1.1 + 900 * 4.4) * 1.1 / 1e6,
    "eu-mini",
  );
  // The response's own model id (no deployment name) prices through the OpenAI list.
  near(
    estimate("gpt-4o-2024-08-06", exact(chat), now).estimated_cost_usd,
    (176 * 2.5 + 1024 * 1.25 + 80 * 10) / 1e6,
    "model",
  );
  strictEqual(estimate("unmapped-deployment", exact(chat), now).cost_status, "unpriced");
});

Deno.test("cloud cost: a tier's absent cache prices default to the tier's input", () => {
  const price: ModelPrice = {
    input: 1,
    cached_input: 0.1,
    cache_write: 1.25,
    output: 2,
    tiers: [{ above_input_tokens: 1000, input: 3, output: 5 }],
  };
  near(
    computeCost(price, usage(1001, 10, { cached: 500, write: 100 })),
    (1001 * 3 + 10 * 5) / 1e6,
    "tier",
  );
  near(
    computeCost(price, usage(1000, 10, { cached: 500, write: 100 })),
    (400 + 50 + 125 + 20) / 1e6,
    "base",
  );
});

Deno.test("cloud cost: the highest tier below the input wins; multipliers scale tiers too", () => {
  const price: ModelPrice = {
    input: 1,
    output: 1,
    tiers: [
      { above_input_tokens: 100, input: 2, output: 2 },
      { above_input_tokens: 200, input: 4, output: 4, reasoning: 8 },
    ],
    scope_multipliers: { geo: 1.5 },
  };
  near(computeCost(price, usage(150, 10)), 160 * 2 / 1e6, "first tier");
  near(
    computeCost(price, usage(201, 10, { reasoning: 4 })),
    (201 * 4 + 6 * 4 + 4 * 8) / 1e6,
    "second",
  );
  near(computeCost(price, usage(201, 10), "geo"), 211 * 4 * 1.5 / 1e6, "geo");
  near(computeCost(price, usage(201, 10), "global"), 211 * 4 / 1e6, "a scope without data: 1x");
});

Deno.test("cloud cost: tiers out of order (a price from elsewhere) still pick the highest crossed", () => {
  const price: ModelPrice = {
    input: 1,
    output: 1,
    tiers: [
      { above_input_tokens: 200, input: 4, output: 4 },
      { above_input_tokens: 100, input: 2, output: 2 },
    ],
  };
  near(computeCost(price, usage(201, 0)), 201 * 4 / 1e6, "above both");
  near(computeCost(price, usage(150, 0)), 150 * 2 / 1e6, "above one");
});

Deno.test("cloud cost: Bedrock invoke with an Anthropic body (usage as anthropic.ts reads it)", () => {
  // Anthropic usage: input_tokens 12 (uncached), cache_creation 2048, cache_read 10240, output 45.
  const u = usage(12 + 2048 + 10240, 45, { cached: 10240, write: 2048 });
  // claude-haiku-4-5: 1 input, 0.10 cache read, 1.25 cache write, 5 output; geo profile +10%.
  const base = (12 * 1 + 10240 * 0.1 + 2048 * 1.25 + 45 * 5) / 1e6;
  const estimate = createCostEstimator(provider("bedrock"));
  near(
    estimate("us.anthropic.claude-haiku-4-5-20251001-v1:0", exact(u), now).estimated_cost_usd,
    base * 1.1,
    "geo",
  );
  near(
    estimate("global.anthropic.claude-haiku-4-5-20251001-v1:0", exact(u), now).estimated_cost_usd,
    base,
    "global",
  );
});

Deno.test("cloud cost: Azure cache writes (gpt-5.6 and later) at 1.25x input", () => {
  // gpt-5.6-sol: 5 input, 0.50 cache read, 6.25 cache write, 30 output.
  const azure = provider("azure-openai", { deployments: { sol: "gpt-5.6-sol" } });
  const u = usage(10_000, 100, { cached: 6000, write: 3207, reasoning: 60 });
  const expected = (793 * 5 + 6000 * 0.5 + 3207 * 6.25 + 100 * 30) / 1e6;
  near(createCostEstimator(azure)("sol", exact(u), now).estimated_cost_usd, expected, "sol");
});

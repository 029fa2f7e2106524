import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { costOf, createPricer } from "../../src/pricing/mod.ts";
import type { BillingFacts, UsageReport } from "../../src/providers/mod.ts";
import { usage } from "../providers/replay.ts";

const anthropic = createPricer({ kind: "anthropic", prices: {} });
const openai = createPricer({ kind: "openai", prices: {} });
const azure = createPricer({ kind: "azure-openai", prices: {} });

const exact = (facts: BillingFacts): UsageReport => ({
  model: "m",
  usage: usage(1_000_000, 1_000_000),
  status: "exact",
  parseErrors: 0,
  facts,
});

Deno.test("built-in Anthropic rows: 1-hour writes at 2x input, batch at half, tools per use", () => {
  const sonnet = anthropic("claude-sonnet-4-6-20260101")!;
  strictEqual(sonnet.cache_write_1h, 6);
  deepStrictEqual(sonnet.service_tiers?.batch, { input: 1.5, output: 7.5 });
  deepStrictEqual(sonnet.per_use, { web_search: 0.01, web_fetch: 0 });
  deepStrictEqual(sonnet.inference_geo_multipliers, { us: 1.1 });
  // US-only inference is priced apart from Claude 4.6 on; earlier models refuse the parameter.
  strictEqual(anthropic("claude-sonnet-4-5")!.inference_geo_multipliers, undefined);
  strictEqual(anthropic("claude-opus-5")!.inference_geo_multipliers?.us, 1.1);
  // A batch answer: a million tokens each way at half of $3 / $15.
  const batch = costOf(exact({ service_tier: "batch" }), sonnet);
  deepStrictEqual([batch.cost_status, batch.estimated_cost_usd], ["priced", 9]);
  // Priority tier is a commitment Anthropic bills apart: unpriced, never at standard.
  strictEqual(costOf(exact({ service_tier: "priority" }), sonnet).cost_status, "unpriced");
});

Deno.test("built-in OpenAI rows: flex and batch at half, priority where published", () => {
  const gpt5 = openai("gpt-5")!;
  deepStrictEqual(gpt5.service_tiers?.flex, { input: 0.625, output: 5 });
  deepStrictEqual(gpt5.service_tiers?.priority, { input: 2.5, cached_input: 0.25, output: 20 });
  strictEqual(openai("gpt-6.2-sol")!.service_tiers?.priority, undefined);
  const flex = costOf(exact({ service_tier: "flex" }), gpt5);
  deepStrictEqual([flex.cost_status, flex.estimated_cost_usd], ["priced", 5.625]);
  deepStrictEqual(gpt5.per_use, { web_search: 0.01, file_search: 0.0025 });
});

Deno.test("built-in Azure OpenAI rows keep batch only: no OpenAI flex, priority or tool prices", () => {
  const row = azure("gpt-5")!;
  deepStrictEqual(row.service_tiers, { batch: { input: 0.625, output: 5 } });
  strictEqual(row.per_use, undefined);
  strictEqual(costOf(exact({ service_tier: "flex" }), row).cost_status, "unpriced");
});

Deno.test("built-in long context: above the threshold the whole request at 2x input, 1.5x output", () => {
  const sonnet45 = anthropic("claude-sonnet-4-5-20250929")!;
  deepStrictEqual(sonnet45.tiers, [{
    above_input_tokens: 200_000,
    input: 6,
    output: 22.5,
    cached_input: 0.6,
    cache_write: 7.5,
    cache_write_1h: 12,
  }]);
  // Claude 4.6 bills the full context at the standard price.
  strictEqual(anthropic("claude-sonnet-4-6")!.tiers, undefined);
  deepStrictEqual(openai("gpt-5.5")!.tiers, [{
    above_input_tokens: 272_000,
    input: 10,
    output: 45,
    cached_input: 1,
  }]);
  // 300,000 input (100,000 of them read from the cache) and 1,000 output, on Sonnet 4.5.
  const long: UsageReport = {
    model: "m",
    status: "exact",
    parseErrors: 0,
    usage: usage(300_000, 1000, { cached: 100_000 }),
  };
  const cost = costOf(long, sonnet45);
  deepStrictEqual(
    [cost.estimated_cost_usd, cost.cost_breakdown?.price_row.tier_above_input_tokens],
    [(200_000 * 6 + 100_000 * 0.6 + 1000 * 22.5) / 1e6, 200_000],
  );
});

Deno.test("Vertex priority and flex traffic is the tier that served it, never standard", () => {
  const row = { input: 1.25, output: 10, service_tiers: { flex: { input: 0.625, output: 5 } } };
  const report = (tier: string): UsageReport => ({
    model: "m",
    status: "exact",
    parseErrors: 0,
    usage: usage(1_000_000, 0),
    billing: { tier, perToken: true },
  });
  deepStrictEqual(costOf(report("ON_DEMAND_FLEX"), row).estimated_cost_usd, 0.625);
  deepStrictEqual(costOf(report("ON_DEMAND_PRIORITY"), row).cost_status, "unpriced");
  deepStrictEqual(costOf(report("ON_DEMAND"), row).estimated_cost_usd, 1.25);
});

import assert from "node:assert/strict";
import { knownCost } from "../../src/store/analytics_types.ts";

Deno.test("knownCost: unknown is null, never 0; a partly priced total stays (a lower bound)", () => {
  const cases: [string, [number, number, number, number], number | null][] = [
    // [what, [sum, priced, unpriced, unknown usage], total]
    ["all priced", [0.5, 3, 0, 0], 0.5],
    ["no price for any", [0, 0, 2, 0], null],
    ["usage unknown for all", [0, 0, 0, 2], null],
    ["unpriced and unknown usage, nothing priced", [0, 0, 1, 1], null],
    ["partly priced: the known part", [0.25, 1, 4, 0], 0.25],
    ["priced and a cut stream: the known part", [0.25, 1, 0, 1], 0.25],
    ["only requests that cost nothing (a refused 429, a model list)", [0, 0, 0, 0], 0],
  ];
  for (const [what, [sum, priced, unpriced, unknown], want] of cases) {
    const row = {
      total_cost_usd: sum,
      priced_count: priced,
      unpriced_count: unpriced,
      unknown_usage_count: unknown,
    };
    assert.equal(knownCost(row), want, what);
  }
});

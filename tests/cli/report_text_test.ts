import assert from "node:assert/strict";
import { totalCost } from "../../src/cli/report_text.ts";

Deno.test("report: a total cost says when it is unknown or only a lower bound", () => {
  const cases: [number | null, number, number, string][] = [
    // [total_cost_usd, unpriced_count, unknown_usage_count, printed]
    [0.011, 0, 0, "0.011000"],
    [0, 0, 0, "0.000000"],
    [null, 2, 0, "unpriced"],
    [null, 1, 3, "unpriced"],
    [null, 0, 1, "unknown"],
    [0.011, 1, 0, ">=0.011000"],
    [0.011, 0, 2, ">=0.011000"],
  ];
  for (const [total, unpriced, unknown, want] of cases) {
    const got = totalCost({
      total_cost_usd: total,
      unpriced_count: unpriced,
      unknown_usage_count: unknown,
    });
    assert.equal(got, want, JSON.stringify([total, unpriced, unknown]));
  }
});

/**
 * The report's stacked series over time (report_html_time.ts): a series per provider, or per
 * model with the long tail summed, every slot present, unknown kept apart from zero; and the page
 * of an empty store.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackedModels, stackedSeries } from "../../src/cli/report_html_time.ts";
import { buildReport } from "../../src/cli/report_data.ts";
import { htmlReport } from "../../src/cli/report_html.ts";
import { openSqliteStore } from "../../src/store/mod.ts";

const slots = ["d1", "d2", "d3"];
const row = (bucket_start: string, name: string, cost: number | null, tokens = 10) => ({
  bucket_start,
  name,
  total_cost_usd: cost,
  total_tokens: tokens,
});
const cost = (d: { total_cost_usd: number | null }) => d.total_cost_usd;

Deno.test("stacked series: one per provider by name, a slot without traffic is 0", () => {
  const series = stackedSeries(
    slots,
    [row("d1", "openai", 2), row("d3", "anthropic", 1), row("d3", "openai", null)],
    "provider",
    cost,
  );
  assert.deepStrictEqual(series, [
    { name: "anthropic", values: [0, 0, 1] },
    { name: "openai", values: [2, 0, null] },
  ]);
});

Deno.test("stacked series: the costliest models each their own, the rest summed", () => {
  const cases: [string, ReturnType<typeof row>[], [string, (number | null)[]][]][] = [
    ["no tail", [row("d1", "a", 1), row("d2", "b", 3)], [["b", [0, 3, 0]], ["a", [1, 0, 0]]]],
    [
      "ties by tokens, then by name",
      [row("d1", "y", 1, 5), row("d1", "x", 1, 5), row("d1", "z", 1, 9)],
      [["z", [1, 0, 0]], ["x", [1, 0, 0]], ["y", [1, 0, 0]]],
    ],
    [
      "a tail of three: the known parts summed, unknown alone stays unknown",
      [
        ...Array.from({ length: stackedModels }, (_, i) => row("d1", `m${i}`, 100 + i)),
        row("d1", "t1", 1),
        row("d1", "t2", null),
        row("d2", "t2", null),
        row("d3", "t3", 2),
      ],
      [
        ...Array.from({ length: stackedModels }, (_, i) => {
          const k = stackedModels - 1 - i;
          return [`m${k}`, [100 + k, 0, 0]] as [string, (number | null)[]];
        }),
        ["3 other models", [1, null, 2]],
      ],
    ],
  ];
  for (const [name, rows, want] of cases) {
    const got = stackedSeries(slots, rows, "model", cost).map((s) => [s.name, s.values]);
    assert.deepStrictEqual(got, want, name);
  }
});

Deno.test("an empty store's page: zero requests have no error rate, every chart says no data", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-report-empty-" });
  try {
    const store = await openSqliteStore({ path: join(dir, "traces.db") });
    try {
      const doc = await buildReport(store, { limit: 10 }, { driver: "sqlite", path: "traces.db" });
      const page = htmlReport(doc);
      assert.match(page, /Errors<\/[a-z]+>\s*<[a-z]+[^>]*>0 \(no requests\)</);
      assert.doesNotMatch(page, /0\.00%/);
      assert.doesNotMatch(page, /<svg class="chart"/, "nothing drawn from no data");
      assert.match(page, /No data in this period\./);
    } finally {
      await store.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

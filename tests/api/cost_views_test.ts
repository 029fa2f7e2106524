/**
 * The cost views of issue 24. `GET /api/reconciliation`: the reports saved by `ongoingai
 * reconcile --save` against the traces, the figures the command prints, every provider or one,
 * and what cannot be compared named in `notes`. `GET /api/analytics/dimensions`: cost by billed
 * dimension, adding up to the cost analytics reports.
 */
import assert from "node:assert/strict";
import { reconciliationResponseSchema } from "../../src/api/reconciliation_schema.ts";
import { dimensionsSchema } from "../../src/api/analytics_dimensions.ts";
import { days, reports, trace } from "../testdata/reconcile_month.ts";
import { apiFixture, json } from "./api_fixture.ts";

const traces = days.flatMap((d) => [0, 1, 2].map((i) => trace(d, i)));
const providers = [
  { id: "anthropic", kind: "anthropic", prefix: "/anthropic" },
  { id: "claude-eu", kind: "anthropic", prefix: "/claude-eu" },
  { id: "openai", kind: "openai", prefix: "/openai" },
];

Deno.test("GET /api/reconciliation compares the saved reports with the traces", async () => {
  const fx = await apiFixture(traces, { providers });
  try {
    const none = reconciliationResponseSchema.parse(
      await json(await fx.get("/api/reconciliation")),
    );
    assert.deepStrictEqual(none.items, []);
    assert.match(
      none.notes[0]!,
      /ongoingai reconcile --provider anthropic\|openai --report FILE --save/,
    );

    // The provider billed twice the requests the gateway saw on the second day.
    const { usage, cost } = reports((d) => (d === days[1] ? 2 : 1));
    await fx.store.saveProviderReports("anthropic", [
      { name: "usage.json", body: JSON.stringify(usage) },
      { name: "cost.json", body: JSON.stringify(cost) },
    ]);
    const body = reconciliationResponseSchema.parse(
      await json(await fx.get("/api/reconciliation?provider=anthropic&tolerance=1")),
    );
    assert.deepStrictEqual(body.notes, []);
    const [r] = body.items;
    assert.equal(r!.provider, "anthropic");
    assert.equal(r!.tolerance, 0.01);
    assert.deepStrictEqual(r!.saved_reports.map((s) => s.name), ["usage.json", "cost.json"]);
    assert.equal(r!.verdict.within_tolerance, false);
    const flagged = r!.lines.filter((l) => l.beyond_tolerance);
    assert.deepStrictEqual(flagged.map((l) => [l.day, l.explanations.map((e) => e.cause)]), [
      [days[1], ["bypass"]],
    ]);
    // The other days agree to the cent: the gateway priced them as Anthropic bills them.
    const clean = r!.lines.filter((l) => !l.beyond_tolerance);
    assert.deepStrictEqual(clean.map((l) => l.metrics.usd?.difference), [0, 0]);

    // Within the days asked only; the openai provider has nothing saved, and says so.
    const one = reconciliationResponseSchema.parse(
      await json(await fx.get(`/api/reconciliation?from=${days[0]}&to=${days[0]}`)),
    );
    assert.equal(one.items.length, 1);
    assert.equal(one.items[0]!.verdict.within_tolerance, true);
    assert.deepStrictEqual(one.items[0]!.lines.map((l) => l.day), [days[0]]);
    const openai = reconciliationResponseSchema.parse(
      await json(await fx.get("/api/reconciliation?provider=openai")),
    );
    assert.deepStrictEqual(openai.items, []);
    assert.match(openai.notes[0]!, /no openai report is saved/);

    const bad = await fx.get(`/api/reconciliation?from=${days[2]}&to=${days[0]}`);
    assert.equal(bad.status, 400);
  } finally {
    await fx.close();
  }
});

Deno.test("GET /api/analytics/dimensions: how much went to each billed dimension", async () => {
  const fx = await apiFixture(traces);
  try {
    const all = dimensionsSchema.parse(await json(await fx.get("/api/analytics/dimensions")));
    assert.deepStrictEqual(all.group_by, null);
    // 9 requests of Sonnet 4.6 at its built-in prices: the 1-hour writes cost the most.
    assert.deepStrictEqual(all.items.map((i) => [i.dimension, i.quantity, i.cost_usd]), [
      ["cache_write_1h", 9 * 4000, 9 * 4000 * 6 / 1e6],
      ["output", 9 * 700, 9 * 700 * 15 / 1e6],
      ["cached_input", 9 * 30_000, 9 * 30_000 * 0.3 / 1e6],
      ["cache_write", 9 * 2000, 9 * 2000 * 3.75 / 1e6],
      ["input", 9 * 1200, 9 * 1200 * 3 / 1e6],
    ]);
    // The lines add up to the cost analytics reports for the same traces.
    const cost = await json(await fx.get("/api/analytics/cost"));
    const sum = all.items.reduce((s, i) => s + i.cost_usd, 0);
    assert.equal(Math.round(sum * 1e9) / 1e9, cost.total_cost_usd);
    const byDay = dimensionsSchema.parse(
      await json(await fx.get("/api/analytics/dimensions?bucket=day&group_by=model")),
    );
    assert.deepStrictEqual(
      [...new Set(byDay.items.map((i) => `${i.bucket_start?.slice(0, 10)} ${i.group}`))],
      days.map((d) => `${d} claude-sonnet-4-6`),
    );
    const refused = await fx.get("/api/analytics/dimensions?group_by=developer");
    assert.equal(refused.status, 400);
  } finally {
    await fx.close();
  }
});

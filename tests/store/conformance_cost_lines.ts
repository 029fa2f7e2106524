/**
 * Cost-line cases of the store conformance suite (`TraceStore.costLines`, issue 24): the lines of
 * traces' `cost_breakdown` summed per bucket, group and dimension, the same from the rollup (whole
 * hours) and from the traces (the edges), partial and priced costs alike, and within a tenant.
 */
import assert from "node:assert/strict";
import type { CostLineRow, TraceStore } from "../../src/store/mod.ts";
import type { CostBreakdown, CostLine, Trace } from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const tokens = (dimension: string, quantity: number, usdPerMillion: number | null): CostLine => ({
  dimension,
  quantity,
  unit: "per_million_tokens",
  unit_price_usd: usdPerMillion,
  amount_usd: usdPerMillion === null ? null : quantity * usdPerMillion / 1e6,
});

const breakdown = (lines: CostLine[], unpriced: string[] = []): CostBreakdown => ({
  lines,
  unpriced,
  price_row: {
    source: "built-in anthropic",
    model: "claude-sonnet-4-6",
    valid_from: null,
    service_tier: "standard",
    tier_above_input_tokens: null,
    multiplier: 1,
  },
});

let n = 0;
function traceAt(timestamp: string, model: string, lines: CostLine[], unpriced?: string[]): Trace {
  const b = breakdown(lines, unpriced);
  const usd = lines.reduce((sum, l) => sum + (l.amount_usd ?? 0), 0);
  return makeTrace({
    id: `cl-${++n}`,
    timestamp,
    created_at: timestamp,
    provider: "anthropic",
    model,
    estimated_cost_usd: usd,
    cost_status: unpriced === undefined ? "priced" : "partial",
    cost_breakdown: b,
  });
}

/** Two days of one model and a second model; 10:00-11:00 on the 2nd is a whole hour. */
function history(): Trace[] {
  return [
    traceAt("2026-03-02T10:05:00.000Z", "claude-a", [
      tokens("input", 1000, 3),
      tokens("cache_write", 2000, 3.75),
      tokens("cache_write_1h", 500, 6),
      tokens("output", 100, 15),
    ]),
    traceAt("2026-03-02T10:40:00.000Z", "claude-a", [
      tokens("input", 3000, 3),
      tokens("cache_write_1h", 700, null),
      {
        dimension: "web_search",
        quantity: 2,
        unit: "per_use",
        unit_price_usd: 0.01,
        amount_usd: 0.02,
      },
    ], ["cache_write_1h"]),
    traceAt("2026-03-02T11:30:00.000Z", "claude-b", [tokens("input", 10, 1)]),
    traceAt("2026-03-03T09:15:00.000Z", "claude-a", [tokens("cache_write_1h", 100, 6)]),
    // Stored before cost lines existed: no breakdown, no lines.
    { ...makeTrace({ id: "cl-old", timestamp: "2026-03-02T10:20:00.000Z" }), cost_breakdown: null },
  ];
}

const round = (rows: CostLineRow[]) =>
  rows.map((r) => ({ ...r, cost_usd: Math.round(r.cost_usd * 1e10) / 1e10 }));

const row = (
  bucket: string | null,
  group: string | null,
  dimension: string,
  quantity: number,
  cost: number,
  unpriced = 0,
  traces = 1,
): CostLineRow => ({
  bucket_start: bucket,
  group,
  dimension,
  unit: dimension === "web_search" ? "per_use" : "per_million_tokens",
  quantity,
  cost_usd: cost,
  unpriced_quantity: unpriced,
  trace_count: traces,
});

export const costLineCases: { name: string; run(store: TraceStore): Promise<void> }[] = [
  {
    name: "summed per dimension, dearest first; unpriced quantities apart",
    async run(store) {
      await store.writeBatch(history());
      assert.deepStrictEqual(round(await store.costLines({})), [
        row(null, null, "web_search", 2, 0.02),
        row(null, null, "input", 4010, 0.01201, 0, 3),
        row(null, null, "cache_write", 2000, 0.0075),
        row(null, null, "cache_write_1h", 1300, 0.0036, 700, 3),
        row(null, null, "output", 100, 0.0015),
      ]);
    },
  },
  {
    name: "by day and model: the rollup's whole hours and the traces at the edges agree",
    async run(store) {
      await store.writeBatch(history());
      const day = (d: string) => `2026-03-0${d}T00:00:00.000Z`;
      const want = [
        row(day("2"), "claude-a", "web_search", 2, 0.02),
        row(day("2"), "claude-a", "input", 4000, 0.012, 0, 2),
        row(day("2"), "claude-a", "cache_write", 2000, 0.0075),
        row(day("2"), "claude-a", "cache_write_1h", 1200, 0.003, 700, 2),
        row(day("2"), "claude-a", "output", 100, 0.0015),
        row(day("2"), "claude-b", "input", 10, 0.00001),
        row(day("3"), "claude-a", "cache_write_1h", 100, 0.0006),
      ];
      // Whole range from the rollup; then edges inside hours (raw traces) on both sides.
      assert.deepStrictEqual(
        round(await store.costLines({ bucket: "day", group_by: "model" })),
        want,
      );
      const edged = await store.costLines({
        from: "2026-03-02T10:30:00.000Z",
        to: "2026-03-03T09:20:00.000Z",
        bucket: "day",
        group_by: "model",
      });
      assert.deepStrictEqual(round(edged), [
        row(day("2"), "claude-a", "web_search", 2, 0.02),
        row(day("2"), "claude-a", "input", 3000, 0.009),
        row(day("2"), "claude-a", "cache_write_1h", 700, 0, 700),
        row(day("2"), "claude-b", "input", 10, 0.00001),
        row(day("3"), "claude-a", "cache_write_1h", 100, 0.0006),
      ]);
    },
  },
  {
    name: "a tenant sees its own lines; groups the rollup does not keep are refused",
    async run(store) {
      await store.writeBatch(history());
      const other = { org_id: "acme", workspace_id: "default" };
      assert.deepStrictEqual(await store.costLines({ scope: other }), []);
      await assert.rejects(() => store.costLines({ group_by: "developer" }), RangeError);
    },
  },
];

export const providerReportCases: { name: string; run(store: TraceStore): Promise<void> }[] = [
  {
    name: "a save replaces the provider's set; other providers keep theirs; bounds refuse",
    async run(store) {
      assert.deepStrictEqual(await store.providerReports("anthropic"), []);
      await store.saveProviderReports("anthropic", [
        { name: "usage.json", body: '{"data":[]}' },
        { name: "cost.json", body: '{"data":[1]}' },
      ]);
      await store.saveProviderReports("openai", [{ name: "o.json", body: "{}" }]);
      const saved = await store.providerReports("anthropic");
      assert.deepStrictEqual(saved.map((r) => [r.name, r.body]), [
        ["usage.json", '{"data":[]}'],
        ["cost.json", '{"data":[1]}'],
      ]);
      assert.match(saved[0]!.saved_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      await store.saveProviderReports("anthropic", [{ name: "later.json", body: "[]" }]);
      assert.deepStrictEqual((await store.providerReports("anthropic")).map((r) => r.name), [
        "later.json",
      ]);
      assert.equal((await store.providerReports("openai")).length, 1);
      await assert.rejects(() => store.saveProviderReports("anthropic", []), RangeError);
      await assert.rejects(
        () => store.saveProviderReports("Bad Name", [{ name: "x", body: "" }]),
        RangeError,
      );
      // A refused save leaves the set as it was.
      assert.deepStrictEqual((await store.providerReports("anthropic")).map((r) => r.name), [
        "later.json",
      ]);
    },
  },
];

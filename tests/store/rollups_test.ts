/**
 * rollups.ts: one batch's rollup rows, which both stores add to the stored ones (SQLite merges
 * in TypeScript, PostgreSQL upserts). `rollupsOf` adds each trace into its key's row in place;
 * it must give what merging every trace's own row (`mergeRollup`) gives, field for field.
 */
import assert from "node:assert/strict";
import { mergeRollup, type Rollup, rollupsOf, type RollupTable } from "../../src/store/rollups.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

/** The reference: every trace's own row (a batch of one), merged with `mergeRollup`. */
function mergedSingles(traces: readonly Trace[]): Map<RollupTable, Map<string, Rollup>> {
  const out = new Map<RollupTable, Map<string, Rollup>>();
  for (const t of traces) {
    for (const [table, rows] of rollupsOf([t])) {
      const into = out.get(table) ?? new Map<string, Rollup>();
      out.set(table, into);
      for (const [key, row] of rows) {
        const seen = into.get(key);
        if (seen === undefined) into.set(key, row);
        else mergeRollup(seen, row);
      }
    }
  }
  return out;
}

const hour = (h: number, m = 0) =>
  `2026-03-01T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:00.000Z`;

const cases: { name: string; traces: () => Trace[] }[] = [
  { name: "no traces", traces: () => [] },
  { name: "one trace", traces: () => [makeTrace()] },
  {
    name: "one key, mixed figures (unknown usage, unpriced, errors, no ttft)",
    traces: () => [
      makeTrace({ latency_ms: 10, estimated_cost_usd: 0.1 }),
      makeTrace({ latency_ms: 0, response_status: 404, cost_status: "unpriced" }),
      makeTrace({
        latency_ms: 5000,
        response_status: 503,
        usage_status: "unknown",
        input_tokens: null,
        output_tokens: null,
        total_tokens: null,
        time_to_first_token_us: null,
        estimated_cost_usd: null,
        cost_status: "unknown_usage",
      }),
      makeTrace({ latency_ms: 10, estimated_cost_usd: 0.2, api_key_last4: null }),
      makeTrace({ latency_ms: 7, estimated_cost_usd: 0.3, api_key_last4: "zzzz" }),
    ],
  },
  {
    name: "hours, days, tenants and every dimension apart",
    traces: () => [
      makeTrace({ timestamp: hour(1, 59) }),
      makeTrace({ timestamp: hour(2, 0) }),
      makeTrace({ timestamp: "2026-03-02T00:00:00.000Z" }),
      makeTrace({ org_id: "o2" }),
      makeTrace({ workspace_id: "w2" }),
      makeTrace({ provider: "anthropic", model: "claude" }),
      makeTrace({ request_path: "/v1/messages" }),
      makeTrace({ gateway_key_id: "gk_1" }),
      makeTrace({ api_key_hash: null }),
      makeTrace({ api_key_hash: "h2" }),
      makeTrace({ developer: "alice", agent: "codex", route: "main" }),
      makeTrace({ developer: "alice", agent: "codex", route: "main", latency_ms: 3 }),
    ],
  },
  {
    name: "float costs added in batch order",
    traces: () =>
      [0.1, 0.2, 0.3, 1e-9, 123.456, 0.7].map((c) => makeTrace({ estimated_cost_usd: c })),
  },
];

for (const c of cases) {
  Deno.test(`rollupsOf equals the merge of each trace's row: ${c.name}`, () => {
    const traces = c.traces();
    const fast = rollupsOf(traces);
    const reference = mergedSingles(traces);
    for (const table of ["rollup_hourly", "rollup_daily_keys"] as const) {
      assert.deepStrictEqual(fast.get(table), reference.get(table) ?? new Map());
    }
  });
}

Deno.test("rollupsOf: figures of one key", () => {
  const traces = [
    makeTrace({ latency_ms: 10, time_to_first_token_us: 2000, estimated_cost_usd: 0.25 }),
    makeTrace({ latency_ms: 30, time_to_first_token_us: null, response_status: 429 }),
    makeTrace({
      latency_ms: 20,
      response_status: 500,
      cost_status: "unpriced",
      usage_status: "unknown",
      total_tokens: null,
      api_key_last4: "zzzz",
      timestamp: hour(10, 59),
    }),
  ];
  const hourly = [...rollupsOf(traces).get("rollup_hourly")!.values()];
  assert.equal(hourly.length, 1);
  const r = hourly[0]!;
  assert.equal(r.period, hour(10));
  assert.equal(r.request_count, 3);
  assert.equal(r.total_tokens, 84, "unknown usage adds 0");
  assert.equal(r.unknown_usage_count, 1);
  assert.equal(r.cost_usd, 0.25 + 0.0000198, "priced traces only");
  assert.equal(r.priced_count, 2);
  assert.equal(r.unpriced_count, 1);
  assert.equal(r.error_count_4xx, 1);
  assert.equal(r.error_count_5xx, 1);
  assert.equal(r.latency_sum, 60);
  assert.equal(r.latency_min, 10);
  assert.equal(r.latency_max, 30);
  assert.equal(r.ttft_us_sum, 2000 + 45_000);
  assert.equal(r.ttft_count, 2);
  assert.equal(r.first_seen_at, hour(10));
  assert.equal(r.last_seen_at, hour(10, 59));
  assert.equal(r.api_key_last4, "zzzz");
  assert.equal([...r.latency_hist.values()].reduce((a, b) => a + b, 0), 3);
  assert.equal([...r.ttft_hist.values()].reduce((a, b) => a + b, 0), 2);
  const [daily] = rollupsOf(traces).get("rollup_daily_keys")!.values();
  assert.equal(daily?.period, "2026-03-01T00:00:00.000Z");
  assert.equal(daily?.request_path, "");
  assert.equal(daily?.api_key_hash, "hmac-sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f0");
});

/**
 * Analytics cases of the store conformance suite: one small history with known totals, read as
 * a summary, grouped, bucketed, filtered, and as percentiles.
 */
import assert from "node:assert/strict";
import type { AggregateRow, AnalyticsQuery, TraceStore } from "../../src/store/mod.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const usage = (input: number, output: number, cached = 0) => ({
  input_tokens: input,
  output_tokens: output,
  total_tokens: input + output,
  cached_input_tokens: cached,
  cache_write_tokens: 0,
  reasoning_tokens: 0,
  usage_status: "exact" as const,
});
const noUsage = {
  input_tokens: null,
  output_tokens: null,
  total_tokens: null,
  cached_input_tokens: null,
  cache_write_tokens: null,
  reasoning_tokens: null,
};

/** 2026-03-02 is a Monday; 03-08 the Sunday of that week; 03-09 the next Monday. */
export function analyticsHistory(): Trace[] {
  return [
    makeTrace({
      timestamp: "2026-03-02T10:15:00.000Z",
      provider: "openai",
      model: "gpt-4o-mini",
      ...usage(10, 20, 2),
      estimated_cost_usd: 0.001,
      cost_status: "priced",
      latency_ms: 100,
      time_to_first_token_ms: null,
      time_to_first_token_us: null,
      api_key_hash: "hash-a",
      api_key_last4: "aaaa",
    }),
    makeTrace({
      timestamp: "2026-03-02T11:30:00.000Z",
      provider: "openai",
      model: "gpt-4o",
      ...usage(100, 50),
      estimated_cost_usd: 0.01,
      cost_status: "priced",
      latency_ms: 300,
      streaming: true,
      time_to_first_token_ms: 51,
      time_to_first_token_us: 50_500,
      api_key_hash: "hash-a",
      api_key_last4: "aaaa",
    }),
    makeTrace({
      timestamp: "2026-03-03T09:00:00.000Z",
      provider: "anthropic",
      model: "claude-x",
      ...usage(5, 5),
      estimated_cost_usd: null,
      cost_status: "unpriced",
      latency_ms: 200,
      time_to_first_token_ms: null,
      time_to_first_token_us: null,
      api_key_hash: "hash-b",
      api_key_last4: "bbbb",
    }),
    makeTrace({
      timestamp: "2026-03-08T23:59:59.999Z",
      provider: "openai",
      model: "gpt-4o-mini",
      ...noUsage,
      usage_status: "unknown",
      estimated_cost_usd: null,
      cost_status: "unknown_usage",
      response_status: 502,
      latency_ms: 400,
      time_to_first_token_ms: null,
      time_to_first_token_us: null,
      api_key_hash: null,
      api_key_last4: null,
    }),
    makeTrace({
      timestamp: "2026-03-09T00:00:00.000Z",
      provider: "openai",
      model: "gpt-4o-mini",
      org_id: "org-2",
      workspace_id: "ws-2",
      ...noUsage,
      usage_status: "none",
      estimated_cost_usd: null,
      cost_status: "none",
      response_status: 429,
      latency_ms: 10,
      time_to_first_token_ms: null,
      time_to_first_token_us: null,
      api_key_hash: "hash-a",
      api_key_last4: "aaaa",
    }),
  ];
}

type Picked = Partial<AggregateRow>;

const pick = (rows: AggregateRow[], fields: (keyof AggregateRow)[]): Picked[] =>
  rows.map((r) => Object.fromEntries(fields.map((f) => [f, r[f]])));

const aggregateCases: [string, AnalyticsQuery, (keyof AggregateRow)[], Picked[]][] = [
  ["summary of everything", {}, [
    "bucket_start",
    "group",
    "request_count",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cached_input_tokens",
    "priced_count",
    "unpriced_count",
    "unknown_usage_count",
    "error_count_4xx",
    "error_count_5xx",
    "avg_latency_ms",
    "min_latency_ms",
    "max_latency_ms",
    "avg_ttft_ms",
    "first_seen_at",
    "last_seen_at",
  ], [{
    bucket_start: null,
    group: null,
    request_count: 5,
    input_tokens: 115,
    output_tokens: 75,
    total_tokens: 190,
    cached_input_tokens: 2,
    priced_count: 2,
    unpriced_count: 1,
    unknown_usage_count: 1,
    error_count_4xx: 1,
    error_count_5xx: 1,
    avg_latency_ms: 202,
    min_latency_ms: 10,
    max_latency_ms: 400,
    avg_ttft_ms: 50.5,
    first_seen_at: "2026-03-02T10:15:00.000Z",
    last_seen_at: "2026-03-09T00:00:00.000Z",
  }]],
  ["by provider: most requests first", { group_by: "provider" }, [
    "group",
    "request_count",
    "total_tokens",
  ], [
    { group: "openai", request_count: 4, total_tokens: 180 },
    { group: "anthropic", request_count: 1, total_tokens: 10 },
  ]],
  ["by week: Monday starts, Sunday night stays in its week", { bucket: "week" }, [
    "bucket_start",
    "request_count",
  ], [
    { bucket_start: "2026-03-02T00:00:00.000Z", request_count: 4 },
    { bucket_start: "2026-03-09T00:00:00.000Z", request_count: 1 },
  ]],
  ["by day and model", { bucket: "day", group_by: "model", provider: "openai" }, [
    "bucket_start",
    "group",
    "request_count",
  ], [
    { bucket_start: "2026-03-02T00:00:00.000Z", group: "gpt-4o", request_count: 1 },
    { bucket_start: "2026-03-02T00:00:00.000Z", group: "gpt-4o-mini", request_count: 1 },
    { bucket_start: "2026-03-08T00:00:00.000Z", group: "gpt-4o-mini", request_count: 1 },
    { bucket_start: "2026-03-09T00:00:00.000Z", group: "gpt-4o-mini", request_count: 1 },
  ]],
  ["by hour within a day", {
    bucket: "hour",
    from: "2026-03-02T00:00:00.000Z",
    to: "2026-03-02T23:59:59.999Z",
  }, [
    "bucket_start",
    "request_count",
  ], [
    { bucket_start: "2026-03-02T10:00:00.000Z", request_count: 1 },
    { bucket_start: "2026-03-02T11:00:00.000Z", request_count: 1 },
  ]],
  [
    "keys: only traces with a fingerprint, with its last four",
    {
      group_by: "api_key_hash",
      with_key_only: true,
    },
    ["group", "request_count", "api_key_last4", "last_seen_at"],
    [
      {
        group: "hash-a",
        request_count: 3,
        api_key_last4: "aaaa",
        last_seen_at: "2026-03-09T00:00:00.000Z",
      },
      {
        group: "hash-b",
        request_count: 1,
        api_key_last4: "bbbb",
        last_seen_at: "2026-03-03T09:00:00.000Z",
      },
    ],
  ],
  ["by workspace", { group_by: "workspace" }, ["group", "request_count"], [
    { group: "default", request_count: 4 },
    { group: "ws-2", request_count: 1 },
  ]],
  [
    "time bounds are inclusive",
    {
      from: "2026-03-03T09:00:00.000Z",
      to: "2026-03-08T23:59:59.999Z",
    },
    ["request_count"],
    [{ request_count: 2 }],
  ],
  ["tenant scope", { scope: { org_id: "org-2", workspace_id: "ws-2" } }, [
    "request_count",
    "error_count_4xx",
  ], [{ request_count: 1, error_count_4xx: 1 }]],
  ["a filter nothing matches gives no rows", { model: "nope" }, ["request_count"], []],
];

export const analyticsCases: { name: string; run(store: TraceStore): Promise<void> }[] = [
  ...aggregateCases.map(([name, query, fields, want]) => ({
    name,
    async run(store: TraceStore) {
      await store.writeBatch(analyticsHistory());
      assert.deepStrictEqual(pick(await store.aggregate(query), fields), want);
    },
  })),
  {
    name: "cost sums priced traces only, and says how many were not",
    async run(store) {
      await store.writeBatch(analyticsHistory());
      const [all] = await store.aggregate({});
      assert.ok(Math.abs(all!.total_cost_usd! - 0.011) < 1e-12, String(all!.total_cost_usd));
      assert.equal(all!.unpriced_count + all!.unknown_usage_count, 2);
    },
  },
  {
    name: "a group with nothing priced has a null (unknown) cost, never 0",
    async run(store) {
      await store.writeBatch(analyticsHistory());
      const costs = async (query: AnalyticsQuery) =>
        (await store.aggregate(query)).map((r) => [
          r.bucket_start?.slice(0, 10) ?? r.group,
          r.total_cost_usd === null ? null : Math.round(r.total_cost_usd * 1e9) / 1e9,
          r.priced_count,
          r.unpriced_count,
          r.unknown_usage_count,
        ]);
      // claude-x has usage and no price; gpt-4o-mini is priced once, its cut stream a lower bound.
      assert.deepStrictEqual(await costs({ group_by: "model" }), [
        ["gpt-4o-mini", 0.001, 1, 0, 1],
        ["claude-x", null, 0, 1, 0],
        ["gpt-4o", 0.01, 1, 0, 0],
      ]);
      assert.deepStrictEqual(await costs({ group_by: "provider" }), [
        ["openai", 0.011, 2, 0, 1],
        ["anthropic", null, 0, 1, 0],
      ]);
      // By day, from rollups and raw edges alike: usage unknown only is null too; a day whose
      // only request cost nothing (a refused 429) is a true 0.
      for (const from of [undefined, "2026-03-02T10:30:00.000Z"]) {
        const byDay = await costs(from === undefined ? { bucket: "day" } : { bucket: "day", from });
        assert.deepStrictEqual(byDay.map((r) => [r[0], r[1]]), [
          ["2026-03-02", from === undefined ? 0.011 : 0.01],
          ["2026-03-03", null],
          ["2026-03-08", null],
          ["2026-03-09", 0],
        ]);
      }
    },
  },
  {
    name: "percentiles interpolate between closest ranks, within 1%",
    async run(store) {
      await store.writeBatch(analyticsHistory());
      const [all] = await store.percentiles({});
      const near = (got: number | null | undefined, want: number) =>
        assert.ok(got != null && Math.abs(got - want) <= want * 0.01, `${got} vs ${want}`);
      // Latencies 10, 100, 200, 300, 400: p95 rank 3.8 -> 380; p99 rank 3.96 -> 396.
      assert.equal(all?.latency_ms.count, 5);
      near(all?.latency_ms.p50, 200);
      near(all?.latency_ms.p95, 380);
      near(all?.latency_ms.p99, 396);
      assert.equal(all?.ttft_ms.count, 1);
      near(all?.ttft_ms.p50, 50.5);
      const byProvider = await store.percentiles({ group_by: "provider" });
      assert.deepStrictEqual(byProvider.map((r) => r.group), ["anthropic", "openai"]);
      for (const r of byProvider) near(r.latency_ms.p50, 200);
      // A latency series (the HTML report's chart): per bucket, the counts of that bucket's
      // aggregate, by hour from the hourly rollups and by week merged from them.
      for (const bucket of ["hour", "day", "week"] as const) {
        const counts = (await store.percentiles({ bucket }))
          .map((r) => [r.bucket_start, r.latency_ms.count]);
        const requests = (await store.aggregate({ bucket }))
          .map((r) => [r.bucket_start, r.request_count]);
        assert.deepStrictEqual(counts, requests, bucket);
      }
    },
  },
  {
    name: "ranges that cut hours read the edges from the traces: exact totals on any bounds",
    async run(store) {
      await store.writeBatch(analyticsHistory());
      const cases: [from: string | undefined, to: string | undefined, count: number][] = [
        ["2026-03-02T10:15:00.000Z", "2026-03-02T10:15:00.000Z", 1],
        ["2026-03-02T10:15:00.001Z", "2026-03-02T11:29:59.999Z", 0],
        ["2026-03-02T10:00:00.000Z", "2026-03-02T11:30:00.000Z", 2],
        ["2026-03-02T10:30:00.000Z", "2026-03-08T23:59:59.999Z", 3],
        [undefined, "2026-03-08T23:59:59.998Z", 3],
        ["2026-03-08T23:59:59.999Z", undefined, 2],
        ["2026-03-09T00:00:00.000Z", "2026-03-09T00:00:00.000Z", 1],
      ];
      for (const [from, to, count] of cases) {
        const q = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
        const rows = await store.aggregate(q);
        assert.equal(rows[0]?.request_count ?? 0, count, `${from} .. ${to}`);
        const pct = await store.percentiles(q);
        assert.equal(pct[0]?.latency_ms.count ?? 0, count, `percentiles ${from} .. ${to}`);
      }
    },
  },
  {
    name: "keys (daily rollups) on ranges that cut days, and by hour (from the traces)",
    async run(store) {
      await store.writeBatch(analyticsHistory());
      const keys = async (q: AnalyticsQuery) =>
        (await store.aggregate({ ...q, group_by: "api_key_hash", with_key_only: true }))
          .map((r) => [r.bucket_start, r.group, r.request_count]);
      assert.deepStrictEqual(
        await keys({ from: "2026-03-02T11:00:00.000Z", to: "2026-03-09T00:00:00.000Z" }),
        [[null, "hash-a", 2], [null, "hash-b", 1]],
      );
      assert.deepStrictEqual(await keys({ bucket: "hour", to: "2026-03-02T23:59:59.999Z" }), [
        ["2026-03-02T10:00:00.000Z", "hash-a", 1],
        ["2026-03-02T11:00:00.000Z", "hash-a", 1],
      ]);
      assert.deepStrictEqual(await keys({ bucket: "week" }), [
        ["2026-03-02T00:00:00.000Z", "hash-a", 2],
        ["2026-03-02T00:00:00.000Z", "hash-b", 1],
        ["2026-03-09T00:00:00.000Z", "hash-a", 1],
      ]);
    },
  },
  {
    name: "a batch written twice is counted once",
    async run(store) {
      const history = analyticsHistory();
      await store.writeBatch(history);
      await store.writeBatch(history);
      assert.equal((await store.aggregate({}))[0]?.request_count, 5);
    },
  },
  {
    name: "an empty store answers no rows",
    async run(store) {
      assert.deepStrictEqual(await store.aggregate({}), []);
      assert.deepStrictEqual(await store.percentiles({ group_by: "model" }), []);
    },
  },
];

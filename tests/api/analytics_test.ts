import assert from "node:assert/strict";
import { analyticsHistory } from "../store/conformance_analytics.ts";
import { apiFixture, scopeFromHeader } from "./api_fixture.ts";
import * as bodies from "../../src/api/analytics_bodies.ts";
import { keyA, keyedHistory } from "../store/key_filter_oracle.ts";

const json = async (res: Response) => {
  assert.equal(res.status, 200, await res.clone().text());
  return await res.json();
};

Deno.test("analytics views answer from the same history, each matching its schema", async () => {
  const fx = await apiFixture(analyticsHistory());
  const get = async (path: string) => await json(await fx.get(path));
  try {
    const usage = bodies.usageSummarySchema.parse(await get("/api/analytics/usage"));
    assert.equal(usage.request_count, 5);
    assert.equal(usage.total_tokens, 190);
    assert.equal(usage.total_cached_input_tokens, 2);
    assert.equal(usage.unknown_usage_count, 1);

    const weekly = bodies.usageSeriesSchema.parse(
      await get("/api/analytics/usage?group_by=provider&bucket=week"),
    );
    assert.equal(weekly.bucket, "week");
    assert.deepStrictEqual(weekly.items.map((i) => [i.bucket_start, i.group, i.total_tokens]), [
      ["2026-03-02T00:00:00.000Z", "openai", 180],
      ["2026-03-02T00:00:00.000Z", "anthropic", 10],
      ["2026-03-09T00:00:00.000Z", "openai", 0],
    ]);
    const byModel = bodies.usageSeriesSchema.parse(
      await get("/api/analytics/usage?group_by=MODEL"),
    );
    assert.equal(byModel.bucket, "day", "a series without bucket is by day");
    assert.equal(byModel.group_by, "model");

    assert.deepStrictEqual(bodies.costSummarySchema.parse(await get("/api/analytics/cost")), {
      request_count: 5,
      total_cost_usd: 0.011,
      priced_count: 2,
      partial_count: 0,
      unpriced_count: 1,
      unknown_usage_count: 1,
    });
    const cost = bodies.costSeriesSchema.parse(
      await get("/api/analytics/cost?group_by=model&from=2026-03-02&to=2026-03-02"),
    );
    assert.deepStrictEqual(cost.items.map((i) => [i.group, i.total_cost_usd, i.avg_cost_usd]), [
      ["gpt-4o", 0.01, 0.01],
      ["gpt-4o-mini", 0.001, 0.001],
    ]);

    const models = bodies.modelsSchema.parse(await get("/api/analytics/models"));
    assert.deepStrictEqual(models.items.map((i) => [i.model, i.request_count, i.error_count]), [
      ["gpt-4o-mini", 3, 2],
      ["claude-x", 1, 0],
      ["gpt-4o", 1, 0],
    ]);
    assert.equal(models.items.find((i) => i.model === "gpt-4o")?.avg_ttft_ms, 50.5);

    const keys = bodies.keysSchema.parse(await get("/api/analytics/keys"));
    assert.deepStrictEqual(
      keys.items.map((i) => [i.api_key_hash, i.api_key_last4, i.request_count]),
      [
        ["hash-a", "aaaa", 3],
        ["hash-b", "bbbb", 1],
      ],
    );

    const latency = bodies.latencySchema.parse(
      await get("/api/analytics/latency?group_by=provider"),
    );
    // Percentiles come from histograms: within 1% (latencies: anthropic 200; openai 10, 100,
    // 300, 400, so p50 200 and p95 385 interpolated).
    const near = (got: number | null | undefined, want: number) =>
      assert.ok(got != null && Math.abs(got - want) <= want * 0.01, `${got} vs ${want}`);
    assert.deepStrictEqual(latency.items.map((i) => [i.group, i.request_count, i.max_ms]), [
      ["anthropic", 1, 200],
      ["openai", 4, 400],
    ]);
    near(latency.items[0]?.p50_ms, 200);
    near(latency.items[1]?.p50_ms, 200);
    near(latency.items[1]?.p95_ms, 385);
    assert.equal(latency.items[1]?.ttft_ms.count, 1);
    near(latency.items[1]?.ttft_ms.p99, 50.5);

    // By week: the same percentiles per bucket, oldest first (the traces span two weeks).
    const latencyByWeek = bodies.latencySchema.parse(
      await get("/api/analytics/latency?bucket=week&group_by=provider"),
    );
    assert.equal(latencyByWeek.bucket, "week");
    assert.deepStrictEqual(
      latencyByWeek.items.reduce((n, i) => n + i.request_count, 0),
      latency.items.reduce((n, i) => n + i.request_count, 0),
    );
    assert.ok(
      latencyByWeek.items.every((i, k) =>
        k === 0 || latencyByWeek.items[k - 1]!.bucket_start! <= i.bucket_start!
      ),
    );
    assert.equal(new Set(latencyByWeek.items.map((i) => i.bucket_start)).size, 2);

    const errors = bodies.errorsSchema.parse(await get("/api/analytics/errors?bucket=week"));
    assert.deepStrictEqual(
      errors.items.map((
        i,
      ) => [i.total_requests, i.error_count_5xx, i.error_count_4xx, i.error_rate]),
      [[4, 1, 0, 0.25], [1, 0, 1, 1]],
    );

    assert.deepStrictEqual(bodies.summarySchema.parse(await get("/api/analytics/summary")), {
      total_requests: 5,
      total_input_tokens: 115,
      total_output_tokens: 75,
      total_tokens: 190,
      total_cost_usd: 0.011,
      partial_count: 0,
      unpriced_count: 1,
      unknown_usage_count: 1,
      error_count: 2,
      error_rate: 0.4,
      active_keys: 2,
      top_model: "gpt-4o-mini",
    });
  } finally {
    await fx.close();
  }
});

Deno.test("analytics: a group with nothing priced costs null (unknown), never 0", async () => {
  // claude-x: usage known, no price; gpt-4o-mini: priced, plus one trace of unknown usage (a
  // lower bound); the 2026-03-09 trace costs nothing (a refused request) and stays at 0.
  const fx = await apiFixture(analyticsHistory());
  const get = async (path: string) => await json(await fx.get(path));
  try {
    const models = bodies.modelsSchema.parse(await get("/api/analytics/models"));
    assert.deepStrictEqual(
      models.items.map((i) => [i.model, i.total_cost_usd, i.unpriced_count, i.unknown_usage_count]),
      [["gpt-4o-mini", 0.001, 0, 1], ["claude-x", null, 1, 0], ["gpt-4o", 0.01, 0, 0]],
    );
    // By day (the default bucket) and model: each group on its own day.
    const cost = bodies.costSeriesSchema.parse(await get("/api/analytics/cost?group_by=model"));
    assert.deepStrictEqual(
      cost.items.map((i) => [
        i.bucket_start?.slice(0, 10),
        i.group,
        i.total_cost_usd,
        i.avg_cost_usd,
        i.unpriced_count,
      ]),
      [
        ["2026-03-02", "gpt-4o", 0.01, 0.01, 0],
        ["2026-03-02", "gpt-4o-mini", 0.001, 0.001, 0],
        ["2026-03-03", "claude-x", null, null, 1],
        ["2026-03-08", "gpt-4o-mini", null, null, 0],
        ["2026-03-09", "gpt-4o-mini", 0, null, 0],
      ],
    );
    const daily = bodies.costSeriesSchema.parse(await get("/api/analytics/cost?bucket=day"));
    assert.deepStrictEqual(
      daily.items.map((i) => [i.bucket_start?.slice(0, 10), i.total_cost_usd]),
      [
        ["2026-03-02", 0.011],
        ["2026-03-03", null],
        ["2026-03-08", null],
        ["2026-03-09", 0],
      ],
    );
    const keys = bodies.keysSchema.parse(await get("/api/analytics/keys"));
    assert.deepStrictEqual(keys.items.map((i) => [i.api_key_hash, i.total_cost_usd]), [
      ["hash-a", 0.011],
      ["hash-b", null],
    ]);
    const unpricedOnly = bodies.costSummarySchema.parse(
      await get("/api/analytics/cost?model=claude-x"),
    );
    assert.deepStrictEqual(unpricedOnly, {
      request_count: 1,
      total_cost_usd: null,
      priced_count: 0,
      partial_count: 0,
      unpriced_count: 1,
      unknown_usage_count: 0,
    });
    const summary = bodies.summarySchema.parse(await get("/api/analytics/summary?model=claude-x"));
    assert.equal(summary.total_cost_usd, null);
    assert.equal(summary.unpriced_count, 1);
  } finally {
    await fx.close();
  }
});

Deno.test("analytics: invalid parameters are 400s naming the parameter and what it accepts", async () => {
  const fx = await apiFixture([]);
  try {
    const cases: [string, string, RegExp][] = [
      [
        "/api/analytics/usage?group_by=color",
        "group_by",
        /group_by must be one of provider, model, api_key_hash, gateway_key, workspace, route/,
      ],
      [
        "/api/analytics/cost?bucket=minute",
        "bucket",
        /bucket must be one of hour, day, week \(got "minute"\)/,
      ],
      [
        "/api/analytics/models?group_by=model",
        "group_by",
        /unknown query parameter "group_by"; accepted: from, to, provider, model/,
      ],
      ["/api/analytics/latency?bucket=month", "bucket", /bucket must be one of hour, day, week/],
      ["/api/analytics/errors?from=yesterday", "from", /from must be an RFC 3339 timestamp/],
      [
        "/api/analytics/summary?from=2026-03-02&to=2026-03-01",
        "to",
        /to must be greater than or equal to from/,
      ],
      // The whole fingerprint or nothing: a prefix or the last four would match nothing.
      [
        "/api/analytics/usage?api_key_hash=aaaa",
        "api_key_hash",
        /api_key_hash must be a provider key fingerprint: the 64 hex digits of api_key_hash/,
      ],
      [
        `/api/analytics/failovers?api_key_hash=${"g".repeat(64)}`,
        "api_key_hash",
        /api_key_hash must be a provider key fingerprint/,
      ],
      [
        `/api/analytics/sessions?api_key_hash=${"a".repeat(65)}`,
        "api_key_hash",
        /api_key_hash must be a provider key fingerprint/,
      ],
    ];
    for (const [path, parameter, message] of cases) {
      const res = await fx.get(path);
      assert.equal(res.status, 400, path);
      const body = await res.json();
      assert.equal(body.error.code, "invalid_parameter", path);
      assert.equal(body.error.parameter, parameter, path);
      assert.match(body.error.message, message, path);
    }
  } finally {
    await fx.close();
  }
});

Deno.test("analytics: an empty store answers zeros and empty lists, not errors", async () => {
  const fx = await apiFixture([]);
  try {
    const summary = await json(await fx.get("/api/analytics/summary"));
    assert.equal(summary.total_requests, 0);
    assert.equal(summary.top_model, null);
    assert.equal(summary.error_rate, 0);
    assert.deepStrictEqual((await json(await fx.get("/api/analytics/models"))).items, []);
    assert.deepStrictEqual((await json(await fx.get("/api/analytics/latency"))).items, []);
  } finally {
    await fx.close();
  }
});

Deno.test("analytics: every view is confined to the caller's tenant", async () => {
  const fx = await apiFixture(analyticsHistory(), { middleware: [scopeFromHeader] });
  try {
    const scoped = { headers: { "x-test-scope": "org-2/ws-2" } };
    const get = async (path: string) => await json(await fx.get(path, scoped));
    const summary = bodies.summarySchema.parse(await get("/api/analytics/summary"));
    assert.equal(summary.total_requests, 1);
    const keys = bodies.keysSchema.parse(await get("/api/analytics/keys"));
    assert.deepStrictEqual(keys.items.map((k) => k.request_count), [1]);
    const usage = bodies.usageSeriesSchema.parse(
      await get("/api/analytics/usage?group_by=workspace"),
    );
    assert.deepStrictEqual(usage.items.map((i) => i.group), ["ws-2"]);
  } finally {
    await fx.close();
  }
});

Deno.test("analytics: api_key_hash narrows every view to that provider key's traces", async () => {
  const history = keyedHistory();
  const fx = await apiFixture(history);
  try {
    const mine = history.filter((t) => t.api_key_hash === keyA);
    const get = async (path: string) => await json(await fx.get(path));
    // Upper case is the same fingerprint.
    const usage = bodies.usageSummarySchema.parse(
      await get(`/api/analytics/usage?api_key_hash=${keyA.toUpperCase()}`),
    );
    assert.equal(usage.request_count, mine.length);
    assert.equal(usage.total_tokens, mine.reduce((n, t) => n + (t.total_tokens ?? 0), 0));
    const q = `api_key_hash=${keyA}`;
    const byDeveloper = bodies.usageSeriesSchema.parse(
      await get(`/api/analytics/usage?group_by=developer&bucket=week&${q}`),
    );
    assert.deepStrictEqual(
      byDeveloper.items.map((i) => [i.group, i.request_count]).sort(),
      ["alice", "bob"].map((d) => [d, mine.filter((t) => t.developer === d).length]),
    );
    const keys = bodies.keysSchema.parse(await get(`/api/analytics/keys?${q}`));
    assert.deepStrictEqual(keys.items.map((k) => [k.api_key_hash, k.request_count]), [
      [keyA, mine.length],
    ]);
    const dims = await get(`/api/analytics/dimensions?${q}`);
    const input = dims.items.find((d: { dimension: string }) => d.dimension === "input");
    assert.equal(
      input.quantity,
      mine.reduce((n, t) => n + (t.cost_breakdown?.lines[0]?.quantity ?? 0), 0),
    );
    const sessions = await get(`/api/analytics/sessions?${q}`);
    assert.equal(
      sessions.items.reduce((n: number, s: { request_count: number }) => n + s.request_count, 0),
      mine.length,
    );
    const failovers = await get(`/api/analytics/failovers?${q}`);
    assert.equal(
      failovers.items.reduce((n: number, f: { request_count: number }) => n + f.request_count, 0),
      mine.filter((t) => t.route !== null).length,
    );
    const none = await get(`/api/analytics/summary?api_key_hash=${"c".repeat(64)}`);
    assert.equal(none.total_requests, 0);
  } finally {
    await fx.close();
  }
});

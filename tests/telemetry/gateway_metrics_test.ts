/**
 * The scrape endpoint through the whole gateway: known traffic in (OpenAI and Anthropic, streamed
 * and not, an upstream 429, a model name that is a key), exact figures out.
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";
import { stubUsage } from "../support/upstream_stub.ts";
import { durationBuckets, timeToFirstTokenBuckets } from "../../src/telemetry/mod.ts";
import type { Trace } from "../../src/traces/mod.ts";
import { labels, parseScrape } from "./scrape.ts";

const prometheusOn = { observability: { otel: { enabled: true, prometheus_enabled: true } } };
const openaiKey = "Bearer sk-proj-TESTKEY0000000000000000wxyz";
const anthropicHeaders = {
  "anthropic-version": "2023-06-01",
  "x-api-key": "sk-ant-api03-abcdefghijklmnop",
};
const keyAsModel = "sk-" + "proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";

const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", authorization: openaiKey, ...headers },
  body: JSON.stringify(body),
});

function expectHistogram(
  scrape: Map<string, number>,
  name: string,
  l: Record<string, string>,
  buckets: readonly number[],
  values: number[],
) {
  for (const le of buckets) {
    const want = values.filter((v) => v <= le).length;
    assert.equal(scrape.get(`${name}_bucket${labels({ ...l, le: String(le) })}`), want, `${le}`);
  }
  assert.equal(scrape.get(`${name}_bucket${labels({ ...l, le: "+Inf" })}`), values.length);
  assert.equal(scrape.get(`${name}_count${labels(l)}`), values.length);
  const sum = scrape.get(`${name}_sum${labels(l)}`)!;
  assert.ok(Math.abs(sum - values.reduce((a, b) => a + b, 0)) < 1e-9, `${name} sum`);
}

Deno.test("metrics: known traffic gives exact counters and histograms at /metrics", async () => {
  const h = await startHarness(prometheusOn);
  try {
    const chat = "/openai/v1/chat/completions";
    const mini = { model: "gpt-4o-mini", messages: [] };
    const claude = { model: "claude-sonnet-4-5-20250929", max_tokens: 64, messages: [] };
    const sends: [string, RequestInit][] = [
      [chat, post(mini)],
      [chat, post({ ...mini, stream: true })],
      [chat, post(mini, { "x-stub-status": "429" })],
      [chat, post({ ...mini, model: keyAsModel })],
      ["/anthropic/v1/messages", post(claude, anthropicHeaders)],
      ["/anthropic/v1/messages", post({ ...claude, stream: true }, anthropicHeaders)],
    ];
    for (const [path, init] of sends) await (await h.request(path, init)).text();
    const traces = await h.tracesSettled(sends.length);

    const res = await h.request("/metrics");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    assert.ok(!text.includes(keyAsModel), "a key sent as the model never reaches a label");
    const scrape = parseScrape(text);

    // The trace's model is the one upstream answered with (the stub dates it); a request refused
    // upstream keeps the one asked for.
    const oa = { provider: "openai", model: "gpt-4o-mini-2024-07-18" };
    const oa429 = { provider: "openai", model: "gpt-4o-mini" };
    const redacted = { provider: "openai", model: "[CREDENTIAL_REDACTED]" };
    const an = { provider: "anthropic", model: "claude-sonnet-4-5-20250929" };
    const want: [string, Record<string, string>, number][] = [
      ["ongoingai_proxy_request_total", { ...oa, status_code: "200" }, 2],
      ["ongoingai_proxy_request_total", { ...oa429, status_code: "429" }, 1],
      ["ongoingai_proxy_request_total", { ...redacted, status_code: "200" }, 1],
      ["ongoingai_proxy_request_total", { ...an, status_code: "200" }, 2],
      ["ongoingai_proxy_tokens_total", { ...oa, type: "input" }, 2 * stubUsage.chat.prompt],
      ["ongoingai_proxy_tokens_total", { ...oa, type: "output" }, 2 * stubUsage.chat.completion],
      ["ongoingai_proxy_tokens_total", { ...oa, type: "cached_input" }, 2 * stubUsage.chat.cached],
      ["ongoingai_proxy_tokens_total", { ...oa, type: "reasoning" }, 2 * stubUsage.chat.reasoning],
      ["ongoingai_proxy_tokens_total", { ...redacted, type: "input" }, stubUsage.chat.prompt],
      ["ongoingai_proxy_tokens_total", { ...redacted, type: "output" }, stubUsage.chat.completion],
      [
        "ongoingai_proxy_tokens_total",
        { ...redacted, type: "cached_input" },
        stubUsage.chat.cached,
      ],
      [
        "ongoingai_proxy_tokens_total",
        { ...redacted, type: "reasoning" },
        stubUsage.chat.reasoning,
      ],
      [
        "ongoingai_proxy_tokens_total",
        { ...an, type: "input" },
        2 *
        (stubUsage.messages.input + stubUsage.messages.cacheRead + stubUsage.messages.cacheWrite),
      ],
      ["ongoingai_proxy_tokens_total", { ...an, type: "output" }, 2 * stubUsage.messages.output],
      [
        "ongoingai_proxy_tokens_total",
        { ...an, type: "cached_input" },
        2 * stubUsage.messages.cacheRead,
      ],
      [
        "ongoingai_proxy_tokens_total",
        { ...an, type: "cache_write" },
        2 * stubUsage.messages.cacheWrite,
      ],
      ["ongoingai_trace_enqueued_total", {}, 6],
      ["ongoingai_trace_written_total", {}, 6],
      ["ongoingai_trace_queue_depth", {}, 0],
      ["ongoingai_trace_queue_capacity", {}, 1],
      ["ongoingai_trace_queue_dropped_total", { reason: "queue_full" }, 0],
    ];
    for (const [name, l, value] of want) {
      const key = `${name}${Object.keys(l).length === 0 ? "" : labels(l)}`;
      assert.equal(scrape.get(key), value, key);
    }
    // Nothing else was counted: no other request or token series.
    const series = (prefix: string) => [...scrape.keys()].filter((k) => k.startsWith(prefix));
    assert.equal(series("ongoingai_proxy_request_total{").length, 4);
    assert.equal(series("ongoingai_proxy_request_duration_seconds_count{").length, 4);
    assert.equal(series("ongoingai_proxy_time_to_first_token_seconds_count{").length, 2);
    assert.equal(series("ongoingai_proxy_tokens_total{").length, 12);
    assert.equal(series("ongoingai_proxy_error_total{").length, 0);

    const of = (p: string, m: string) => traces.filter((t) => t.provider === p && t.model === m);
    const costOf = (ts: Trace[]) => ts.reduce((a, t) => a + (t.estimated_cost_usd ?? 0), 0);
    const openaiTraces = of("openai", oa.model);
    const anthropicTraces = of("anthropic", an.model);
    assert.ok(costOf(anthropicTraces) > 0);
    assert.equal(
      scrape.get(`ongoingai_proxy_cost_usd_total${labels(an)}`),
      costOf(anthropicTraces),
    );
    assert.equal(scrape.get(`ongoingai_proxy_cost_usd_total${labels(oa)}`), costOf(openaiTraces));

    for (const [l, ts] of [[oa, openaiTraces], [an, anthropicTraces]] as const) {
      expectHistogram(
        scrape,
        "ongoingai_proxy_request_duration_seconds",
        l,
        durationBuckets,
        ts.map((t) => t.latency_ms / 1000),
      );
      const streamed = ts.filter((t) => t.streaming);
      assert.equal(streamed.length, 1);
      expectHistogram(
        scrape,
        "ongoingai_proxy_time_to_first_token_seconds",
        l,
        timeToFirstTokenBuckets,
        streamed.map((t) => t.time_to_first_token_us! / 1e6),
      );
    }
  } finally {
    await h.close();
  }
});

Deno.test("metrics: upstream failures are counted by error code", async () => {
  const h = await startHarness(prometheusOn);
  try {
    const body = { model: "gpt-4o-mini", stream: true, messages: [] };
    await (await h.request("/openai/v1/chat/completions", post(body, { "x-stub-cut": "1" })))
      .text().catch(() => {});
    const [t] = await h.tracesSettled(1);
    assert.ok(t!.error_code !== null);
    const scrape = parseScrape(await (await h.request("/metrics")).text());
    const key = `ongoingai_proxy_error_total${
      labels({ provider: "openai", model: t!.model, error_code: t!.error_code! })
    }`;
    assert.equal(scrape.get(key), 1, key);
  } finally {
    await h.close();
  }
});

Deno.test("metrics: off by default, the path is a 404 and other methods a 405 when on", async () => {
  const off = await startHarness();
  try {
    const res = await off.request("/metrics");
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, "route_not_found");
  } finally {
    await off.close();
  }
  const custom = await startHarness({
    observability: {
      otel: { enabled: true, prometheus_enabled: true, prometheus_path: "/internal/prom" },
    },
  });
  try {
    assert.equal((await custom.request("/internal/prom")).status, 200);
    assert.equal((await custom.request("/metrics")).status, 404);
    const post = await custom.request("/internal/prom", { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    await post.body?.cancel();
  } finally {
    await custom.close();
  }
});

Deno.test("metrics: in team mode the scrape needs a key with diagnostics:read", async () => {
  const dev = "gw-dev-0123456789abcdef";
  const ops = "gw-ops-0123456789abcdef";
  const h = await startHarness({
    ...prometheusOn,
    auth: {
      enabled: true,
      keys: [
        { id: "dev", token: dev, role: "owner" },
        { id: "ops", token: ops, role: "viewer", permissions: ["diagnostics:read"] },
      ],
    },
  });
  try {
    const key = (token: string) => ({ "x-ongoingai-gateway-key": token });
    const table: [Record<string, string>, number, string?][] = [
      [{}, 401, "missing_gateway_key"],
      [key("gw-wrong-000000000000"), 401, "invalid_gateway_key"],
      [key(dev), 403, "permission_denied"],
      [key(ops), 200],
    ];
    for (const [headers, status, code] of table) {
      const res = await h.request("/metrics", { headers });
      assert.equal(res.status, status, JSON.stringify(headers));
      if (code === undefined) assert.match(await res.text(), /^# HELP /);
      else assert.equal((await res.json()).error.code, code);
    }
  } finally {
    await h.close();
  }
});

/**
 * End to end: an in-process gateway with OTLP metric push on, a real OTLP/HTTP receiver on
 * loopback started here, decoding exactly what the gateway pushes.
 */
import assert from "node:assert/strict";
import { configFor, startHarness, testSecret } from "../support/gateway_harness.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { createGateway } from "../../src/server/gateway.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import { createLogger } from "../../src/log/mod.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { attrsOf, metricsByName, type OtlpMetricDoc as OtlpDoc } from "../support/otlp_decoded.ts";

function startReceiver() {
  return startOtlpReceiver<OtlpDoc>();
}

const providerKey = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH";
const chat = (model: string) => ({
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${providerKey}` },
  body: JSON.stringify({ model, messages: [{ role: "user", content: "cheese cartel plans" }] }),
});

Deno.test("otlp metrics e2e: counters, token sums and histograms pushed on the interval and at shutdown; no keys", async () => {
  const receiver = startReceiver();
  const h = await startHarness({
    observability: {
      otel: {
        enabled: true,
        endpoint: receiver.endpoint,
        service_name: "gw-metrics-test",
        traces_enabled: false,
        metric_export_interval_ms: 50,
      },
    },
  });
  try {
    for (let i = 0; i < 2; i++) {
      const res = await h.request("/openai/v1/chat/completions", chat("gpt-4o-mini"));
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    const limited = await h.request("/openai/v1/models", { headers: { "x-stub-status": "429" } });
    assert.equal(limited.status, 429);
    await limited.body?.cancel();
    await h.tracesSettled(3);
    // The interval push happens on its own, without shutdown.
    const deadline = performance.now() + 5000;
    const settled = () =>
      receiver.received.some((r) =>
        metricsByName(r.body).get("ongoingai_proxy_request_total")?.sum?.dataPoints.reduce(
          (n, p) => n + p.asDouble,
          0,
        ) === 3
      );
    while (!settled() && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(settled(), "an interval push carried all three requests");
    const before = receiver.received.length;
    await h.gateway.shutdownTelemetry();
    assert.ok(receiver.received.length > before, "a last push at shutdown");

    const last = receiver.received.at(-1)!;
    assert.equal(last.path, "/v1/metrics");
    assert.equal(last.contentType, "application/json");
    const resource = attrsOf(last.body.resourceMetrics[0]!.resource.attributes);
    assert.equal(resource["service.name"], "gw-metrics-test");
    assert.equal(typeof resource["service.version"], "string");
    assert.equal(last.body.resourceMetrics[0]!.scopeMetrics[0]!.scope.name, "ongoingai.gateway");
    const metrics = metricsByName(last.body);

    const requests = metrics.get("ongoingai_proxy_request_total")!.sum!;
    assert.equal(requests.isMonotonic, true);
    assert.equal(requests.aggregationTemporality, 2);
    const byStatus = new Map<string, number>();
    for (const p of requests.dataPoints) {
      const a = attrsOf(p.attributes);
      byStatus.set(String(a.status_code), (byStatus.get(String(a.status_code)) ?? 0) + p.asDouble);
      assert.match(p.startTimeUnixNano, /^\d+$/);
      assert.match(p.timeUnixNano, /^\d+$/);
      assert.ok(BigInt(p.startTimeUnixNano) <= BigInt(p.timeUnixNano));
    }
    assert.equal(byStatus.get("200"), 2);
    assert.equal(byStatus.get("429"), 1);
    assert.equal([...byStatus.values()].reduce((a, b) => a + b, 0), 3);
    const ok = requests.dataPoints.find((p) => attrsOf(p.attributes).status_code === "200")!;
    assert.deepEqual(attrsOf(ok.attributes), {
      provider: "openai",
      model: "gpt-4o-mini-2024-07-18",
      status_code: "200",
    });

    // The stub answers 31 input and 12 output tokens per chat.
    const tokens = metrics.get("ongoingai_proxy_tokens_total")!.sum!;
    const tokenSum = (type: string) =>
      tokens.dataPoints.filter((p) => attrsOf(p.attributes).type === type)
        .reduce((n, p) => n + p.asDouble, 0);
    assert.equal(tokenSum("input"), 62);
    assert.equal(tokenSum("output"), 24);

    const duration = metrics.get("ongoingai_proxy_request_duration_seconds")!.histogram!;
    assert.equal(duration.aggregationTemporality, 2);
    const counts = duration.dataPoints.map((p) => {
      assert.equal(p.bucketCounts.length, p.explicitBounds.length + 1);
      assert.equal(p.bucketCounts.reduce((n, c) => n + Number(c), 0), Number(p.count));
      assert.ok(p.sum >= 0);
      return Number(p.count);
    });
    assert.equal(counts.reduce((a, b) => a + b, 0), 3);

    const depth = metrics.get("ongoingai_trace_queue_capacity")!;
    assert.equal(depth.gauge!.dataPoints.length, 1);

    const everything = receiver.received.map((r) => r.raw).join("\n");
    assert.ok(!everything.includes(providerKey), "provider key exported");
    assert.ok(!everything.includes("AbCdEfGhIjKlMnOp"), "part of the provider key exported");
    assert.ok(!everything.includes("cheese"), "prompt text exported");
  } finally {
    await h.close();
    await receiver.close();
  }
});

Deno.test("otlp metrics e2e: off unless metrics_enabled", async () => {
  const receiver = startReceiver();
  const h = await startHarness({
    observability: {
      otel: { enabled: true, endpoint: receiver.endpoint, metrics_enabled: false },
    },
  });
  try {
    assert.equal(h.gateway.metricExporter, null);
    const res = await h.request("/openai/v1/models");
    await res.body?.cancel();
    await h.tracesSettled(1);
    await h.gateway.shutdownTelemetry();
    assert.ok(receiver.received.every((r) => r.path !== "/v1/metrics"));
  } finally {
    await h.close();
    await receiver.close();
  }
});

Deno.test("otlp metrics e2e: a receiver that is down costs no request; counted and logged once", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const stub = await startUpstreamStub();
  const config = configFor(stub.url, {
    observability: {
      otel: {
        enabled: true,
        endpoint: `127.0.0.1:${port}`,
        traces_enabled: false,
        export_timeout_ms: 500,
        metric_export_interval_ms: 60_000,
      },
    },
  });
  const store = await openSqliteStore({ path: ":memory:" });
  const lines: string[] = [];
  const log = createLogger({ format: "json", write: (l) => void lines.push(l) });
  const writer = { enqueue: () => true, snapshot: () => writerSnapshot({}) };
  const gateway = createGateway(config, { store, writer, keyHashSecret: testSecret, log });
  try {
    const exporter = gateway.metricExporter!;
    assert.equal(exporter.url, `http://127.0.0.1:${port}/v1/metrics`);
    const started = performance.now();
    for (let round = 0; round < 3; round++) {
      const res = await gateway.fetch(
        new Request("http://gw.test/openai/v1/chat/completions", chat("gpt-4o-mini")),
      );
      assert.equal(res.status, 200);
      await res.body?.cancel();
      // A push runs between requests, as the timer would.
      await exporter.exportNow();
    }
    const elapsed = performance.now() - started;
    await gateway.shutdownTelemetry();
    const stats = exporter.stats();
    assert.equal(stats.exported, 0);
    assert.equal(stats.failed_exports, 4, "three pushes and the last one at shutdown");
    const warnings = lines.filter((l) => l.includes("metric export failed"));
    assert.equal(warnings.length, 1, "rate limited to one line a minute");
    assert.ok(elapsed < 5000, `requests took ${elapsed} ms`);
  } finally {
    gateway.close();
    await gateway.shutdownTelemetry();
    await stub.close();
    await store.close();
  }
});

/**
 * Collector auth end to end: the real `serve` process, headers from the config file (one an
 * `env("NAME")` secret), from `OTEL_EXPORTER_OTLP_HEADERS` and from the per-signal variables,
 * must all arrive on every POST to /v1/traces and /v1/metrics of a real OTLP receiver, each
 * signal with its own override, and no header secret may appear in the gateway's logs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";

const honeycombKey = "hcKEY-e2e-0123456789abcdef";
const genericAuth = "Basic Z2VuZXJpYzpzZWNyZXQ=";
const tracesAuth = "Bearer traces-only-secret-0123";

Deno.test('otlp headers e2e: file, env("NAME"), generic and per-signal variables reach the collector', async () => {
  const receiver = startOtlpReceiver<unknown>();
  const stub = await startUpstreamStub();
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-otlp-headers-" });
  const port = freePort();
  let server: ServerProcess | null = null;
  try {
    await Deno.writeTextFile(
      join(dir, "ongoingai.yaml"),
      `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { driver: sqlite, path: ./traces.db }
providers:
  openai: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10 }
observability:
  otel:
    enabled: true
    headers:
      x-honeycomb-team: { env: HONEYCOMB_KEY }
      x-dataset: file-generic
    metrics_headers:
      x-dataset: file-metrics
`,
    );
    server = await startServer([], {
      cwd: dir,
      port,
      env: {
        HONEYCOMB_KEY: honeycombKey,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=${encodeURIComponent(genericAuth)}`,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: `authorization=${encodeURIComponent(tracesAuth)}`,
        // Longer than the test: the metric push the receiver gets is the one at shutdown.
        OTEL_METRIC_EXPORT_INTERVAL: "3600000",
      },
    });
    const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 200, await res.text());
    const { code, logs } = await server.stop("SIGTERM");
    server = null;
    assert.equal(code, 0, logs);
    for (const secret of [honeycombKey, genericAuth, tracesAuth, "Z2VuZXJpYz", "traces-only"]) {
      assert.ok(!logs.includes(secret), `a header secret is in the log: ${secret}`);
    }

    const traces = receiver.received.filter((r) => r.path === "/v1/traces");
    const metrics = receiver.received.filter((r) => r.path === "/v1/metrics");
    assert.ok(traces.length > 0, "spans were delivered");
    assert.equal(metrics.length, 1, "one metric push, at shutdown");
    for (const r of traces) {
      assert.equal(r.contentType, "application/json");
      assert.equal(r.headers["x-honeycomb-team"], honeycombKey);
      assert.equal(r.headers["x-dataset"], "file-generic");
      assert.equal(r.headers["authorization"], tracesAuth, "the traces variable wins for spans");
    }
    for (const r of metrics) {
      assert.equal(r.contentType, "application/json");
      assert.equal(r.headers["x-honeycomb-team"], honeycombKey);
      assert.equal(r.headers["x-dataset"], "file-metrics", "metrics_headers wins for metrics");
      assert.equal(r.headers["authorization"], genericAuth, "the generic variable for metrics");
    }
  } finally {
    await server?.kill();
    await stub.close();
    await receiver.close();
    await Deno.remove(dir, { recursive: true });
  }
});

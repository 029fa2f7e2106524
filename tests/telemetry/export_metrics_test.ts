/**
 * The OTLP exporters' self-metrics: requests by signal and outcome, spans by outcome, in the
 * gateway registry. Collectors are fetch functions here (answering, refusing, failing); the
 * subprocess e2e test (serve_otel_e2e_test.ts) covers a real closed port.
 */
import assert from "node:assert/strict";
import {
  createGatewayMetrics,
  type GatewayMetrics,
  OtlpMetricExporter,
  OtlpTraceExporter,
} from "../../src/telemetry/mod.ts";
import { createLogger } from "../../src/log/mod.ts";
import { spanData } from "../testdata/span_data.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";
import { parseScrape, sample } from "./scrape.ts";

const requests = "ongoingai_otel_export_requests_total";
const spans = "ongoingai_otel_export_spans_total";
const resource = { serviceName: "gw-test", serviceVersion: "0.0.0-test" };

const span = spanData;

/** A collector that answers each request with the next status (or throws on 0). */
function collector(statuses: number[]) {
  const seen: string[] = [];
  const fetch: typeof globalThis.fetch = (input) => {
    seen.push(String(input));
    const status = statuses.shift() ?? 200;
    if (status === 0) return Promise.reject(new TypeError("connection refused"));
    return Promise.resolve(new Response("{}", { status }));
  };
  return { fetch, seen };
}

function setup() {
  const lines: string[] = [];
  const log = createLogger({ format: "json", write: (l) => void lines.push(l) });
  const metrics = createGatewayMetrics({ snapshot: () => writerSnapshot() });
  const scrape = () => parseScrape(metrics.renderPrometheus());
  return { log, lines, metrics, scrape };
}

function traceExporter(
  metrics: GatewayMetrics,
  log: ReturnType<typeof createLogger>,
  fetch: typeof globalThis.fetch,
  maxBuffer = 2048,
) {
  return new OtlpTraceExporter({
    endpoint: "http://127.0.0.1:9",
    insecure: true,
    timeoutMs: 1000,
    resource,
    log,
    fetch,
    maxBuffer,
    batchSize: 100,
    intervalMs: 60_000,
    recorder: metrics.otelExport,
  });
}

Deno.test("export metrics: every series is declared at zero when an exporter starts", async () => {
  const { log, metrics, scrape } = setup();
  const exporter = traceExporter(metrics, log, collector([]).fetch);
  try {
    const s = scrape();
    for (const outcome of ["success", "failure"]) {
      assert.equal(s.get(sample(requests, { signal: "traces", outcome })), 0);
    }
    for (const outcome of ["exported", "dropped", "failed"]) {
      assert.equal(s.get(sample(spans, { outcome })), 0);
    }
    assert.equal(s.get(sample(requests, { signal: "metrics", outcome: "failure" })), undefined);
  } finally {
    await exporter.shutdown();
  }
});

Deno.test("export metrics: span requests and spans by outcome, matching the exporter's stats", async () => {
  const { log, lines, metrics, scrape } = setup();
  // Refused (503), unreachable (throws), then accepted.
  const c = collector([503, 0, 200]);
  const exporter = traceExporter(metrics, log, c.fetch, 4);
  try {
    exporter.add([span(1), span(2), span(3)]);
    await exporter.flush();
    exporter.add([span(4)]);
    await exporter.flush();
    exporter.add([span(5), span(6), span(7), span(8), span(9), span(10)]);
    await exporter.flush();
    const s = scrape();
    assert.equal(s.get(sample(requests, { signal: "traces", outcome: "failure" })), 2);
    assert.equal(s.get(sample(requests, { signal: "traces", outcome: "success" })), 1);
    assert.equal(s.get(sample(spans, { outcome: "failed" })), 4);
    assert.equal(s.get(sample(spans, { outcome: "exported" })), 4);
    assert.equal(s.get(sample(spans, { outcome: "dropped" })), 2, "buffer of 4, six added");
    const stats = exporter.stats();
    assert.deepEqual(
      [stats.failed_exports, stats.failed_spans, stats.exported, stats.dropped],
      [2, 4, 4, 2],
    );
    assert.equal(c.seen.length, 3);
    // The log stays rate-limited: one line for the two failures.
    assert.equal(lines.filter((l) => l.includes("span export failed")).length, 1);
  } finally {
    await exporter.shutdown();
  }
  exporter.add([span(11)]);
  assert.equal(scrape().get(sample(spans, { outcome: "dropped" })), 3, "after shutdown");
});

Deno.test("export metrics: metric pushes by outcome; a later push carries the failure count", async () => {
  const { log, metrics, scrape } = setup();
  const bodies: string[] = [];
  const statuses = [0, 500, 200];
  const exporter = new OtlpMetricExporter({
    endpoint: "http://127.0.0.1:9",
    insecure: true,
    timeoutMs: 1000,
    intervalMs: 60_000,
    resource,
    log,
    collect: () => metrics.collect(),
    startMs: metrics.startMs,
    fetch: (_input, init) => {
      bodies.push(String(init?.body));
      const status = statuses.shift() ?? 200;
      if (status === 0) return Promise.reject(new TypeError("connection refused"));
      return Promise.resolve(new Response("{}", { status }));
    },
    recorder: metrics.otelExport,
  });
  try {
    for (let i = 0; i < 3; i++) await exporter.exportNow();
    const s = scrape();
    assert.equal(s.get(sample(requests, { signal: "metrics", outcome: "failure" })), 2);
    assert.equal(s.get(sample(requests, { signal: "metrics", outcome: "success" })), 1);
    assert.deepEqual(exporter.stats(), { exported: 1, failed_exports: 2 });
    // The push that got through says the collector had been unreachable twice.
    const last = JSON.parse(bodies[2]!);
    const metric = last.resourceMetrics[0].scopeMetrics[0].metrics.find((
      m: { name: string },
    ) => m.name === requests);
    const failure = metric.sum.dataPoints.find((p: { attributes: { value: unknown }[] }) =>
      JSON.stringify(p.attributes).includes('"metrics"') &&
      JSON.stringify(p.attributes).includes('"failure"')
    );
    assert.equal(failure.asDouble, 2);
  } finally {
    await exporter.shutdown();
  }
});

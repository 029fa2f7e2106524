/**
 * The exporters in protobuf mode, through their shared buffering: what they post (content type,
 * a body protobufjs decodes to the JSON encoders' data), and a span the codec cannot encode
 * dropped and counted rather than thrown at the caller.
 */
import assert from "node:assert/strict";
import { createLogger } from "../../src/log/mod.ts";
import { encodeSpans } from "../../src/telemetry/otlp_encode.ts";
import { OtlpTraceExporter } from "../../src/telemetry/otlp_exporter.ts";
import { encodeMetrics } from "../../src/telemetry/otlp_metrics_encode.ts";
import { OtlpMetricExporter } from "../../src/telemetry/otlp_metrics_exporter.ts";
import type { MetricFamily } from "../../src/telemetry/registry.ts";
import type { SpanData } from "../../src/telemetry/spans.ts";
import { canonicalFromJson, canonicalFromProto } from "../support/otlp_proto.ts";

const resource = { serviceName: "gw", serviceVersion: "1.0.0" };
const log = createLogger({ format: "json", write: () => {} });

function capture() {
  const posts: { url: string; contentType: string | null; body: Uint8Array }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    posts.push({
      url: String(url),
      contentType: new Headers(init?.headers).get("content-type"),
      body: new Uint8Array(await new Response(init?.body).arrayBuffer()),
    });
    return new Response(null, { status: 200 });
  }) as typeof globalThis.fetch;
  return { posts, fetch };
}

const span = (i: number): SpanData => ({
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: `00f067aa0ba902b${i}`,
  parentSpanId: i === 0 ? null : "00f067aa0ba902b0",
  name: `span ${i}`,
  kind: i === 0 ? "server" : "client",
  startMs: 1_700_000_000_000 + i,
  endMs: 1_700_000_000_010 + i,
  attributes: { "gen_ai.usage.input_tokens": 31 + i, "gen_ai.system": "openai" },
  status: i === 2 ? { code: "error", message: "upstream 500" } : { code: "unset" },
});

Deno.test("otlp trace exporter, http/protobuf: posts x-protobuf bodies equal to the JSON encoding; an unencodable span is dropped and counted", async () => {
  const { posts, fetch } = capture();
  const exporter = new OtlpTraceExporter({
    endpoint: "http://127.0.0.1:4318",
    insecure: true,
    timeoutMs: 1000,
    resource,
    log,
    fetch,
    protocol: "http/protobuf",
    batchSize: 2,
  });
  const good = [span(0), span(1), span(2)];
  exporter.add([good[0]!, { ...span(9), spanId: "not-hex!" }, good[1]!, good[2]!]);
  await exporter.shutdown();
  assert.deepEqual(exporter.stats(), {
    exported: 3,
    dropped: 1,
    failed_exports: 0,
    failed_spans: 0,
    buffered: 0,
  });
  assert.equal(posts.length, 2, "two batches of at most 2");
  for (const p of posts) {
    assert.equal(p.url, "http://127.0.0.1:4318/v1/traces");
    assert.equal(p.contentType, "application/x-protobuf");
  }
  assert.deepEqual(
    canonicalFromProto("ExportTraceServiceRequest", posts[0]!.body),
    canonicalFromJson(
      "ExportTraceServiceRequest",
      encodeSpans(good.slice(0, 2), resource, "1.0.0"),
    ),
  );
  assert.deepEqual(
    canonicalFromProto("ExportTraceServiceRequest", posts[1]!.body),
    canonicalFromJson("ExportTraceServiceRequest", encodeSpans(good.slice(2), resource, "1.0.0")),
  );
});

Deno.test("otlp metric exporter, http/protobuf: posts the snapshot as x-protobuf", async () => {
  const { posts, fetch } = capture();
  const families: MetricFamily[] = [{
    name: "ongoingai_proxy_request_total",
    help: "Requests.",
    labelNames: ["status_code"],
    type: "counter",
    points: [{ labelValues: ["200"], value: 5 }],
  }];
  const times = { startMs: 1_700_000_000_000, nowMs: 1_700_000_005_000 };
  const exporter = new OtlpMetricExporter({
    endpoint: "127.0.0.1:4318",
    insecure: true,
    timeoutMs: 1000,
    intervalMs: 60_000,
    resource,
    log,
    collect: () => families,
    startMs: times.startMs,
    now: () => times.nowMs,
    fetch,
    protocol: "http/protobuf",
  });
  await exporter.shutdown();
  assert.equal(posts.length, 1);
  assert.equal(posts[0]!.url, "http://127.0.0.1:4318/v1/metrics");
  assert.equal(posts[0]!.contentType, "application/x-protobuf");
  assert.deepEqual(
    canonicalFromProto("ExportMetricsServiceRequest", posts[0]!.body),
    canonicalFromJson(
      "ExportMetricsServiceRequest",
      JSON.parse(JSON.stringify(encodeMetrics(families, resource, "1.0.0", times))),
    ),
  );
});

/**
 * The protobuf encoders against the JSON ones: protobufjs (an independent decoder) reads the
 * bytes, and they must carry exactly what the JSON encoding of the same spans and metrics does.
 */
import assert from "node:assert/strict";
import { encodeSpans, exportRequestJson, spanJson } from "../../src/telemetry/otlp_encode.ts";
import { encodeMetrics } from "../../src/telemetry/otlp_metrics_encode.ts";
import { encodeMetricsProto } from "../../src/telemetry/otlp_metrics_proto.ts";
import { exportRequestProto, spanProto } from "../../src/telemetry/otlp_proto_encode.ts";
import type { MetricFamily } from "../../src/telemetry/registry.ts";
import type { SpanData } from "../../src/telemetry/spans.ts";
import { canonicalFromJson, canonicalFromProto, decodeOtlp } from "../support/otlp_proto.ts";

const resource = { serviceName: "gw-ü", serviceVersion: "1.2.3" };
const base: SpanData = {
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  parentSpanId: null,
  name: "chat gpt-4o-mini",
  kind: "client",
  startMs: 1_700_000_000_123.456,
  endMs: 1_700_000_000_223.5,
  attributes: {},
  status: { code: "unset" },
};

const spans: [string, SpanData][] = [
  ["a root span, no attributes", base],
  ["a child span", { ...base, parentSpanId: "1111111111111111", kind: "server" }],
  ["every attribute type", {
    ...base,
    attributes: {
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 31,
      "negative": -42,
      "zero": 0,
      "big": Number.MAX_SAFE_INTEGER,
      "ongoingai.cost_usd": { double: 0 },
      "ratio": 0.5,
      "unsafe integer": 2 ** 60,
      "nan": { double: NaN },
      "inf": -Infinity,
      "flag": true,
      "off": false,
      "empty": "",
    },
  }],
  ["non-ASCII and long strings", {
    ...base,
    name: "chat 模型 🧀",
    attributes: {
      "ключ": "значение ✓ 🧀",
      "long": "x".repeat(300),
      "longer": "é".repeat(20_000),
    },
  }],
  ["strings around the writer's limits (ASCII fast path, one-byte length)", {
    ...base,
    attributes: Object.fromEntries(
      [0, 1, 63, 64, 65, 127, 128, 129, 16_383, 16_384].flatMap((n) => [
        [`ascii ${n}`, "a".repeat(n)],
        [`non-ascii last ${n}`, "a".repeat(Math.max(0, n - 1)) + "é"],
        [`astral ${n}`, "🧀".repeat(n >> 1)],
      ]),
    ),
  }],
  ["an error status with a message to scrub", {
    ...base,
    status: { code: "error", message: "failed with Bearer sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123" },
    attributes: { leak: "Bearer sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" },
  }],
  ["an ok status", { ...base, kind: "internal", status: { code: "ok" } }],
  ["links and dropped links", {
    ...base,
    links: [
      { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331" },
      { traceId: "ffffffffffffffffffffffffffffffff", spanId: "0000000000000001" },
    ],
    droppedLinks: 3,
  }],
  ["dropped links only", { ...base, links: [], droppedLinks: 1 }],
  ["end before start", { ...base, endMs: base.startMs - 5 }],
  ["a time at microsecond resolution far from the epoch", {
    ...base,
    startMs: 4_102_444_800_000.001,
    endMs: 4_102_444_800_000.999,
  }],
];

for (const [name, span] of spans) {
  Deno.test(`otlp protobuf span = json span: ${name}`, () => {
    const json = JSON.parse(exportRequestJson([spanJson(span)], resource, "1.2.3"));
    const proto = exportRequestProto([spanProto(span)], resource, "1.2.3");
    assert.deepEqual(
      canonicalFromProto("ExportTraceServiceRequest", proto),
      canonicalFromJson("ExportTraceServiceRequest", json),
    );
  });
}

Deno.test("otlp protobuf: a batch of every span decodes like the JSON batch, ids in hex", () => {
  const all = spans.map(([, s]) => s);
  const proto = exportRequestProto(all.map(spanProto), resource, "9.9.9");
  const json = encodeSpans(all, resource, "9.9.9");
  assert.deepEqual(
    canonicalFromProto("ExportTraceServiceRequest", proto),
    canonicalFromJson("ExportTraceServiceRequest", json),
  );
  // The collector's own view (zero values absent): ids and times as the JSON has them.
  const decoded = decodeOtlp<typeof json>("ExportTraceServiceRequest", proto);
  const got = decoded.resourceSpans[0]!.scopeSpans[0]!.spans;
  const want = json.resourceSpans[0]!.scopeSpans[0]!.spans;
  assert.equal(got.length, all.length);
  for (let i = 0; i < got.length; i++) {
    assert.equal(got[i]!.traceId, want[i]!.traceId);
    assert.equal(got[i]!.spanId, want[i]!.spanId);
    assert.equal(got[i]!.parentSpanId, want[i]!.parentSpanId);
    assert.equal(got[i]!.startTimeUnixNano, want[i]!.startTimeUnixNano);
    assert.equal(got[i]!.endTimeUnixNano, want[i]!.endTimeUnixNano);
  }
});

Deno.test("otlp protobuf: an empty batch is a valid request", () => {
  assert.deepEqual(
    canonicalFromProto("ExportTraceServiceRequest", exportRequestProto([], resource, "")),
    canonicalFromJson(
      "ExportTraceServiceRequest",
      JSON.parse(exportRequestJson([], resource, "")),
    ),
  );
});

Deno.test("otlp protobuf: a malformed id is refused, and the next span encodes cleanly", () => {
  assert.throws(() => spanProto({ ...base, spanId: "zz" }), /not a hex id/);
  const proto = exportRequestProto([spanProto(base)], resource, "1");
  assert.deepEqual(
    canonicalFromProto("ExportTraceServiceRequest", proto),
    canonicalFromJson("ExportTraceServiceRequest", encodeSpans([base], resource, "1")),
  );
});

const families: MetricFamily[] = [
  {
    name: "ongoingai_proxy_request_total",
    help: "Requests by status.",
    labelNames: ["provider", "status"],
    type: "counter",
    points: [
      { labelValues: ["openai", "200"], value: 3 },
      { labelValues: ["anthropic", "429"], value: 0 },
      { labelValues: ["ünïcode", "5xx"], value: 1e21 },
    ],
  },
  {
    name: "ongoingai_inflight",
    help: "",
    labelNames: [],
    type: "gauge",
    points: [{ labelValues: [], value: -2.5 }, { labelValues: [], value: NaN }],
  },
  { name: "ongoingai_empty", help: "never observed", labelNames: [], type: "gauge", points: [] },
  {
    name: "ongoingai_proxy_request_duration_seconds",
    help: "Latency.",
    labelNames: ["provider"],
    type: "histogram",
    buckets: [0.005, 0.1, 1, 10],
    points: [
      { labelValues: ["openai"], counts: [1, 0, 2, 0, 1], sum: 12.75, count: 4 },
      { labelValues: ["anthropic"], counts: [0, 0, 0, 0, 0], sum: 0, count: 0 },
    ],
  },
  {
    name: "ongoingai_one_bucket",
    help: "Only +Inf.",
    labelNames: [],
    type: "histogram",
    buckets: [],
    points: [{ labelValues: [], counts: [7], sum: 70, count: 7 }],
  },
];

Deno.test("otlp protobuf metrics = json metrics: sum, gauge, histogram with buckets", () => {
  const times = { startMs: 1_700_000_000_000.5, nowMs: 1_700_000_010_000.25 };
  const json = encodeMetrics(families, resource, "1.2.3", times);
  const proto = encodeMetricsProto(families, resource, "1.2.3", times);
  assert.deepEqual(
    canonicalFromProto("ExportMetricsServiceRequest", proto),
    canonicalFromJson("ExportMetricsServiceRequest", JSON.parse(JSON.stringify(json))),
  );
  const decoded = decodeOtlp<typeof json>("ExportMetricsServiceRequest", proto);
  const names = decoded.resourceMetrics[0]!.scopeMetrics[0]!.metrics.map((m) => m.name);
  assert.deepEqual(names, families.filter((f) => f.points.length > 0).map((f) => f.name));
});

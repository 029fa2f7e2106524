/**
 * The telemetry scenario's collector on protobuf bodies: spans counted by kind from what the
 * gateway's encoder writes, and truncated or garbled bodies refused and counted.
 */
import assert from "node:assert/strict";
import { emptyCounts } from "../../bench/otlp_sink.ts";
import { protoSpanKinds, tallyProto } from "../../bench/otlp_sink_proto.ts";
import { exportRequestProto, spanProto } from "../../src/telemetry/otlp_proto_encode.ts";
import type { SpanData, SpanKind } from "../../src/telemetry/spans.ts";

const span = (kind: SpanKind): SpanData => ({
  traceId: "a".repeat(32),
  spanId: "b".repeat(16),
  parentSpanId: null,
  name: "kind",
  kind,
  startMs: 1_700_000_000_000,
  endMs: 1_700_000_000_001,
  attributes: { kind: "kind", n: 6 },
  status: { code: "unset" },
});
const body = (kinds: SpanKind[]) =>
  exportRequestProto(kinds.map((k) => spanProto(span(k))), {
    serviceName: "s",
    serviceVersion: "1",
  }, "1");

Deno.test("protoSpanKinds counts spans by kind", () => {
  assert.deepEqual(protoSpanKinds(body(["server", "client", "client", "internal"])), {
    server: 1,
    client: 2,
    internal: 1,
    other: 0,
  });
  assert.deepEqual(protoSpanKinds(body([])), { server: 0, client: 0, internal: 0, other: 0 });
});

Deno.test("tallyProto counts bytes and requests, and refuses malformed bodies", () => {
  const c = emptyCounts();
  const good = body(["server", "client"]);
  assert.equal(tallyProto(c, "/v1/traces", good), 200);
  assert.equal(tallyProto(c, "/v1/traces", good.subarray(0, good.length - 3)), 400);
  assert.equal(tallyProto(c, "/v1/traces", new Uint8Array([0x0f, 1, 2])), 400);
  assert.equal(tallyProto(c, "/v1/metrics", new Uint8Array([0x0a, 0x05, 1])), 400);
  assert.equal(tallyProto(c, "/v1/metrics", new Uint8Array([0x0a, 0x01, 0x08])), 200);
  assert.equal(c.trace_requests, 1);
  assert.equal(c.metric_requests, 1);
  assert.equal(c.bad_bodies, 3);
  assert.deepEqual(c.spans, { server: 1, client: 1, internal: 0, other: 0 });
  assert.equal(c.bytes, good.length * 2 - 3 + 3 + 3 + 3);
});

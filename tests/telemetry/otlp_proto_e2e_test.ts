/**
 * End to end with `protocol: http/protobuf`: an in-process gateway exports spans and pushes
 * metrics to a real OTLP/HTTP receiver on loopback, which decodes the protobuf bodies with
 * protobufjs (an independent decoder). Also the per-signal setting: protobuf spans beside JSON
 * metrics.
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { attrsOf, type OtlpDoc } from "../support/otlp_decoded.ts";

const providerKey = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH";
const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
const clientSpan = "00f067aa0ba902b7";

async function runOnce(otel: Record<string, unknown>) {
  const receiver = startOtlpReceiver<OtlpDoc>();
  const h = await startHarness({
    observability: {
      otel: {
        enabled: true,
        endpoint: receiver.endpoint,
        service_name: "gw-proto-ü",
        metric_export_interval_ms: 60_000,
        ...otel,
      },
    },
  });
  try {
    for (let i = 0; i < 2; i++) {
      const res = await h.request("/openai/v1/chat/completions", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${providerKey}`,
          traceparent: `00-${clientTrace}-${clientSpan}-01`,
        },
        body: JSON.stringify({
          model: "gpt-4o-mini",
          messages: [{ role: "user", content: "cheese cartel plans" }],
        }),
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    const traces = await h.tracesSettled(2);
    // Shutdown sends the spans still buffered and pushes a last metric snapshot.
    await h.gateway.shutdownTelemetry();
    return { receiver, traces };
  } finally {
    await h.close();
    await receiver.close();
  }
}

Deno.test("otlp protobuf e2e: spans and metrics arrive as application/x-protobuf with their names, attributes and values", async () => {
  const { receiver, traces } = await runOnce({ protocol: "http/protobuf" });
  const spanReqs = receiver.received.filter((r) => r.path === "/v1/traces");
  const metricReqs = receiver.received.filter((r) => r.path === "/v1/metrics");
  assert.ok(spanReqs.length >= 1 && metricReqs.length >= 1);
  for (const r of receiver.received) assert.equal(r.contentType, "application/x-protobuf");

  const rs = spanReqs[0]!.body.resourceSpans![0]!;
  assert.deepEqual(attrsOf(rs.resource.attributes)["service.name"], "gw-proto-ü");
  assert.equal(rs.scopeSpans[0]!.scope.name, "ongoingai.gateway");
  const spans = spanReqs.flatMap((r) =>
    r.body.resourceSpans!.flatMap((x) => x.scopeSpans.flatMap((s) => s.spans))
  );
  assert.equal(spans.length, 4);
  const servers = spans.filter((s) => s.kind === 2);
  const upstreams = spans.filter((s) => s.kind === 3);
  assert.equal(servers.length, 2);
  for (const server of servers) {
    assert.equal(server.name, "POST /openai/*");
    assert.equal(server.traceId, clientTrace);
    assert.equal(server.parentSpanId, clientSpan);
    const upstream = upstreams.find((u) => u.parentSpanId === server.spanId)!;
    assert.ok(upstream, "each server span has its upstream child");
    assert.equal(upstream.name, "chat gpt-4o-mini");
    assert.match(upstream.spanId, /^[0-9a-f]{16}$/);
    assert.ok(BigInt(server.startTimeUnixNano) <= BigInt(upstream.startTimeUnixNano));
    assert.ok(BigInt(upstream.endTimeUnixNano) <= BigInt(server.endTimeUnixNano));
    assert.ok(BigInt(server.startTimeUnixNano) > 1_600_000_000_000_000_000n, "unix nanoseconds");
    const a = attrsOf(upstream.attributes);
    assert.equal(a["gen_ai.system"], "openai");
    assert.equal(a["gen_ai.request.model"], "gpt-4o-mini");
    assert.equal(a["gen_ai.response.model"], "gpt-4o-mini-2024-07-18");
    assert.equal(a["gen_ai.usage.input_tokens"], "31");
    assert.equal(a["gen_ai.usage.output_tokens"], "12");
    assert.equal(a["http.response.status_code"], "200");
    const trace = traces.find((t) => t.id === a["ongoingai.trace_id"]);
    assert.ok(trace, "the span names its stored trace");
    assert.equal(a["ongoingai.cost_usd"], trace.estimated_cost_usd);
    // Status code 0 (unset) is a proto3 zero value: absent on the wire.
    assert.equal(server.status?.code, undefined);
  }

  const last = metricReqs.at(-1)!.body.resourceMetrics![0]!;
  assert.equal(attrsOf(last.resource.attributes)["service.name"], "gw-proto-ü");
  const metrics = new Map(
    last.scopeMetrics.flatMap((s) => s.metrics.map((m) => [m.name, m] as const)),
  );
  const requests = metrics.get("ongoingai_proxy_request_total")!.sum!;
  assert.equal(requests.isMonotonic, true);
  assert.equal(requests.aggregationTemporality, 2);
  assert.equal(requests.dataPoints.reduce((n, p) => n + p.asDouble, 0), 2);
  assert.deepEqual(attrsOf(requests.dataPoints[0]!.attributes), {
    provider: "openai",
    model: "gpt-4o-mini-2024-07-18",
    status_code: "200",
  });
  const tokens = metrics.get("ongoingai_proxy_tokens_total")!.sum!;
  const tokenSum = (type: string) =>
    tokens.dataPoints.filter((p) => attrsOf(p.attributes).type === type)
      .reduce((n, p) => n + p.asDouble, 0);
  assert.equal(tokenSum("input"), 62);
  assert.equal(tokenSum("output"), 24);
  const duration = metrics.get("ongoingai_proxy_request_duration_seconds")!.histogram!;
  assert.equal(duration.aggregationTemporality, 2);
  const point = duration.dataPoints[0]!;
  assert.equal(point.count, "2");
  assert.equal(point.bucketCounts.length, point.explicitBounds.length + 1);
  assert.equal(point.bucketCounts.reduce((n, c) => n + Number(c), 0), 2);
  assert.ok(point.sum > 0);

  const everything = receiver.received.map((r) => r.raw).join("\n");
  assert.ok(everything.includes("gpt-4o-mini-2024-07-18"), "strings are readable in the bytes");
  assert.ok(!everything.includes("AbCdEfGhIjKlMnOp"), "part of the provider key exported");
  assert.ok(!everything.includes("cheese"), "prompt text exported");
});

Deno.test("otlp protobuf e2e: traces_protocol protobuf beside JSON metrics", async () => {
  const { receiver } = await runOnce({ traces_protocol: "http/protobuf" });
  const types = new Set(receiver.received.map((r) => `${r.path} ${r.contentType}`));
  assert.deepEqual([...types].sort(), [
    "/v1/metrics application/json",
    "/v1/traces application/x-protobuf",
  ]);
  const spans = receiver.received.filter((r) => r.path === "/v1/traces").flatMap((r) =>
    r.body.resourceSpans!.flatMap((x) => x.scopeSpans.flatMap((s) => s.spans))
  );
  assert.equal(spans.length, 4);
});

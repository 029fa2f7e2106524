/**
 * End to end: an in-process gateway with span export on, a real OTLP/HTTP receiver on loopback
 * started here, decoding exactly what the gateway sends. Store batch spans need the real writer
 * and store, so that test runs the CLI's `serve` as a subprocess.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, startServer } from "../support/process.ts";
import { configFor, startHarness, testSecret } from "../support/gateway_harness.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { createGateway } from "../../src/server/gateway.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import { createLogger } from "../../src/log/mod.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import type { OtlpSpan, OtlpTraceDoc as OtlpDoc } from "../support/otlp_decoded.ts";

function startReceiver() {
  const r = startOtlpReceiver<OtlpDoc>();
  // Metrics are pushed to the same receiver (/v1/metrics) unless metrics_enabled is off.
  const traces = () => r.received.filter((x) => x.path === "/v1/traces");
  return {
    ...r,
    traces,
    spans: () =>
      traces().flatMap((x) =>
        x.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans))
      ),
  };
}

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : Object.values(v)[0];
};

const providerKey = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH";
const prompt = "please summarise the secret plans of the cheese cartel";
const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
const clientSpan = "00f067aa0ba902b7";

Deno.test("otlp e2e: server and upstream spans, parent links, GenAI attributes, no keys", async () => {
  const receiver = startReceiver();
  const h = await startHarness({
    observability: {
      otel: { enabled: true, endpoint: receiver.endpoint, service_name: "gw-test" },
    },
  });
  try {
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${providerKey}`,
        traceparent: `00-${clientTrace}-${clientSpan}-01`,
      },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] }),
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const [trace] = await h.tracesSettled(1);
    await h.gateway.shutdownTelemetry();

    assert.equal(receiver.traces().length >= 1, true);
    assert.equal(receiver.traces()[0]!.path, "/v1/traces");
    assert.equal(receiver.traces()[0]!.contentType, "application/json");
    const resource = receiver.traces()[0]!.body.resourceSpans[0]!.resource.attributes;
    assert.deepEqual(resource.find((a) => a.key === "service.name")?.value, {
      stringValue: "gw-test",
    });

    const spans = receiver.spans();
    assert.equal(spans.length, 2);
    const server = spans.find((s) => s.kind === 2)!;
    const upstream = spans.find((s) => s.kind === 3)!;
    assert.equal(server.name, "POST /openai/*");
    assert.equal(upstream.name, "chat gpt-4o-mini");
    // One trace, the client's; the server span hangs under the client's span, the upstream
    // span under the server span.
    assert.equal(server.traceId, clientTrace);
    assert.equal(upstream.traceId, clientTrace);
    assert.equal(server.parentSpanId, clientSpan);
    assert.equal(upstream.parentSpanId, server.spanId);
    // The provider saw a traceparent naming the upstream span.
    assert.equal(
      h.stub.requests[0]!.headers["traceparent"],
      `00-${clientTrace}-${upstream.spanId}-01`,
    );
    assert.ok(BigInt(server.startTimeUnixNano) <= BigInt(upstream.startTimeUnixNano));
    assert.ok(BigInt(upstream.endTimeUnixNano) <= BigInt(server.endTimeUnixNano));

    assert.equal(attr(upstream, "gen_ai.system"), "openai");
    assert.equal(attr(upstream, "gen_ai.operation.name"), "chat");
    assert.equal(attr(upstream, "gen_ai.request.model"), "gpt-4o-mini");
    assert.equal(attr(upstream, "gen_ai.response.model"), "gpt-4o-mini-2024-07-18");
    assert.equal(attr(upstream, "gen_ai.usage.input_tokens"), "31");
    assert.equal(attr(upstream, "gen_ai.usage.output_tokens"), "12");
    assert.equal(attr(upstream, "ongoingai.cost_usd"), trace!.estimated_cost_usd);
    assert.equal(attr(upstream, "http.response.status_code"), "200");
    for (const s of [server, upstream]) {
      assert.equal(attr(s, "ongoingai.trace_id"), trace!.id);
      assert.equal(attr(s, "ongoingai.org_id"), "default");
      assert.equal(attr(s, "ongoingai.workspace_id"), "default");
      assert.deepEqual(s.status, { code: 0 });
    }
    const everything = receiver.received.map((r) => r.raw).join("\n");
    assert.ok(!everything.includes(providerKey), "provider key exported");
    assert.ok(!everything.includes("AbCdEfGhIjKlMnOp"), "part of the provider key exported");
    assert.ok(!everything.includes("cheese"), "prompt text exported");
  } finally {
    await h.close();
    await receiver.close();
  }
});

Deno.test("otlp e2e: without a client traceparent the gateway starts a trace; unsampled spans are not sent", async () => {
  const receiver = startReceiver();
  const h = await startHarness({
    observability: { otel: { enabled: true, endpoint: receiver.endpoint } },
  });
  try {
    const root = await h.request("/openai/v1/models");
    await root.body?.cancel();
    const unsampled = await h.request("/openai/v1/models", {
      headers: { traceparent: `00-${clientTrace}-${clientSpan}-00` },
    });
    await unsampled.body?.cancel();
    await h.tracesSettled(2);
    await h.gateway.shutdownTelemetry();
    const spans = receiver.spans();
    assert.equal(spans.length, 2, "only the sampled request's two spans");
    const server = spans.find((s) => s.kind === 2)!;
    assert.equal(server.parentSpanId, undefined);
    assert.equal(server.name, "GET /openai/*");
    assert.equal(spans.find((s) => s.kind === 3)!.name, "GET upstream");
    const sent = h.stub.requests.map((r) => r.headers["traceparent"]);
    assert.match(sent[0]!, new RegExp(`^00-${server.traceId}-[0-9a-f]{16}-01$`));
    // Not sampled: the decision travels on with the client's trace id.
    assert.match(sent[1]!, new RegExp(`^00-${clientTrace}-[0-9a-f]{16}-00$`));
    assert.notEqual(sent[1], `00-${clientTrace}-${clientSpan}-00`);
  } finally {
    await h.close();
    await receiver.close();
  }
});

Deno.test("otlp e2e: an invalid client traceparent is ignored, not propagated, and its tracestate is discarded", async () => {
  const receiver = startReceiver();
  const h = await startHarness({
    observability: { otel: { enabled: true, endpoint: receiver.endpoint } },
  });
  const tracestate = "vendor=abc,other=xyz";
  const invalid = [
    `ff-${clientTrace}-${clientSpan}-01`, // version ff
    `00-${clientTrace.toUpperCase()}-${clientSpan}-01`, // upper-case hex
    `00-${"0".repeat(32)}-${clientSpan}-01`, // all-zero trace id
    `00-${clientTrace}-${"0".repeat(16)}-01`, // all-zero span id
    `00-${clientTrace}-${clientSpan}-01-extra`, // extra fields in version 00
  ];
  try {
    for (const traceparent of invalid) {
      const res = await h.request("/openai/v1/models", { headers: { traceparent, tracestate } });
      await res.body?.cancel();
    }
    // A valid parent is continued, and its tracestate travels with it unchanged.
    const valid = `00-${clientTrace}-${clientSpan}-01`;
    const ok = await h.request("/openai/v1/models", {
      headers: { traceparent: valid, tracestate },
    });
    await ok.body?.cancel();
    // A later version may append fields: the known ones are read, the trace continued.
    const future = `01-${clientTrace}-${clientSpan}-01-future`;
    const later = await h.request("/openai/v1/models", {
      headers: { traceparent: future, tracestate },
    });
    await later.body?.cancel();
    await h.tracesSettled(invalid.length + 2);
    const seen = h.stub.requests.map((r) => r.headers);
    for (const [i, headers] of seen.slice(0, invalid.length).entries()) {
      const sent = headers["traceparent"]!;
      assert.match(sent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/, invalid[i]);
      assert.ok(!sent.includes(clientTrace), `${invalid[i]}: the client's trace id propagated`);
      assert.equal(headers["tracestate"], undefined, `${invalid[i]}: tracestate kept`);
    }
    for (const headers of seen.slice(invalid.length)) {
      assert.match(headers["traceparent"]!, new RegExp(`^00-${clientTrace}-[0-9a-f]{16}-01$`));
      assert.equal(headers["tracestate"], tracestate);
    }
  } finally {
    await h.close();
    await receiver.close();
  }
});

Deno.test("otlp e2e: with export off the client's traceparent passes unchanged", async () => {
  const h = await startHarness();
  try {
    const tp = `00-${clientTrace}-${clientSpan}-01`;
    const res = await h.request("/openai/v1/models", { headers: { traceparent: tp } });
    await res.body?.cancel();
    assert.equal(h.stub.requests[0]!.headers["traceparent"], tp);
    assert.equal(h.gateway.spanExporter, null);
  } finally {
    await h.close();
  }
});

Deno.test("otlp e2e: a collector that is down neither fails nor slows requests; counted and logged once", async () => {
  // A port that was just free: nothing listens there.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const stub = await startUpstreamStub();
  const config = configFor(stub.url, {
    observability: {
      otel: { enabled: true, endpoint: `127.0.0.1:${port}`, export_timeout_ms: 500 },
    },
  });
  const store = await openSqliteStore({ path: ":memory:" });
  const lines: string[] = [];
  const log = createLogger({ format: "json", write: (l) => void lines.push(l) });
  const writer = { enqueue: () => true, snapshot: () => writerSnapshot({}) };
  const gateway = createGateway(config, { store, writer, keyHashSecret: testSecret, log });
  try {
    const started = performance.now();
    for (let round = 0; round < 3; round++) {
      const res = await gateway.fetch(
        new Request("http://gw.test/openai/v1/chat/completions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "gpt-4o-mini", messages: [] }),
        }),
      );
      assert.equal(res.status, 200);
      await res.body?.cancel();
      // Let an export attempt run between requests.
      await gateway.spanExporter!.flush();
    }
    const elapsed = performance.now() - started;
    await gateway.shutdownTelemetry();
    const stats = gateway.spanExporter!.stats();
    assert.equal(stats.exported, 0);
    assert.equal(stats.failed_spans, 6);
    assert.ok(stats.failed_exports >= 1);
    const warnings = lines.filter((l) => l.includes("span export failed"));
    assert.equal(warnings.length, 1, "rate limited to one line a minute");
    assert.ok(elapsed < 5000, `requests took ${elapsed} ms`);
  } finally {
    gateway.close();
    await gateway.shutdownTelemetry();
    await stub.close();
    await store.close();
  }
});

Deno.test("otlp e2e (CLI serve): each store batch is a span linked to the server spans of the sampled requests it wrote", async () => {
  const receiver = startReceiver();
  const stub = await startUpstreamStub();
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-otlp-batch-" });
  const port = freePort();
  // Ratio 0: only a client's sampled traceparent makes a request (and so a batch) exported.
  // Batches of two, and a partial batch waits a minute: the last one is written by shutdown.
  await Deno.writeTextFile(
    join(dir, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 300 }
storage: { path: ./data/gw.db }
providers:
  openai: { upstream: "${stub.url}" }
  anthropic: { upstream: "${stub.url}" }
tracing: { batch_size: 2, flush_interval_ms: 60000, capture_bodies: true }
observability:
  otel: { enabled: true, endpoint: "${receiver.endpoint}", sampling_ratio: 0, metrics_enabled: false }
`,
  );
  const server = await startServer([], { cwd: dir, port });
  const written = (n: number) =>
    poll(`${n} traces in the store`, async () => {
      const page = await (await fetch(`${server.origin}/api/traces`)).json();
      return page.items.length >= n ? true : undefined;
    });
  const chat = async (traceparent?: string) => {
    const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${providerKey}`,
        ...(traceparent === undefined ? {} : { traceparent }),
      },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] }),
    });
    assert.equal(res.status, 200);
    await res.text();
  };
  const lastTrace = "0af7651916cd43dd8448eb211c80319c";
  try {
    // A full batch: one sampled request and one not.
    await chat(`00-${clientTrace}-${clientSpan}-01`);
    await chat();
    await written(2);
    // A full batch of unsampled requests: no span for it.
    await chat();
    await chat(`00-${lastTrace}-${clientSpan}-00`);
    await written(4);
    // A sampled request left in a partial batch, written only as the gateway stops.
    await chat(`00-${lastTrace}-b7ad6b7169203331-01`);
    const { code } = await server.stop();
    assert.equal(code, 0);

    const spans = receiver.spans();
    const servers = spans.filter((s) => s.kind === 2);
    assert.deepEqual(servers.map((s) => s.traceId), [clientTrace, lastTrace], "sampled requests");
    const batches = spans.filter((s) => s.name === "ongoingai.store.write_batch");
    assert.equal(batches.length, 2, "the batches holding a sampled request");
    const [mixed, last] = batches;
    for (
      const [batch, size, server] of [[mixed!, "2", servers[0]!], [
        last!,
        "1",
        servers[1]!,
      ]] as const
    ) {
      assert.equal(batch.kind, 1);
      assert.equal(batch.parentSpanId, undefined);
      assert.notEqual(batch.traceId, server.traceId);
      assert.deepEqual(batch.links, [{
        traceId: server.traceId,
        spanId: server.spanId,
        flags: 0x101,
      }]);
      assert.equal(attr(batch, "db.system"), "sqlite");
      assert.equal(attr(batch, "ongoingai.store.operation"), "write_batch");
      assert.equal(attr(batch, "ongoingai.store.batch_size"), size);
      assert.equal(attr(batch, "ongoingai.store.attempt"), "1");
      assert.equal(attr(batch, "error.type"), undefined);
      assert.deepEqual(batch.status, { code: 0 });
      assert.ok(BigInt(batch.startTimeUnixNano) <= BigInt(batch.endTimeUnixNano));
    }
    const everything = receiver.received.map((r) => r.raw).join("\n");
    assert.ok(!everything.includes("cheese"), "prompt text exported");
    assert.ok(!everything.includes("AbCdEfGhIjKlMnOp"), "part of the provider key exported");
  } finally {
    await server.kill();
    await stub.close();
    await receiver.close();
    await Deno.remove(dir, { recursive: true });
  }
});

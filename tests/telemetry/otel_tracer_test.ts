/**
 * The gateway's tracer behind `@opentelemetry/api`: a span made through the API leaves as the
 * OTLP span the exporter would send (encodeSpans), with its strings scrubbed and the pipeline's
 * known secrets redacted whatever the caller set; sampling is ParentBased(ratio); the request
 * spans the recorder makes through the API are exactly today's `exchangeSpans`.
 */
import assert from "node:assert/strict";
import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import {
  GatewayTracer,
  maxAttributeLength,
  maxSpanAttributes,
  type SpanPipeline,
} from "../../src/telemetry/otel_tracer.ts";
import { encodeSpans, type OtlpSpan } from "../../src/telemetry/otlp_encode.ts";
import {
  createSpanRecorder,
  exchangeSpans,
  redactSpan,
  runsCodeInRequests,
  type SpanData,
  type SpanEnd,
} from "../../src/telemetry/spans.ts";
import type { TraceRecord } from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const resource = { serviceName: "svc", serviceVersion: "1.0.0" };
const openaiKey = "sk-proj-TracerTestKey0123456789abcdefghijKLMNOP";
const knownSecret = "hunter2-but-long-enough";

function pipeline(samplingRatio = 1, redact: SpanPipeline["redact"] = null) {
  const out: SpanData[] = [];
  return { out, pipeline: { samplingRatio, export: (s: SpanData[]) => out.push(...s), redact } };
}

/** The exported spans as the collector decodes them. */
const otlp = (spans: SpanData[]): OtlpSpan[] =>
  spans.length === 0
    ? []
    : encodeSpans(spans, resource, "1").resourceSpans[0]!.scopeSpans[0]!.spans;

const attrs = (s: OtlpSpan) => Object.fromEntries(s.attributes.map((a) => [a.key, a.value]));

const remoteParent = (sampled: boolean): Context =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    traceFlags: sampled ? 1 : 0,
    isRemote: true,
  });

interface Case {
  name: string;
  ratio?: number;
  redact?: (s: string) => string;
  run(tracer: GatewayTracer): void;
  check(spans: OtlpSpan[]): void;
}

const cases: Case[] = [
  {
    name: "attributes of every API type map to OTLP values; arrays as JSON text",
    run(t) {
      const s = t.startSpan("work", { kind: SpanKind.CLIENT, attributes: { a: "x" } });
      s.setAttributes({ n: 3, d: 1.5, b: false, list: ["a", "b"], none: undefined });
      s.end();
    },
    check([s]) {
      assert.equal(s!.name, "work");
      assert.equal(s!.kind, 3);
      assert.deepEqual(attrs(s!), {
        a: { stringValue: "x" },
        n: { intValue: "3" },
        d: { doubleValue: 1.5 },
        b: { boolValue: false },
        list: { stringValue: '["a","b"]' },
      });
    },
  },
  {
    name: "a credential shape in the name, an attribute or the status message is scrubbed",
    run(t) {
      const s = t.startSpan(`call ${openaiKey}`);
      s.setAttribute("app.note", `key ${openaiKey}`);
      s.setStatus({ code: SpanStatusCode.ERROR, message: `bad ${openaiKey}` });
      s.end();
    },
    check([s]) {
      assert.equal(s!.name, "call [CREDENTIAL_REDACTED]");
      assert.deepEqual(attrs(s!)["app.note"], { stringValue: "key [CREDENTIAL_REDACTED]" });
      assert.deepEqual(s!.status, { code: 2, message: "bad [CREDENTIAL_REDACTED]" });
    },
  },
  {
    name: "the pipeline's known secrets are redacted, whatever the caller set",
    redact: (v) => v.replaceAll(knownSecret, "[REDACTED]"),
    run(t) {
      t.startSpan(`n ${knownSecret}`, { attributes: { s: knownSecret } }).end();
    },
    check([s]) {
      assert.equal(s!.name, "n [REDACTED]");
      assert.deepEqual(attrs(s!)["s"], { stringValue: "[REDACTED]" });
    },
  },
  {
    name: "a child keeps its parent's trace and names it",
    run(t) {
      const parent = t.startSpan("parent");
      t.startSpan("child", {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
      parent.end();
    },
    check([child, parent]) {
      assert.equal(child!.traceId, parent!.traceId);
      assert.equal(child!.parentSpanId, parent!.spanId);
      assert.equal(parent!.parentSpanId, undefined);
    },
  },
  {
    name: "ratio 0: a root span is not recorded or exported",
    ratio: 0,
    run(t) {
      const s = t.startSpan("root");
      assert.equal(s.isRecording(), false);
      assert.ok(trace.isSpanContextValid(s.spanContext()));
      s.setAttribute("x", 1).end();
    },
    check: (spans) => assert.deepEqual(spans, []),
  },
  {
    name: "ratio 0: a sampled remote parent wins (ParentBased)",
    ratio: 0,
    run: (t) => t.startSpan("child", {}, remoteParent(true)).end(),
    check([s]) {
      assert.equal(s!.traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
      assert.equal(s!.parentSpanId, "00f067aa0ba902b7");
    },
  },
  {
    name: "ratio 1: an unsampled remote parent wins (ParentBased)",
    run: (t) => t.startSpan("child", {}, remoteParent(false)).end(),
    check: (spans) => assert.deepEqual(spans, []),
  },
  {
    name: "ratio 0: a root linking a sampled span is sampled, with the link",
    ratio: 0,
    run(t) {
      const context = { traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: 1 };
      t.startSpan("batch", { root: true, links: [{ context }] }, remoteParent(false)).end();
    },
    check([s]) {
      assert.equal(s!.parentSpanId, undefined);
      assert.deepEqual(s!.links, [{
        traceId: "a".repeat(32),
        spanId: "b".repeat(16),
        flags: 0x101,
      }]);
    },
  },
  {
    name: "an ended span takes no more changes and is exported once",
    run(t) {
      const s = t.startSpan("once");
      s.end();
      s.setAttribute("late", 1).updateName("renamed").end();
    },
    check(spans) {
      assert.equal(spans.length, 1);
      assert.equal(spans[0]!.name, "once");
      assert.deepEqual(spans[0]!.attributes, []);
    },
  },
  {
    name: `at most ${maxSpanAttributes} attributes; a known key may still change`,
    run(t) {
      const s = t.startSpan("many");
      for (let i = 0; i < maxSpanAttributes + 10; i++) s.setAttribute(`k${i}`, i);
      s.setAttribute("k0", "changed").end();
    },
    check([s]) {
      assert.equal(s!.attributes.length, maxSpanAttributes);
      assert.deepEqual(attrs(s!)["k0"], { stringValue: "changed" });
    },
  },
  {
    name: `strings past ${maxAttributeLength} are cut after scrubbing (no piece of a key left)`,
    run(t) {
      const long = "x".repeat(maxAttributeLength - 10) + openaiKey + "y".repeat(100);
      t.startSpan(long).setAttribute("long", long).end();
    },
    check([s]) {
      const v = String(Object.values(attrs(s!)["long"]!)[0]);
      assert.equal(v.length, maxAttributeLength);
      assert.equal(s!.name, v);
      assert.ok(!v.includes("TracerTest") && v.endsWith("x[CREDENTIA"), v.slice(-30));
    },
  },
  {
    name: "explicit start and end times (ms, Date, HrTime) are kept",
    run(t) {
      const s = t.startSpan("timed", { startTime: new Date(1_700_000_000_000) });
      s.end([1_700_000_001, 500_000_000]);
    },
    check([s]) {
      assert.equal(s!.startTimeUnixNano, "1700000000000000000");
      assert.equal(s!.endTimeUnixNano, "1700000001500000000");
    },
  },
];

for (const c of cases) {
  Deno.test(`otel tracer: ${c.name}`, () => {
    const p = pipeline(c.ratio ?? 1, c.redact ?? null);
    c.run(new GatewayTracer(p.pipeline));
    c.check(otlp(p.out));
  });
}

Deno.test("otel tracer: a tracer without a pipeline makes valid, non-recording spans", () => {
  const s: Span = new GatewayTracer(null).startSpan("nowhere");
  assert.equal(s.isRecording(), false);
  assert.ok(trace.isSpanContextValid(s.spanContext()));
  s.end();
});

/** Exchanges as the proxy ends them: statuses, errors, never sent, a client's traceparent. */
const ends: [string, Parameters<typeof makeTrace>[0], Partial<SpanEnd>, string | null][] = [
  ["a 200 chat", {}, {}, null],
  ["a 502 from upstream", { response_status: 502 }, {}, null],
  ["unreachable upstream", { response_status: 0, error_code: "upstream_unreachable" }, {}, null],
  [
    "never sent",
    { response_status: 403, error_code: "pii_blocked" },
    { sent: false } as never,
    null,
  ],
  ["a client's traceparent", {}, {}, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
  ["a model carrying a known secret", {}, { requestModel: `gpt-${knownSecret}` }, null],
];

for (const [name, trace, extra, traceparent] of ends) {
  Deno.test(`otel tracer: request spans through the API = exchangeSpans (${name})`, () => {
    const redact = (v: string) => v.replaceAll(knownSecret, "[REDACTED]");
    const p = pipeline(1, redact);
    const recorder = createSpanRecorder({ ...p.pipeline });
    const headers = new Headers(traceparent === null ? {} : { traceparent });
    const span = recorder.start(headers);
    const sent = (extra as { sent?: boolean }).sent !== false;
    span.sentAt = sent ? 5 : null;
    span.endedAt = 40;
    const input: SpanEnd = {
      trace: makeTrace(trace) as TraceRecord,
      span,
      prefix: "/openai",
      providerName: "openai",
      operation: "chat",
      requestModel: extra.requestModel ?? "gpt-4o-mini",
      responseModel: "gpt-4o-mini-2024-07-18",
      startedAt: 1_700_000_000_000,
      t0: 0,
    };
    recorder.end(input);
    const want = exchangeSpans(input, redact).map((s) => redactSpan(s, redact));
    assert.deepEqual(p.out, want);
    assert.deepEqual(otlp(p.out), otlp(want));
    if (traceparent !== null) assert.equal(p.out[0]!.parentSpanId, "00f067aa0ba902b7");
  });
}

Deno.test("otel tracer: an unsampled request exports nothing and still sends a traceparent", () => {
  const p = pipeline(0);
  const recorder = createSpanRecorder(p.pipeline);
  const span = recorder.start(new Headers());
  assert.equal(span.sampled, false);
  assert.match(span.traceparent, new RegExp(`^00-${span.traceId}-${span.upstreamSpanId}-00$`));
  span.sentAt = 1;
  span.endedAt = 2;
  recorder.end({
    trace: makeTrace() as TraceRecord,
    span,
    prefix: "/openai",
    providerName: "openai",
    operation: "chat",
    requestModel: null,
    responseModel: null,
    startedAt: 1_700_000_000_000,
    t0: 0,
  });
  assert.deepEqual(p.out, []);
});

const configs: [string, unknown, boolean][] = [
  ["the defaults (plain data)", { server: { port: 8080 }, pii: { custom_detectors: [] } }, false],
  ["a regular expression is data", { pii: { custom_detectors: [{ pattern: /EMP-\d+/ }] } }, false],
  [
    "a custom detector's validator",
    { pii: { custom_detectors: [{ validate: () => true }] } },
    true,
  ],
  ["a function deep in a named policy", { pii: { policies: [{ x: [{ y: () => 1 }] }] } }, true],
];

for (const [name, config, want] of configs) {
  Deno.test(`otel tracer: runsCodeInRequests, ${name}: ${want}`, () => {
    const cyclic: Record<string, unknown> = { config };
    cyclic["self"] = cyclic;
    assert.equal(runsCodeInRequests(cyclic), want);
  });
}

Deno.test("otel tracer: with activeContext off the recorder enters no context", async () => {
  const { useSpanPipeline } = await import("../../src/telemetry/otel_global.ts");
  useSpanPipeline(pipeline().pipeline);
  const recorder = createSpanRecorder({ ...pipeline().pipeline, activeContext: false });
  const seen = await (async () => {
    recorder.start(new Headers());
    await null;
    return trace.getActiveSpan();
  })();
  assert.equal(seen, undefined);
  useSpanPipeline(null);
});

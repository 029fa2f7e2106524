/**
 * The global OpenTelemetry API reaching the gateway's providers: the registration is keyed by
 * `Symbol.for("opentelemetry.js.api.1")` on globalThis, so a second copy of `@opentelemetry/api`
 * (an older 1.x minor, as a library or a config's own dependency would bring) sees the same
 * tracer provider, context manager and meter provider. Inside a request (the recorder's
 * `start`), the active span is the request's server span, after awaits too, and a span started
 * with no parent goes to the newest generation's pipeline.
 *
 * One process-wide registration serves every test in this file, as it serves a `serve` process.
 */
import assert from "node:assert/strict";
import * as api from "@opentelemetry/api";
// A second, older copy (deno.json maps this name for tests only).
import * as older from "@opentelemetry/api-1.9";
import { useMeterProvider, useSpanPipeline } from "../../src/telemetry/otel_global.ts";
import { meterProviderOf } from "../../src/telemetry/otel_meter.ts";
import { MetricsRegistry } from "../../src/telemetry/registry.ts";
import { renderPrometheus } from "../../src/telemetry/prometheus.ts";
import { createSpanRecorder, type SpanData } from "../../src/telemetry/spans.ts";
import type { GatewaySpan, SpanPipeline } from "../../src/telemetry/otel_tracer.ts";

function pipeline(): SpanPipeline & { out: SpanData[] } {
  const out: SpanData[] = [];
  return { out, samplingRatio: 1, export: (s) => out.push(...s) };
}

const registry = new MetricsRegistry();
const current = pipeline();
useSpanPipeline(current);
useMeterProvider(registry);
// The gateway's own instrument of that name, made by its own meter.
meterProviderOf(registry).getMeter().createCounter("gw_total", { labels: [] }).add(1);

Deno.test("otel global: the two copies of the API are distinct modules sharing one registration", () => {
  assert.notEqual(older.trace, api.trace);
  const key = Symbol.for("opentelemetry.js.api.1");
  const global = (globalThis as Record<symbol, Record<string, unknown>>)[key];
  assert.ok(global?.["trace"] && global["context"] && global["metrics"]);
});

const copies: [string, typeof api | typeof older][] = [["1.10", api], [
  "1.9 (a second copy)",
  older,
]];

for (const [name, copy] of copies) {
  Deno.test(`otel global (${name}): a root span goes to the newest generation's pipeline`, () => {
    const before = current.out.length;
    copy.trace.getTracer("lib").startSpan(`root from ${name}`).end();
    assert.equal(current.out.length, before + 1);
    assert.equal(current.out.at(-1)!.name, `root from ${name}`);
  });

  Deno.test(`otel global (${name}): inside a request the active span is its server span`, async () => {
    const gen = pipeline();
    const recorder = createSpanRecorder(gen);
    const run = async () => {
      const ex = recorder.start(new Headers());
      await new Promise((r) => setTimeout(r, 1));
      copy.trace.getActiveSpan()?.setAttribute("app.seen", name);
      // Only the gateway ends its request span: this does nothing.
      copy.trace.getActiveSpan()?.end();
      copy.trace.getTracer("cfg").startActiveSpan("inner", (inner) => {
        assert.equal(copy.trace.getActiveSpan(), inner);
        inner.end();
      });
      return ex;
    };
    const ex = await run();
    ex.sentAt = 1;
    ex.endedAt = 2;
    const { makeTrace } = await import("../testdata/trace_fixture.ts");
    recorder.end({
      trace: makeTrace() as never,
      span: ex,
      prefix: "/openai",
      providerName: "openai",
      operation: "chat",
      requestModel: null,
      responseModel: null,
      startedAt: 1_700_000_000_000,
      t0: 0,
    });
    const server = gen.out.find((s) => s.kind === "server")!;
    const inner = gen.out.find((s) => s.name === "inner")!;
    // The child went to the request's own generation, not the newest one.
    assert.equal(server.attributes["app.seen"], name);
    assert.equal(inner.parentSpanId, ex.serverSpanId);
    assert.equal(inner.traceId, ex.traceId);
    // Once the request's span ended, code outside it sees no active span.
    assert.equal(copy.trace.getActiveSpan(), undefined);
  });

  Deno.test(`otel global (${name}): concurrent requests each see their own span`, async () => {
    const gen = pipeline();
    const recorder = createSpanRecorder(gen);
    const seen = await Promise.all(Array.from({ length: 20 }, async () => {
      const ex = recorder.start(new Headers());
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      const active = copy.trace.getActiveSpan();
      const seen = [ex.serverSpanId, active?.spanContext().spanId];
      (active as GatewaySpan | undefined)?.endAt(0);
      return seen;
    }));
    for (const [own, active] of seen) assert.equal(active, own);
  });

  Deno.test(`otel global (${name}): a counter lands in the gateway's registry`, () => {
    copy.metrics.getMeter("lib").createCounter("lib.calls").add(1, { copy: name });
    assert.ok(renderPrometheus(registry.collect()).includes(`lib_calls{copy="${name}"} 1`));
  });
}

Deno.test("otel global: a generation with span export off takes no root spans", () => {
  useSpanPipeline(null);
  try {
    const s = api.trace.getTracer("lib").startSpan("nowhere");
    assert.equal(s.isRecording(), false);
    s.end();
  } finally {
    useSpanPipeline(current);
  }
});

Deno.test("otel global: startActiveSpan (every form) nests spans and exports them", () => {
  const before = current.out.length;
  const tracer = api.trace.getTracer("lib");
  tracer.startActiveSpan("outer", (outer) => {
    tracer.startActiveSpan("middle", { attributes: { a: 1 } }, (middle) => {
      tracer.startActiveSpan("inner", {}, api.context.active(), (inner) => inner.end());
      middle.end();
    });
    outer.end();
  });
  const [inner, middle, outer] = current.out.slice(before);
  assert.deepEqual([inner!.name, middle!.name, outer!.name], ["inner", "middle", "outer"]);
  assert.equal(inner!.parentSpanId, middle!.spanId);
  assert.equal(middle!.parentSpanId, outer!.spanId);
  assert.equal(middle!.attributes["a"], 1);
  assert.equal(api.trace.getActiveSpan(), undefined);
});

Deno.test("otel global: a config cannot add to an instrument of the gateway's", () => {
  api.metrics.getMeter("cfg").createCounter("gw_total").add(5);
  assert.match(renderPrometheus(registry.collect()), /^gw_total 1$/m);
});

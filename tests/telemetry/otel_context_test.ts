/**
 * The AsyncLocalStorage context manager: `with` and `bind` scope a context to a call (awaits
 * included); `attach` (how a request's server span becomes active) holds for the rest of the
 * async flow, and reads as the root context once that span has ended, so a stale request span
 * left on Deno's serve loop is never handed to another request.
 */
import assert from "node:assert/strict";
import { createContextKey, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { AlsContextManager } from "../../src/telemetry/otel_context.ts";
import { GatewayTracer } from "../../src/telemetry/otel_tracer.ts";

const key = createContextKey("test");
const tracer = new GatewayTracer({ samplingRatio: 1, export() {} });

Deno.test("otel context: with scopes a context to the call, across awaits", async () => {
  const m = new AlsContextManager();
  const ctx = ROOT_CONTEXT.setValue(key, "a");
  const seen = await m.with(ctx, async () => {
    await new Promise((r) => setTimeout(r, 1));
    return m.active().getValue(key);
  });
  assert.equal(seen, "a");
  assert.equal(m.active().getValue(key), undefined);
});

Deno.test("otel context: bind runs a function in its context, with its this and arguments", () => {
  const m = new AlsContextManager();
  const ctx = ROOT_CONTEXT.setValue(key, "b");
  const bound = m.bind(ctx, function (this: { n: number }, x: number) {
    return [m.active().getValue(key), this.n + x];
  });
  assert.deepEqual(bound.call({ n: 1 }, 2), ["b", 3]);
  assert.equal(m.bind(ctx, 5), 5);
});

Deno.test("otel context: an attached request context holds until its span ends", async () => {
  const m = new AlsContextManager();
  const span = tracer.startSpan("server");
  const ctx = trace.setSpan(ROOT_CONTEXT, span);
  await (async () => {
    m.attach(ctx);
    await null;
    assert.equal(trace.getSpan(m.active()), span);
    span.end();
    assert.equal(m.active(), ROOT_CONTEXT);
  })();
});

Deno.test("otel context: a context given to with keeps an ended span (the API's rule)", () => {
  const m = new AlsContextManager();
  const span = tracer.startSpan("mine");
  span.end();
  const ctx = trace.setSpan(ROOT_CONTEXT, span);
  assert.equal(m.with(ctx, () => trace.getSpan(m.active())), span);
});

Deno.test("otel context: concurrent flows each keep their own attached context", async () => {
  const m = new AlsContextManager();
  const results = await Promise.all(["x", "y", "z"].map(async (v, i) => {
    m.attach(ROOT_CONTEXT.setValue(key, v));
    await new Promise((r) => setTimeout(r, 3 - i));
    return m.active().getValue(key);
  }));
  assert.deepEqual(results, ["x", "y", "z"]);
});

/**
 * What the global OpenTelemetry API (`trace`, `context`, `metrics` of `@opentelemetry/api`)
 * reaches: the gateway's providers, registered the first time a config turns span export or
 * metrics on, so with telemetry off the API stays its own no-op and costs nothing.
 *
 * The API keeps its registrations on `globalThis` under `Symbol.for("opentelemetry.js.api.1")`,
 * so every copy of `@opentelemetry/api` 1.x in the process (a config's or a library's, of this or
 * an older minor version) reaches the same providers.
 *
 * Config generations come and go (a reload builds a new one), so the registered tracer provider
 * routes: a span whose parent is a gateway span goes to that span's pipeline (the generation that
 * served the request), any other span to the newest generation's, or nowhere when it has none.
 */
import {
  type Context,
  context,
  metrics,
  type Span,
  type SpanOptions,
  trace,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import { AlsContextManager } from "./otel_context.ts";
import { GatewaySpan, GatewayTracer, type SpanPipeline } from "./otel_tracer.ts";
import { GatewayMeterProvider } from "./otel_meter.ts";
import type { MetricsRegistry } from "./registry.ts";

let manager: AlsContextManager | null = null;
let current: SpanPipeline | null = null;
const tracers = new WeakMap<SpanPipeline, GatewayTracer>();
const unexported = new GatewayTracer(null);

function tracerFor(pipeline: SpanPipeline | null): GatewayTracer {
  if (pipeline === null) return unexported;
  let tracer = tracers.get(pipeline);
  if (tracer === undefined) tracers.set(pipeline, tracer = new GatewayTracer(pipeline));
  return tracer;
}

/** Routes each span to its parent's pipeline, else to the newest generation's. */
class RoutingTracer implements Tracer {
  #pick(options: SpanOptions | undefined, ctx: Context | undefined): GatewayTracer {
    const parent = options?.root ? undefined : trace.getSpan(ctx ?? context.active());
    return tracerFor(parent instanceof GatewaySpan ? parent.pipeline : current);
  }

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    return this.#pick(options, ctx).startSpan(name, options, ctx);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]) {
    const [options, ctx] = rest.length > 1 ? rest as [SpanOptions, Context?] : [];
    const tracer = this.#pick(options, ctx instanceof Function ? undefined : ctx);
    const start = tracer.startActiveSpan as (n: string, ...r: unknown[]) => ReturnType<F>;
    return start.call(tracer, name, ...rest);
  }
}

const routing = new RoutingTracer();
const globalProvider: TracerProvider = { getTracer: () => routing };

/**
 * Makes `pipeline` the target of spans that have no gateway parent; the first non-null call
 * registers the gateway's tracer provider and context manager with the API. Null (a generation
 * with span export off) registers nothing.
 */
export function useSpanPipeline(pipeline: SpanPipeline | null): void {
  current = pipeline;
  if (pipeline === null || manager !== null) return;
  manager = new AlsContextManager();
  // False when something else registered first (then the API keeps that one, as it should).
  context.setGlobalContextManager(manager);
  trace.setGlobalTracerProvider(globalProvider);
}

/** Enters `ctx` for the rest of the current async flow; nothing before registration. */
export function enterContext(ctx: Context): void {
  manager?.attach(ctx);
}

let meterRegistered = false;

/**
 * Registers a meter provider over `registry` with the API: the first one (the `serve` process's
 * registry, shared across reloads) stays. Its instruments are its own: a name the gateway already
 * uses gives an instrument that records nothing, so a config cannot add to the gateway's figures.
 * The API has no stand-in for meters made before this, so code that records metrics gets its
 * meter when it first records, not at import time.
 */
export function useMeterProvider(registry: MetricsRegistry): void {
  if (meterRegistered) return;
  meterRegistered = true;
  metrics.setGlobalMeterProvider(new GatewayMeterProvider(registry));
}

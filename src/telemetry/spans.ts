/**
 * Spans of one proxied request, made through the OpenTelemetry API and filled in after the fact
 * from what the exchange observed. The hot path only reads the client's `traceparent`, starts
 * two API spans (drawing their ids), sends a `traceparent` upstream and, when the config has code
 * that runs in requests, makes the server span the active one; names, attributes and timings are
 * assembled once the trace is recorded.
 *
 * Attributes follow the OpenTelemetry GenAI and HTTP semantic conventions, plus `ongoingai.*`
 * for cost, tenant and the gateway's trace id. Bodies and headers never become attributes.
 */
import { failureTraceCodes, type TraceErrorCode, type TraceRecord } from "../traces/mod.ts";
import type { Redact } from "../secrets/mod.ts";
import { maxSpanStringLength, scrubAndCut } from "./scrub.ts";
import { ROOT_CONTEXT, SpanKind as ApiKind, trace } from "@opentelemetry/api";
import { formatTraceparent, parseTraceparent } from "./trace_context.ts";
import { endWith, GatewaySpan, GatewayTracer, type SpanPipeline } from "./otel_tracer.ts";
import { enterContext } from "./otel_global.ts";

export { redactSpan } from "./otel_tracer.ts";

/**
 * Distinct models that may name upstream spans, per recorder (per config generation). The
 * GenAI conventions name a span `{operation} {model}`, and collectors index span names; models
 * are the client's choice, so past this many the name is the operation alone (the model stays
 * in `gen_ai.request.model`).
 */
export const maxSpanNameModels = 100;

export type AttrValue = string | number | boolean | { double: number };

export type SpanKind = "server" | "client" | "internal";

/** A link to another exported span (OTel span links); only sampled spans are ever linked. */
export interface SpanLink {
  traceId: string;
  spanId: string;
}

/** A finished span, ready for an exporter; times are wall-clock ms with fractions. */
export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttrValue>;
  status: { code: "unset" | "ok" | "error"; message?: string };
  links?: readonly SpanLink[];
  /** Links left out (OTLP `droppedLinksCount`) to keep the span bounded. */
  droppedLinks?: number;
}

/** What an exchange keeps while it runs; O(1) and only when spans are on. */
export interface ExchangeSpan {
  traceId: string;
  /** The client's span, when it sent a valid `traceparent`. */
  parentSpanId: string | null;
  serverSpanId: string;
  upstreamSpanId: string;
  sampled: boolean;
  /** Sent upstream: the upstream span is the provider's parent. */
  traceparent: string;
  /** Monotonic ms when the request went upstream; null when it never did. */
  sentAt: number | null;
  /** Monotonic ms when the exchange ended (last byte, failure or abort). */
  endedAt: number | null;
}

export interface SpanEnd {
  trace: TraceRecord;
  span: ExchangeSpan;
  /** The provider's route prefix (`/openai`): span names stay low-cardinality. */
  prefix: string;
  /** `gen_ai.provider.name`: the provider kind's (providers' `genAiProviderNames`). */
  providerName: string;
  /** `gen_ai.operation.name`, as the provider's adapter reads the path; null: none. */
  operation: string | null;
  requestModel: string | null;
  responseModel: string | null;
  /** Wall ms and monotonic ms at arrival: monotonic offsets become wall times. */
  startedAt: number;
  t0: number;
}

export interface SpanRecorder {
  start(headers: Headers): ExchangeSpan;
  end(input: SpanEnd): void;
}

/** What `start` returns: the exchange's view, and the API spans behind it. */
class RequestSpans implements ExchangeSpan {
  sentAt: number | null = null;
  endedAt: number | null = null;
  constructor(
    readonly traceId: string,
    readonly parentSpanId: string | null,
    readonly serverSpanId: string,
    readonly upstreamSpanId: string,
    readonly sampled: boolean,
    readonly traceparent: string,
    /** Dropped once ended: the store's span links keep this object while the trace is queued. */
    public api: { server: GatewaySpan; upstream: GatewaySpan } | null,
  ) {}
}

/**
 * Starts and ends a request's spans through the OpenTelemetry API (the gateway's own tracer,
 * otel_tracer.ts): `start` opens the server span and the upstream span under it and makes the
 * server span the active one for the rest of the request, so a config's code (a custom
 * detector) can reach it with `trace.getActiveSpan()`; `end` gives both the names, attributes
 * and times read from the finished trace and ends them, which exports them.
 */
export function createSpanRecorder(opts: {
  samplingRatio: number;
  /** Takes finished spans; must not block (the exporter buffers and drops). */
  export(spans: SpanData[]): void;
  /** Told of each exported request, so that the store batch writing its trace can link to it. */
  exported?: (trace: TraceRecord, span: ExchangeSpan) => void;
  /** This config's known secrets (src/secrets/known_secrets.ts); null when it has none. */
  redact?: Redact | null;
  /**
   * Make the server span the active one for the rest of the request (default true). Entering
   * an async context costs a few µs a request, so the gateway does it only when the config has
   * code of its own that runs in requests (see `runsCodeInRequests`).
   */
  activeContext?: boolean;
}): SpanRecorder {
  const redact = opts.redact ?? null;
  const pipeline: SpanPipeline = { samplingRatio: opts.samplingRatio, export: opts.export, redact };
  const tracer = new GatewayTracer(pipeline);
  const activeContext = opts.activeContext ?? true;
  const named = new Set<string>();
  const nameModel = (model: string) => {
    if (named.has(model)) return true;
    if (named.size >= maxSpanNameModels) return false;
    named.add(model);
    return true;
  };
  return {
    start(headers) {
      const parent = parseTraceparent(headers.get("traceparent"));
      const outer = parent === null ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, {
        traceId: parent.traceId,
        spanId: parent.spanId,
        traceFlags: parent.sampled ? 1 : 0,
        isRemote: true,
      });
      // A config's code may reach this span as the active one; ending it is the gateway's call.
      const server = tracer.startSpan("HTTP", serverOptions, outer).own();
      const inner = trace.setSpan(ROOT_CONTEXT, server);
      const upstream = tracer.startSpan("upstream", clientOptions, inner);
      if (activeContext) enterContext(inner);
      const ids = upstream.spanContext();
      const isSampled = ids.traceFlags === 1;
      return new RequestSpans(
        ids.traceId,
        parent?.spanId ?? null,
        server.spanContext().spanId,
        ids.spanId,
        isSampled,
        formatTraceparent({ traceId: ids.traceId, spanId: ids.spanId, sampled: isSampled }),
        { server, upstream },
      );
    },
    end(input) {
      const own = input.span instanceof RequestSpans ? input.span.api : null;
      if (input.span instanceof RequestSpans) input.span.api = null;
      const spans = own ?? spansOf(input.span, pipeline);
      if (!input.span.sampled) {
        spans.server.discard();
        spans.upstream.discard();
        return;
      }
      const [server, upstream] = exchangeSpans(input, redact, nameModel);
      endWith(spans.server, server!);
      if (upstream === undefined) spans.upstream.discard();
      else endWith(spans.upstream, upstream);
      opts.exported?.(input.trace, input.span);
    },
  };
}

/**
 * Whether a config holds functions (a custom detector's `validate`, later routing functions):
 * code of the config's own that may run inside a request and reach for the active span.
 */
export function runsCodeInRequests(config: unknown, seen = new Set<unknown>()): boolean {
  if (typeof config === "function") return true;
  if (typeof config !== "object" || config === null || seen.has(config)) return false;
  seen.add(config);
  if (config instanceof RegExp) return false;
  for (const value of Object.values(config)) if (runsCodeInRequests(value, seen)) return true;
  return false;
}

// Timed at the end from the exchange's clocks: a start time here spares reading the clock.
const serverOptions = { kind: ApiKind.SERVER, startTime: 0 };
const clientOptions = { kind: ApiKind.CLIENT, startTime: 0 };

/** API spans for an `ExchangeSpan` this recorder did not start (kept for callers that build one). */
function spansOf(span: ExchangeSpan, pipeline: SpanPipeline) {
  const make = (spanId: string, parentSpanId: string | null, kind: SpanKind) =>
    new GatewaySpan(
      pipeline,
      { traceId: span.traceId, spanId, parentSpanId, sampled: span.sampled },
      "",
      kind,
      0,
    );
  return {
    server: make(span.serverSpanId, span.parentSpanId, "server"),
    upstream: make(span.upstreamSpanId, span.serverSpanId, "client"),
  };
}

/**
 * The HTTP semantic conventions' known methods. Any other (a client may send any token) is
 * `_OTHER` in `http.request.method` and `HTTP` in span names, so neither carries an unbounded,
 * client-chosen value.
 */
const knownMethods = new Set([
  "CONNECT",
  "DELETE",
  "GET",
  "HEAD",
  "OPTIONS",
  "PATCH",
  "POST",
  "PUT",
  "TRACE",
]);

export function httpMethod(method: string): { attribute: string; name: string } {
  return knownMethods.has(method)
    ? { attribute: method, name: method }
    : { attribute: "_OTHER", name: "HTTP" };
}

function statusOf(httpStatus: number, code: TraceErrorCode | null): SpanData["status"] {
  if (code !== null && failureTraceCodes.has(code)) return { code: "error", message: code };
  if (httpStatus >= 500) return { code: "error", message: `http ${httpStatus}` };
  return { code: "unset" };
}

/**
 * `nameModel`: whether a model may name the upstream span (the recorder's bound on distinct
 * names); a model the upstream refused (no 2xx or 3xx answer) never does, since any string is
 * refused alike.
 */
export function exchangeSpans(
  input: SpanEnd,
  redact: Redact | null = null,
  nameModel: (model: string) => boolean = () => true,
): SpanData[] {
  const { trace, span } = input;
  const at = (mono: number) => input.startedAt + (mono - input.t0);
  const endMs = span.endedAt === null ? input.startedAt + trace.latency_ms : at(span.endedAt);
  const status = statusOf(trace.response_status, trace.error_code);
  const tenant: Record<string, AttrValue> = {
    "ongoingai.trace_id": trace.id,
    "ongoingai.org_id": trace.org_id,
    "ongoingai.workspace_id": trace.workspace_id,
  };
  const route = `${input.prefix}/*`;
  const method = httpMethod(trace.request_method);
  const server: SpanData = {
    traceId: span.traceId,
    spanId: span.serverSpanId,
    parentSpanId: span.parentSpanId,
    name: `${method.name} ${route}`,
    kind: "server",
    startMs: input.startedAt,
    endMs,
    attributes: {
      "http.request.method": method.attribute,
      "http.route": route,
      ...(trace.response_status > 0 ? { "http.response.status_code": trace.response_status } : {}),
      ...(trace.error_code === null ? {} : { "error.type": trace.error_code }),
      "ongoingai.provider": trace.provider,
      ...tenant,
    },
    status,
  };
  if (span.sentAt === null) return [server];
  const operation = input.operation;
  // Client-chosen (up to the request body limit): bounded before a span holds them, so the
  // export buffer and a batch stay small whatever a client sends. Known secrets go first: a
  // cut could leave an unrecognisable prefix of one.
  const bounded = (model: string | null) =>
    model === null
      ? null
      : scrubAndCut(redact === null ? model : redact(model), maxSpanStringLength);
  const requestModel = bounded(input.requestModel);
  const responseModel = bounded(input.responseModel);
  const model = requestModel ?? responseModel;
  const accepted = trace.response_status >= 200 && trace.response_status < 400;
  const nameWith = model !== null && accepted && nameModel(model) ? model : null;
  const attributes: Record<string, AttrValue> = {
    "gen_ai.system": trace.provider,
    "gen_ai.provider.name": input.providerName,
    "http.request.method": method.attribute,
    ...tenant,
  };
  if (operation !== null) attributes["gen_ai.operation.name"] = operation;
  if (requestModel !== null) attributes["gen_ai.request.model"] = requestModel;
  if (responseModel !== null) attributes["gen_ai.response.model"] = responseModel;
  if (trace.input_tokens !== null) attributes["gen_ai.usage.input_tokens"] = trace.input_tokens;
  if (trace.output_tokens !== null) attributes["gen_ai.usage.output_tokens"] = trace.output_tokens;
  if (trace.estimated_cost_usd !== null) {
    attributes["ongoingai.cost_usd"] = { double: trace.estimated_cost_usd };
  }
  attributes["ongoingai.usage_status"] = trace.usage_status;
  if (trace.response_status > 0 && trace.error_code !== "upstream_unreachable") {
    attributes["http.response.status_code"] = trace.response_status;
  }
  if (trace.error_code !== null) attributes["error.type"] = trace.error_code;
  const upstream: SpanData = {
    traceId: span.traceId,
    spanId: span.upstreamSpanId,
    parentSpanId: span.serverSpanId,
    name: operation === null || model === null
      ? `${method.name} upstream`
      : nameWith === null
      ? operation
      : `${operation} ${nameWith}`,
    kind: "client",
    startMs: at(span.sentAt),
    endMs,
    attributes,
    status,
  };
  return [server, upstream];
}

/**
 * The OpenTelemetry API (`@opentelemetry/api`) as config authors get it from "ongoingai":
 * the very `trace`, `context`, `metrics`, `SpanKind` and `SpanStatusCode` objects, typed by the
 * part of the API a config's code uses. The types are written out here, not taken from the
 * package, so that the declaration file `ongoingai init` hands out (generated from src/mod.ts)
 * stands alone; the assignments below check that the package's objects fit them.
 *
 * A leaf: config/ (the loader's `publicApi`) and src/mod.ts both read it.
 */
import * as otel from "@opentelemetry/api";

/** A span attribute's value (the API also takes maps and bytes, sent as JSON text). */
export type OtelAttributeValue =
  | string
  | number
  | boolean
  | Array<null | undefined | string>
  | Array<null | undefined | number>
  | Array<null | undefined | boolean>;

export type OtelAttributes = Record<string, OtelAttributeValue | undefined>;

/** Epoch ms, a `performance.now()` reading, a Date, or [seconds, nanoseconds]. */
export type OtelTime = number | Date | [number, number];

/** An immutable context: the active span and other values travel in it. */
export interface OtelContext {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): OtelContext;
  deleteValue(key: symbol): OtelContext;
}

export interface OtelSpanContext {
  traceId: string;
  spanId: string;
  /** 1: sampled. */
  traceFlags: number;
  isRemote?: boolean;
}

export interface OtelLink {
  context: OtelSpanContext;
  attributes?: OtelAttributes;
}

/** `SpanStatusCode`: 0 unset, 1 ok, 2 error. */
export interface OtelSpanStatus {
  code: 0 | 1 | 2;
  message?: string;
}

export interface OtelSpan {
  spanContext(): OtelSpanContext;
  setAttribute(key: string, value: OtelAttributeValue): OtelSpan;
  setAttributes(attributes: OtelAttributes): OtelSpan;
  addEvent(name: string, attributes?: OtelAttributes): OtelSpan;
  addLink(link: OtelLink): OtelSpan;
  setStatus(status: OtelSpanStatus): OtelSpan;
  updateName(name: string): OtelSpan;
  end(endTime?: OtelTime): void;
  isRecording(): boolean;
  recordException(exception: Error | string, time?: OtelTime): void;
}

/** `SpanKind`: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
export interface OtelSpanOptions {
  kind?: 0 | 1 | 2 | 3 | 4;
  attributes?: OtelAttributes;
  links?: OtelLink[];
  startTime?: OtelTime;
  root?: boolean;
}

/**
 * `startActiveSpan` returns what `fn` returns; it is typed `unknown` here because the generated
 * declaration file holds no generic signatures.
 */
export interface OtelTracer {
  startSpan(name: string, options?: OtelSpanOptions, context?: OtelContext): OtelSpan;
  startActiveSpan(name: string, fn: (span: OtelSpan) => unknown): unknown;
  startActiveSpan(name: string, options: OtelSpanOptions, fn: (span: OtelSpan) => unknown): unknown;
  startActiveSpan(
    name: string,
    options: OtelSpanOptions,
    context: OtelContext,
    fn: (span: OtelSpan) => unknown,
  ): unknown;
}

export interface OtelTraceApi {
  getTracer(name: string, version?: string): OtelTracer;
  /** Inside a request: the gateway's server span for it. */
  getActiveSpan(): OtelSpan | undefined;
  getSpan(context: OtelContext): OtelSpan | undefined;
  setSpan(context: OtelContext, span: OtelSpan): OtelContext;
}

export interface OtelContextApi {
  active(): OtelContext;
  /** Runs `fn` with `context` active and returns what it returns. */
  with(context: OtelContext, fn: () => unknown): unknown;
}

export interface OtelMetricOptions {
  description?: string;
  unit?: string;
  advice?: { explicitBucketBoundaries?: number[] };
}

export interface OtelCounter {
  add(value: number, attributes?: OtelAttributes): void;
}

export interface OtelRecorder {
  record(value: number, attributes?: OtelAttributes): void;
}

export interface OtelObservableResult {
  observe(value: number, attributes?: OtelAttributes): void;
}

export interface OtelObservable {
  addCallback(callback: (result: OtelObservableResult) => void): void;
  removeCallback(callback: (result: OtelObservableResult) => void): void;
}

export interface OtelMeter {
  createCounter(name: string, options?: OtelMetricOptions): OtelCounter;
  createUpDownCounter(name: string, options?: OtelMetricOptions): OtelCounter;
  createHistogram(name: string, options?: OtelMetricOptions): OtelRecorder;
  createGauge(name: string, options?: OtelMetricOptions): OtelRecorder;
  createObservableGauge(name: string, options?: OtelMetricOptions): OtelObservable;
  createObservableCounter(name: string, options?: OtelMetricOptions): OtelObservable;
  createObservableUpDownCounter(name: string, options?: OtelMetricOptions): OtelObservable;
}

export interface OtelMetricsApi {
  getMeter(name: string, version?: string): OtelMeter;
}

export interface OtelSpanKinds {
  readonly INTERNAL: 0;
  readonly SERVER: 1;
  readonly CLIENT: 2;
  readonly PRODUCER: 3;
  readonly CONSUMER: 4;
}

export interface OtelSpanStatusCodes {
  readonly UNSET: 0;
  readonly OK: 1;
  readonly ERROR: 2;
}

/** `trace.getActiveSpan()`, `trace.getTracer(name)`: spans, exported with the gateway's. */
export const trace: OtelTraceApi = otel.trace;
/** `context.active()`, `context.with(ctx, fn)`. */
export const context: OtelContextApi = otel.context;
/** `metrics.getMeter(name)`: instruments in the gateway's scrape and OTLP push. */
export const metrics: OtelMetricsApi = otel.metrics;
export const SpanKind: OtelSpanKinds = otel.SpanKind;
export const SpanStatusCode: OtelSpanStatusCodes = otel.SpanStatusCode;

/**
 * The gateway's own implementation of the OpenTelemetry tracing API (`Tracer`, `Span`): no SDK,
 * just what the gateway's exporter needs. A span records into a plain `SpanData`; `end()` hands it
 * to its pipeline (one config generation's span exporter), redacting the config's known secrets
 * first, and the encoder then scrubs credential shapes from every string. So a span started by a
 * config's own code is held to the same rules as the gateway's, whatever the caller set.
 *
 * Sampling is the gateway's: ParentBased(TraceIdRatio), where a root span that links to a sampled
 * span is sampled too (a store batch span follows the requests it writes). Events and exceptions
 * are accepted and dropped (the exporter sends no events); attributes that are not a string,
 * number or boolean are sent as JSON text; per span, at most `maxSpanAttributes` attributes and
 * `maxBatchLinks` links are kept.
 */
import {
  type Attributes,
  type AttributeValue,
  type Context,
  context as contextApi,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import type { Redact } from "../secrets/mod.ts";
import { scrubAndCut } from "./scrub.ts";
import type { AttrValue, SpanData, SpanKind as DataKind, SpanLink } from "./spans.ts";
import { randomSpanId, randomTraceId, ratioSampled } from "./trace_context.ts";

/** Where finished spans go: a config generation's exporter, sampling ratio and secrets. */
export interface SpanPipeline {
  samplingRatio: number;
  /** Must not block (the exporter buffers and drops). */
  export(spans: SpanData[]): void;
  redact?: Redact | null;
}

/** OpenTelemetry's default attribute count limit. */
export const maxSpanAttributes = 128;
/** Kept of a string (attribute or name) set through the API (the gateway's own are shorter). */
export const maxAttributeLength = 4096;
const maxLinks = 128;

/** The exporter's three kinds: producer and consumer spans are sent as internal ones. */
const kindNames: Record<SpanKind, DataKind> = {
  [SpanKind.INTERNAL]: "internal",
  [SpanKind.SERVER]: "server",
  [SpanKind.CLIENT]: "client",
  [SpanKind.PRODUCER]: "internal",
  [SpanKind.CONSUMER]: "internal",
};

const statusNames = {
  [SpanStatusCode.UNSET]: "unset",
  [SpanStatusCode.OK]: "ok",
  [SpanStatusCode.ERROR]: "error",
} as const;

/** Wall-clock ms (with fractions) of an API time. */
function timeMs(time: TimeInput | undefined): number {
  if (time === undefined) return performance.timeOrigin + performance.now();
  if (typeof time === "number") {
    // Smaller than the process's start: a `performance.now()` reading, not epoch ms.
    return time < performance.timeOrigin ? performance.timeOrigin + time : time;
  }
  if (time instanceof Date) return time.getTime();
  return time[0] * 1000 + time[1] / 1e6;
}

/** An API attribute value as the exporter's; null when there is nothing to send. */
function attrValue(value: AttributeValue | undefined): AttrValue | null {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
      return value;
    case "undefined":
      return null;
  }
  if (value === null || value instanceof Uint8Array) return null;
  try {
    return attrValue(JSON.stringify(value));
  } catch {
    return null;
  }
}

/**
 * One span. Non-recording spans (not sampled, or no pipeline) keep their ids, so a child and the
 * `traceparent` sent upstream still carry the trace, and remember that they ended.
 */
export class GatewaySpan implements Span {
  readonly data: SpanData;
  #ended = false;
  /** The gateway's request spans: only the gateway ends them (`endAt`), not a caller's `end`. */
  #owned = false;
  readonly #context: SpanContext;

  constructor(
    readonly pipeline: SpanPipeline | null,
    ids: { traceId: string; spanId: string; parentSpanId: string | null; sampled: boolean },
    name: string,
    kind: DataKind,
    startMs: number,
  ) {
    this.#context = { traceId: ids.traceId, spanId: ids.spanId, traceFlags: ids.sampled ? 1 : 0 };
    this.data = {
      traceId: ids.traceId,
      spanId: ids.spanId,
      parentSpanId: ids.parentSpanId,
      name,
      kind,
      startMs,
      endMs: startMs,
      attributes: {},
      status: { code: "unset" },
    };
  }

  get ended(): boolean {
    return this.#ended;
  }

  spanContext(): SpanContext {
    return this.#context;
  }

  isRecording(): boolean {
    return !this.#ended && this.pipeline !== null && this.#context.traceFlags === 1;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (!this.isRecording()) return this;
    const v = attrValue(value);
    const attrs = this.data.attributes;
    if (v === null || (!(key in attrs) && Object.keys(attrs).length >= maxSpanAttributes)) {
      return this;
    }
    attrs[key] = typeof v === "string" ? this.#bounded(v) : v;
    return this;
  }

  /**
   * A caller's string, cut to `maxAttributeLength`: known secrets and credential shapes are
   * replaced first, so a cut cannot leave an unrecognisable piece of one.
   */
  #bounded(value: string): string {
    if (value.length <= maxAttributeLength) return value;
    const redact = this.pipeline?.redact;
    return scrubAndCut(redact == null ? value : redact(value), maxAttributeLength);
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(): this {
    return this;
  }

  addLink(link: Link): this {
    if (!this.isRecording()) return this;
    const { traceId, spanId } = link.context;
    const links = (this.data.links ??= []) as SpanLink[];
    if (links.length < maxLinks) links.push({ traceId, spanId });
    else this.data.droppedLinks = (this.data.droppedLinks ?? 0) + 1;
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (!this.isRecording()) return this;
    const code = statusNames[status.code] ?? "unset";
    this.data.status = status.message === undefined || code !== "error"
      ? { code }
      : { code, message: status.message };
    return this;
  }

  updateName(name: string): this {
    if (this.isRecording()) this.data.name = this.#bounded(name);
    return this;
  }

  recordException(): void {}

  end(endTime?: TimeInput): void {
    if (!this.#owned) this.endAt(timeMs(endTime));
  }

  /** From now on `end()` does nothing: the gateway ends this span when its exchange ends. */
  own(): this {
    this.#owned = true;
    return this;
  }

  /** Ends at wall-clock `endMs` (the gateway's spans, timed from the exchange's own clock). */
  endAt(endMs: number): void {
    if (this.#ended) return;
    const recording = this.isRecording();
    this.#ended = true;
    if (!recording) return;
    this.data.endMs = endMs;
    exportSpan(this.pipeline!, this.data);
  }

  /** Ends without exporting (the gateway's upstream span of a request that never went out). */
  discard(): void {
    this.#ended = true;
  }
}

/**
 * The gateway's figures on one of its API spans, over what a config's code set on it (the
 * gateway's attributes win a clash), then ended: which exports it, redacted, through its pipeline.
 */
export function endWith(span: GatewaySpan, from: SpanData): void {
  const data = span.data;
  data.name = from.name;
  data.startMs = from.startMs;
  // Usually nothing was set through the API: then the gateway's record is taken as it is.
  if (isEmpty(data.attributes)) data.attributes = from.attributes;
  else Object.assign(data.attributes, from.attributes);
  if (from.status.code !== "unset" || data.status.code === "unset") data.status = from.status;
  if (from.links !== undefined) data.links = from.links;
  if (from.droppedLinks !== undefined) data.droppedLinks = from.droppedLinks;
  span.endAt(from.endMs);
}

function isEmpty(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

function exportSpan(pipeline: SpanPipeline, data: SpanData): void {
  const redact = pipeline.redact;
  pipeline.export([redact == null ? data : redactSpan(data, redact)]);
}

/**
 * Every string a span carries (name, string attributes, status message) with the configured
 * secrets replaced. Run before export, besides scrub.ts's shape matching in the encoder.
 */
export function redactSpan(span: SpanData, redact: Redact): SpanData {
  const attributes: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(span.attributes)) {
    attributes[k] = typeof v === "string" ? redact(v) : v;
  }
  const { message } = span.status;
  return {
    ...span,
    name: redact(span.name),
    attributes,
    status: message === undefined ? span.status : { ...span.status, message: redact(message) },
  };
}

/** ParentBased(TraceIdRatio); a root linking to a sampled span is sampled. */
function decide(
  parent: SpanContext | undefined,
  traceId: string,
  links: readonly Link[] | undefined,
  ratio: number,
): boolean {
  if (parent !== undefined) return (parent.traceFlags & 1) === 1;
  if (links?.some((l) => (l.context.traceFlags & 1) === 1)) return true;
  return ratioSampled(traceId, ratio);
}

export class GatewayTracer implements Tracer {
  constructor(readonly pipeline: SpanPipeline | null) {}

  startSpan(name: string, options: SpanOptions = {}, ctx?: Context): GatewaySpan {
    const parentSpan = options.root ? undefined : trace.getSpan(ctx ?? contextApi.active());
    const candidate = parentSpan?.spanContext();
    // The gateway's own spans are valid by construction; anything else is checked.
    const parent = candidate !== undefined &&
        (parentSpan instanceof GatewaySpan || trace.isSpanContextValid(candidate))
      ? candidate
      : undefined;
    const traceId = parent?.traceId ?? randomTraceId();
    const ratio = this.pipeline?.samplingRatio ?? 0;
    const span = new GatewaySpan(
      this.pipeline,
      {
        traceId,
        spanId: randomSpanId(),
        parentSpanId: parent?.spanId ?? null,
        sampled: decide(parent, traceId, options.links, ratio),
      },
      name,
      kindNames[options.kind ?? SpanKind.INTERNAL] ?? "internal",
      timeMs(options.startTime),
    );
    if (name.length > maxAttributeLength) span.updateName(name);
    if (options.attributes !== undefined) span.setAttributes(options.attributes);
    if (options.links !== undefined) span.addLinks(options.links);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]) {
    const fn = rest.pop() as F;
    const [options, ctx] = rest as [SpanOptions | undefined, Context | undefined];
    const parent = ctx ?? contextApi.active();
    const span = this.startSpan(name, options, parent);
    return contextApi.with(trace.setSpan(parent, span), () => fn(span)) as ReturnType<F>;
  }
}

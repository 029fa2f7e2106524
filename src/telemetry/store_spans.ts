/**
 * Spans for the trace store: one INTERNAL span per store call (a batch, or a single trace while
 * the writer isolates one the store refused), with span links to the server spans of the
 * requests whose traces it writes. Built from the writer's `onBatch` report once the store has
 * answered, never on the request path.
 *
 * A batch serves many requests, so its span starts a trace of its own and points at them with
 * links (OpenTelemetry's pattern for batch processing) instead of picking one parent.
 *
 * Sampling: a batch span is exported when any request it writes had its spans exported, so a
 * sampled request always leads to the write that persisted it; a batch of unsampled requests
 * only is sampled by `sampling_ratio` on its own trace id.
 *
 * Cost: an exported request leaves one WeakMap entry on its trace record (gone with the
 * record); a batch costs one look-up per trace, and up to `maxBatchLinks` links. With span
 * export off nothing is remembered and a batch report returns at once.
 */
import type { StoreBatch, TraceRecord } from "../traces/mod.ts";
import type { Redact } from "../secrets/mod.ts";
import { SpanKind, TraceFlags } from "@opentelemetry/api";
import type { AttrValue, ExchangeSpan, SpanData, SpanLink } from "./spans.ts";
import { ratioSampled } from "./trace_context.ts";
import { endWith, GatewayTracer } from "./otel_tracer.ts";

/** One tracer per sink (a config generation's), made at its first batch. */
const tracers = new WeakMap<BatchSpanSink, GatewayTracer>();

function tracerOf(sink: BatchSpanSink): GatewayTracer {
  let tracer = tracers.get(sink);
  if (tracer === undefined) tracers.set(sink, tracer = new GatewayTracer(sink));
  return tracer;
}

export const batchSpanName = "ongoingai.store.write_batch";

/**
 * OpenTelemetry's default span link limit. A batch holds up to `tracing.batch_size` (100 000)
 * traces; past this many links the rest are counted (`droppedLinksCount`), not sent.
 */
export const maxBatchLinks = 128;

export type StoreDriver = "sqlite" | "postgres";

/** `db.system` values of the OpenTelemetry database conventions. */
const dbSystems: Record<StoreDriver, string> = { sqlite: "sqlite", postgres: "postgresql" };

/** What a store call reports, without its traces (the links stand for them). */
export type BatchFacts = Omit<StoreBatch, "traces"> & { size: number };

/** The links of a batch, at most `max`; `found` counts every exported request it writes. */
export function collectLinks(
  traces: readonly TraceRecord[],
  lookup: (trace: TraceRecord) => SpanLink | undefined,
  max = maxBatchLinks,
): { links: SpanLink[]; found: number } {
  const links: SpanLink[] = [];
  let found = 0;
  for (const trace of traces) {
    const link = lookup(trace);
    if (link === undefined) continue;
    found++;
    if (links.length < max) links.push(link);
  }
  return { links, found };
}

/** Exported when it writes an exported request's trace; otherwise by ratio on its trace id. */
export function batchSampled(linked: number, traceId: string, ratio: number): boolean {
  return linked > 0 || ratioSampled(traceId, ratio);
}

/**
 * The span of one store call. Attributes say what kind of write it was, never what it wrote:
 * no trace contents, bodies, keys or tenant ids (a batch mixes tenants).
 */
export function batchSpan(input: {
  batch: BatchFacts;
  driver: StoreDriver;
  links: SpanLink[];
  /** Every exported request in the batch, linked or not. */
  found: number;
  traceId: string;
  spanId: string;
}): SpanData {
  const { batch } = input;
  const attributes: Record<string, AttrValue> = {
    "db.system": dbSystems[input.driver],
    "ongoingai.store.operation": batch.operation,
    "ongoingai.store.batch_size": batch.size,
    "ongoingai.store.attempt": batch.attempt,
  };
  const error = batch.ok ? null : batch.errorClass ?? "unknown";
  if (error !== null) attributes["error.type"] = error;
  const dropped = input.found - input.links.length;
  return {
    traceId: input.traceId,
    spanId: input.spanId,
    parentSpanId: null,
    name: batchSpanName,
    kind: "internal",
    startMs: batch.startMs,
    endMs: batch.endMs,
    attributes,
    status: error === null ? { code: "unset" } : { code: "error", message: error },
    ...(input.links.length === 0 ? {} : { links: input.links }),
    ...(dropped > 0 ? { droppedLinks: dropped } : {}),
  };
}

/** Where batch spans go: the current config's span exporter and sampling ratio. */
export interface BatchSpanSink {
  samplingRatio: number;
  /** Must not block (the exporter buffers and drops). */
  export(spans: SpanData[]): void;
  /** That config's known secrets (src/secrets/known_secrets.ts); null when it has none. */
  redact?: Redact | null;
}

export interface StoreSpans {
  /** The span recorder's `exported` hook: remembers which server span a trace belongs to. */
  readonly exported: (trace: TraceRecord, span: ExchangeSpan) => void;
  /** The trace writer's `onBatch` hook. */
  readonly onBatch: (batch: StoreBatch) => void;
}

export function createStoreSpans(opts: {
  driver: StoreDriver;
  /** Asked per batch, so a reload that turns span export on or off takes effect; null is off. */
  sink(): BatchSpanSink | null;
}): StoreSpans {
  // Keyed by the record itself: an entry lives exactly as long as the trace is queued or
  // referenced, so a dropped trace leaks nothing and nothing needs deleting.
  const serverSpans = new WeakMap<TraceRecord, ExchangeSpan>();
  const lookup = (trace: TraceRecord): SpanLink | undefined => {
    const span = serverSpans.get(trace);
    return span === undefined ? undefined : { traceId: span.traceId, spanId: span.serverSpanId };
  };
  return {
    exported(trace, span) {
      serverSpans.set(trace, span);
    },
    onBatch(batch) {
      const sink = opts.sink();
      if (sink === null) return;
      const { links, found } = collectLinks(batch.traces, lookup);
      // A root span; the tracer samples it when it links to a sampled request (`batchSampled`).
      const span = tracerOf(sink).startSpan(batchSpanName, {
        kind: SpanKind.INTERNAL,
        root: true,
        links: links.map((l) => ({ context: { ...l, traceFlags: TraceFlags.SAMPLED } })),
      });
      if (!span.isRecording()) return span.discard();
      const { traces, ...facts } = batch;
      const ids = span.spanContext();
      // Ended through the tracer's pipeline, which redacts the sink's secrets: its strings are
      // closed sets today; the pass keeps it so if a store error text joins them.
      endWith(
        span,
        batchSpan({
          batch: { ...facts, size: traces.length },
          driver: opts.driver,
          links,
          found,
          traceId: ids.traceId,
          spanId: ids.spanId,
        }),
      );
    },
  };
}

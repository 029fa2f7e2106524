/**
 * The gateway's instruments. Request figures are recorded once per finished exchange, from its
 * trace (`recordTrace`, called where the trace is handed to the writer), so the request path
 * itself pays nothing; writer figures are read from its snapshot at collection time.
 *
 * Naming: Prometheus names with the original's `ongoingai_` prefix, keeping the original's names
 * where it had the instrument (`ongoingai_proxy_request_total`,
 * `ongoingai_proxy_request_duration_seconds`, `ongoingai_trace_*`) and its label names
 * (`provider`, `model`, `status_code`). The original's `ongoingai_provider_request_*` twins
 * (identical values) are not repeated. The OpenTelemetry GenAI names map as:
 * `gen_ai.client.operation.duration` = `ongoingai_proxy_request_duration_seconds`,
 * `gen_ai.client.token.usage` = `ongoingai_proxy_tokens_total` (a counter here, by `type`).
 * Families the original lacked take the capability as their second word:
 * `ongoingai_pii_*` (pii_metrics.ts), `ongoingai_otel_export_*` (export_metrics.ts) and
 * `ongoingai_routing_*` (routing_metrics.ts, recorded by the route loop as it goes).
 */
import type { TraceRecord, TraceWriterSnapshot } from "../traces/mod.ts";
import { dropReasons, writeErrorClasses } from "../traces/mod.ts";
import { tokenFields } from "../providers/mod.ts";
import { type MetricFamily, MetricsRegistry } from "./registry.ts";
import { renderPrometheus } from "./prometheus.ts";
import { createExportMetrics } from "./export_metrics.ts";
import type { ExportRecorder } from "./otlp_exporter.ts";
import { createPiiMetrics } from "./pii_metrics.ts";
import { createRoutingMetrics, type RoutingMetrics } from "./routing_metrics.ts";
import { meterProviderOf } from "./otel_meter.ts";
import type { Redact } from "../secrets/mod.ts";

/** The original's request duration buckets, in seconds. */
const originalBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** Plus 30, 60 and 120 s: LLM answers routinely take longer than 10 s. */
export const durationBuckets = [...originalBuckets, 30, 60, 120] as const;
export const timeToFirstTokenBuckets = [...originalBuckets.slice(1), 30] as const;

/**
 * The token counter's `type` label: each token field but the total, named without `_tokens`
 * (input, output, cached_input, cache_write, reasoning), paired with the trace field it counts.
 */
const tokenCounters = tokenFields.filter((field) => field !== "total_tokens").map((field) =>
  [field, field.slice(0, -"_tokens".length)] as const
);

export interface GatewayMetrics {
  readonly registry: MetricsRegistry;
  /**
   * One finished exchange; never throws. `redact`: the recording generation's known secrets
   * (src/secrets/known_secrets.ts), applied to the client-influenced labels before scrubbing and cutting.
   */
  recordTrace(trace: TraceRecord, redact?: Redact | null): void;
  /** For the OTLP exporters to count their requests and spans (shared across reloads). */
  readonly otelExport: ExportRecorder;
  /** For the route loop: attempts, failovers, breaker transitions (shared across reloads). */
  readonly routing: RoutingMetrics;
  /** When counting began (wall ms): the start time of OTLP's cumulative points. */
  readonly startMs: number;
  /** Everything now, with one writer snapshot for all writer instruments. */
  collect(): MetricFamily[];
  /** The Prometheus text exposition of everything now. */
  renderPrometheus(): string;
}

export interface GatewayMetricsOptions {
  maxSeriesPerInstrument?: number;
}

export function createGatewayMetrics(
  writer: { snapshot(): TraceWriterSnapshot },
  opts: GatewayMetricsOptions = {},
): GatewayMetrics {
  const registry = new MetricsRegistry(opts);
  // Every instrument here is made through the OpenTelemetry metrics API (otel_meter.ts).
  const meter = meterProviderOf(registry).getMeter();
  const scope = ["provider", "model"] as const;
  const requests = meter.createCounter("ongoingai_proxy_request_total", {
    description: "Proxied requests, by the status the client got.",
    labels: [...scope, "status_code"],
    keepOnOverflow: ["status_code"],
  });
  const duration = meter.createHistogram("ongoingai_proxy_request_duration_seconds", {
    description: "Whole exchange, from the request's arrival to the end of the response body.",
    labels: scope,
    advice: { explicitBucketBoundaries: [...durationBuckets] },
  });
  const ttft = meter.createHistogram("ongoingai_proxy_time_to_first_token_seconds", {
    description:
      "Streamed responses: from the request's arrival to the first content from upstream.",
    labels: scope,
    advice: { explicitBucketBoundaries: [...timeToFirstTokenBuckets] },
  });
  const tokens = meter.createCounter("ongoingai_proxy_tokens_total", {
    description:
      "Tokens reported by the provider; cached_input, cache_write and reasoning are parts " +
      "of input and output.",
    labels: [...scope, "type"],
    keepOnOverflow: ["type"],
  });
  const cost = meter.createCounter("ongoingai_proxy_cost_usd_total", {
    description: "Estimated cost in USD of priced requests.",
    labels: scope,
  });
  const errors = meter.createCounter("ongoingai_proxy_error_total", {
    description: "Exchanges that did not end as a complete upstream answer, by error code.",
    labels: [...scope, "error_code"],
    keepOnOverflow: ["error_code"],
  });
  const usageUnread = meter.createCounter("ongoingai_proxy_usage_unread_total", {
    description:
      "Answers whose usage was not read because they crossed a memory bound (a compression " +
      "bomb, an oversized SSE event or usage member), by the trace's usage_unknown_reason.",
    labels: [...scope, "reason"],
    keepOnOverflow: ["reason"],
  });
  const recordPii = createPiiMetrics(registry);
  const otelExport = createExportMetrics(registry);
  const routing = createRoutingMetrics(registry);

  // One snapshot per collection, shared by every writer instrument.
  let collecting: TraceWriterSnapshot | null = null;
  const snapshot = (): TraceWriterSnapshot => collecting ?? writer.snapshot();
  const single: [string, string, "gauge" | "counter", (s: TraceWriterSnapshot) => number][] = [
    ["ongoingai_trace_queue_depth", "Traces waiting to be written.", "gauge", (s) => s.queue_depth],
    [
      "ongoingai_trace_queue_capacity",
      "The trace queue's size (tracing.queue_size).",
      "gauge",
      (s) => s.queue_capacity,
    ],
    [
      "ongoingai_trace_enqueued_total",
      "Traces accepted by the queue.",
      "counter",
      (s) => s.accepted,
    ],
    ["ongoingai_trace_written_total", "Traces stored.", "counter", (s) => s.written],
  ];
  for (const [name, description, type, pick] of single) {
    const options = { description, labels: [] };
    const observable = type === "gauge"
      ? meter.createObservableGauge(name, options)
      : meter.createObservableCounter(name, options);
    observable.addCallback((result) => result.observe(pick(snapshot())));
  }
  meter.createObservableCounter("ongoingai_trace_queue_dropped_total", {
    description: "Traces lost, by reason: queue_full and shutdown on arrival, write_failed and " +
      "shutdown_timeout after being accepted.",
    labels: ["reason"],
  }).addCallback((result) => {
    const s = snapshot();
    for (const reason of dropReasons) result.observe(s.dropped_by_reason[reason], { reason });
  });
  meter.createObservableCounter("ongoingai_trace_write_failed_total", {
    description: "Failed store calls, by error class; a retried batch counts once per attempt.",
    labels: ["error_class"],
  }).addCallback((result) => {
    const s = snapshot();
    for (const c of writeErrorClasses) {
      result.observe(s.write_failures_by_class[c], { error_class: c });
    }
  });

  return {
    registry,
    otelExport,
    routing,
    startMs: Date.now(),
    recordTrace(trace, redact) {
      const labels = redact == null
        ? { provider: trace.provider, model: trace.model }
        : { provider: redact(trace.provider), model: redact(trace.model) };
      requests.add(1, { ...labels, status_code: trace.response_status });
      duration.record(trace.latency_ms / 1000, labels);
      if (trace.streaming) {
        const us = trace.time_to_first_token_us ??
          (trace.time_to_first_token_ms === null ? null : trace.time_to_first_token_ms * 1000);
        if (us !== null) ttft.record(us / 1e6, labels);
      }
      for (const [field, type] of tokenCounters) {
        const n = trace[field];
        if (n !== null && n > 0) tokens.add(n, { ...labels, type });
      }
      if (trace.estimated_cost_usd !== null && trace.estimated_cost_usd > 0) {
        cost.add(trace.estimated_cost_usd, labels);
      }
      if (trace.error_code !== null) errors.add(1, { ...labels, error_code: trace.error_code });
      const unread = trace.metadata.usage_unknown_reason;
      if (typeof unread === "string") usageUnread.add(1, { ...labels, reason: unread });
      recordPii(trace);
    },
    collect() {
      collecting = writer.snapshot();
      try {
        return registry.collect();
      } finally {
        collecting = null;
      }
    },
    renderPrometheus() {
      return renderPrometheus(this.collect());
    },
  };
}

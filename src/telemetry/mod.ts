/**
 * Telemetry: the gateway's metrics (a small registry of our own with scrubbed, bounded labels)
 * and their Prometheus scrape endpoint, and OpenTelemetry spans (W3C trace context, parent-based
 * sampling, OTLP/HTTP JSON or protobuf export), including one span per trace-store write linked
 * to the requests it persists. Both are built from finished traces, never on the request path;
 * the request path only reads an incoming `traceparent` and sends one upstream. Metrics are also
 * pushed over OTLP/HTTP (JSON or protobuf) on a timer, from the same `collect()` snapshot. Credential
 * shapes and the exact values of the config's own secrets are redacted from spans, labels and log
 * lines (src/secrets/; re-exported here for the callers that predate it).
 *
 * Spans and metrics are made through the standard OpenTelemetry API (`@opentelemetry/api`),
 * with the gateway's own providers behind it (otel_tracer.ts, otel_meter.ts, registered by
 * otel_global.ts when telemetry is on), so a config's code can add attributes and spans with
 * `trace.getActiveSpan()` and `trace.getTracer(...)`, and they leave through the same exporters
 * and scrubbing as the gateway's.
 */
export {
  type Counter,
  defaultMaxSeries,
  type Histogram,
  type HistogramPoint,
  type Labels,
  type MetricFamily,
  MetricsRegistry,
  overflowLabel,
  type ScalarPoint,
} from "./registry.ts";
export {
  escapeHelp,
  escapeLabelValue,
  formatValue,
  prometheusContentType,
  renderPrometheus,
} from "./prometheus.ts";
export {
  credentialRedacted,
  maxLabelLength,
  scrubLabelValue,
  scrubValue,
  unknownLabel,
} from "./scrub.ts";
export {
  collectSecrets,
  createSecretRedactor,
  knownSecretRedactor,
  minSecretLength,
  type Redact,
} from "../secrets/mod.ts";
export {
  createSpanRecorder,
  type ExchangeSpan,
  runsCodeInRequests,
  type SpanData,
  type SpanLink,
  type SpanRecorder,
} from "./spans.ts";
export {
  batchSampled,
  batchSpan,
  batchSpanName,
  type BatchSpanSink,
  collectLinks,
  createStoreSpans,
  maxBatchLinks,
  type StoreSpans,
} from "./store_spans.ts";
export { OtlpPoster, OtlpTraceExporter, signalUrl, type SpanExportStats } from "./otlp_exporter.ts";
export {
  type MetricExportStats,
  OtlpMetricExporter,
  type OtlpMetricExporterOptions,
} from "./otlp_metrics_exporter.ts";
export { encodeMetrics } from "./otlp_metrics_encode.ts";
export { useMeterProvider, useSpanPipeline } from "./otel_global.ts";
export { type SpanPipeline } from "./otel_tracer.ts";
export {
  createGatewayMetrics,
  durationBuckets,
  type GatewayMetrics,
  type GatewayMetricsOptions,
  timeToFirstTokenBuckets,
} from "./gateway_metrics.ts";
export {
  attemptOutcomeLabel,
  createRoutingMetrics,
  type RoutingMetrics,
} from "./routing_metrics.ts";
export { cumulativeOnly, mergeFamilies } from "./merge_families.ts";

/**
 * The OpenTelemetry side of one config generation: the metrics registry (when a scrape or a
 * push wants it), the span exporter and recorder, the sink for trace-store batch spans, and the
 * metric push. Everything is off unless `observability` turns it on; requests only ever meet the
 * span recorder, which is null when span export is off.
 */
import {
  type GatewayConfig,
  prometheusPath,
  signalHeaders,
  signalProtocol,
} from "../config/mod.ts";
import type { TraceWriterSnapshot } from "../traces/mod.ts";
import { VERSION } from "../version.ts";
import {
  type BatchSpanSink,
  createGatewayMetrics,
  createSpanRecorder,
  type GatewayMetrics,
  type MetricFamily,
  OtlpMetricExporter,
  OtlpTraceExporter,
  type Redact,
  runsCodeInRequests,
  type SpanRecorder,
  type StoreSpans,
  useMeterProvider,
  useSpanPipeline,
} from "../telemetry/mod.ts";
import type { Logger } from "../log/mod.ts";

export interface GatewayTelemetry {
  /** The scrape path when this config serves one, else null. */
  scrapePath: string | null;
  /** Null when neither a scrape nor a push reads metrics. */
  metrics: GatewayMetrics | null;
  spanExporter: OtlpTraceExporter | null;
  /** What the proxy starts and ends a span with; null when span export is off. */
  spans: SpanRecorder | null;
  batchSpans: BatchSpanSink | null;
  metricExporter: OtlpMetricExporter | null;
}

export function createGatewayTelemetry(config: GatewayConfig, deps: {
  writer: { snapshot(): TraceWriterSnapshot };
  /** Shared across reloads (the `serve` process's), else this generation gets its own. */
  metrics?: GatewayMetrics | undefined;
  storeSpans?: Pick<StoreSpans, "exported"> | undefined;
  /** Every serving isolate's families, summed (`server.workers`); default: this registry's. */
  collect?: (() => Promise<MetricFamily[]>) | undefined;
  log: Logger;
  redact: Redact | null;
}): GatewayTelemetry {
  const { log, redact } = deps;
  const scrapePath = prometheusPath(config);
  const otel = config.observability.otel;
  const pushMetrics = otel.enabled && otel.metrics_enabled;
  const metrics = scrapePath === null && !pushMetrics
    ? null
    : deps.metrics ?? createGatewayMetrics(deps.writer);
  const resource = { serviceName: otel.service_name, serviceVersion: VERSION };

  const spanExporter = otel.enabled && otel.traces_enabled
    ? new OtlpTraceExporter({
      endpoint: otel.endpoint,
      insecure: otel.insecure,
      timeoutMs: otel.export_timeout_ms,
      resource,
      headers: signalHeaders(otel, "traces"),
      protocol: signalProtocol(otel, "traces"),
      log,
      recorder: metrics?.otelExport,
    })
    : null;
  const spans = spanExporter === null ? null : createSpanRecorder({
    samplingRatio: otel.sampling_ratio,
    export: (finished) => spanExporter.add(finished),
    redact,
    activeContext: runsCodeInRequests(config),
    ...(deps.storeSpans === undefined ? {} : { exported: deps.storeSpans.exported }),
  });
  const batchSpans: BatchSpanSink | null = spanExporter === null ? null : {
    samplingRatio: otel.sampling_ratio,
    export: (batch) => spanExporter.add(batch),
    redact,
  };
  // OTLP metric push: a timer reads the registry; requests never wait on it.
  const metricExporter = metrics === null || !pushMetrics ? null : new OtlpMetricExporter({
    endpoint: otel.endpoint,
    insecure: otel.insecure,
    timeoutMs: otel.export_timeout_ms,
    intervalMs: otel.metric_export_interval_ms,
    resource,
    headers: signalHeaders(otel, "metrics"),
    protocol: signalProtocol(otel, "metrics"),
    log,
    collect: deps.collect ?? (() => metrics.collect()),
    startMs: metrics.startMs,
    recorder: metrics.otelExport,
  });
  // The OpenTelemetry API reaches these: spans a config's code starts outside a request go to
  // this generation's exporter; its metrics to the (shared) registry. Off: nothing registers.
  useSpanPipeline(batchSpans);
  if (metrics !== null) useMeterProvider(metrics.registry);
  return { scrapePath, metrics, spanExporter, spans, batchSpans, metricExporter };
}

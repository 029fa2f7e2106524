/**
 * The OTLP exporters' own figures as metrics, so a scrape (or the next successful push) shows a
 * collector that is down: the exporters already count and rate-limit-log their failures, and
 * call this recorder as they do. Counters in the shared registry rather than values read from
 * the exporters, because a config reload replaces the exporters but must not reset the totals.
 */
import type { ExportRecorder } from "./otlp_exporter.ts";
import type { MetricsRegistry } from "./registry.ts";
import { meterProviderOf } from "./otel_meter.ts";

export function createExportMetrics(registry: MetricsRegistry): ExportRecorder {
  const meter = meterProviderOf(registry).getMeter();
  const requests = meter.createCounter("ongoingai_otel_export_requests_total", {
    description: "OTLP/HTTP export requests by signal (traces, metrics) and outcome: success, or " +
      "failure (collector unreachable, timeout, non-2xx answer).",
    labels: ["signal", "outcome"],
  });
  const spans = meter.createCounter("ongoingai_otel_export_spans_total", {
    description: "Spans by outcome: exported (the collector accepted them), dropped (the export " +
      "buffer was full, or left at shutdown once the collector failed or the export timeout " +
      "passed) or failed (lost with a failed export request).",
    labels: ["outcome"],
  });
  return {
    requests: (signal, outcome, n = 1) => requests.add(n, { signal, outcome }),
    spans: (outcome, n) => spans.add(n, { outcome }),
  };
}

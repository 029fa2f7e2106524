/**
 * What the tests' OTLP receiver (otlp_receiver.ts) hands back, decoded from JSON or protobuf:
 * the parts of ExportTraceServiceRequest and ExportMetricsServiceRequest the telemetry tests
 * assert on, and small readers for them.
 */

export interface OtlpKv {
  key: string;
  value: Record<string, unknown>;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKv[];
  status: { code: number; message?: string };
  links?: { traceId: string; spanId: string; flags: number }[];
}

export interface NumberPoint {
  attributes: OtlpKv[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  asDouble: number;
}

export interface HistogramPoint {
  attributes: OtlpKv[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: string;
  sum: number;
  bucketCounts: string[];
  explicitBounds: number[];
}

export interface OtlpMetric {
  name: string;
  description: string;
  sum?: { aggregationTemporality: number; isMonotonic: boolean; dataPoints: NumberPoint[] };
  gauge?: { dataPoints: NumberPoint[] };
  histogram?: { aggregationTemporality: number; dataPoints: HistogramPoint[] };
}

export interface OtlpTraceDoc {
  resourceSpans: {
    resource: { attributes: OtlpKv[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
}

export interface OtlpMetricDoc {
  resourceMetrics: {
    resource: { attributes: OtlpKv[] };
    scopeMetrics: { scope: { name: string }; metrics: OtlpMetric[] }[];
  }[];
}

/** A receiver that gets both signals: each body holds one of them. */
export type OtlpDoc = Partial<OtlpTraceDoc & OtlpMetricDoc>;

/** Attributes as a plain object: `{ "gen_ai.system": "openai", ... }`. */
export const attrsOf = (kvs: OtlpKv[]): Record<string, unknown> =>
  Object.fromEntries(kvs.map((a) => [a.key, Object.values(a.value)[0]]));

/** Every metric of one export, by name. */
export const metricsByName = (doc: Partial<OtlpMetricDoc>): Map<string, OtlpMetric> =>
  new Map(
    (doc.resourceMetrics ?? []).flatMap((rm) =>
      rm.scopeMetrics.flatMap((s) => s.metrics.map((m) => [m.name, m] as const))
    ),
  );

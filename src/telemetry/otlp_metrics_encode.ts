/**
 * The OTLP/JSON mapping of a registry snapshot (opentelemetry-proto,
 * `ExportMetricsServiceRequest`): counters as monotonic cumulative sums, gauges as gauges,
 * histograms as cumulative explicit-bucket histograms. 64-bit counts and nanosecond times are
 * decimal strings; values are doubles. Attribute values go through the credential scrubber (as
 * label values already did in the registry).
 */
import { jsonDouble, keyValues, type OtlpResource, SCOPE_NAME, unixNano } from "./otlp_encode.ts";
import type { MetricFamily } from "./registry.ts";

/** `AGGREGATION_TEMPORALITY_CUMULATIVE`: the registry's values count from its start. */
export const cumulative = 2;

export interface MetricTimes {
  /** When the registry began counting (wall ms). */
  startMs: number;
  /** This collection (wall ms). */
  nowMs: number;
}

/** A point's labels as attributes (both encodings). */
export function labelRecord(
  names: readonly string[],
  values: readonly string[],
): Record<string, string> {
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? ""]));
}

function attributes(names: readonly string[], values: readonly string[]) {
  return keyValues(labelRecord(names, values));
}

function encodeFamily(f: MetricFamily, start: string, time: string) {
  const head = { name: f.name, description: f.help };
  const stamp = { startTimeUnixNano: start, timeUnixNano: time };
  if (f.type === "histogram") {
    return {
      ...head,
      histogram: {
        aggregationTemporality: cumulative,
        dataPoints: f.points.map((p) => ({
          attributes: attributes(f.labelNames, p.labelValues),
          ...stamp,
          count: String(p.count),
          sum: jsonDouble(p.sum),
          bucketCounts: p.counts.map(String),
          explicitBounds: [...f.buckets],
        })),
      },
    };
  }
  const dataPoints = f.points.map((p) => ({
    attributes: attributes(f.labelNames, p.labelValues),
    ...stamp,
    asDouble: jsonDouble(p.value),
  }));
  return f.type === "counter"
    ? { ...head, sum: { aggregationTemporality: cumulative, isMonotonic: true, dataPoints } }
    : { ...head, gauge: { dataPoints } };
}

/** Families without a data point are left out (a collector may reject an empty metric). */
export function encodeMetrics(
  families: readonly MetricFamily[],
  resource: OtlpResource,
  scopeVersion: string,
  times: MetricTimes,
) {
  const start = unixNano(times.startMs);
  const time = unixNano(Math.max(times.startMs, times.nowMs));
  return {
    resourceMetrics: [{
      resource: {
        attributes: keyValues({
          "service.name": resource.serviceName,
          "service.version": resource.serviceVersion,
        }),
      },
      scopeMetrics: [{
        scope: { name: SCOPE_NAME, version: scopeVersion },
        metrics: families.filter((f) => f.points.length > 0).map((f) =>
          encodeFamily(f, start, time)
        ),
      }],
    }],
  };
}

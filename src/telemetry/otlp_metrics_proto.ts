/**
 * The OTLP protobuf encoding of a registry snapshot (opentelemetry-proto
 * `ExportMetricsServiceRequest`), the same metrics and values as `encodeMetrics` writes in JSON.
 * Field numbers are metrics.proto's: `Metric {name = 1, description = 2, gauge = 5, sum = 7,
 * histogram = 9}`, `Sum {data_points = 1, aggregation_temporality = 2, is_monotonic = 3}`,
 * `NumberDataPoint {start_time_unix_nano = 2, time_unix_nano = 3, as_double = 4,
 * attributes = 7}`, `HistogramDataPoint {start = 2, time = 3, count = 4, sum = 5,
 * bucket_counts = 6, explicit_bounds = 7, attributes = 9}`.
 */
import type { OtlpResource } from "./otlp_encode.ts";
import { cumulative, labelRecord, type MetricTimes } from "./otlp_metrics_encode.ts";
import { writeAttributes, writeNanos, writeResource, writeScope } from "./otlp_proto_encode.ts";
import { ProtoWriter, Wire } from "./protobuf_writer.ts";
import type { MetricFamily } from "./registry.ts";

function writeStamp(w: ProtoWriter, times: MetricTimes): void {
  writeNanos(w, 2, times.startMs);
  writeNanos(w, 3, Math.max(times.startMs, times.nowMs));
}

function writeTemporality(w: ProtoWriter): void {
  w.tag(2, Wire.Varint);
  w.varint(cumulative);
}

function writeFamily(w: ProtoWriter, f: MetricFamily, times: MetricTimes): void {
  w.string(1, f.name);
  if (f.help !== "") w.string(2, f.help);
  if (f.type === "histogram") {
    return w.message(9, () => {
      for (const p of f.points) {
        w.message(1, () => {
          writeStamp(w, times);
          if (p.count !== 0) {
            w.tag(4, Wire.Fixed64);
            w.fixed64(p.count);
          }
          // `optional double sum`: explicit presence, so written even at zero.
          w.tag(5, Wire.Fixed64);
          w.double(p.sum);
          if (p.counts.length > 0) {
            w.message(6, () => {
              for (const c of p.counts) w.fixed64(c);
            });
          }
          if (f.buckets.length > 0) {
            w.message(7, () => {
              for (const b of f.buckets) w.double(b);
            });
          }
          writeAttributes(w, 9, labelRecord(f.labelNames, p.labelValues));
        });
      }
      writeTemporality(w);
    });
  }
  const points = () => {
    for (const p of f.points) {
      w.message(1, () => {
        writeStamp(w, times);
        w.tag(4, Wire.Fixed64);
        w.double(p.value);
        writeAttributes(w, 7, labelRecord(f.labelNames, p.labelValues));
      });
    }
  };
  if (f.type === "gauge") return w.message(5, points);
  w.message(7, () => {
    points();
    writeTemporality(w);
    w.tag(3, Wire.Varint);
    w.varint(1);
  });
}

/** Families without a data point are left out, as in the JSON encoding. */
export function encodeMetricsProto(
  families: readonly MetricFamily[],
  resource: OtlpResource,
  scopeVersion: string,
  times: MetricTimes,
): Uint8Array<ArrayBuffer> {
  const w = new ProtoWriter(16 * 1024);
  w.message(1, () => {
    writeResource(w, 1, resource);
    w.message(2, () => {
      writeScope(w, 1, scopeVersion);
      for (const f of families) {
        if (f.points.length > 0) w.message(2, () => writeFamily(w, f, times));
      }
    });
  });
  return w.finish();
}

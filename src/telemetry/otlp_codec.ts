/**
 * The two OTLP/HTTP encodings behind one interface, so the exporters' buffering, dropping and
 * shutdown stay one implementation: `http/json` (the gateway's default, readable) and
 * `http/protobuf` (the OTel spec's default, about half the bytes and cheaper to produce). A
 * span is encoded as it is added; the codec then frames the buffered spans into one request.
 */
import type { OtlpProtocol } from "../config/mod.ts";
import { exportRequestJson, type OtlpResource, spanJson } from "./otlp_encode.ts";
import { encodeMetrics, type MetricTimes } from "./otlp_metrics_encode.ts";
import { encodeMetricsProto } from "./otlp_metrics_proto.ts";
import { exportRequestProto, spanProto } from "./otlp_proto_encode.ts";
import type { MetricFamily } from "./registry.ts";
import type { SpanData } from "./spans.ts";

export type { OtlpProtocol };

/** What an OTLP request carries: JSON text or protobuf bytes. */
export type OtlpBody = string | Uint8Array<ArrayBuffer>;

/** `E` is one encoded span as it waits in the exporter's buffer. */
export interface TraceCodec<E> {
  readonly contentType: string;
  span(s: SpanData): E;
  request(spans: readonly E[], resource: OtlpResource, scopeVersion: string): OtlpBody;
}

export interface MetricsCodec {
  readonly contentType: string;
  request(
    families: readonly MetricFamily[],
    resource: OtlpResource,
    scopeVersion: string,
    times: MetricTimes,
  ): OtlpBody;
}

const jsonTraces: TraceCodec<string> = {
  contentType: "application/json",
  span: spanJson,
  request: exportRequestJson,
};

const protoTraces: TraceCodec<Uint8Array<ArrayBuffer>> = {
  contentType: "application/x-protobuf",
  span: spanProto,
  request: exportRequestProto,
};

/**
 * The span codec for `protocol`. Its element type is hidden from the exporter, which only moves
 * encoded spans from `span` to `request`: both halves come from the same codec.
 */
export function traceCodec(protocol: OtlpProtocol): TraceCodec<unknown> {
  return (protocol === "http/protobuf" ? protoTraces : jsonTraces) as TraceCodec<unknown>;
}

export function metricsCodec(protocol: OtlpProtocol): MetricsCodec {
  return protocol === "http/protobuf"
    ? { contentType: "application/x-protobuf", request: encodeMetricsProto }
    : {
      contentType: "application/json",
      request: (...args) => JSON.stringify(encodeMetrics(...args)),
    };
}

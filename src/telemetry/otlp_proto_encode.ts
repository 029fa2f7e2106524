/**
 * The OTLP protobuf encoding of spans (opentelemetry-proto `ExportTraceServiceRequest`), from
 * the same `SpanData` and with the same values as the JSON writer in `otlp_encode.ts`: ids as
 * bytes, times as fixed64 nanoseconds, and every string scrubbed. Proto3 leaves out fields at
 * their zero value, except inside `AnyValue` (a oneof, so always written). Field numbers are
 * those of opentelemetry-proto's trace.proto and common.proto.
 */
import {
  kinds,
  localSampledLinkFlags,
  type OtlpResource,
  SCOPE_NAME,
  statusCodes,
} from "./otlp_encode.ts";
import { ProtoWriter, Wire } from "./protobuf_writer.ts";
import { scrubValue } from "./scrub.ts";
import type { AttrValue, SpanData } from "./spans.ts";

/** Wall ms as fixed64 unix nanoseconds, exact to the microsecond (as `unixNano`). */
export function writeNanos(w: ProtoWriter, field: number, ms: number): void {
  w.tag(field, Wire.Fixed64);
  w.fixed64(Math.round(ms * 1000), 1000);
}

/** `AnyValue` of an attribute, the same choice of variant as the JSON writer makes. */
function writeAnyValue(w: ProtoWriter, v: AttrValue): void {
  if (typeof v === "string") return w.string(1, scrubValue(v));
  if (typeof v === "boolean") {
    w.tag(2, Wire.Varint);
    return w.varint(v ? 1 : 0);
  }
  if (typeof v === "number" && Number.isSafeInteger(v)) {
    w.tag(3, Wire.Varint);
    return w.int64(v);
  }
  w.tag(4, Wire.Fixed64);
  w.double(typeof v === "number" ? v : v.double);
}

/** `repeated KeyValue` at `field`: `{key = 1, value = 2}` each. */
export function writeAttributes(
  w: ProtoWriter,
  field: number,
  attrs: Record<string, AttrValue>,
): void {
  for (const key in attrs) {
    const kv = w.begin(field);
    w.string(1, key);
    const value = w.begin(2);
    writeAnyValue(w, attrs[key]!);
    w.end(value);
    w.end(kv);
  }
}

/** `Resource` (`attributes = 1`) as both encodings send it. */
export function writeResource(w: ProtoWriter, field: number, resource: OtlpResource): void {
  w.message(field, () =>
    writeAttributes(w, 1, {
      "service.name": resource.serviceName,
      "service.version": resource.serviceVersion,
    }));
}

/** `InstrumentationScope` (`name = 1, version = 2`). */
export function writeScope(w: ProtoWriter, field: number, version: string): void {
  w.message(field, () => {
    w.string(1, SCOPE_NAME);
    if (version !== "") w.string(2, version);
  });
}

/** One writer reused for every span: each span's bytes are copied out, the buffer stays. */
const spanWriter = new ProtoWriter(2048);

/**
 * One `Span` message, without its field tag: the exporter keeps these bytes in its buffer
 * (as the JSON codec keeps `spanJson` text) and `exportRequestProto` frames them.
 */
export function spanProto(s: SpanData): Uint8Array<ArrayBuffer> {
  const w = spanWriter;
  w.reset();
  w.hexBytes(1, s.traceId);
  w.hexBytes(2, s.spanId);
  if (s.parentSpanId !== null) w.hexBytes(4, s.parentSpanId);
  w.string(5, scrubValue(s.name));
  w.tag(6, Wire.Varint);
  w.varint(kinds[s.kind]);
  writeNanos(w, 7, s.startMs);
  writeNanos(w, 8, Math.max(s.startMs, s.endMs));
  writeAttributes(w, 9, s.attributes);
  for (const l of s.links ?? []) {
    const link = w.begin(13);
    w.hexBytes(1, l.traceId);
    w.hexBytes(2, l.spanId);
    w.tag(6, Wire.Fixed32);
    w.fixed32(localSampledLinkFlags);
    w.end(link);
  }
  if (s.droppedLinks) {
    w.tag(14, Wire.Varint);
    w.varint(s.droppedLinks);
  }
  const status = w.begin(15);
  const { code, message } = s.status;
  if (message !== undefined && message !== "") w.string(2, scrubValue(message));
  if (statusCodes[code] !== 0) {
    w.tag(3, Wire.Varint);
    w.varint(statusCodes[code]);
  }
  w.end(status);
  return w.finish();
}

const requestWriter = new ProtoWriter(64 * 1024);

/**
 * `ExportTraceServiceRequest { resource_spans = 1 { resource = 1, scope_spans = 2 { scope = 1,
 * spans = 2 } } }` around spans already encoded by `spanProto`.
 */
export function exportRequestProto(
  spans: readonly Uint8Array[],
  resource: OtlpResource,
  scopeVersion: string,
): Uint8Array<ArrayBuffer> {
  const w = requestWriter;
  w.reset();
  w.message(1, () => {
    writeResource(w, 1, resource);
    w.message(2, () => {
      writeScope(w, 1, scopeVersion);
      for (const span of spans) w.raw(2, span);
    });
  });
  return w.finish();
}

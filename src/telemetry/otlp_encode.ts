/**
 * The OTLP/JSON mapping of spans (opentelemetry-proto, `ExportTraceServiceRequest`): ids in hex,
 * 64-bit integers and nanosecond times as decimal strings, enums as numbers. Every string that
 * leaves here went through the credential scrubber.
 */
import { scrubValue } from "./scrub.ts";
import type { AttrValue, SpanData, SpanKind } from "./spans.ts";

export interface OtlpResource {
  serviceName: string;
  serviceVersion: string;
}

export type OtlpAnyValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number | NonFinite }
  | { boolValue: boolean };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export const kinds: Record<SpanKind, number> = { internal: 1, server: 2, client: 3 };
export const statusCodes = { unset: 0, ok: 1, error: 2 } as const;
/**
 * A link's `flags` (OTLP SpanFlags): the W3C sampled bit, plus "is-remote is known" (0x100)
 * with is-remote (0x200) clear, since every span we link to was made in this process.
 */
export const localSampledLinkFlags = 0x101;

export const SCOPE_NAME = "ongoingai.gateway";

type NonFinite = "NaN" | "Infinity" | "-Infinity";

/**
 * A double as proto3 JSON writes it: non-finite values as strings. `JSON.stringify` would make
 * them `null`, which a collector rejects, and with it the whole request.
 */
export function jsonDouble(n: number): number | NonFinite {
  if (Number.isFinite(n)) return n;
  return Number.isNaN(n) ? "NaN" : n > 0 ? "Infinity" : "-Infinity";
}

/** Wall ms (with fractions) as unix nanoseconds, exact to the microsecond. */
export function unixNano(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

export function anyValue(value: AttrValue): OtlpAnyValue {
  if (typeof value === "string") return { stringValue: scrubValue(value) };
  if (typeof value === "boolean") return { boolValue: value };
  if (typeof value === "number") {
    return Number.isSafeInteger(value)
      ? { intValue: String(value) }
      : { doubleValue: jsonDouble(value) };
  }
  return { doubleValue: jsonDouble(value.double) };
}

export function keyValues(attrs: Record<string, AttrValue>): OtlpKeyValue[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));
}

const json = JSON.stringify;

/** `[{"key":…,"value":{…}}, …]` of `attrs`, as `JSON.stringify(keyValues(attrs))` writes it. */
function keyValuesJson(attrs: Record<string, AttrValue>): string {
  let out = "[";
  let first = true;
  for (const key in attrs) {
    const v = attrs[key]!;
    const value = typeof v === "string"
      ? `{"stringValue":${json(scrubValue(v))}}`
      : typeof v === "boolean"
      ? `{"boolValue":${v}}`
      : typeof v === "number" && Number.isSafeInteger(v)
      ? `{"intValue":"${v}"}`
      : `{"doubleValue":${json(jsonDouble(typeof v === "number" ? v : v.double))}}`;
    out += `${first ? "" : ","}{"key":${json(key)},"value":${value}}`;
    first = false;
  }
  return out + "]";
}

/**
 * One span of an `ExportTraceServiceRequest`, as JSON text. Written directly rather than built
 * as OTLP-shaped objects and stringified: an export carries thousands of spans a second, and
 * the objects (an array of `{key, value: {stringValue}}` per span) were most of its cost. The
 * exporter encodes each span as it arrives, so only this compact string waits in its buffer.
 */
export function spanJson(s: SpanData): string {
  let out = `{"traceId":${json(s.traceId)},"spanId":${json(s.spanId)}`;
  if (s.parentSpanId !== null) out += `,"parentSpanId":${json(s.parentSpanId)}`;
  out += `,"name":${json(scrubValue(s.name))},"kind":${kinds[s.kind]}` +
    `,"startTimeUnixNano":"${unixNano(s.startMs)}"` +
    `,"endTimeUnixNano":"${unixNano(Math.max(s.startMs, s.endMs))}"` +
    `,"attributes":${keyValuesJson(s.attributes)}` +
    `,"status":{"code":${statusCodes[s.status.code]}`;
  if (s.status.message !== undefined) out += `,"message":${json(scrubValue(s.status.message))}`;
  out += "}";
  if (s.links !== undefined && s.links.length > 0) {
    out += `,"links":[${
      s.links.map((l) =>
        `{"traceId":${json(l.traceId)},"spanId":${json(l.spanId)},"flags":${localSampledLinkFlags}}`
      ).join(",")
    }]`;
  }
  if (s.droppedLinks) out += `,"droppedLinksCount":${s.droppedLinks}`;
  return out + "}";
}

/** The request around spans already written by `spanJson`, as JSON text. */
export function exportRequestJson(
  spans: readonly string[],
  resource: OtlpResource,
  scopeVersion: string,
): string {
  const attributes = keyValuesJson({
    "service.name": resource.serviceName,
    "service.version": resource.serviceVersion,
  });
  return `{"resourceSpans":[{"resource":{"attributes":${attributes}},"scopeSpans":[{"scope":` +
    `${json({ name: SCOPE_NAME, version: scopeVersion })},"spans":[${spans.join(",")}]}]}]}`;
}

/** An OTLP `Span` as a collector decodes it. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: number; message?: string };
  links?: { traceId: string; spanId: string; flags: number }[];
  droppedLinksCount?: number;
}

export interface OtlpTraceRequest {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[];
  }[];
}

/** The request for `spans` as a collector decodes it (tests and debugging read this form). */
export function encodeSpans(
  spans: readonly SpanData[],
  resource: OtlpResource,
  scopeVersion: string,
): OtlpTraceRequest {
  return JSON.parse(exportRequestJson(spans.map(spanJson), resource, scopeVersion));
}

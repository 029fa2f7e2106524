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

const kinds: Record<SpanKind, number> = { internal: 1, server: 2, client: 3 };
const statusCodes = { unset: 0, ok: 1, error: 2 } as const;
/**
 * A link's `flags` (OTLP SpanFlags): the W3C sampled bit, plus "is-remote is known" (0x100)
 * with is-remote (0x200) clear, since every span we link to was made in this process.
 */
const localSampledLinkFlags = 0x101;

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

export function encodeSpans(
  spans: readonly SpanData[],
  resource: OtlpResource,
  scopeVersion: string,
) {
  return {
    resourceSpans: [{
      resource: {
        attributes: keyValues({
          "service.name": resource.serviceName,
          "service.version": resource.serviceVersion,
        }),
      },
      scopeSpans: [{
        scope: { name: SCOPE_NAME, version: scopeVersion },
        spans: spans.map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          ...(s.parentSpanId === null ? {} : { parentSpanId: s.parentSpanId }),
          name: scrubValue(s.name),
          kind: kinds[s.kind],
          startTimeUnixNano: unixNano(s.startMs),
          endTimeUnixNano: unixNano(Math.max(s.startMs, s.endMs)),
          attributes: keyValues(s.attributes),
          status: {
            code: statusCodes[s.status.code],
            ...(s.status.message === undefined ? {} : { message: scrubValue(s.status.message) }),
          },
          ...(s.links === undefined || s.links.length === 0 ? {} : {
            links: s.links.map((l) => ({
              traceId: l.traceId,
              spanId: l.spanId,
              flags: localSampledLinkFlags,
            })),
          }),
          ...(s.droppedLinks ? { droppedLinksCount: s.droppedLinks } : {}),
        })),
      }],
    }],
  };
}

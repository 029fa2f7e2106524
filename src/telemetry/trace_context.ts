/**
 * W3C Trace Context (`traceparent`) and the sampler of the original: ParentBased(TraceIdRatio).
 * A malformed header is ignored, never an error: tracing must not refuse a request.
 */

export interface SpanContext {
  /** 32 lower-case hex digits, not all zero. */
  traceId: string;
  /** 16 lower-case hex digits, not all zero. */
  spanId: string;
  sampled: boolean;
}

const HEX = /^[0-9a-f]+$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/**
 * Parses `version-traceid-spanid-flags`. Version 00 must be exactly 55 characters; a later
 * version may carry more fields after a `-` (the spec's forward compatibility); `ff` is invalid.
 */
export function parseTraceparent(value: string | null | undefined): SpanContext | null {
  if (typeof value !== "string") return null;
  const v = value.trim();
  if (v.length < 55) return null;
  const version = v.slice(0, 2);
  if (!HEX.test(version) || version === "ff") return null;
  if (version === "00" ? v.length !== 55 : v.length > 55 && v[55] !== "-") return null;
  if (v[2] !== "-" || v[35] !== "-" || v[52] !== "-") return null;
  const traceId = v.slice(3, 35);
  const spanId = v.slice(36, 52);
  const flags = v.slice(53, 55);
  if (!HEX.test(traceId) || !HEX.test(spanId) || !HEX.test(flags)) return null;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return null;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(ctx: SpanContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.sampled ? "01" : "00"}`;
}

const byteHex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function randomHex(bytes: number, zero: string): string {
  for (;;) {
    let s = "";
    for (const b of crypto.getRandomValues(new Uint8Array(bytes))) s += byteHex[b];
    if (s !== zero) return s;
  }
}

export const randomTraceId = (): string => randomHex(16, ZERO_TRACE);
export const randomSpanId = (): string => randomHex(8, ZERO_SPAN);

/**
 * TraceIdRatioBased on the low 52 bits of the trace id's second half (the random part, per
 * W3C level 2), so every service sampling one trace at one ratio decides the same way.
 */
export function ratioSampled(traceId: string, ratio: number): boolean {
  if (ratio >= 1) return true;
  if (ratio <= 0) return false;
  return parseInt(traceId.slice(19, 32), 16) / 2 ** 52 < ratio;
}

/** ParentBased: a valid parent's sampled flag wins; a root decides by ratio on its trace id. */
export function sampled(parent: SpanContext | null, traceId: string, ratio: number): boolean {
  return parent !== null ? parent.sampled : ratioSampled(traceId, ratio);
}

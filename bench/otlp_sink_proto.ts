/**
 * The telemetry scenario's collector for `http/protobuf` bodies: it walks the wire format (every
 * field's tag and length must fit the body, so a truncated or malformed body is refused) and
 * counts trace spans by `Span.kind`, down `ExportTraceServiceRequest.resource_spans (1)` →
 * `ResourceSpans.scope_spans (2)` → `ScopeSpans.spans (2)` → `Span.kind (6)`. Walking is cheap
 * enough to do for every body, so there is no scan-and-sample as for JSON.
 */
import type { SinkCounts, SpanKinds } from "./otlp_sink.ts";

const kindNames: Record<number, keyof SpanKinds> = { 1: "internal", 2: "server", 3: "client" };

class Malformed extends Error {}

function varint(b: Uint8Array, at: { i: number }, end: number): number {
  let n = 0, mul = 1;
  for (;;) {
    if (at.i >= end) throw new Malformed("varint runs past the end");
    const byte = b[at.i++]!;
    n += (byte & 0x7f) * mul;
    if (byte < 0x80) return n;
    mul *= 128;
    if (mul > 2 ** 63) throw new Malformed("varint longer than 10 bytes");
  }
}

/**
 * Calls `onField(field, start, end)` for each length-delimited field of the message in
 * `[from, to)` and `onVarint(field, value)` for each varint; skips fixed-size fields.
 */
function walk(
  b: Uint8Array,
  from: number,
  to: number,
  onField: (field: number, start: number, end: number) => void,
  onVarint: (field: number, value: number) => void = () => {},
): void {
  const at = { i: from };
  while (at.i < to) {
    const tag = varint(b, at, to);
    const field = Math.floor(tag / 8);
    switch (tag % 8) {
      case 0:
        onVarint(field, varint(b, at, to));
        break;
      case 1:
        at.i += 8;
        break;
      case 5:
        at.i += 4;
        break;
      case 2: {
        const len = varint(b, at, to);
        if (at.i + len > to) throw new Malformed("a field runs past its message");
        onField(field, at.i, at.i + len);
        at.i += len;
        break;
      }
      default:
        throw new Malformed(`wire type ${tag % 8}`);
    }
    if (at.i > to) throw new Malformed("a fixed-size field runs past its message");
  }
}

/** Spans by kind in one `ExportTraceServiceRequest`; throws on a malformed body. */
export function protoSpanKinds(b: Uint8Array): SpanKinds {
  const into: SpanKinds = { server: 0, client: 0, internal: 0, other: 0 };
  const nested =
    (field: number, inner: (s: number, e: number) => void) => (f: number, s: number, e: number) =>
      f === field ? inner(s, e) : undefined;
  walk(
    b,
    0,
    b.length,
    nested(1, (s, e) =>
      walk(
        b,
        s,
        e,
        nested(2, (s, e) =>
          walk(
            b,
            s,
            e,
            nested(2, (s, e) => {
              let kind = 0;
              walk(b, s, e, () => {}, (f, v) => (f === 6 ? (kind = v) : undefined));
              into[kindNames[kind] ?? "other"]++;
            }),
          )),
      )),
  );
  return into;
}

/** Counts one protobuf POST into `c`; 400 for a body that is not well-formed protobuf. */
export function tallyProto(c: SinkCounts, path: string, body: Uint8Array): 200 | 400 {
  c.bytes += body.length;
  try {
    if (path === "/v1/traces") {
      const kinds = protoSpanKinds(body);
      c.trace_requests++;
      for (const k of Object.keys(kinds) as (keyof SpanKinds)[]) c.spans[k] += kinds[k];
      return 200;
    }
    walk(body, 0, body.length, () => {});
    if (path === "/v1/metrics") c.metric_requests++;
    else c.other_requests++;
    return 200;
  } catch (err) {
    if (!(err instanceof Malformed)) throw err;
    c.bad_bodies++;
    return 400;
  }
}

/** fast-check arbitraries for AWS event-stream messages, and conversions to smithy's codec. */
import fc from "fast-check";
import { Int64 } from "@smithy/eventstream-codec";
import type {
  EventStreamHeaderValue,
  EventStreamMessage,
} from "../../src/providers/aws_eventstream.ts";

const enc = new TextEncoder();
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
/** What a JavaScript `Date` holds (smithy decodes timestamps into one). */
const dateMs = fc.bigInt({ min: -8_640_000_000_000_000n, max: 8_640_000_000_000_000n });

export const headerValue: fc.Arbitrary<EventStreamHeaderValue> = fc.oneof(
  fc.boolean().map((value) => ({ type: "bool" as const, value })),
  fc.integer({ min: -0x80, max: 0x7f }).map((value) => ({ type: "byte" as const, value })),
  fc.integer({ min: -0x8000, max: 0x7fff }).map((value) => ({ type: "short" as const, value })),
  fc.integer({ min: -0x80000000, max: 0x7fffffff }).map((value) => ({
    type: "integer" as const,
    value,
  })),
  int64.map((value) => ({ type: "long" as const, value })),
  dateMs.map((value) => ({ type: "timestamp" as const, value })),
  fc.uint8Array({ maxLength: 64 }).map((value) => ({ type: "bytes" as const, value })),
  fc.string({ unit: "grapheme", maxLength: 40 }).map((value) => ({
    type: "string" as const,
    value,
  })),
  fc.uuid().map((value) => ({ type: "uuid" as const, value })),
);

/**
 * Header names that survive a plain object too (smithy's headers are one): no array-index names
 * (an object lists them first) and no `__proto__`; at most 255 bytes.
 */
export const headerName: fc.Arbitrary<string> = fc
  .oneof(fc.string({ maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 20 }))
  .filter((n) => enc.encode(n).length <= 255 && !/^(0|[1-9]\d*)$/.test(n) && n !== "__proto__");

export const message: fc.Arbitrary<EventStreamMessage> = fc.record({
  headers: fc
    .uniqueArray(fc.tuple(headerName, headerValue), { selector: (t) => t[0], maxLength: 8 })
    .map((entries) => new Map(entries)),
  payload: fc.uint8Array({ maxLength: 300 }),
}).map(({ headers, payload }) => ({ headers, payload })); // a plain object, as the decoder's

type SmithyHeader =
  | { type: "boolean"; value: boolean }
  | { type: "byte" | "short" | "integer"; value: number }
  | { type: "long"; value: Int64 }
  | { type: "binary"; value: Uint8Array }
  | { type: "string"; value: string }
  | { type: "timestamp"; value: Date }
  | { type: "uuid"; value: string };

export interface SmithyMessage {
  headers: Record<string, SmithyHeader>;
  body: Uint8Array;
}

function int64Bytes(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, v);
  return out;
}

export function toSmithy(m: EventStreamMessage): SmithyMessage {
  const headers: Record<string, SmithyHeader> = {};
  for (const [name, h] of m.headers) {
    switch (h.type) {
      case "bool":
        headers[name] = { type: "boolean", value: h.value };
        break;
      case "long":
        headers[name] = { type: "long", value: new Int64(int64Bytes(h.value)) };
        break;
      case "timestamp":
        headers[name] = { type: "timestamp", value: new Date(Number(h.value)) };
        break;
      case "bytes":
        headers[name] = { type: "binary", value: h.value };
        break;
      default:
        headers[name] = h;
    }
  }
  return { headers, body: m.payload };
}

export function fromSmithy(m: SmithyMessage): EventStreamMessage {
  const headers = new Map<string, EventStreamHeaderValue>();
  for (const [name, h] of Object.entries(m.headers)) {
    switch (h.type) {
      case "boolean":
        headers.set(name, { type: "bool", value: h.value });
        break;
      case "long": {
        const b = h.value.bytes;
        const value = new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0);
        headers.set(name, { type: "long", value });
        break;
      }
      case "timestamp":
        headers.set(name, { type: "timestamp", value: BigInt(h.value.getTime()) });
        break;
      case "binary":
        headers.set(name, { type: "bytes", value: h.value.slice() });
        break;
      default:
        headers.set(name, h);
    }
  }
  return { headers, payload: m.body.slice() };
}

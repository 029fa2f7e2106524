/**
 * The headers block of an AWS event-stream message (aws_eventstream.ts), both ways. Each header
 * is a 1-byte name length, the UTF-8 name, a 1-byte type code and a value whose size the type
 * fixes (smithy `eventstream-codec/HeaderMarshaller.ts`):
 *
 * | code | type       | value                    |
 * | ---- | ---------- | ------------------------ |
 * | 0, 1 | bool       | none (0 true, 1 false)   |
 * | 2    | byte       | int8                     |
 * | 3    | short      | int16 BE                 |
 * | 4    | integer    | int32 BE                 |
 * | 5    | long       | int64 BE                 |
 * | 6    | bytes      | uint16 BE length + bytes |
 * | 7    | string     | uint16 BE length + UTF-8 |
 * | 8    | timestamp  | int64 BE ms since epoch  |
 * | 9    | uuid       | 16 bytes                 |
 *
 * Parsing never throws: a block that overruns itself or names an unknown type gives the reason.
 * Encoding is for the gateway's own messages and test stubs: a value the framing cannot carry is
 * a programming error and throws a `RangeError` naming the header.
 */

export type EventStreamHeaderValue =
  | { type: "bool"; value: boolean }
  | { type: "byte" | "short" | "integer"; value: number }
  | { type: "long" | "timestamp"; value: bigint }
  | { type: "bytes"; value: Uint8Array }
  | { type: "string"; value: string }
  | { type: "uuid"; value: string };

export type EventStreamHeaders = Map<string, EventStreamHeaderValue>;

const utf8 = new TextDecoder();
const enc = new TextEncoder();
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The headers of a block, or what was wrong with it. A repeated name keeps its last value. */
export function parseEventStreamHeaders(
  block: Uint8Array,
): { headers: EventStreamHeaders } | { error: string } {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const headers: EventStreamHeaders = new Map();
  let at = 0;
  while (at < block.length) {
    const nameLength = block[at]!;
    if (at + 1 + nameLength + 1 > block.length) {
      return { error: `header at byte ${at} overruns the headers block` };
    }
    const name = text(block.subarray(at + 1, at + 1 + nameLength));
    const code = block[at + 1 + nameLength]!;
    const value = readValue(view, block, at + 2 + nameLength, code);
    if (typeof value === "string") return { error: `header "${name}": ${value}` };
    headers.set(name, value.value);
    at = value.next;
  }
  return { headers };
}

type Read = { value: EventStreamHeaderValue; next: number } | string;

/** The value of type `code` at `at`, or why it cannot be read. */
function readValue(view: DataView, block: Uint8Array, at: number, code: number): Read {
  const fixed = [0, 0, 1, 2, 4, 8, -1, -1, 8, 16][code];
  if (fixed === undefined) return `unknown header type ${code}`;
  let size = fixed;
  let start = at;
  if (fixed === -1) {
    if (at + 2 > block.length) return "value length overruns the headers block";
    size = view.getUint16(at, false);
    start = at + 2;
  }
  if (start + size > block.length) return "value overruns the headers block";
  const next = start + size;
  switch (code) {
    case 0:
    case 1:
      return { value: { type: "bool", value: code === 0 }, next };
    case 2:
      return { value: { type: "byte", value: view.getInt8(start) }, next };
    case 3:
      return { value: { type: "short", value: view.getInt16(start, false) }, next };
    case 4:
      return { value: { type: "integer", value: view.getInt32(start, false) }, next };
    case 5:
    case 8: {
      const type = code === 5 ? "long" : "timestamp";
      return { value: { type, value: view.getBigInt64(start, false) }, next };
    }
    case 6:
      return { value: { type: "bytes", value: block.slice(start, next) }, next };
    case 7:
      return { value: { type: "string", value: text(block.subarray(start, next)) }, next };
    default:
      return { value: { type: "uuid", value: uuidText(block.subarray(start, next)) }, next };
  }
}

/**
 * UTF-8 text. Header names and values are short ASCII (`:event-type`, `application/json`):
 * building those from char codes is several times faster than a `TextDecoder` call per header.
 */
function text(bytes: Uint8Array): string {
  if (bytes.length > 64) return utf8.decode(bytes);
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) return utf8.decode(bytes);
    out += String.fromCharCode(b);
  }
  return out;
}

function uuidText(b: Uint8Array): string {
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

/** The headers block for `headers`, in the map's order. Throws a `RangeError` on a bad value. */
export function encodeEventStreamHeaders(headers: EventStreamHeaders): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for (const [name, value] of headers) {
    const nameBytes = enc.encode(name);
    if (nameBytes.length > 255) throw new RangeError(`header name "${name}" is over 255 bytes`);
    parts.push(Uint8Array.of(nameBytes.length), nameBytes, encodeValue(name, value));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const intRanges = {
  byte: [2, 1, -0x80, 0x7f],
  short: [3, 2, -0x8000, 0x7fff],
  integer: [4, 4, -0x80000000, 0x7fffffff],
} as const;

function encodeValue(name: string, h: EventStreamHeaderValue): Uint8Array {
  const bad = (what: string) => new RangeError(`header "${name}" (${h.type}): ${what}`);
  switch (h.type) {
    case "bool":
      return Uint8Array.of(h.value ? 0 : 1);
    case "byte":
    case "short":
    case "integer": {
      const [code, size, min, max] = intRanges[h.type];
      if (!Number.isInteger(h.value) || h.value < min || h.value > max) {
        throw bad(`${h.value} is not an integer in ${min}..${max}`);
      }
      const out = new Uint8Array(1 + size);
      const view = new DataView(out.buffer);
      out[0] = code;
      if (size === 1) view.setInt8(1, h.value);
      else if (size === 2) view.setInt16(1, h.value, false);
      else view.setInt32(1, h.value, false);
      return out;
    }
    case "long":
    case "timestamp": {
      if (BigInt.asIntN(64, h.value) !== h.value) throw bad(`${h.value} does not fit in int64`);
      const out = new Uint8Array(9);
      out[0] = h.type === "long" ? 5 : 8;
      new DataView(out.buffer).setBigInt64(1, h.value, false);
      return out;
    }
    case "bytes":
    case "string": {
      const bytes = h.type === "bytes" ? h.value : enc.encode(h.value);
      if (bytes.length > 0xffff) throw bad(`${bytes.length} bytes is over 65535`);
      const out = new Uint8Array(3 + bytes.length);
      out[0] = h.type === "bytes" ? 6 : 7;
      new DataView(out.buffer).setUint16(1, bytes.length, false);
      out.set(bytes, 3);
      return out;
    }
    case "uuid": {
      if (!uuidPattern.test(h.value)) throw bad(`"${h.value}" is not a UUID`);
      const hex = h.value.replaceAll("-", "");
      const out = new Uint8Array(17);
      out[0] = 9;
      for (let i = 0; i < 16; i++) out[1 + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
      return out;
    }
  }
}

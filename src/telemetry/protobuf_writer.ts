/**
 * The few protobuf wire-format primitives OTLP export needs (varint, fixed64, double, bytes,
 * nested messages), written into one growable buffer. Hand-written rather than a protobuf
 * library: the gateway encodes two fixed message shapes, and a generated-code library would
 * bring a runtime, reflection and an object graph per span into the export path we are trying
 * to make cheaper.
 */

/** Wire types (the low three bits of a field's tag). */
export const Wire = { Varint: 0, Fixed64: 1, Len: 2, Fixed32: 5 } as const;
export type WireType = (typeof Wire)[keyof typeof Wire];

const utf8 = new TextEncoder();
/** Strings up to this length are tried as ASCII first (see `string`). */
const asciiLoopMax = 64;
const two32 = 2 ** 32;

/** Bytes of `n` (0 ≤ n < 2^53) as a varint. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Hex digit values by char code; -1 for anything else. */
const hexValue = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  hexValue["0123456789abcdef".charCodeAt(i)] = i;
  hexValue["0123456789ABCDEF".charCodeAt(i)] = i;
}

export class ProtoWriter {
  #buf: Uint8Array<ArrayBuffer>;
  #view: DataView;
  #pos = 0;

  constructor(initialBytes = 1024) {
    this.#buf = new Uint8Array(initialBytes);
    this.#view = new DataView(this.#buf.buffer);
  }

  get length(): number {
    return this.#pos;
  }

  /** Drops anything written (after an encoder threw halfway through a message). */
  reset(): void {
    this.#pos = 0;
  }

  /** A copy of what was written; the writer starts over (its buffer is kept for reuse). */
  finish(): Uint8Array<ArrayBuffer> {
    const out = this.#buf.slice(0, this.#pos);
    this.#pos = 0;
    return out;
  }

  #ensure(extra: number): void {
    const need = this.#pos + extra;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
    this.#view = new DataView(grown.buffer);
  }

  tag(field: number, wire: WireType): void {
    this.varint(field * 8 + wire);
  }

  /** An unsigned varint, `n` a safe integer ≥ 0. */
  varint(n: number): void {
    this.#ensure(10);
    const buf = this.#buf;
    let pos = this.#pos;
    while (n >= 128) {
      buf[pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    buf[pos++] = n;
    this.#pos = pos;
  }

  /** A signed 64-bit varint (`int64`): a negative value is its two's complement, 10 bytes. */
  int64(n: number): void {
    if (n >= 0) return this.varint(n);
    let v = BigInt.asUintN(64, BigInt(n));
    this.#ensure(10);
    while (v >= 128n) {
      this.#buf[this.#pos++] = Number(v & 127n) | 0x80;
      v >>= 7n;
    }
    this.#buf[this.#pos++] = Number(v);
  }

  /**
   * `n × scale` as a little-endian fixed64, exact beyond 2^53: nanosecond times are written as
   * microseconds × 1000, which a double cannot hold but two 32-bit halves can.
   */
  fixed64(n: number, scale = 1): void {
    this.#ensure(8);
    const hi = Math.floor(n / two32);
    const lo = (n - hi * two32) * scale;
    const carry = Math.floor(lo / two32);
    this.#view.setUint32(this.#pos, lo - carry * two32, true);
    this.#view.setUint32(this.#pos + 4, hi * scale + carry, true);
    this.#pos += 8;
  }

  fixed32(n: number): void {
    this.#ensure(4);
    this.#view.setUint32(this.#pos, n, true);
    this.#pos += 4;
  }

  double(n: number): void {
    this.#ensure(8);
    this.#view.setFloat64(this.#pos, n, true);
    this.#pos += 8;
  }

  /** A length-delimited UTF-8 string field. */
  string(field: number, s: string): void {
    this.tag(field, Wire.Len);
    // At most 3 bytes per UTF-16 unit; the length prefix is fixed up once the size is known.
    this.#ensure(s.length * 3 + 5);
    const start = this.#pos;
    const guess = varintSize(s.length);
    const buf = this.#buf;
    // Most strings here are short ASCII (keys, model names): copying their char codes beats a
    // call into the runtime's UTF-8 encoder. Anything else goes to `encodeInto`.
    if (s.length <= asciiLoopMax) {
      let at = start + guess;
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at++] = c;
      }
      if (i === s.length) return this.#placeLength(start, guess, s.length);
    }
    const { written } = utf8.encodeInto(s, buf.subarray(start + guess));
    this.#placeLength(start, guess, written);
  }

  /** A length-delimited field of `hex` decoded to bytes (trace and span ids). */
  hexBytes(field: number, hex: string): void {
    const n = hex.length >> 1;
    this.tag(field, Wire.Len);
    this.varint(n);
    this.#ensure(n);
    for (let i = 0; i < n; i++) {
      const hi = hexValue[hex.charCodeAt(2 * i)] ?? -1;
      const lo = hexValue[hex.charCodeAt(2 * i + 1)] ?? -1;
      if (hi < 0 || lo < 0) throw new Error(`not a hex id: ${JSON.stringify(hex.slice(0, 40))}`);
      this.#buf[this.#pos++] = hi * 16 + lo;
    }
  }

  /** A length-delimited field holding already encoded bytes (a span encoded earlier). */
  raw(field: number, bytes: Uint8Array): void {
    this.tag(field, Wire.Len);
    this.varint(bytes.length);
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  /**
   * A nested message: `body` writes its fields, then the length prefix goes in front. One byte
   * is reserved for it (most messages are under 128 bytes); a longer one moves the body up.
   */
  message(field: number, body: () => void): void {
    const at = this.begin(field);
    body();
    this.end(at);
  }

  /** `message` without a closure, for hot paths: `end(begin(field))` around the fields. */
  begin(field: number): number {
    this.tag(field, Wire.Len);
    this.#ensure(1);
    const start = this.#pos;
    this.#pos = start + 1;
    return start;
  }

  end(start: number): void {
    this.#placeLength(start, 1, this.#pos - start - 1);
  }

  /** Writes `len`'s varint at `start`, where `reserved` bytes were left before the content. */
  #placeLength(start: number, reserved: number, len: number): void {
    const size = varintSize(len);
    if (size !== reserved) {
      this.#pos = start + reserved + len;
      this.#ensure(size - reserved);
      this.#buf.copyWithin(start + size, start + reserved, start + reserved + len);
    }
    this.#pos = start;
    this.varint(len);
    this.#pos = start + size + len;
  }
}

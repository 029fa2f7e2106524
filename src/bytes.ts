/** Byte and string helpers shared by the proxy, the store, traces, telemetry and PII redaction. */
import { isUtf8 } from "node:buffer";

/**
 * Bytes that decoding to text keeps as they are: well-formed UTF-8, no NUL (stores keep U+FFFD
 * there) and no leading BOM (decoding drops it). What the store can take as bytes, and what a
 * trace stores unaltered. Checked in native code.
 */
export function decodesAsIs(bytes: Uint8Array): boolean {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return !bom && bytes.indexOf(0) === -1 && isUtf8(bytes);
}

/**
 * `value` cut to at most `max` UTF-16 units, never ending on the first half of a surrogate pair,
 * and copied: a slice may share the original's memory, and a cut value must not keep a huge
 * original alive.
 */
export function cutString(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max;
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return Array.from(value.slice(0, end)).join("");
}

/** Byte arrays joined into one, for the few places that need a body in one piece. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Drops a UTF-8 sequence cut off at the end, so that a body cut at the cap decodes without a
 * replacement character and stays within the cap once decoded and re-encoded.
 */
export function withoutCutCharacter(bytes: Uint8Array): Uint8Array {
  let lead = bytes.length - 1;
  // At most three continuation bytes (10xxxxxx) follow a lead byte.
  while (lead >= 0 && bytes.length - lead <= 3 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  if (lead < 0) return bytes;
  const b = bytes[lead]!;
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return bytes.length - lead < need ? bytes.subarray(0, lead) : bytes;
}

/**
 * Bytes appended in pieces, kept in one buffer that grows by doubling. An array per piece costs
 * 100-400 bytes of heap whatever its size, so an upstream sending one byte per chunk made each
 * byte kept that way cost hundreds.
 */
export class ByteBuffer {
  #buf = new Uint8Array(0);
  #size = 0;

  /** Bytes held. */
  get size(): number {
    return this.#size;
  }

  append(bytes: Uint8Array): void {
    const need = this.#size + bytes.byteLength;
    if (need > this.#buf.byteLength) {
      const next = new Uint8Array(Math.max(need, this.#buf.byteLength * 2, 256));
      next.set(this.#buf.subarray(0, this.#size));
      this.#buf = next;
    }
    this.#buf.set(bytes, this.#size);
    this.#size = need;
  }

  /** The bytes held, in a buffer of their own; this one is emptied and lets go of its memory. */
  take(): Uint8Array<ArrayBuffer> {
    const out = this.bytes();
    this.#buf = new Uint8Array(0);
    this.#size = 0;
    return out;
  }

  /** The bytes held, in a buffer of their own (a copy unless the buffer is exactly full). */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.#buf.byteLength === this.#size ? this.#buf : this.#buf.slice(0, this.#size);
  }
}

/** Base64 (standard alphabet, padded) to bytes; null when the text is not base64. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** Bytes to base64 (standard alphabet, padded), in slices that stay under the argument limit. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

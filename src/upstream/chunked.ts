/**
 * `Transfer-Encoding: chunked` (RFC 9112 section 7.1), decoded in place in the connection's read
 * buffer. Data is handed out as soon as any of it is buffered, never held back to complete a
 * chunk; the framing around it (sizes, extensions, trailers) is consumed eagerly whenever it is
 * already buffered, so the end of the body is noticed, and the connection freed, with the last
 * data rather than on a later read.
 */
import { InvalidResponse } from "./response_head.ts";
import type { Wire } from "./wire.ts";

const enum State {
  Size,
  Data,
  DataEnd,
  Trailer,
  Done,
}

/** Longest chunk-size line (with extensions) and whole trailer section accepted. */
const maxLineBytes = 16 * 1024;
const maxTrailerBytes = 32 * 1024;
const maxSizeDigits = 13; // below Number.MAX_SAFE_INTEGER

export class ChunkedBody {
  #state = State.Size;
  #remaining = 0;
  #trailerBytes = 0;

  get complete(): boolean {
    return this.#state === State.Done;
  }

  /** Returns buffered chunk data, or null when more bytes must be read first (or at the end). */
  take(w: Wire): Uint8Array<ArrayBuffer> | null {
    this.#frame(w);
    if (this.#state !== State.Data || w.start === w.end) return null;
    const n = Math.min(w.end - w.start, this.#remaining);
    const out = w.buf.slice(w.start, w.start + n);
    w.start += n;
    this.#remaining -= n;
    if (this.#remaining === 0) this.#state = State.DataEnd;
    this.#frame(w);
    return out;
  }

  /** Consumes framing that is already buffered, up to the next data byte or the end. */
  #frame(w: Wire): void {
    for (;;) {
      switch (this.#state) {
        case State.Data:
        case State.Done:
          return;
        case State.DataEnd: {
          if (w.end - w.start < 2) return;
          if (w.buf[w.start] !== 13 || w.buf[w.start + 1] !== 10) {
            throw new InvalidResponse("chunk data longer than its declared size");
          }
          w.start += 2;
          this.#state = State.Size;
          break;
        }
        case State.Size: {
          const lf = lineEnd(w);
          if (lf < 0) return;
          const size = chunkSize(w.buf, w.start, lf - 1);
          w.start = lf + 1;
          if (size === 0) this.#state = State.Trailer;
          else {
            this.#remaining = size;
            this.#state = State.Data;
          }
          break;
        }
        case State.Trailer: {
          const lf = lineEnd(w);
          if (lf < 0) return;
          const length = lf + 1 - w.start;
          this.#trailerBytes += length;
          if (this.#trailerBytes > maxTrailerBytes) throw new InvalidResponse("trailers too large");
          if (length > 2 && !trailerLine.test(asciiLine(w.buf, w.start, lf - 1))) {
            throw new InvalidResponse("invalid trailer field");
          }
          w.start = lf + 1;
          if (length === 2) this.#state = State.Done;
          break;
        }
      }
    }
  }
}

/** Index of the LF ending the buffered line (checked to follow a CR), or -1 if incomplete. */
function lineEnd(w: Wire): number {
  const lf = w.buf.indexOf(10, w.start);
  if (lf === -1 || lf >= w.end) {
    if (w.end - w.start > maxLineBytes) throw new InvalidResponse("chunk line too long");
    return -1;
  }
  if (lf === w.start || w.buf[lf - 1] !== 13) throw new InvalidResponse("bare LF in chunk framing");
  return lf;
}

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
/** `; name[=value]` repeated, with optional whitespace, as RFC 9112 7.1.1 (values token or quoted). */
const chunkExt =
  /^(?:[ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*=[ \t]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"))?)*$/;
// deno-lint-ignore no-control-regex -- matching control characters is the point
const trailerLine = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\0-\x08\x0a-\x1f\x7f]*$/;

/** Parses `1*HEXDIG [ chunk-ext ]` in `buf[start, end)`, end being the CR. */
function chunkSize(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let size = 0;
  while (i < end && isHex(buf[i]!)) {
    if (i - start >= maxSizeDigits) throw new InvalidResponse("chunk size too large");
    const c = buf[i]!;
    size = size * 16 + (c <= 57 ? c - 48 : (c | 0x20) - 87);
    i++;
  }
  if (i === start) throw new InvalidResponse("invalid chunk size");
  if (i < end && !chunkExt.test(asciiLine(buf, i, end))) {
    throw new InvalidResponse("invalid chunk extension");
  }
  return size;
}

function asciiLine(buf: Uint8Array, start: number, end: number): string {
  return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
}

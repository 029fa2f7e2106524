/**
 * Releases an event stream only at event boundaries: the bytes up to the last blank line of what
 * arrived, holding the unterminated rest until its own blank line comes (usually in the next
 * read). A stream that breaks off then leaves the client between two events, so an error event
 * appended after it is read as one, instead of completing a half-sent line into garbage. Bytes are
 * never changed or reordered, only held briefly. An event that grows past `maxHeldBytes` cannot
 * wait: it is released as it comes until the next boundary (as in sse_event_filter.ts).
 *
 * Boundaries follow the SSE grammar: a line ends at CRLF, LF or CR, and two line ends in a row
 * end an event. A CR at the end of a read may be the first half of a CRLF; releasing up to it is
 * still exact, since a reader takes the LF that follows as part of that line end.
 */
import { BoundaryHold } from "./boundary_hold.ts";

const LF = 10;
const CR = 13;

export const maxAlignHeldBytes = 64 * 1024;

export class SseEventAligner {
  readonly #hold: BoundaryHold;
  /** The last (up to three) bytes before the current read, for boundaries across reads. */
  #prev: number[] = [];

  constructor(readonly maxHeldBytes = maxAlignHeldBytes) {
    this.#hold = new BoundaryHold(maxHeldBytes);
  }

  /** Bytes to send now (null: nothing yet). The chunk is copied only when part of it is held. */
  push(chunk: Uint8Array): Uint8Array | null {
    const end = lastEventEnd(this.#prev, chunk);
    this.#keepPrev(chunk);
    return this.#hold.release(chunk, end);
  }

  /** The held tail (an event still open), released; null when nothing is held. */
  drain(): Uint8Array | null {
    return this.#hold.drain();
  }

  /** Drops the held tail: the stream broke off inside that event. Returns its size. */
  discard(): number {
    return this.#hold.discard();
  }

  #keepPrev(chunk: Uint8Array): void {
    this.#prev = lastBytes(this.#prev, chunk);
  }
}

/**
 * The index in `chunk` just after its last event boundary, or -1. `prev` holds the bytes that came
 * before the chunk, so that a blank line split across reads is found.
 */
export function lastEventEnd(prev: readonly number[], chunk: Uint8Array): number {
  for (let p = chunk.length; p >= 1; p--) {
    const a = chunk[p - 1];
    if ((a === LF || a === CR) && endsEvent(prev, chunk, p)) return p;
  }
  return -1;
}

/**
 * The index in `chunk` just after its first event boundary at or after `from`, or -1: the same
 * boundaries as `lastEventEnd`, searched forwards with the native `indexOf` (a stream's chunk
 * usually holds one event, so this is two searches). The LF of a CRLF and any blank lines after
 * the boundary are taken with it: they dispatch nothing.
 */
export function nextEventEnd(prev: readonly number[], chunk: Uint8Array, from: number): number {
  const n = chunk.length;
  let lf = chunk.indexOf(LF, from);
  let cr = chunk.indexOf(CR, from);
  while (lf !== -1 || cr !== -1) {
    const i = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (endsEvent(prev, chunk, i + 1)) {
      let p = i + 1;
      while (p < n && (chunk[p] === LF || chunk[p] === CR)) p++;
      return p;
    }
    if (i === lf) lf = chunk.indexOf(LF, i + 1);
    else cr = chunk.indexOf(CR, i + 1);
  }
  return -1;
}

/** Whether the byte before `p` (a CR or LF) ends an event (see `lastEventEnd`). */
function endsEvent(prev: readonly number[], chunk: Uint8Array, p: number): boolean {
  const a = chunk[p - 1];
  const b = byteAt(prev, chunk, p - 2);
  if (a === LF) {
    if (b === LF) return true;
    if (b !== CR) return false;
    const c = byteAt(prev, chunk, p - 3);
    return c === LF || c === CR;
  }
  return a === CR && (b === CR || b === LF);
}

/** Byte `k` of the stream at `chunk`: a negative `k` reads the bytes before it (`prev`). */
function byteAt(prev: readonly number[], chunk: Uint8Array, k: number): number | undefined {
  return k >= 0 ? chunk[k] : prev[prev.length + k];
}

/** The last (up to three) bytes of what came before, followed by `chunk`. */
export function lastBytes(prev: readonly number[], chunk: Uint8Array): number[] {
  const n = chunk.length;
  if (n >= 3) return [chunk[n - 3]!, chunk[n - 2]!, chunk[n - 1]!];
  return [...prev, ...chunk].slice(-3);
}

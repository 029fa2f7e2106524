/**
 * What the two stream aligners share (sse_event_aligner.ts, aws_eventstream_aligner.ts): given
 * where the last boundary in a chunk is, release the bytes up to it (with what was held before)
 * and hold the unfinished rest. Bounded: a rest that grows past `maxHeldBytes` cannot wait and is
 * released as it comes until the next boundary. Bytes are never changed or reordered.
 */
import { concatBytes } from "../bytes.ts";

export class BoundaryHold {
  #held: Uint8Array[] = [];
  #heldSize = 0;
  /** The current unit (event, message) was released early and streams until its end. */
  #streaming = false;

  constructor(readonly maxHeldBytes: number) {}

  /**
   * Bytes to send now for `chunk`, whose last boundary ends at `end` (-1: none in it); null when
   * everything is held. The chunk is copied only when part of it is held.
   */
  release(chunk: Uint8Array, end: number): Uint8Array | null {
    if (end === -1) {
      if (this.#streaming) return chunk;
      this.#hold(chunk.slice());
      if (this.#heldSize <= this.maxHeldBytes) return null;
      this.#streaming = true;
      return this.drain();
    }
    this.#streaming = false;
    const out = this.withHeld(chunk.subarray(0, end));
    if (end < chunk.length) this.#hold(chunk.slice(end));
    return out;
  }

  /** `head` after everything held, which is let go. */
  withHeld(head: Uint8Array): Uint8Array {
    if (this.#held.length === 0) return head;
    const out = concatBytes([...this.#held, head]);
    this.#held = [];
    this.#heldSize = 0;
    return out;
  }

  /** The held tail, released; null when nothing is held. */
  drain(): Uint8Array | null {
    if (this.#held.length === 0) return null;
    // Held parts are copies already: one is given as it is.
    const out = this.#held.length === 1 ? this.#held[0]! : concatBytes(this.#held);
    this.#held = [];
    this.#heldSize = 0;
    return out;
  }

  /** Drops the held tail (the stream broke off inside it). Returns its size. */
  discard(): number {
    const n = this.#heldSize;
    this.#held = [];
    this.#heldSize = 0;
    return n;
  }

  #hold(bytes: Uint8Array): void {
    this.#held.push(bytes);
    this.#heldSize += bytes.byteLength;
  }
}

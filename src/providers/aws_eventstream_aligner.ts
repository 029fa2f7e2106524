/**
 * Releases an AWS event stream only at message boundaries, the binary analogue of
 * sse_event_aligner.ts: the bytes up to the end of the last whole message that arrived, holding
 * the unfinished rest until its last byte comes (usually in the next read). A stream that breaks
 * off then leaves the client between two messages, so an exception message appended after it
 * (routing's termination after the commit point) is read as one, instead of as the tail of a
 * half-sent message. Bytes are never changed or reordered, only held briefly.
 *
 * Boundaries come from each message's total length (its first 4 bytes), trusted only once the
 * prelude CRC checked out. Bounded like the SSE aligner: a message that grows past
 * `maxHeldBytes` is released as it comes until its declared end, then alignment resumes. A
 * prelude that is corrupt (bad CRC, or a length below 16 bytes) leaves no boundary to trust: from
 * there on every byte is released as it comes (`blind`), as the decoder stops there too.
 */
import { BoundaryHold } from "./boundary_hold.ts";
import { crc32 } from "./crc32.ts";
import { eventStreamMinMessageBytes, eventStreamPreludeBytes } from "./aws_eventstream.ts";
import { maxAlignHeldBytes } from "./sse_event_aligner.ts";

export class EventStreamAligner {
  readonly #hold: BoundaryHold;
  readonly #walk = new MessageBoundaries();

  constructor(readonly maxHeldBytes = maxAlignHeldBytes) {
    this.#hold = new BoundaryHold(maxHeldBytes);
  }

  /** A corrupt prelude was seen: nothing is aligned (or held) any more. */
  get blind(): boolean {
    return this.#walk.blind;
  }

  /** Bytes to send now (null: nothing yet). The chunk is copied only when part of it is held. */
  push(chunk: Uint8Array): Uint8Array | null {
    if (this.#walk.blind) return this.#hold.withHeld(chunk);
    const end = this.#walk.ends(chunk).at(-1) ?? -1;
    if (this.#walk.blind) return this.#hold.withHeld(chunk);
    return this.#hold.release(chunk, end);
  }

  /** The held tail (a message still open), released; null when nothing is held. */
  drain(): Uint8Array | null {
    return this.#hold.drain();
  }

  /** Drops the held tail: the stream broke off inside that message. Returns its size. */
  discard(): number {
    return this.#hold.discard();
  }
}

/**
 * Where messages end in a byte stream read chunk by chunk, from each prelude's declared length
 * (one step per message, not per byte). Shared by the aligner (its last end per chunk) and the
 * commit scanner (every end, to feed whole messages one at a time). Blind from a corrupt prelude
 * on: no more ends are found.
 */
export class MessageBoundaries {
  #blind = false;
  /** The current message's prelude, while it is incomplete. */
  readonly #prelude = new Uint8Array(eventStreamPreludeBytes);
  #preludeFill = 0;
  /** Bytes of the current message still to come once its prelude was read; null before. */
  #remaining: number | null = null;

  /** A corrupt prelude was seen: lengths cannot be trusted any more. */
  get blind(): boolean {
    return this.#blind;
  }

  /** The indices just after each message that ends in `chunk`, in order (none once blind). */
  ends(chunk: Uint8Array): number[] {
    const ends: number[] = [];
    let at = 0;
    while (at < chunk.length && !this.#blind) {
      if (this.#remaining === null) {
        const take = Math.min(eventStreamPreludeBytes - this.#preludeFill, chunk.length - at);
        this.#prelude.set(chunk.subarray(at, at + take), this.#preludeFill);
        this.#preludeFill += take;
        at += take;
        if (this.#preludeFill < eventStreamPreludeBytes) break;
        const total = trustedLength(this.#prelude);
        if (total === null) {
          this.#blind = true;
          return [];
        }
        this.#remaining = total - eventStreamPreludeBytes;
      }
      const take = Math.min(this.#remaining, chunk.length - at);
      at += take;
      this.#remaining -= take;
      if (this.#remaining === 0) {
        ends.push(at);
        this.#remaining = null;
        this.#preludeFill = 0;
      }
    }
    return ends;
  }
}

/** The total length a prelude declares, when its CRC checks out and it can hold a message. */
function trustedLength(prelude: Uint8Array): number | null {
  const view = new DataView(prelude.buffer, prelude.byteOffset, eventStreamPreludeBytes);
  const total = view.getUint32(0, false);
  const headers = view.getUint32(4, false);
  if (crc32(prelude.subarray(0, 8)) !== view.getUint32(8, false)) return null;
  if (total < eventStreamMinMessageBytes || headers > total - eventStreamMinMessageBytes) {
    return null;
  }
  return total;
}

/**
 * In bytes that start at a message boundary (what the aligner released), the index just after
 * the message that starts at `from`, or -1 when it does not end within `bytes` or its prelude is
 * corrupt: the analogue of `nextEventEnd` for feeding whole messages one at a time.
 */
export function nextMessageEnd(bytes: Uint8Array, from: number): number {
  if (bytes.length - from < eventStreamPreludeBytes) return -1;
  const total = trustedLength(bytes.subarray(from, from + eventStreamPreludeBytes));
  if (total === null || from + total > bytes.length) return -1;
  return from + total;
}

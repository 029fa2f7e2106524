/**
 * What `JsonMemberScanner` holds while it reads, each bounded: the raw bytes of the requested
 * member being read (by `maxMemberBytes`: an upstream can put a gigabyte inside `usage`, and
 * keeping it would cost the gateway that much), and the object key being read (by the longest
 * requested key: a longer one cannot match). The scanner says where each starts and ends; these
 * keep the bytes across chunks.
 */
import { concatBytes } from "../bytes.ts";
import { decodeKey } from "./json_member_paths.ts";

const empty = new Uint8Array(0);

export class MemberCapture {
  /** Slot of the member being read; -1 when none is. */
  slot = -1;
  /** Depth at which the member's value started: it ends back at that depth. */
  depth = 0;
  /** Where the member's bytes start in the current chunk (0 in every chunk after its first). */
  start = 0;
  /** A kept member passed `maxMemberBytes`. */
  tooLarge = false;
  #parts: Uint8Array[] = [];
  #bytes = 0;

  constructor(private readonly maxMemberBytes: number) {}

  /** Bytes held for the member still being read. */
  get bytes(): number {
    return this.#bytes;
  }

  begin(slot: number, depth: number, start: number): void {
    this.slot = slot;
    this.depth = depth;
    this.start = start;
  }

  /** The chunk ends inside the member: its part is copied. False when that passes the bound. */
  keep(part: Uint8Array): boolean {
    if (this.#overBound(part.length)) return false;
    this.#parts.push(part);
    this.#bytes += part.length;
    return true;
  }

  /**
   * The member ends just before `end` in `buf`: its whole bytes, copied out of the chunk. Null
   * when they pass the bound (the scan then stops).
   */
  end(buf: Uint8Array, end: number): Uint8Array | null {
    const last = buf.subarray(this.start, end);
    if (this.#overBound(last.length)) return null;
    const parts = this.#parts;
    let whole: Uint8Array;
    if (parts.length === 0) whole = last.slice();
    else {
      whole = concatBytes([...parts, last]);
      this.#parts = [];
      this.#bytes = 0;
    }
    this.slot = -1;
    return whole;
  }

  /** The scan stopped: nothing is held any more. */
  release(): void {
    this.#parts = [];
    this.#bytes = 0;
    this.slot = -1;
  }

  #overBound(more: number): boolean {
    if (this.#bytes + more <= this.maxMemberBytes) return false;
    this.tooLarge = true;
    return true;
  }
}

/** The raw bytes of an object key that may name a requested member. */
export class KeyBuffer {
  /** Where the key's bytes start in the current chunk (0 in every chunk after its first). */
  start = 0;
  #bytes: Uint8Array;
  #length = 0;
  #overflow = false;

  constructor(longestKey: number) {
    // A key longer than this in raw bytes (6 per UTF-16 unit as `\uXXXX`) cannot match.
    this.#bytes = new Uint8Array(Math.max(16, 6 * longestKey));
  }

  /** Bytes held: the buffer, whatever the key's length. */
  get size(): number {
    return this.#bytes.length;
  }

  open(start: number): void {
    this.#length = 0;
    this.#overflow = false;
    this.start = start;
  }

  append(buf: Uint8Array, from: number, to: number): void {
    if (this.#overflow) return;
    if (this.#length + to - from > this.#bytes.length) {
      this.#overflow = true;
      return;
    }
    this.#bytes.set(buf.subarray(from, to), this.#length);
    this.#length += to - from;
  }

  /** The key as `JSON.parse` gives it; null when it was too long to be a requested one. */
  decoded(): string | null {
    if (this.#overflow) return null;
    return decodeKey(this.#bytes.subarray(0, this.#length));
  }

  /** The scan stopped: nothing is held any more. */
  release(): void {
    this.#bytes = empty;
  }
}

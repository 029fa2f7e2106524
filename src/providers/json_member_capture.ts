/**
 * What `JsonMemberScanner` holds while it reads, each bounded: the raw bytes of the requested
 * member being read (by `maxMemberBytes`: an upstream can put a gigabyte inside `usage`, and
 * keeping it would cost the gateway that much), and the object key being read (by the longest
 * requested key: a longer one cannot match). The scanner says where each starts and ends; these
 * keep the bytes across chunks.
 */
import { concatBytes } from "../bytes.ts";
import { asciiText, decodeKey, type Raw } from "./json_member_paths.ts";

const empty = new Uint8Array(0);
/** `into` when no member is being read. */
const nowhere: unknown[] = [];

export class MemberCapture {
  /** Where the member's bytes go when it ends: `into[slot]`. */
  into: unknown[] = nowhere;
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
  #limit: number;

  constructor(private readonly maxMemberBytes: number) {
    this.#limit = maxMemberBytes;
  }

  /** Bytes held for the member still being read. */
  get bytes(): number {
    return this.#bytes;
  }

  /** `limit`: a smaller bound than `maxMemberBytes` for this member (what a shared budget has left). */
  begin(
    into: unknown[],
    slot: number,
    depth: number,
    start: number,
    limit = this.maxMemberBytes,
  ): void {
    this.into = into;
    this.slot = slot;
    this.depth = depth;
    this.start = start;
    this.#limit = Math.min(limit, this.maxMemberBytes);
  }

  /** The chunk ends inside the member: its part is copied. False when that passes the bound. */
  keep(part: Uint8Array): boolean {
    if (this.#overBound(part.length)) return false;
    this.#parts.push(part);
    this.#bytes += part.length;
    return true;
  }

  /**
   * The member ends just before `end` in `buf`: its whole raw text, copied out of the chunk. Null
   * when it passes the bound (the scan then stops).
   */
  end(buf: Uint8Array, end: number): Raw | null {
    if (this.#overBound(end - this.start)) return null;
    const parts = this.#parts;
    let whole: Raw;
    if (parts.length === 0) whole = asciiText(buf, this.start, end) ?? buf.slice(this.start, end);
    else {
      whole = concatBytes([...parts, buf.subarray(this.start, end)]);
      this.#parts = [];
      this.#bytes = 0;
    }
    this.slot = -1;
    this.into = nowhere;
    return whole;
  }

  /** The scan stopped: nothing is held any more. */
  release(): void {
    this.#parts = [];
    this.#bytes = 0;
    this.slot = -1;
    this.into = nowhere;
  }

  #overBound(more: number): boolean {
    if (this.#bytes + more <= this.#limit) return false;
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
    // A loop: keys are a few bytes, shorter than making a view to `set` from.
    const bytes = this.#bytes;
    let at = this.#length;
    for (let i = from; i < to; i++) bytes[at++] = buf[i]!;
    this.#length = at;
  }

  /** The key as `JSON.parse` gives it; null when it was too long to be a requested one. */
  decoded(): string | null {
    if (this.#overflow) return null;
    return decodeKey(this.#bytes, this.#length);
  }

  /** The scan stopped: nothing is held any more. */
  release(): void {
    this.#bytes = empty;
  }
}

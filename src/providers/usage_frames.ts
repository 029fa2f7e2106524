/**
 * The frames a usage parser reads a body through (response_parser.ts picks one): a JSON document
 * scanned for the few members its reader needs, or a stream in a framing nothing reads here. The
 * SSE frame is usage_sse_frame.ts.
 */
import type { UsageUnknownReason } from "./usage.ts";
import { JsonMemberScanner } from "./json_member_scanner.ts";
import type { SseEventObserver } from "./types.ts";
import type { UsageReader } from "./usage_reader.ts";
import { usageReadLimits } from "./usage_limits.ts";

export interface Frame {
  parseErrors: number;
  streamError: boolean;
  /** Set once reading stopped at a bound; nothing is pushed or held after that. */
  stopped: UsageUnknownReason | null;
  push(chunk: Uint8Array): void;
  end(complete: boolean): void;
  stop(reason: UsageUnknownReason): void;
}

/** A stream in a framing this build cannot read: nothing is parsed, the observer is told so. */
export class UnreadFrame implements Frame {
  parseErrors = 0;
  readonly streamError = false;
  stopped: UsageUnknownReason | null = null;
  constructor(private readonly observer?: SseEventObserver) {}
  push(): void {}
  end(complete: boolean): void {
    this.observer?.end(complete);
  }
  stop(reason: UsageUnknownReason): void {
    if (this.stopped === null) this.observer?.lost();
    this.stopped ??= reason;
  }
}

export class JsonFrame implements Frame {
  parseErrors = 0;
  readonly streamError = false;
  stopped: UsageUnknownReason | null = null;
  // No size limit on the body, and no copy of it either: only the members the reader reads are
  // kept, each up to a bound (a larger one stops the scan: see usage_limits.ts).
  readonly #scanner: JsonMemberScanner;
  // A body that arrives in one piece (the proxy reads small bodies whole) goes to the native
  // JSON.parse instead, about twice as fast as the scanner at that size; a second chunk hands
  // everything to the scanner.
  #single: Uint8Array | null = null;
  #scanning = false;

  constructor(private readonly reader: UsageReader) {
    this.#scanner = new JsonMemberScanner(reader.documentMembers);
  }

  push(chunk: Uint8Array): void {
    if (this.#scanning) {
      this.#scanner.push(chunk);
      if (this.#scanner.tooLarge) this.stop("usage_member_too_large");
    } else if (this.#single === null && chunk.byteLength <= singleChunkLimit) {
      // A copy: the caller may reuse its buffer once `push` returns.
      this.#single = chunk.slice();
    } else {
      this.#scanning = true;
      if (this.#single !== null) this.#scanner.push(this.#single);
      this.#single = null;
      this.#scanner.push(chunk);
      if (this.#scanner.tooLarge) this.stop("usage_member_too_large");
    }
  }

  stop(reason: UsageUnknownReason): void {
    this.stopped ??= reason;
    this.#single = null;
    // Ends the scan: the scanner lets go of the members it kept.
    this.#scanner.finish();
  }

  end(complete: boolean): void {
    let members: unknown;
    if (this.#scanning) {
      const scanned = this.#scanner.finish();
      if (!scanned.valid) return this.#invalid(complete);
      members = scanned.members;
    } else {
      try {
        const doc: unknown = JSON.parse(wholeDecoder.decode(this.#single ?? new Uint8Array()));
        members = doc !== null && typeof doc === "object" && !Array.isArray(doc) ? doc : null;
      } catch {
        return this.#invalid(complete);
      }
    }
    try {
      this.reader.document(members);
    } catch {
      this.parseErrors++;
    }
  }

  #invalid(complete: boolean): void {
    // A cut body is expected not to parse; that is a short body, not a malformed one.
    if (complete) this.parseErrors++;
  }
}

/**
 * Bodies up to this size, in one chunk, are parsed whole (see JsonFrame). No larger than the
 * member bound: a member too large for the scanner can then never be read whole instead, and the
 * report stays the same however the body is split.
 */
const singleChunkLimit = usageReadLimits.memberBytes;
// Strips one leading BOM, as the scanner does; invalid UTF-8 becomes U+FFFD, as there.
const wholeDecoder = new TextDecoder();

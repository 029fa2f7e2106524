/**
 * What the commit scanner (stream_commit.ts) needs to know of a stream's framing: how to align
 * what it releases (whole SSE events, whole AWS event-stream messages), where the units of an
 * aligned piece end (to feed them to the usage framing one at a time, so that a malformed one
 * after the commit point is found before its bytes go out), and what glue a termination needs.
 *
 * SSE is text: a termination must start a fresh event, so the last bytes released are kept to
 * close an open line or event first, and a last event without its blank line is closed before
 * it is dispatched at a clean end. An AWS event stream is binary and self-delimiting: a
 * termination is a whole message appended after the last whole message (the aligner holds a
 * partial one back, dropped on a cut), and no glue is ever needed.
 */
import { EventStreamAligner, MessageBoundaries } from "./aws_eventstream_aligner.ts";
import { lastBytes, nextEventEnd, SseEventAligner } from "./sse_event_aligner.ts";
import type { StreamFraming } from "./types.ts";

const LF = 10;
const CR = 13;

/** An aligner: releases bytes only at unit boundaries (sse_event_aligner.ts and its twin). */
export interface UnitAligner {
  push(chunk: Uint8Array): Uint8Array | null;
  drain(): Uint8Array | null;
  discard(): number;
}

export interface CommitFraming {
  readonly kind: StreamFraming;
  /** Null unless the scanner aligns (`CommitOptions.alignEvents`). */
  readonly aligner: UnitAligner | null;
  /**
   * The indices just after each unit that ends in `whole` (bytes the aligner released, fed in
   * order); stateful across calls, as a unit's end may depend on the bytes before it.
   */
  ends(whole: Uint8Array): number[];
  /** Bytes released to the client, in order (SSE keeps their last few for `beforeTermination`). */
  remember(bytes: Uint8Array): void;
  /**
   * Bytes that make a framing dispatch the last unit of `rest` (held bytes at a clean end, the
   * last ones fed), or null when none are needed.
   */
  closeRest(rest: Uint8Array): Uint8Array | null;
  /** Text to write before an SSE termination so that it starts a fresh event ("" for binary). */
  beforeTermination(): string;
  /**
   * What the aligner still holds at a clean end of the body is a unit the client may get: an SSE
   * event may omit its last blank line; an event-stream message held is one cut short, which
   * would only corrupt the client's next message (the termination), so it never goes out.
   */
  readonly restIsWhole: boolean;
}

export function commitFraming(kind: StreamFraming, align: boolean): CommitFraming {
  return kind === "aws-eventstream"
    ? new EventStreamCommitFraming(align)
    : new SseCommitFraming(align);
}

class EventStreamCommitFraming implements CommitFraming {
  readonly kind = "aws-eventstream" as const;
  readonly restIsWhole = false;
  readonly aligner: EventStreamAligner | null;
  readonly #walk = new MessageBoundaries();

  constructor(align: boolean) {
    this.aligner = align ? new EventStreamAligner() : null;
  }

  ends(whole: Uint8Array): number[] {
    return this.#walk.ends(whole);
  }
  remember(): void {}
  closeRest(): null {
    return null;
  }
  beforeTermination(): string {
    return "";
  }
}

class SseCommitFraming implements CommitFraming {
  readonly kind = "sse" as const;
  readonly restIsWhole = true;
  readonly aligner: SseEventAligner | null;
  /** The last bytes released to the client, to close an open line before a termination. */
  readonly #tail = new Uint8Array(4);
  #tailLength = 0;
  /** The last bytes fed to the framing, for an event boundary across chunks. */
  #framedTail: number[] = [];

  constructor(align: boolean) {
    this.aligner = align ? new SseEventAligner() : null;
  }

  ends(whole: Uint8Array): number[] {
    const ends: number[] = [];
    // `#framedTail` is what came before `whole`: offsets here are relative to it.
    for (let end = nextEventEnd(this.#framedTail, whole, 0); end !== -1;) {
      ends.push(end);
      end = end < whole.length ? nextEventEnd(this.#framedTail, whole, end) : -1;
    }
    this.#framedTail = lastBytes(this.#framedTail, whole);
    return ends;
  }

  remember(bytes: Uint8Array): void {
    const n = bytes.byteLength;
    if (n >= 4) {
      this.#tail.set(bytes.subarray(n - 4));
      this.#tailLength = 4;
      return;
    }
    const keep = Math.min(this.#tailLength, 4 - n);
    this.#tail.copyWithin(0, this.#tailLength - keep, this.#tailLength);
    this.#tail.set(bytes, keep);
    this.#tailLength = keep + n;
  }

  closeRest(rest: Uint8Array): Uint8Array | null {
    const close = separatorAfter(lastBytes(this.#framedTail, rest));
    return close === "" ? null : new TextEncoder().encode(close);
  }

  /** Line ends needed so that the termination starts a fresh event (SSE: CR, LF or CRLF). */
  beforeTermination(): string {
    return separatorAfter(Array.from(this.#tail.subarray(0, this.#tailLength)));
  }
}

/** Line ends that close an event after the bytes `t` (the last few of a stream). */
export function separatorAfter(t: number[]): string {
  if (t.length === 0) return "";
  let i = t.length;
  let ends = 0;
  while (ends < 2 && i > 0) {
    if (t[i - 1] === LF && t[i - 2] === CR) i -= 2;
    else if (t[i - 1] === LF || t[i - 1] === CR) i -= 1;
    else break;
    ends++;
  }
  // A lone CR at the end would swallow a following LF as its CRLF: one LF more.
  const afterCR = t[t.length - 1] === CR ? "\n" : "";
  return ends === 2 ? "" : afterCR + "\n".repeat(2 - ends);
}

/**
 * The stream commit point (DESIGN.md section 7). Before it the gateway holds the upstream's
 * protocol preamble and may still fail over without the client noticing; from it on the client
 * has the answer's first real output and the gateway never changes what it already sent.
 *
 * A `StreamCommitScanner` is fed the upstream's events in order (by the usage parser, which frames
 * the SSE once for both: see `SseEventObserver`) and the bytes the client would get (`pass`), and
 * answers `hold`, `commit` or `fail` with a reason. `feed` does both for one chunk, an event at a
 * time, so that an event found malformed after the commit point never reaches the client. The wire-format rules (which events are
 * preamble, which are content, the terminator, in-band errors, the error a client's SDK raises)
 * are a `CommitRules` per protocol: commit_openai_chat.ts, commit_openai_responses.ts,
 * commit_anthropic.ts, commit_gemini.ts, commit_bedrock.ts. The framing (SSE text, or the AWS
 * event stream's binary messages: the rules say which) decides how released bytes are aligned,
 * what a unit is, and whether the termination is text or a whole binary message
 * (stream_commit_framing.ts). Everything here is pure and bounded; nothing throws on input.
 */
import { concatBytes } from "../bytes.ts";
import type { SseEventObserver, StreamFraming } from "./types.ts";
import { type CommitFraming, commitFraming } from "./stream_commit_framing.ts";
import { CommitHold, type HeldItem } from "./stream_commit_hold.ts";
import type {
  CommitOptions,
  CommitRules,
  CommitState,
  EventVerdict,
  StreamEnd,
  StreamFailure,
} from "./commit_types.ts";

export {
  type CommitMode,
  type CommitOptions,
  type CommitRules,
  type CommitState,
  defaultPreambleBytes,
  type EventVerdict,
  type StreamEnd,
  type StreamFailure,
} from "./commit_types.ts";

export class StreamCommitScanner implements SseEventObserver {
  #state: CommitState = { kind: "hold" };
  readonly #held: CommitHold;
  #terminated = false;
  #blind = false;
  #failure: StreamFailure | null = null;
  #end: StreamEnd | null = null;
  #events = 0;
  #decidedAt: number | null = null;
  readonly #unit: CommitFraming;
  /** A malformed event after the commit point: nothing from it on reaches the client. */
  #cut: StreamFailure | null = null;
  /**
   * The aligner in front of the framing (`feed`): then what it releases is already aligned. Until
   * then (`pass` alone) it aligns only what is released after the commit point.
   */
  #framing = false;

  constructor(private readonly rules: CommitRules, readonly options: CommitOptions) {
    this.#unit = commitFraming(rules.framing ?? "sse", options.alignEvents === true);
    this.#held = new CommitHold(options.maxHeldBytes);
  }

  /** The stream's framing, as the rules declare it. */
  get framing(): StreamFraming {
    return this.#unit.kind;
  }

  get state(): CommitState {
    return this.#state;
  }
  /** The stream carried its own end: the terminator, or an in-band error the client gets too. */
  get endSeen(): boolean {
    return this.#terminated;
  }
  /** Events seen so far. */
  get events(): number {
    return this.#events;
  }
  /** The event (counted from 1) at which the state left `hold`; null while it holds. */
  get decidedAt(): number | null {
    return this.#decidedAt;
  }
  /**
   * An event after the commit point that is not the protocol's (`feed`, `passFrame`): the
   * client's stream ends before it, with `termination`. Null while none came.
   */
  get cut(): StreamFailure | null {
    return this.#cut;
  }

  event(name: string | null, data: string): void {
    if (this.#terminated || this.#state.kind === "fail" || this.#end !== null) return;
    this.#events++;
    const verifying = this.#state.kind === "hold";
    this.#apply(verifying ? this.rules.classify(name, data) : this.rules.glance(name, data));
  }

  /**
   * A line of the body that is no SSE field (the SSE frame's unknown-field lines), for rules
   * that read them (`CommitRules.unframed`); a line that completes a verdict counts as an event.
   */
  unframed(line: string): void {
    if (this.rules.unframed === undefined) return;
    if (this.#terminated || this.#state.kind === "fail" || this.#end !== null) return;
    const v = this.rules.unframed(line);
    if (v === null) return;
    this.#events++;
    this.#apply(v);
  }

  #apply(v: EventVerdict): void {
    switch (v.kind) {
      case "preamble":
        return;
      case "content":
        if (this.options.mode === "first_content") this.#commit("content");
        return;
      case "end":
        this.#terminated = true;
        if (v.problem === null) return this.#commit("finished");
        return this.#fail(
          { reason: "unclean_end", status: null, error: null, detail: v.problem },
          true,
        );
      case "error":
        this.#terminated = true;
        return this.#fail({
          reason: "in_band_error",
          status: v.status,
          error: v.error,
          detail: `the upstream sent an error event after its 200 (${v.error.category})`,
        });
      case "malformed":
        return this.#fail(
          { reason: "malformed", status: null, error: null, detail: v.detail },
          true,
        );
    }
  }

  /** The framing stopped at a bound (an event past 16 MiB): nothing more will be seen. */
  lost(): void {
    this.#blind = true;
    if (this.#state.kind === "hold") this.#commit("blind");
  }

  /**
   * The body ended: `complete` false when it broke off. The usage parser's `finish` calls it
   * after dispatching a last event that lacked its blank line; a parser that stopped at a bound
   * does not, so call it after `finish` as well (it is idempotent). A stream still held that
   * ends without its terminator fails here (`unclean_end`, or `cut`).
   */
  end(complete: boolean): StreamEnd {
    if (this.#end !== null) return this.#end;
    let end: StreamEnd;
    if (this.#failure !== null) {
      end = { kind: "unclean", failure: this.#failure };
    } else if (this.#terminated) {
      end = { kind: "clean" };
    } else if (this.#blind) {
      end = { kind: "unverified" };
    } else if (complete && this.#cleanEndProblem() === null) {
      // A protocol with no terminator in band ended where it may.
      this.#terminated = true;
      this.#commit("finished");
      end = { kind: "clean" };
    } else {
      const failure: StreamFailure = {
        reason: complete ? "unclean_end" : "cut",
        status: null,
        error: null,
        detail: complete
          ? this.#cleanEndProblem() ?? ""
          : `the upstream stream broke off before ${this.rules.terminatorName}`,
      };
      end = { kind: "unclean", failure };
      this.#fail(failure);
    }
    this.#end = end;
    return end;
  }

  /**
   * `CommitRules.cleanEnd`'s answer (null: clean); for rules without the hook, the missing
   * terminator.
   */
  #cleanEndProblem(): string | null {
    if (this.rules.cleanEnd === undefined) {
      return `the upstream closed the stream without ${this.rules.terminatorName}`;
    }
    return this.rules.cleanEnd();
  }

  /** How the stream ended; null until `end`. */
  get ended(): StreamEnd | null {
    return this.#end;
  }

  /**
   * A chunk of the event stream as the client would get it, after its events were fed. Returns
   * the bytes to send the client now: null while held (the chunk is kept, copied), all held
   * bytes at the commit point, then each chunk as it is (up to its last event boundary with
   * `alignEvents`); null after a failure. The chunk's events were fed whole already, so a
   * malformed one after the commit point goes out with it: `feed` stops before it instead.
   */
  pass(chunk: Uint8Array): Uint8Array | null {
    if ((this.#held.released && this.#state.kind === "commit") || this.#held.passing) {
      // The hot path after the commit point: the chunk itself, no copy.
      return this.#release(chunk);
    }
    // Held chunks are copies: the runtime may reuse a buffer once it was handed on.
    const out = this.#pass(chunk.slice(), chunk.byteLength);
    if (out === null || out.length === 0) return null;
    const bytes = out.length === 1 && typeof out[0] !== "string"
      ? out[0] as Uint8Array
      : concatBytes(out as Uint8Array[]);
    return this.#release(bytes);
  }

  /**
   * A chunk of the upstream's event stream, for a scanner that observes `framing` (the usage
   * parser built with it as its observer): `framing.push` and `pass` in one. With `alignEvents`
   * the framing gets whole events only, one at a time, exactly the bytes the client gets (the
   * unterminated rest waits for its blank line); an event found malformed after the commit point
   * is the cut: the bytes returned stop just before it, whole events before it still go, and
   * nothing more is passed (`cut`; the caller ends the client's stream with `termination`).
   * Without `alignEvents`, the chunk is pushed whole and passed as it is.
   */
  feed(chunk: Uint8Array, framing: { push(chunk: Uint8Array): void }): Uint8Array | null {
    if (this.#cut !== null) return null;
    const aligner = this.#unit.aligner;
    if (aligner === null) {
      framing.push(chunk);
      return this.pass(chunk);
    }
    this.#framing = true;
    const whole = aligner.push(chunk);
    if (whole === null) return null;
    const at = this.#frame(whole, framing);
    if (at === -1) return this.pass(whole);
    // The malformed event's bytes held since an earlier read never go out either.
    aligner.discard();
    return at === 0 ? null : this.pass(whole.subarray(0, at));
  }

  /**
   * The body ended cleanly, for a scanner fed by `feed`: the rest still held (a last event
   * without its blank line) goes to `framing`, closed so that it is dispatched, and the scan
   * ends (`end(true)`). Returns the bytes still to send the client: that rest as it came (all
   * held bytes, when this end is the commit point), or null. An event-stream message cut short
   * is never sent (`CommitFraming.restIsWhole`). The framing is not finished: its
   * owner finishes it, after any `termination` it was given too.
   */
  endFeed(framing: { push(chunk: Uint8Array): void }): Uint8Array | null {
    const rest = this.#cut === null ? this.#unit.aligner?.drain() ?? null : null;
    if (rest !== null) {
      const close = this.#unit.closeRest(rest);
      framing.push(rest);
      if (close !== null) framing.push(close);
    }
    this.end(true);
    if (this.#cut !== null) return null;
    // An event-stream message cut short is read (the framing knows the body ended inside it)
    // but not sent: the termination that follows must start at a message boundary.
    const out = rest !== null && this.#unit.restIsWhole ? rest : new Uint8Array(0);
    return this.pass(out);
  }

  /** Feeds whole events (messages) to `framing`; the offset where a cut starts, or -1. */
  #frame(whole: Uint8Array, framing: { push(chunk: Uint8Array): void }): number {
    let start = 0;
    for (const end of this.#unit.ends(whole)) {
      framing.push(whole.subarray(start, end));
      if (this.#cut !== null) return start;
      start = end;
    }
    // A unit that does not end here (past the aligner's bound, or after a corrupt prelude).
    if (start < whole.length) {
      framing.push(whole.subarray(start));
      if (this.#cut !== null) return start;
    }
    return -1;
  }

  /**
   * After `fail`, when routing answers with this stream after all (a content-policy refusal is
   * the provider's answer; the last target's error goes to the client as it is): the bytes held so
   * far, verbatim; later `pass` calls then return each chunk. Null when the state is not `fail`,
   * or when the failed answer outgrew `maxHeldBytes` and is no longer whole.
   */
  passThrough(): Uint8Array | null {
    const held = this.#takeFailed();
    if (held === null) return null;
    return held.length === 0
      ? new Uint8Array(0)
      : this.#release(concatBytes(held as Uint8Array[])) ?? new Uint8Array(0);
  }

  /** The same for a WebSocket relay's frames. */
  passThroughFrames(): string[] | null {
    return this.#takeFailed() as string[] | null;
  }

  #takeFailed(): HeldItem[] | null {
    return this.#state.kind === "fail" ? this.#held.takeFailed() : null;
  }

  /**
   * At a clean end of the body (`alignEvents`): the bytes still held after the last event
   * boundary (a last event without its blank line), to send before closing; null when none.
   */
  drain(): Uint8Array | null {
    const rest = this.#unit.aligner?.drain() ?? null;
    if (rest !== null) this.#unit.remember(rest);
    return rest;
  }

  /**
   * The same for a WebSocket relay: server text frames (each fed to `event` first), held and
   * released whole. A frame found malformed after the commit point is the cut: it and every
   * frame after it are dropped, and the relay sends `termination` instead.
   */
  passFrame(text: string): string[] {
    if (this.#cut !== null) return [];
    return (this.#pass(text, text.length) ?? []) as string[];
  }

  /**
   * The text to append after the commit point when the upstream cut or stalled, for a text
   * framing (SSE, WebSocket frames): an error event the protocol's official SDK raises, never a
   * clean end. Over SSE it first closes a line or event the upstream left open (an open event is
   * then dispatched as it is, which the SDKs also reject: their JSON parse fails). A binary
   * framing has no text form: use `terminationBytes` (asking here is a programming error).
   */
  termination(message: string, code = "upstream_truncated"): string {
    const text = this.rules.termination(message, code);
    if (typeof text !== "string") {
      throw new TypeError("an AWS event stream's termination is bytes: use terminationBytes");
    }
    // The unterminated rest of an event the upstream broke off inside never reaches the client.
    this.#unit.aligner?.discard();
    return this.#unit.beforeTermination() + text;
  }

  /**
   * The same as bytes, for any framing: the SSE text encoded, or one whole event-stream
   * exception message (after the last whole message the client got: a partial one held by the
   * aligner is dropped, and no glue is needed between binary messages).
   */
  terminationBytes(message: string, code = "upstream_truncated"): Uint8Array<ArrayBuffer> {
    if (this.#unit.kind === "sse") return new TextEncoder().encode(this.termination(message, code));
    const bytes = this.rules.termination(message, code);
    this.#unit.aligner?.discard();
    // Rules of a binary framing that still answered text: their text, as bytes.
    return typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  }

  #release(bytes: Uint8Array): Uint8Array | null {
    // Fed by `feed`, the bytes passed are whole events already.
    const aligner = this.#unit.aligner;
    const out = aligner === null || this.#framing ? bytes : aligner.push(bytes);
    if (out !== null) this.#unit.remember(out);
    return out;
  }

  #pass(item: HeldItem, size: number): HeldItem[] | null {
    // Kept for `passThrough`, within the same bound.
    if (this.#state.kind === "fail") return this.#held.failed(item, size);
    if (this.#state.kind === "commit") return this.#held.release(item, size);
    if (!this.#held.hold(item, size)) return null;
    this.#commit("hold_cap");
    return this.#held.releaseHeld();
  }

  #commit(cause: "content" | "finished" | "hold_cap" | "blind"): void {
    if (this.#state.kind !== "hold") return;
    this.#state = { kind: "commit", cause };
    this.#decidedAt = this.#events;
  }

  /**
   * `cuts`: the failure is an event the client must not get after the commit point: one that is
   * not the protocol's, or a terminator that ends an unfinished answer (Chat's `[DONE]` without
   * any finish_reason, which would read as a clean end). `feed` stops before it and the caller
   * ends the stream with the protocol's error event instead.
   */
  #fail(failure: StreamFailure, cuts = false): void {
    this.#failure ??= failure;
    if (cuts && this.#state.kind === "commit") this.#cut ??= failure;
    if (this.#state.kind !== "hold") return;
    this.#state = { kind: "fail", failure };
    this.#decidedAt = this.#events;
  }
}

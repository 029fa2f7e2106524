/**
 * Redaction of a streamed (SSE) response in flight.
 *
 * Each whole event is read once. Deltas (found by the wire format's locator) go through their
 * channel's `HeldText`, so a value split across events or chunks is only ever emitted as its
 * placeholder; every other string in the event is complete and is redacted as it stands. Events
 * in which nothing changed go out as the bytes that came in. A changed event is re-serialised
 * with `JSON.stringify`, which can differ from the upstream bytes beyond the redaction itself:
 * member order is kept, but whitespace is dropped, `\u00e9`-style escapes become the character
 * (and `\/` becomes `/`), numbers are written in shortest form (`1.0` -> `1`) and integers past
 * 2^53 lose precision. No streamed field we know of depends on those.
 *
 * An event whose delta shrank to "" is still emitted: its other members (ids,
 * `sequence_number`, `obfuscation`, `usage`, logprobs) may matter, and clients already accept
 * empty deltas (OpenAI's first chunk has one). Before an event that closes channels, and at the
 * end, held text is sent in a copy of the channel's last delta event.
 *
 * `block` mode never emits an event containing a finding: at the first one it sends the wire
 * format's error event and ends the stream. Held-back text guarantees this for split values.
 */
import type {
  SseEvent,
  StreamTextField,
  StreamTextLocation,
  StreamTextLocator,
} from "../../providers/mod.ts";
import type { Counts, RedactRules } from "../types.ts";
import type { ScanBudget } from "../budget.ts";
import { meteredRules } from "./metered_rules.ts";
import type { HeldTextLimits } from "./held_text.ts";
import { pathTree } from "./json_strings.ts";
import { JsonAwareStrings } from "./json_aware_strings.ts";
import { EngineOutput } from "./engine_output.ts";
import { fillCopy, parseJson } from "./event_json.ts";
import { readEvent, type SseEventText, SseSplitter, writeEvent } from "./sse_frames.ts";
import { type Channel, channelBounds, type StreamBound, TextChannels } from "./text_channels.ts";

export interface SseRedactorOptions {
  locate: StreamTextLocator;
  /** The wire format's error event; without it a generic `data: {"error":...}` is sent. */
  streamError?: (code: string, message: string) => string;
  rules: RedactRules;
  mode: "redact" | "block";
  /** Findings per count key, once, when the stream ends, is blocked or is cancelled. */
  onCounts?: (counts: Counts) => void;
  /**
   * The findings not reported yet, after every chunk that added some and at the end: the sum of
   * all reports is what `onCounts` gets once. For a caller that must see the counts before it
   * learns that the stream was cancelled (a trace recorded on a client abort).
   */
  onFound?: (counts: Counts) => void;
  /** Block mode: the stream was stopped; the counts that caused it. */
  onBlocked?: (counts: Counts) => void;
  limits?: Partial<HeldTextLimits>;
  /** An event larger than this cannot be redacted; the stream is stopped with an error. */
  maxEventBytes?: number;
  /**
   * Most channels open at once (choices, content blocks, tool calls). Channel names come from
   * the upstream (`index`), so without a bound a hostile one opens a channel per event, each
   * holding text and its last event. Past it the stream is stopped with an error.
   */
  maxChannels?: number;
  /**
   * Most text held back over all channels (UTF-16 units) plus the bytes of the last delta events
   * they keep. Past it the stream is stopped with an error: held text is never sent unredacted.
   */
  maxHeldTotal?: number;
  /**
   * `pii.scan_budget`: its findings bound applies to the whole stream (its time bound does not: a
   * stream lasts as long as the model writes). The engine is synchronous per event, so without it
   * one event of 8 MiB of addresses was one step of seconds; scans now go window by window and
   * stop past the bound, which ends the stream like the other bounds.
   */
  budget?: ScanBudget | null;
  /** The stream was stopped by a bound (not by `block`): its code and message, for the trace. */
  onStopped?: (code: string, message: string) => void;
}

const defaultMaxEventBytes = 8 * 1024 * 1024;

/** A channel's last delta event, to copy when held text must be sent on its own. */
interface LastEvent {
  event: SseEventText;
  fields: readonly StreamTextField[];
  /** Its size on the wire, counted once however many channels keep it. */
  bytes: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const noText: StreamTextLocation = { fields: [], closes: [] };

/** The state machine behind `createSseRedactor` and `redactSseText`. */
export class SseRedactorEngine {
  readonly #opts: SseRedactorOptions;
  /** The options' rules, with scans counted against the findings budget when there is one. */
  readonly #rules: RedactRules;
  readonly #splitter: SseSplitter;
  readonly #strings: JsonAwareStrings;
  readonly #channels: TextChannels<LastEvent>;
  readonly counts: Counts = {};
  readonly #output: EngineOutput;
  /** The last event went out as received (so the LF finishing its CRLF must too). */
  #passedLast = true;
  #newline = "\n";

  constructor(opts: SseRedactorOptions) {
    this.#opts = opts;
    this.#rules = meteredRules(opts.rules, opts.budget ?? null);
    this.#splitter = new SseSplitter(opts.maxEventBytes ?? defaultMaxEventBytes);
    this.#strings = new JsonAwareStrings(this.#rules);
    this.#channels = new TextChannels({ ...opts, rules: this.#rules, counts: this.counts });
    this.#output = new EngineOutput(
      this.counts,
      opts,
      (code, message) => this.#ending(code, message),
    );
  }

  /** True once the stream was stopped (blocked, or an event too large); ignore further input. */
  get stopped(): boolean {
    return this.#output.stopped;
  }

  /** Reads a chunk; returns what to send on now (possibly nothing). */
  push(chunk: Uint8Array): Uint8Array[] {
    const sink = { event: (raw: Uint8Array) => this.#onEvent(raw), lateLf: () => this.#onLateLf() };
    return this.#output.step(() => {
      if (!this.#splitter.push(chunk, sink) && !this.#output.stopped) {
        this.#output.bound(
          "pii_event_too_large",
          "A streamed event was too large to check for PII.",
        );
      }
    });
  }

  /** The input ended: flushes held text, then any unterminated last event. */
  end(): Uint8Array[] {
    return this.#output.step(() => this.#end());
  }

  #end(): void {
    for (const [name, channel] of this.#channels.all()) {
      this.#flushChannel(name, channel);
      if (this.#output.stopped) return;
    }
    const tail = this.#splitter.finish();
    if (tail !== null) {
      // Cut mid-event: not JSON any more, so the bytes are checked as plain text.
      const text = decoder.decode(tail);
      const redacted = this.#strings.text(text, this.counts);
      if (!this.#output.blocked()) {
        this.#output.send(redacted === text ? tail : encoder.encode(redacted));
      }
    }
    this.#output.reports.end();
  }

  /** The stream was cancelled or failed: report what was found so far. */
  abandon(): void {
    this.#output.reports.end();
  }

  #onLateLf(): void {
    if (this.#passedLast && !this.#output.stopped) this.#output.send(Uint8Array.of(10));
  }

  #onEvent(raw: Uint8Array): void {
    if (this.#output.stopped) return;
    const ev = readEvent(decoder.decode(raw));
    if (ev.lines.length > 0) this.#newline = ev.newline;
    if (ev.data === null) return this.#noData(raw, ev);
    const value = parseJson(ev.data);
    const loc = this.#locate({ event: ev.event, data: value === undefined ? ev.data : value });
    if (loc.uninspectable !== undefined) {
      return this.#stopAt(channelBounds.uninspectable(loc.uninspectable));
    }
    for (const [name, channel] of this.#channels.closedBy(loc)) {
      this.#flushChannel(name, channel);
      if (this.#output.stopped) return;
    }
    if (value === undefined) {
      const text = this.#strings.text(ev.data, this.counts);
      if (!this.#output.blocked()) this.#emit(raw, text === ev.data ? null : text, ev);
      return;
    }
    const last: LastEvent = { event: ev, fields: loc.fields, bytes: raw.length };
    const changed = this.#channels.pushAll(value, loc, last);
    if (typeof changed !== "boolean") return this.#stopAt(changed);
    const skip = pathTree(loc.fields.map((f) => f.path));
    const redacted = this.#strings.redact(value, skip, this.counts);
    if (this.#output.blocked()) return;
    this.#emit(raw, changed || redacted.changed ? JSON.stringify(redacted.value) : null, ev);
  }

  /**
   * An event without data: comments, other fields, or lines that are no SSE field (Gemini writes
   * its in-band error as raw JSON outside the framing). Its text is checked as plain text; line
   * ends are never part of a finding, so the framing stays as it came.
   */
  #noData(raw: Uint8Array, ev: SseEventText): void {
    const text = decoder.decode(raw);
    const redacted = this.#strings.text(text, this.counts);
    if (this.#output.blocked()) return;
    if (redacted === text) return this.#emit(raw, null, ev);
    this.#output.send(encoder.encode(redacted));
    this.#passedLast = true;
  }

  #locate(e: SseEvent): StreamTextLocation {
    try {
      return this.#opts.locate(e);
    } catch {
      return noText;
    }
  }

  /** Sends a channel's held text in a copy of its last delta event, and forgets the channel. */
  #flushChannel(name: string, channel: Channel<LastEvent>): void {
    const text = this.#channels.take(name, channel);
    if (text === "" || this.#output.blocked()) return;
    const { event, fields } = channel.last;
    const value = parseJson(event.data!);
    fillCopy(value, fields, name, text);
    // Its complete strings were counted when the original event went out.
    const copy = this.#strings.redact(value, pathTree(fields.map((f) => f.path)), {});
    this.#emit(null, JSON.stringify(copy.value), event);
  }

  /** Sends the event: its original bytes when `data` is null, else rewritten with `data`. */
  #emit(raw: Uint8Array | null, data: string | null, ev: SseEventText): void {
    if (data === null && raw !== null) {
      this.#output.send(raw);
      this.#passedLast = true;
      return;
    }
    this.#output.send(encoder.encode(writeEvent(ev, data ?? "")));
    this.#passedLast = false;
  }

  #stopAt(bound: StreamBound): void {
    this.#output.bound(bound.code, bound.message);
  }

  /** The error event that ends a stopped stream, in the line ends the stream used. */
  #ending(code: string, message: string): Uint8Array {
    const text = this.#opts.streamError?.(code, message) ??
      `data: ${JSON.stringify({ error: { code, message } })}\n\n`;
    return encoder.encode(this.#newline === "\n" ? text : text.replace(/\n/g, this.#newline));
  }
}

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
import { type ScanBudget, ScanBudgetExceeded } from "../budget.ts";
import { meteredRules } from "./metered_rules.ts";
import { HeldText, type HeldTextLimits } from "./held_text.ts";
import { JsonHeldText } from "./json_held_text.ts";
import { pathTree } from "./json_strings.ts";
import { JsonAwareStrings } from "./json_aware_strings.ts";
import { fillCopy, getAt, parseJson, setAt } from "./event_json.ts";
import { readEvent, type SseEventText, SseSplitter, writeEvent } from "./sse_frames.ts";

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
const defaultMaxChannels = 1024;
const defaultMaxHeldTotal = 16 * 1024 * 1024;

interface LastEvent {
  event: SseEventText;
  fields: readonly StreamTextField[];
  /** Its size on the wire, counted once however many channels keep it. */
  bytes: number;
}

interface Channel {
  /** Text channels hold prose; JSON channels (tool-call arguments) keep their text JSON. */
  held: HeldText | JsonHeldText;
  /** The channel's last delta event, to copy when held text must be sent on its own. */
  last: LastEvent;
  /** `held.held` when last counted into the stream's total. */
  counted: number;
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
  readonly #channels = new Map<string, Channel>();
  /** Last events kept by channels, with how many keep each. */
  readonly #kept = new Map<SseEventText, number>();
  /** Held text of all channels plus the bytes of the kept events. */
  #heldTotal = 0;
  readonly counts: Counts = {};
  /** What `onFound` has been told so far. */
  readonly #foundReported: Counts = {};
  #out: Uint8Array[] = [];
  /** The last event went out as received (so the LF finishing its CRLF must too). */
  #passedLast = true;
  #newline = "\n";
  #stopped = false;
  #reported = false;

  constructor(opts: SseRedactorOptions) {
    this.#opts = opts;
    this.#rules = meteredRules(opts.rules, opts.budget ?? null);
    this.#splitter = new SseSplitter(opts.maxEventBytes ?? defaultMaxEventBytes);
    this.#strings = new JsonAwareStrings(this.#rules);
  }

  /** True once the stream was stopped (blocked, or an event too large); ignore further input. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Reads a chunk; returns what to send on now (possibly nothing). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#stopped) return [];
    const sink = { event: (raw: Uint8Array) => this.#onEvent(raw), lateLf: () => this.#onLateLf() };
    try {
      if (!this.#splitter.push(chunk, sink) && !this.#stopped) {
        this.#stopBound("pii_event_too_large", "A streamed event was too large to check for PII.");
      }
    } catch (err) {
      this.#overBudget(err);
    }
    this.#reportFound();
    return this.#take();
  }

  /** The input ended: flushes held text, then any unterminated last event. */
  end(): Uint8Array[] {
    try {
      return this.#end();
    } catch (err) {
      this.#overBudget(err);
      return this.#take();
    }
  }

  /** Past the findings budget: what was held is dropped, the stream ends with an error. */
  #overBudget(err: unknown): void {
    if (!(err instanceof ScanBudgetExceeded)) throw err;
    // Output of the event being redacted may be half built: none of it goes out.
    this.#out = [];
    this.#stopBound(
      "pii_scan_budget_exceeded",
      `The response stream held more values than the gateway checks (${err.message}).`,
    );
  }

  #end(): Uint8Array[] {
    if (this.#stopped) return [];
    for (const [name, channel] of this.#channels) {
      this.#flushChannel(name, channel);
      if (this.#stopped) return this.#take();
    }
    const tail = this.#splitter.finish();
    if (tail !== null) {
      // Cut mid-event: not JSON any more, so the bytes are checked as plain text.
      const text = decoder.decode(tail);
      const redacted = this.#strings.text(text, this.counts);
      if (!this.#blocked()) this.#out.push(redacted === text ? tail : encoder.encode(redacted));
    }
    this.#report();
    return this.#take();
  }

  /** The stream was cancelled or failed: report what was found so far. */
  abandon(): void {
    this.#report();
  }

  #take(): Uint8Array[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #onLateLf(): void {
    if (this.#passedLast && !this.#stopped) this.#out.push(Uint8Array.of(10));
  }

  #onEvent(raw: Uint8Array): void {
    if (this.#stopped) return;
    const ev = readEvent(decoder.decode(raw));
    if (ev.lines.length > 0) this.#newline = ev.newline;
    if (ev.data === null) return this.#noData(raw, ev);
    const value = parseJson(ev.data);
    const loc = this.#locate({ event: ev.event, data: value === undefined ? ev.data : value });
    if (loc.uninspectable !== undefined) return this.#uninspectable(loc.uninspectable);
    if (loc.closes === "all" || loc.closes.length > 0) {
      const own = new Set(loc.fields.map((f) => f.channel));
      for (const [name, channel] of this.#channels) {
        if (own.has(name) || !closes(loc.closes, name)) continue;
        this.#flushChannel(name, channel);
        if (this.#stopped) return;
      }
    }
    if (value === undefined) {
      const text = this.#strings.text(ev.data, this.counts);
      if (!this.#blocked()) this.#emit(raw, text === ev.data ? null : text, ev);
      return;
    }
    let changed = false;
    const last: LastEvent = { event: ev, fields: loc.fields, bytes: raw.length };
    for (const f of loc.fields) {
      const piece = getAt(value, f.path);
      if (typeof piece !== "string") continue;
      const channel = this.#channel(f, last);
      if (channel === null) return;
      let text = channel.held.push(piece);
      if (closes(loc.closes, f.channel)) {
        text += channel.held.flush();
        this.#forget(f.channel, channel);
      } else {
        this.#heldTotal += channel.held.held - channel.counted;
        channel.counted = channel.held.held;
      }
      if (text !== piece) {
        setAt(value, f.path, text);
        changed = true;
      }
    }
    if (this.#heldTotal > (this.#opts.maxHeldTotal ?? defaultMaxHeldTotal)) {
      return this.#stopBound(
        "pii_stream_too_large",
        "The response stream held more text back for PII checks than the gateway allows.",
      );
    }
    const skip = pathTree(loc.fields.map((f) => f.path));
    const redacted = this.#strings.redact(value, skip, this.counts);
    if (this.#blocked()) return;
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
    if (this.#blocked()) return;
    if (redacted === text) return this.#emit(raw, null, ev);
    this.#out.push(encoder.encode(redacted));
    this.#passedLast = true;
  }

  /** The locator found text it cannot follow: stopped, never passed. */
  #uninspectable(why: string): void {
    this.#stopBound(
      "pii_stream_uninspectable",
      `The response stream carried ${why.slice(0, 200)}, which cannot be checked for PII.`,
    );
  }

  #locate(e: SseEvent): StreamTextLocation {
    try {
      return this.#opts.locate(e);
    } catch {
      return noText;
    }
  }

  /** The field's channel, opened if new; null when that would pass `maxChannels` (stopped). */
  #channel(field: StreamTextField, last: LastEvent): Channel | null {
    const name = field.channel;
    let channel = this.#channels.get(name);
    if (channel === undefined) {
      const max = this.#opts.maxChannels ?? defaultMaxChannels;
      if (this.#channels.size >= max) {
        this.#stopBound(
          "pii_stream_too_many_channels",
          `The response stream opened more than ${max} text channels at once, more than the gateway's PII redaction follows.`,
        );
        return null;
      }
      const { limits } = this.#opts;
      const rules = this.#rules;
      const held = field.json === true
        ? new JsonHeldText(rules, limits, this.counts)
        : new HeldText(rules, limits, this.counts);
      channel = { held, last, counted: 0 };
      this.#keep(last);
      this.#channels.set(name, channel);
      return channel;
    }
    if (channel.last.event !== last.event) {
      this.#release(channel.last);
      this.#keep(last);
    }
    channel.last = last;
    return channel;
  }

  #keep(last: LastEvent): void {
    const refs = this.#kept.get(last.event) ?? 0;
    if (refs === 0) this.#heldTotal += last.bytes;
    this.#kept.set(last.event, refs + 1);
  }

  #release(last: LastEvent): void {
    const refs = (this.#kept.get(last.event) ?? 1) - 1;
    if (refs > 0) this.#kept.set(last.event, refs);
    else {
      this.#kept.delete(last.event);
      this.#heldTotal -= last.bytes;
    }
  }

  /** Closes a channel's accounts (its held text was sent or flushed). */
  #forget(name: string, channel: Channel): void {
    this.#channels.delete(name);
    this.#heldTotal -= channel.counted;
    channel.counted = 0;
    this.#release(channel.last);
  }

  /** Sends a channel's held text in a copy of its last delta event, and forgets the channel. */
  #flushChannel(name: string, channel: Channel): void {
    this.#forget(name, channel);
    const text = channel.held.flush();
    if (text === "" || this.#blocked()) return;
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
      this.#out.push(raw);
      this.#passedLast = true;
      return;
    }
    this.#out.push(encoder.encode(writeEvent(ev, data ?? "")));
    this.#passedLast = false;
  }

  /** Block mode: true (and the stream stopped) once anything was found. */
  #blocked(): boolean {
    if (this.#opts.mode !== "block" || Object.keys(this.counts).length === 0) return false;
    const kinds = Object.keys(this.counts).sort().join(", ");
    this.#stop(
      "pii_blocked",
      `The response was stopped by the gateway's PII policy (detected: ${kinds}).`,
    );
    this.#opts.onBlocked?.({ ...this.counts });
    this.#report();
    return true;
  }

  /** Stopped by a bound: the client gets the error event, the caller hears why. */
  #stopBound(code: string, message: string): void {
    this.#stop(code, message);
    this.#opts.onStopped?.(code, message);
  }

  #stop(code: string, message: string): void {
    this.#stopped = true;
    const text = this.#opts.streamError?.(code, message) ??
      `data: ${JSON.stringify({ error: { code, message } })}\n\n`;
    const styled = this.#newline === "\n" ? text : text.replace(/\n/g, this.#newline);
    this.#out.push(encoder.encode(styled));
    this.#report();
  }

  #report(): void {
    this.#reportFound();
    if (this.#reported) return;
    this.#reported = true;
    this.#opts.onCounts?.({ ...this.counts });
  }

  /** Tells `onFound` what was counted since it was last told. */
  #reportFound(): void {
    const onFound = this.#opts.onFound;
    if (onFound === undefined) return;
    const fresh: Counts = {};
    let any = false;
    for (const [key, n] of Object.entries(this.counts)) {
      const told = this.#foundReported[key] ?? 0;
      if (n > told) {
        fresh[key] = n - told;
        this.#foundReported[key] = n;
        any = true;
      }
    }
    if (any) onFound(fresh);
  }
}

function closes(which: StreamTextLocation["closes"], channel: string): boolean {
  if (which === "all") return true;
  return which.some((c) => channel === c || channel.startsWith(`${c}/`));
}

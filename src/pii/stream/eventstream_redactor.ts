/**
 * Redaction of an AWS event stream (`application/vnd.amazon.eventstream`: Bedrock's
 * ConverseStream and InvokeModelWithResponseStream answers) in flight: the binary analogue of
 * sse_redactor.ts, with the same held-text channels, bounds and error paths.
 *
 * Each whole message is decoded once (the providers' decoder checks both CRCs). Pieces of text
 * (bedrock_text.ts) go through their channel's `HeldText` (or `JsonHeldText` for tool input), so
 * a value split across messages or chunks is only ever sent as its placeholder; every other
 * string of the payload, and of string headers other than the protocol's own, is complete and
 * is redacted as it stands. A message in which nothing changed goes out as the bytes that came
 * in; a changed one is encoded again (its JSON re-serialised as the SSE redactor does, a chunk's
 * `bytes` re-encoded as base64) with both CRCs computed afresh. Before a message that closes
 * channels, and at the end, held text is sent in a copy of the channel's last delta message.
 *
 * It fails closed: anything it cannot inspect ends the stream with an exception message the AWS
 * SDKs raise, and `onStopped` says why. That is a corrupt message (a length that cannot be one,
 * a bad CRC, an unknown header type), a message past `maxMessageBytes` (refused before any of it
 * is kept), a payload that is not JSON, a delta or a chunk of a shape it does not follow, and a
 * stream that ends inside a message. `block` mode never emits a message containing a finding.
 */
import {
  encodeEventStreamMessage,
  EventStreamDecoder,
  type EventStreamHeaders,
  type EventStreamMessage,
  type StreamTextField,
  type StreamTextLocation,
  stringHeader,
} from "../../providers/mod.ts";
import type { Counts, RedactRules } from "../types.ts";
import { ScanBudgetExceeded } from "../budget.ts";
import { meteredRules } from "./metered_rules.ts";
import { HeldText } from "./held_text.ts";
import { JsonHeldText } from "./json_held_text.ts";
import { pathTree } from "./json_strings.ts";
import { JsonAwareStrings } from "./json_aware_strings.ts";
import { FoundReports } from "./found_reports.ts";
import { fillCopy, getAt, setAt } from "./event_json.ts";
import { EventStreamFrameSplitter } from "./eventstream_frames.ts";
import { type PayloadJson, readPayload } from "./bedrock_text.ts";
import {
  defaultMaxChannels,
  defaultMaxHeldTotal,
  defaultMaxMessageBytes,
  type EventStreamRedactorOptions,
  exceptionMessage,
  maxHeaderBytes,
  protocolHeaders,
} from "./eventstream_options.ts";

export type { EventStreamRedactorOptions } from "./eventstream_options.ts";

interface LastMessage {
  headers: EventStreamHeaders;
  /** The original payload, read again when held text is sent in a copy. */
  payload: Uint8Array;
  messageType: string | null;
  eventType: string | null;
  fields: readonly StreamTextField[];
  bytes: number;
}

interface Channel {
  held: HeldText | JsonHeldText;
  last: LastMessage;
  counted: number;
}

const noText: StreamTextLocation = { fields: [], closes: [] };

/** The state machine behind `createEventStreamRedactor`. */
export class EventStreamRedactorEngine {
  readonly #opts: EventStreamRedactorOptions;
  readonly #rules: RedactRules;
  readonly #splitter: EventStreamFrameSplitter;
  readonly #decoder: EventStreamDecoder;
  readonly #strings: JsonAwareStrings;
  readonly #channels = new Map<string, Channel>();
  readonly #kept = new Map<LastMessage, number>();
  #heldTotal = 0;
  readonly counts: Counts = {};
  readonly #reports: FoundReports;
  #out: Uint8Array[] = [];
  #stopped = false;

  constructor(opts: EventStreamRedactorOptions) {
    this.#opts = opts;
    this.#rules = meteredRules(opts.rules, opts.budget ?? null);
    const limits = {
      maxMessageBytes: opts.maxMessageBytes ?? defaultMaxMessageBytes,
      maxHeaderBytes,
    };
    this.#splitter = new EventStreamFrameSplitter(limits);
    this.#decoder = new EventStreamDecoder(limits);
    this.#strings = new JsonAwareStrings(this.#rules);
    this.#reports = new FoundReports(this.counts, opts.onFound, opts.onCounts);
  }

  /** True once the stream was stopped (blocked, or uninspectable); ignore further input. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Bytes kept of a message not complete yet (bounded by `maxMessageBytes`). */
  get pendingBytes(): number {
    return this.#splitter.pendingBytes;
  }

  /** Reads a chunk; returns what to send on now (possibly nothing). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#stopped) return [];
    try {
      this.#splitter.push(chunk, (raw) => this.#onMessage(raw));
      const stop = this.#splitter.stop;
      if (stop !== null && !this.#stopped) {
        this.#stopBound(
          stop.reason === "too_large" ? "pii_event_too_large" : "pii_stream_uninspectable",
          stop.reason === "too_large"
            ? `A streamed message was too large to check for PII (${stop.detail}).`
            : `The response stream is corrupt (${stop.detail}), so it cannot be checked for PII.`,
        );
      }
    } catch (err) {
      this.#overBudget(err);
    }
    this.#reports.found();
    return this.#take();
  }

  /** The input ended: flushes held text; a stream cut inside a message ends with an error. */
  end(): Uint8Array[] {
    try {
      if (this.#stopped) return [];
      this.#flushAll();
      if (this.#stopped) return this.#take();
      const cut = this.#splitter.discard();
      if (cut > 0) {
        this.#stopBound(
          "pii_stream_uninspectable",
          `The response stream ended inside a message (${cut} bytes of it), which is not passed on.`,
        );
      }
      this.#reports.end();
    } catch (err) {
      this.#overBudget(err);
    }
    return this.#take();
  }

  /** The stream was cancelled or failed: report what was found so far. */
  abandon(): void {
    this.#splitter.discard();
    this.#reports.end();
  }

  #take(): Uint8Array[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #overBudget(err: unknown): void {
    if (!(err instanceof ScanBudgetExceeded)) throw err;
    this.#out = [];
    this.#stopBound(
      "pii_scan_budget_exceeded",
      `The response stream held more values than the gateway checks (${err.message}).`,
    );
  }

  #onMessage(raw: Uint8Array): void {
    if (this.#stopped) return;
    const crcErrors = this.#decoder.corruptFrames;
    const m = this.#decoder.push(raw)[0];
    if (m === undefined) {
      const why = this.#decoder.detail ??
        (this.#decoder.corruptFrames > crcErrors ? "a message failed its CRC check" : "no message");
      return this.#stopBound(
        "pii_stream_uninspectable",
        `The response stream is corrupt (${why}), so it cannot be checked for PII.`,
      );
    }
    const messageType = stringHeader(m, ":message-type");
    const eventType = stringHeader(m, ":event-type") ?? stringHeader(m, ":exception-type");
    const headers = this.#redactHeaders(m.headers);
    if (this.#blocked()) return;
    const read = readPayload(messageType, eventType, m.payload);
    if (read.kind === "uninspectable") {
      return this.#stopBound(
        "pii_stream_uninspectable",
        `The response stream carried ${read.why}, which cannot be checked for PII.`,
      );
    }
    if (read.kind === "empty") {
      // An error or exception without a payload still ends every text: held text goes first.
      if (messageType !== "event") this.#flushAll();
      if (this.#stopped) return;
      return this.#emit(headers === null ? raw : null, headers, null);
    }
    const last: LastMessage = {
      headers: headers ?? m.headers,
      payload: m.payload,
      messageType,
      eventType,
      fields: [],
      bytes: raw.length,
    };
    this.#onJson(raw, read, last, headers !== null);
  }

  /** A JSON payload: pieces through their channels, the rest redacted whole. */
  #onJson(raw: Uint8Array, read: PayloadJson, last: LastMessage, headersChanged: boolean): void {
    const loc = this.#locate(read);
    if (loc.uninspectable !== undefined) {
      return this.#stopBound(
        "pii_stream_uninspectable",
        `The response stream carried ${
          loc.uninspectable.slice(0, 200)
        }, which cannot be checked for PII.`,
      );
    }
    last.fields = loc.fields;
    if (loc.closes === "all" || loc.closes.length > 0) {
      const own = new Set(loc.fields.map((f) => f.channel));
      for (const [name, channel] of this.#channels) {
        if (own.has(name) || !closes(loc.closes, name)) continue;
        this.#flushChannel(name, channel);
        if (this.#stopped) return;
      }
    }
    const value = read.event.data;
    let changed = false;
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
    const redacted = this.#strings.redact(
      value,
      pathTree(loc.fields.map((f) => f.path)),
      this.counts,
    );
    const envelope = read.envelope === null
      ? false
      : this.#strings.redact(read.envelope, pathTree(read.skip.map((k) => [k])), this.counts)
        .changed;
    if (this.#blocked()) return;
    const payload = changed || redacted.changed || envelope ? read.write(redacted.value) : null;
    this.#emit(
      payload === null && !headersChanged ? raw : null,
      last.headers,
      payload ?? last.payload,
    );
  }

  #locate(read: PayloadJson): StreamTextLocation {
    try {
      return read.locate(read.event);
    } catch {
      return noText;
    }
  }

  /** String headers other than the protocol's, redacted; null when none changed. */
  #redactHeaders(headers: EventStreamHeaders): EventStreamHeaders | null {
    let out: EventStreamHeaders | null = null;
    for (const [name, h] of headers) {
      if (h.type !== "string" || protocolHeaders.has(name)) continue;
      const text = this.#strings.text(h.value, this.counts);
      if (text === h.value) continue;
      out ??= new Map(headers);
      out.set(name, { type: "string", value: text });
    }
    return out;
  }

  #channel(field: StreamTextField, last: LastMessage): Channel | null {
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
      const held = field.json === true
        ? new JsonHeldText(this.#rules, limits, this.counts)
        : new HeldText(this.#rules, limits, this.counts);
      channel = { held, last, counted: 0 };
      this.#keep(last);
      this.#channels.set(name, channel);
      return channel;
    }
    if (channel.last !== last) {
      this.#release(channel.last);
      this.#keep(last);
    }
    channel.last = last;
    return channel;
  }

  #keep(last: LastMessage): void {
    const refs = this.#kept.get(last) ?? 0;
    if (refs === 0) this.#heldTotal += last.bytes;
    this.#kept.set(last, refs + 1);
  }

  #release(last: LastMessage): void {
    const refs = (this.#kept.get(last) ?? 1) - 1;
    if (refs > 0) this.#kept.set(last, refs);
    else {
      this.#kept.delete(last);
      this.#heldTotal -= last.bytes;
    }
  }

  #forget(name: string, channel: Channel): void {
    this.#channels.delete(name);
    this.#heldTotal -= channel.counted;
    channel.counted = 0;
    this.#release(channel.last);
  }

  /** Sends every channel's held text (stops early when that blocked the stream). */
  #flushAll(): void {
    for (const [name, channel] of this.#channels) {
      this.#flushChannel(name, channel);
      if (this.#stopped) return;
    }
  }

  /** Sends a channel's held text in a copy of its last delta message, and forgets the channel. */
  #flushChannel(name: string, channel: Channel): void {
    this.#forget(name, channel);
    const text = channel.held.flush();
    if (text === "" || this.#blocked()) return;
    const last = channel.last;
    const read = readPayload(last.messageType, last.eventType, last.payload);
    // It was read the same way when it came in.
    if (read.kind !== "json") return;
    const value = read.event.data;
    fillCopy(value, last.fields, name, text);
    // Its complete strings were counted when the original message went out.
    const copy = this.#strings.redact(value, pathTree(last.fields.map((f) => f.path)), {});
    if (read.envelope !== null) {
      this.#strings.redact(read.envelope, pathTree(read.skip.map((k) => [k])), {});
    }
    this.#emit(null, last.headers, read.write(copy.value));
  }

  /** Sends a message: `raw` as received, else encoded from its headers and payload. */
  #emit(
    raw: Uint8Array | null,
    headers: EventStreamHeaders | null,
    payload: Uint8Array | null,
  ): void {
    if (raw !== null) {
      this.#out.push(raw);
      return;
    }
    const m: EventStreamMessage = {
      headers: headers ?? new Map(),
      payload: payload ?? new Uint8Array(0),
    };
    this.#out.push(encodeEventStreamMessage(m));
  }

  #blocked(): boolean {
    if (this.#opts.mode !== "block" || Object.keys(this.counts).length === 0) return false;
    const kinds = Object.keys(this.counts).sort().join(", ");
    this.#stop(
      "pii_blocked",
      `The response was stopped by the gateway's PII policy (detected: ${kinds}).`,
    );
    this.#opts.onBlocked?.({ ...this.counts });
    this.#reports.end();
    return true;
  }

  #stopBound(code: string, message: string): void {
    this.#stop(code, message);
    this.#opts.onStopped?.(code, message);
  }

  #stop(code: string, message: string): void {
    this.#stopped = true;
    this.#splitter.discard();
    this.#out.push(this.#opts.streamError?.(code, message) ?? exceptionMessage(code, message));
    this.#reports.end();
  }
}

function closes(which: StreamTextLocation["closes"], channel: string): boolean {
  if (which === "all") return true;
  return which.some((c) => channel === c || channel.startsWith(`${c}/`));
}

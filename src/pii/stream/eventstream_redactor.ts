/**
 * Redaction of an AWS event stream (`application/vnd.amazon.eventstream`: Bedrock's
 * ConverseStream and InvokeModelWithResponseStream answers) in flight: the binary analogue of
 * sse_redactor.ts, with the same held-text channels, bounds and error paths.
 *
 * Each whole message is decoded once (the providers' decoder checks both CRCs). Pieces of text
 * (the adapter's `readEventStreamPayload`, providers/bedrock_stream_text.ts) go through their channel's `HeldText` (or `JsonHeldText` for tool input), so
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
  type EventStreamPayloadJson as PayloadJson,
  type EventStreamPayloadReader,
  readBedrockEventStreamPayload,
  type StreamTextField,
  type StreamTextLocation,
  stringHeader,
} from "../../providers/mod.ts";
import type { Counts, RedactRules } from "../types.ts";
import { meteredRules } from "./metered_rules.ts";
import { pathTree } from "./json_strings.ts";
import { JsonAwareStrings } from "./json_aware_strings.ts";
import { EngineOutput } from "./engine_output.ts";
import { fillCopy } from "./event_json.ts";
import { EventStreamFrameSplitter } from "./eventstream_frames.ts";
import { type Channel, channelBounds, type StreamBound, TextChannels } from "./text_channels.ts";
import {
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

const noText: StreamTextLocation = { fields: [], closes: [] };

/** The state machine behind `createEventStreamRedactor`. */
export class EventStreamRedactorEngine {
  readonly #opts: EventStreamRedactorOptions;
  readonly #rules: RedactRules;
  readonly #splitter: EventStreamFrameSplitter;
  readonly #decoder: EventStreamDecoder;
  readonly #strings: JsonAwareStrings;
  readonly #readPayload: EventStreamPayloadReader;
  readonly #channels: TextChannels<LastMessage>;
  readonly counts: Counts = {};
  readonly #output: EngineOutput;

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
    this.#readPayload = opts.readPayload ?? readBedrockEventStreamPayload;
    this.#channels = new TextChannels({ ...opts, rules: this.#rules, counts: this.counts });
    this.#output = new EngineOutput(this.counts, opts, (code, message) => {
      // Nothing more is read: a message kept in part is dropped.
      this.#splitter.discard();
      return opts.streamError?.(code, message) ?? exceptionMessage(code, message);
    });
  }

  /** True once the stream was stopped (blocked, or uninspectable); ignore further input. */
  get stopped(): boolean {
    return this.#output.stopped;
  }

  /** Bytes kept of a message not complete yet (bounded by `maxMessageBytes`). */
  get pendingBytes(): number {
    return this.#splitter.pendingBytes;
  }

  /** Reads a chunk; returns what to send on now (possibly nothing). */
  push(chunk: Uint8Array): Uint8Array[] {
    return this.#output.step(() => {
      this.#splitter.push(chunk, (raw) => this.#onMessage(raw));
      const stop = this.#splitter.stop;
      if (stop !== null && !this.#output.stopped) {
        this.#output.bound(
          stop.reason === "too_large" ? "pii_event_too_large" : "pii_stream_uninspectable",
          stop.reason === "too_large"
            ? `A streamed message was too large to check for PII (${stop.detail}).`
            : `The response stream is corrupt (${stop.detail}), so it cannot be checked for PII.`,
        );
      }
    });
  }

  /** The input ended: flushes held text; a stream cut inside a message ends with an error. */
  end(): Uint8Array[] {
    return this.#output.step(() => {
      this.#flushAll();
      if (this.#output.stopped) return;
      const cut = this.#splitter.discard();
      if (cut > 0) {
        this.#output.bound(
          "pii_stream_uninspectable",
          `The response stream ended inside a message (${cut} bytes of it), which is not passed on.`,
        );
      }
      this.#output.reports.end();
    });
  }

  /** The stream was cancelled or failed: report what was found so far. */
  abandon(): void {
    this.#splitter.discard();
    this.#output.reports.end();
  }

  #onMessage(raw: Uint8Array): void {
    if (this.#output.stopped) return;
    const crcErrors = this.#decoder.corruptFrames;
    const m = this.#decoder.push(raw)[0];
    if (m === undefined) {
      const why = this.#decoder.detail ??
        (this.#decoder.corruptFrames > crcErrors ? "a message failed its CRC check" : "no message");
      return this.#output.bound(
        "pii_stream_uninspectable",
        `The response stream is corrupt (${why}), so it cannot be checked for PII.`,
      );
    }
    const messageType = stringHeader(m, ":message-type");
    const eventType = stringHeader(m, ":event-type") ?? stringHeader(m, ":exception-type");
    const headers = this.#redactHeaders(m.headers);
    if (this.#output.blocked()) return;
    const read = this.#readPayload(messageType, eventType, m.payload);
    if (read.kind === "uninspectable") {
      return this.#output.bound(
        "pii_stream_uninspectable",
        `The response stream carried ${read.why}, which cannot be checked for PII.`,
      );
    }
    if (read.kind === "empty") {
      // An error or exception without a payload still ends every text: held text goes first.
      if (messageType !== "event") this.#flushAll();
      if (this.#output.stopped) return;
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
      return this.#stopAt(channelBounds.uninspectable(loc.uninspectable));
    }
    last.fields = loc.fields;
    for (const [name, channel] of this.#channels.closedBy(loc)) {
      this.#flushChannel(name, channel);
      if (this.#output.stopped) return;
    }
    const value = read.event.data;
    const changed = this.#channels.pushAll(value, loc, last);
    if (typeof changed !== "boolean") return this.#stopAt(changed);
    const redacted = this.#strings.redact(
      value,
      pathTree(loc.fields.map((f) => f.path)),
      this.counts,
    );
    const envelope = read.envelope === null
      ? false
      : this.#strings.redact(read.envelope, pathTree(read.skip.map((k) => [k])), this.counts)
        .changed;
    if (this.#output.blocked()) return;
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

  /** Sends every channel's held text (stops early when that blocked the stream). */
  #flushAll(): void {
    for (const [name, channel] of this.#channels.all()) {
      this.#flushChannel(name, channel);
      if (this.#output.stopped) return;
    }
  }

  /** Sends a channel's held text in a copy of its last delta message, and forgets the channel. */
  #flushChannel(name: string, channel: Channel<LastMessage>): void {
    const text = this.#channels.take(name, channel);
    if (text === "" || this.#output.blocked()) return;
    const last = channel.last;
    const read = this.#readPayload(last.messageType, last.eventType, last.payload);
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
      this.#output.send(raw);
      return;
    }
    const m: EventStreamMessage = {
      headers: headers ?? new Map(),
      payload: payload ?? new Uint8Array(0),
    };
    this.#output.send(encodeEventStreamMessage(m));
  }

  #stopAt(bound: StreamBound): void {
    this.#output.bound(bound.code, bound.message);
  }
}

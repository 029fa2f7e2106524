/**
 * The AWS event-stream framing (`application/vnd.amazon.eventstream`, Bedrock's ConverseStream
 * and InvokeModelWithResponseStream answers), both ways. A message is (smithy
 * `eventstream-codec/splitMessage.ts`, `EventStreamCodec.ts`):
 *
 * ```
 * offset 0   uint32 BE  total length (the whole message, both CRCs included; at least 16)
 * offset 4   uint32 BE  headers length
 * offset 8   uint32 BE  prelude CRC = CRC-32 of bytes 0..7
 * offset 12  headers    (aws_eventstream_headers.ts)
 * then       payload    total - headers - 16 bytes
 * last 4     uint32 BE  message CRC = CRC-32 of bytes 0 .. total-5
 * ```
 *
 * The decoder observes a side copy of the answer: the proxy relays every byte to the client as it
 * comes, so nothing here holds the stream back or changes it, and nothing throws. Fed chunks of
 * any size, it returns each message once its last byte arrived; it keeps a copy only of the one
 * message still incomplete. What it does with bad input, and why:
 * - a message CRC mismatch (the prelude CRC was right): the message is counted
 *   (`messageCrcErrors`) and skipped. Its length was vouched for by the prelude CRC, so the next
 *   message starts right after it and decoding goes on (the client's SDK raises on it anyway).
 * - a prelude CRC mismatch: counted (`preludeCrcErrors`), then decoding stops
 *   (`eventstream_corrupt`): the total length cannot be trusted, so no later boundary can be
 *   either. Hunting for the next prelude that checks out could land inside a payload, and the
 *   client's SDK has given up on the stream at that point in any case.
 * - a length that cannot hold the prelude and both CRCs, or a headers block that overruns itself
 *   or names an unknown type: decoding stops (`eventstream_corrupt`), as the SDK stops.
 * - a message declared past `maxMessageBytes` or headers past `maxHeaderBytes`: decoding stops
 *   before holding any of it (`eventstream_message_too_large`).
 * After a stop `push` returns nothing and holds nothing; `detail` says what was wrong.
 */
import { crc32 } from "./crc32.ts";
import {
  encodeEventStreamHeaders,
  type EventStreamHeaders,
  type EventStreamHeaderValue,
  parseEventStreamHeaders,
} from "./aws_eventstream_headers.ts";
import { usageReadLimits } from "./usage_limits.ts";

export {
  encodeEventStreamHeaders,
  type EventStreamHeaders,
  type EventStreamHeaderValue,
  parseEventStreamHeaders,
} from "./aws_eventstream_headers.ts";

export interface EventStreamMessage {
  headers: Map<string, EventStreamHeaderValue>;
  payload: Uint8Array;
}

export interface EventStreamDecoderStats {
  messages: number;
  preludeCrcErrors: number;
  messageCrcErrors: number;
}

export type EventStreamStopReason = "eventstream_corrupt" | "eventstream_message_too_large";

export interface EventStreamLimits {
  maxMessageBytes: number;
  maxHeaderBytes: number;
}

/** The prelude: total length, headers length, prelude CRC. */
export const eventStreamPreludeBytes = 12;
/** The smallest message: a prelude and the message CRC. */
export const eventStreamMinMessageBytes = 16;

/**
 * The gateway's bounds, those of aws-c-event-stream (`event_stream.h`:
 * `AWS_EVENT_STREAM_MAX_MESSAGE_SIZE` 16 MiB, `AWS_EVENT_STREAM_MAX_HEADERS_SIZE` 128 KiB). The
 * message bound equals the SSE one (`usageReadLimits.sseEventChars`): one event of either
 * framing may hold the same. The Bedrock stream messages recorded in the issue 20 research are
 * a few hundred bytes of JSON each.
 */
export const eventStreamLimits: Readonly<EventStreamLimits> = {
  maxMessageBytes: usageReadLimits.sseEventChars,
  maxHeaderBytes: 128 * 1024,
};

/** The first buffer of a message that spans chunks; it doubles as more arrives. */
const initialBuffer = 64 * 1024;

export class EventStreamDecoder {
  readonly #limits: EventStreamLimits;
  readonly #prelude = new Uint8Array(eventStreamPreludeBytes);
  #preludeFill = 0;
  /**
   * The message being assembled from several chunks (its prelude included), or null. It grows
   * with what arrived, up to `#total`: a prelude alone never costs its declared size in memory.
   */
  #message: Uint8Array | null = null;
  #fill = 0;
  #total = 0;
  #stopped: EventStreamStopReason | null = null;
  #detail: string | null = null;
  readonly #stats: EventStreamDecoderStats = {
    messages: 0,
    preludeCrcErrors: 0,
    messageCrcErrors: 0,
  };

  constructor(limits: EventStreamLimits = eventStreamLimits) {
    this.#limits = limits;
  }

  /** Set once decoding stopped (corrupt prelude, too large); bytes still flow elsewhere. */
  get stopped(): EventStreamStopReason | null {
    return this.#stopped;
  }
  /** What was wrong when decoding stopped; null while it goes on. */
  get detail(): string | null {
    return this.#detail;
  }
  /** A copy of the counts so far. */
  get stats(): EventStreamDecoderStats {
    return { ...this.#stats };
  }
  /** Messages dropped for a bad CRC: prelude and message CRC mismatches together. */
  get corruptFrames(): number {
    return this.#stats.preludeCrcErrors + this.#stats.messageCrcErrors;
  }
  /** Bytes of an unfinished message at the end (a cut stream); 0 after a stop. */
  get pending(): number {
    return this.#message !== null ? this.#fill : this.#preludeFill;
  }

  /**
   * Messages completed by this chunk, in order. Each message owns its bytes (nothing refers to
   * `chunk`, which the runtime may reuse once it was relayed).
   */
  push(chunk: Uint8Array): EventStreamMessage[] {
    const out: EventStreamMessage[] = [];
    let at = 0;
    while (at < chunk.length && this.#stopped === null) {
      if (this.#message !== null) {
        at = this.#fillMessage(chunk, at, out);
        continue;
      }
      const rest = chunk.length - at;
      if (this.#preludeFill === 0 && rest >= eventStreamPreludeBytes) {
        // The usual case: the prelude is in this chunk, often the whole message too.
        const total = this.#readPrelude(chunk.subarray(at, at + eventStreamPreludeBytes));
        if (total === null) break;
        if (rest >= total) {
          this.#complete(chunk.subarray(at, at + total), false, out);
          at += total;
        } else {
          this.#begin(total, chunk.subarray(at));
          at = chunk.length;
        }
        continue;
      }
      const take = Math.min(eventStreamPreludeBytes - this.#preludeFill, rest);
      this.#prelude.set(chunk.subarray(at, at + take), this.#preludeFill);
      this.#preludeFill += take;
      at += take;
      if (this.#preludeFill < eventStreamPreludeBytes) break;
      this.#preludeFill = 0;
      const total = this.#readPrelude(this.#prelude);
      if (total === null) break;
      this.#begin(total, this.#prelude);
    }
    return out;
  }

  #begin(total: number, first: Uint8Array): void {
    this.#total = total;
    this.#message = new Uint8Array(Math.min(total, Math.max(initialBuffer, 2 * first.length)));
    this.#message.set(first);
    this.#fill = first.length;
  }

  #fillMessage(chunk: Uint8Array, at: number, out: EventStreamMessage[]): number {
    let message = this.#message!;
    const take = Math.min(this.#total - this.#fill, chunk.length - at);
    if (this.#fill + take > message.length) {
      const grown = new Uint8Array(
        Math.min(this.#total, Math.max(this.#fill + take, 2 * message.length)),
      );
      grown.set(message.subarray(0, this.#fill));
      message = this.#message = grown;
    }
    message.set(chunk.subarray(at, at + take), this.#fill);
    this.#fill += take;
    if (this.#fill === this.#total) {
      this.#message = null;
      this.#fill = 0;
      this.#complete(message, true, out);
    }
    return at + take;
  }

  /** The total length a prelude declares, or null when decoding stopped on it. */
  #readPrelude(p: Uint8Array): number | null {
    const view = new DataView(p.buffer, p.byteOffset, eventStreamPreludeBytes);
    const total = view.getUint32(0, false);
    const headers = view.getUint32(4, false);
    const expected = view.getUint32(8, false);
    const actual = crc32(p.subarray(0, 8));
    if (actual !== expected) {
      this.#stats.preludeCrcErrors++;
      return this.#stop("eventstream_corrupt", `prelude CRC ${hex(actual)} != ${hex(expected)}`);
    }
    if (total < eventStreamMinMessageBytes || headers > total - eventStreamMinMessageBytes) {
      return this.#stop(
        "eventstream_corrupt",
        `total length ${total} cannot hold the prelude, ${headers} bytes of headers and the CRC`,
      );
    }
    if (total > this.#limits.maxMessageBytes || headers > this.#limits.maxHeaderBytes) {
      return this.#stop(
        "eventstream_message_too_large",
        `a message of ${total} bytes (${headers} of headers) is past the bound of ` +
          `${this.#limits.maxMessageBytes} (${this.#limits.maxHeaderBytes} of headers)`,
      );
    }
    return total;
  }

  /** A whole message: checked, parsed and added to `out`, or counted, or the stop. */
  #complete(bytes: Uint8Array, owned: boolean, out: EventStreamMessage[]): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const end = bytes.length - 4;
    const expected = view.getUint32(end, false);
    if (crc32(bytes.subarray(0, end)) !== expected) {
      this.#stats.messageCrcErrors++;
      return;
    }
    const headersEnd = eventStreamPreludeBytes + view.getUint32(4, false);
    const parsed = parseEventStreamHeaders(bytes.subarray(eventStreamPreludeBytes, headersEnd));
    if ("error" in parsed) {
      this.#stop("eventstream_corrupt", parsed.error);
      return;
    }
    this.#stats.messages++;
    const payload = owned ? bytes.subarray(headersEnd, end) : bytes.slice(headersEnd, end);
    out.push({ headers: parsed.headers, payload });
  }

  #stop(reason: EventStreamStopReason, detail: string): null {
    this.#stopped = reason;
    this.#detail = detail;
    this.#message = null;
    this.#fill = 0;
    this.#preludeFill = 0;
    return null;
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

/**
 * A message as bytes, both CRCs computed: the gateway's own termination (an exception message)
 * and test stubs. Throws a `RangeError` on a header value the framing cannot carry, or a message
 * past 4 GiB.
 */
export function encodeEventStreamMessage(m: EventStreamMessage): Uint8Array<ArrayBuffer> {
  const headers = encodeEventStreamHeaders(m.headers);
  const total = eventStreamMinMessageBytes + headers.length + m.payload.length;
  if (total > 0xffffffff) throw new RangeError(`a message of ${total} bytes is past 4 GiB`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total, false);
  view.setUint32(4, headers.length, false);
  view.setUint32(8, crc32(out.subarray(0, 8)), false);
  out.set(headers, eventStreamPreludeBytes);
  out.set(m.payload, eventStreamPreludeBytes + headers.length);
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), false);
  return out;
}

/** String headers in the given order (`:message-type`, `:event-type`, ...). */
export function stringHeaders(record: Record<string, string>): EventStreamHeaders {
  return new Map(
    Object.entries(record).map(([name, value]) => [name, { type: "string", value }] as const),
  );
}

/** A header's value when it is a string header; null when absent or of another type. */
export function stringHeader(m: EventStreamMessage, name: string): string | null {
  const h = m.headers.get(name);
  return h?.type === "string" ? h.value : null;
}

/**
 * A modeled exception message (`:message-type: exception`), JSON payload `{"message": ...}`: what
 * an AWS SDK raises as the exception named by `exceptionType` (for Bedrock's streams
 * `internalServerException`, a member of both `ConverseStreamOutput` and `ResponseStream`).
 */
export function eventStreamException(exceptionType: string, message: string): EventStreamMessage {
  return {
    headers: stringHeaders({
      ":message-type": "exception",
      ":exception-type": exceptionType,
      ":content-type": "application/json",
    }),
    payload: new TextEncoder().encode(JSON.stringify({ message })),
  };
}

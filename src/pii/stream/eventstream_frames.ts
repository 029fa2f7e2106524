/**
 * AWS event-stream framing for the redactor: cuts a byte stream into whole messages, each with
 * its exact bytes (so an unchanged message is passed on as received), by the total length of
 * its prelude. Bounded: a message declared past `maxMessageBytes` (or headers past
 * `maxHeaderBytes`), or a length that cannot hold a message, stops the splitter before any of it
 * is kept. The prelude and message CRCs are checked afterwards by the providers' decoder, which
 * reads each whole message; a prelude with a bad CRC has at worst made the splitter keep one
 * bounded message.
 */
import { ByteBuffer } from "../../bytes.ts";

/** The prelude (total length, headers length, prelude CRC) and the smallest message (+ CRC). */
const eventStreamPreludeBytes = 12;
const eventStreamMinMessageBytes = 16;

export interface EventStreamFrameLimits {
  maxMessageBytes: number;
  maxHeaderBytes: number;
}

/** Why the splitter stopped: a length that cannot be a message, or one past the bounds. */
export interface FrameStop {
  reason: "corrupt" | "too_large";
  detail: string;
}

export class EventStreamFrameSplitter {
  readonly #limits: EventStreamFrameLimits;
  /** The current message's bytes from earlier chunks. */
  readonly #pending = new ByteBuffer();
  /** The current message's declared length, once its prelude is in; 0 before. */
  #total = 0;
  #stop: FrameStop | null = null;

  constructor(limits: EventStreamFrameLimits) {
    this.#limits = limits;
  }

  /** Set once a prelude declared something that cannot be followed. */
  get stop(): FrameStop | null {
    return this.#stop;
  }

  /** Bytes of the message not complete yet. */
  get pendingBytes(): number {
    return this.#pending.size;
  }

  /** Calls `message` with each message the chunk completes; stops at a bad prelude. */
  push(chunk: Uint8Array, message: (raw: Uint8Array) => void): void {
    let at = 0;
    while (at < chunk.length && this.#stop === null) {
      if (this.#pending.size === 0 && chunk.length - at >= eventStreamPreludeBytes) {
        // The usual case: a whole message in this chunk is handed on without a copy.
        const total = this.#declared(chunk.subarray(at, at + eventStreamPreludeBytes));
        if (total === null) return;
        if (chunk.length - at >= total) {
          message(chunk.subarray(at, at + total));
          at += total;
          continue;
        }
        this.#total = total;
        this.#pending.append(chunk.subarray(at));
        return;
      }
      if (this.#total === 0) {
        const take = Math.min(eventStreamPreludeBytes - this.#pending.size, chunk.length - at);
        this.#pending.append(chunk.subarray(at, at + take));
        at += take;
        if (this.#pending.size < eventStreamPreludeBytes) return;
        const total = this.#declared(this.#pending.bytes());
        if (total === null) return;
        this.#total = total;
      }
      const take = Math.min(this.#total - this.#pending.size, chunk.length - at);
      this.#pending.append(chunk.subarray(at, at + take));
      at += take;
      if (this.#pending.size === this.#total) {
        this.#total = 0;
        message(this.#pending.take());
      }
    }
  }

  /** Drops what is kept (the stream is over or stopped); returns how many bytes that was. */
  discard(): number {
    const n = this.#pending.size;
    this.#pending.take();
    this.#total = 0;
    return n;
  }

  /** The total length a prelude declares, or null (and the stop) when it cannot be followed. */
  #declared(prelude: Uint8Array): number | null {
    const view = new DataView(prelude.buffer, prelude.byteOffset, eventStreamPreludeBytes);
    const total = view.getUint32(0, false);
    const headers = view.getUint32(4, false);
    if (total < eventStreamMinMessageBytes || headers > total - eventStreamMinMessageBytes) {
      return this.#halt("corrupt", `a message length of ${total} with ${headers} header bytes`);
    }
    const { maxMessageBytes, maxHeaderBytes } = this.#limits;
    if (total > maxMessageBytes || headers > maxHeaderBytes) {
      return this.#halt(
        "too_large",
        `a message of ${total} bytes (${headers} of headers), past the bound of ${maxMessageBytes} (${maxHeaderBytes} of headers)`,
      );
    }
    return total;
  }

  #halt(reason: FrameStop["reason"], detail: string): null {
    this.#stop = { reason, detail };
    this.discard();
    return null;
  }
}

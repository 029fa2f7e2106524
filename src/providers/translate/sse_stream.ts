/**
 * Server-sent events as the stream codecs read and write them: an incremental parser of the SSE
 * grammar (lines end at CRLF, LF or CR; a blank line ends an event; `:` lines are comments) and
 * the writer. Bounded: one event larger than `maxEventChars` is refused, never held forever.
 * Text in, text out: the caller decodes bytes with `TextDecoder({stream: true})`, which keeps a
 * character split across reads whole.
 */
import { TranslationError } from "./notes.ts";

export interface SseMessage {
  /** The `event:` field; null when the event named none (Chat's data-only stream). */
  event: string | null;
  data: string;
}

/** Larger than any one event of a model stream (a tool call's delta, a usage chunk). */
export const maxEventChars = 4 * 1024 * 1024;

export class SseParser {
  #line = "";
  #pendingCr = false;
  #event: string | null = null;
  #data: string[] = [];
  #size = 0;

  constructor(readonly maxChars = maxEventChars) {}

  /** The events this text completes, in order. */
  push(text: string): SseMessage[] {
    const out: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 10 && this.#pendingCr && i === start && this.#line === "") {
        // The LF of a CRLF split across reads (or right after the CR): already counted.
        this.#pendingCr = false;
        start = i + 1;
        continue;
      }
      this.#grow(i - start);
      this.#line += text.slice(start, i);
      this.#pendingCr = c === 13;
      if (c === 13 && text.charCodeAt(i + 1) === 10) {
        i++;
        this.#pendingCr = false;
      }
      start = i + 1;
      const done = this.#takeLine();
      if (done !== null) out.push(done);
    }
    if (start < text.length) {
      this.#pendingCr = false;
      this.#grow(text.length - start);
      this.#line += text.slice(start);
    }
    return out;
  }

  /** The last event when the stream ended without its blank line; null when none was open. */
  end(): SseMessage | null {
    if (this.#line !== "") this.#takeLine();
    return this.#flush();
  }

  #grow(n: number): void {
    this.#size += n;
    if (this.#size > this.maxChars) {
      throw new TranslationError(
        "stream",
        `an upstream event is larger than ${this.maxChars} characters; the stream cannot be translated`,
      );
    }
  }

  #takeLine(): SseMessage | null {
    const line = this.#line;
    this.#line = "";
    if (line === "") return this.#flush();
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "event") this.#event = value;
    else if (name === "data") this.#data.push(value);
    return null;
  }

  #flush(): SseMessage | null {
    const hadData = this.#data.length > 0;
    const m = { event: this.#event, data: this.#data.join("\n") };
    this.#event = null;
    this.#data = [];
    this.#size = 0;
    return hadData ? m : null;
  }
}

/** One event as the wire carries it; data lines split at line ends as the grammar requires. */
export function writeSse(m: SseMessage): string {
  const head = m.event === null ? "" : `event: ${m.event}\n`;
  return `${head}${m.data.split(/\r\n|\r|\n/).map((d) => `data: ${d}\n`).join("")}\n`;
}

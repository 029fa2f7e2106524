/**
 * SSE framing on bytes: cuts a byte stream into whole events (each with its exact bytes, so an
 * unchanged event is passed on as received), reads an event's fields, and writes an event back
 * with new data in the line-ending style it came with.
 *
 * Lines end at CRLF, LF or CR; an empty line ends the event. Those bytes never occur inside a
 * UTF-8 sequence, so a character split across chunks is never cut. A CR at the very end of a
 * chunk may be the first half of a CRLF: when that CR ended an event, the event is dispatched at
 * once and an LF starting the next chunk is reported separately (`onLateLf`) so the caller can
 * pass it on or drop it, depending on whether it passed that event on as received.
 */

import { ByteBuffer } from "../../bytes.ts";

const LF = 10;
const CR = 13;

export interface SseSink {
  event(raw: Uint8Array): void;
  /** The LF of a CRLF whose CR ended the previous event at the end of a chunk. */
  lateLf(): void;
}

export class SseSplitter {
  /** The current event's bytes from earlier chunks, in one buffer (see ByteBuffer). */
  readonly #pending = new ByteBuffer();
  #atLineStart = true;
  /** The previous byte was a CR: `line` inside an event, `event` when it ended one. */
  #afterCr: "no" | "line" | "event" = "no";
  readonly #maxEventBytes: number;

  constructor(maxEventBytes: number) {
    this.#maxEventBytes = maxEventBytes;
  }

  /** Bytes of the current, unterminated event. */
  get pendingBytes(): number {
    return this.#pending.size;
  }

  /** False when the event being read grew past the limit (nothing more is read). */
  push(chunk: Uint8Array, sink: SseSink): boolean {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.#afterCr !== "no") {
        const after = this.#afterCr;
        this.#afterCr = "no";
        if (b === LF) {
          if (after === "event") {
            sink.lateLf();
            start = i + 1;
          }
          continue;
        }
      }
      if (b !== LF && b !== CR) {
        this.#atLineStart = false;
        continue;
      }
      if (!this.#atLineStart) {
        this.#atLineStart = true;
        if (b === CR) this.#afterCr = "line";
        continue;
      }
      let end = i + 1;
      if (start === i && this.#pending.size === 0) {
        // A blank line with nothing before it ends an empty event. A run of them (a hostile
        // upstream's endless CRs or LFs) goes out as one such event: one per line cost about
        // 0.5 µs each, 130 s of CPU for 256 MiB of CRs.
        while (end < chunk.length && (chunk[end] === LF || chunk[end] === CR)) end++;
        if (end > i + 1) {
          if (chunk[end - 1] === CR && end === chunk.length) this.#afterCr = "event";
          sink.event(chunk.subarray(start, end));
          start = end;
          i = end - 1;
          continue;
        }
      }
      if (b === CR) {
        if (end < chunk.length && chunk[end] === LF) end = ++i + 1;
        else if (end === chunk.length) this.#afterCr = "event";
      }
      sink.event(this.#take(chunk, start, end));
      start = end;
    }
    if (start < chunk.length && this.#pending.size <= this.#maxEventBytes) {
      this.#pending.append(
        chunk.subarray(start, Math.min(chunk.length, start + this.#maxEventBytes + 1)),
      );
    }
    return this.#pending.size <= this.#maxEventBytes;
  }

  /** The bytes of an unterminated last event, if any. */
  finish(): Uint8Array | null {
    if (this.#pending.size === 0) return null;
    return this.#take(new Uint8Array(0), 0, 0);
  }

  #take(chunk: Uint8Array, start: number, end: number): Uint8Array {
    if (this.#pending.size === 0) return chunk.subarray(start, end);
    this.#pending.append(chunk.subarray(start, end));
    return this.#pending.take();
  }
}

/** One event's text, split into lines, with what the redactor reads from them. */
export interface SseEventText {
  /** The event's lines without their terminators, up to the empty line that ends it. */
  lines: string[];
  /** The first line terminator, used again when the event is rewritten. */
  newline: string;
  /** The last `event:` field, or null. */
  event: string | null;
  /** The `data:` lines joined with "\n", or null when there are none. */
  data: string | null;
}

const lineBreak = /\r\n|\r|\n/;

export function readEvent(text: string): SseEventText {
  const newline = lineBreak.exec(text)?.[0] ?? "\n";
  const lines = text.split(lineBreak);
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  let event: string | null = null;
  let data: string | null = null;
  for (const line of lines) {
    const field = fieldOf(line);
    if (field === null) continue;
    if (field.name === "event") event = field.value;
    else if (field.name === "data") data = data === null ? field.value : `${data}\n${field.value}`;
  }
  return { lines, newline, event, data };
}

/** The event with its data lines replaced by `data` (at the first one's place). */
export function writeEvent(e: SseEventText, data: string): string {
  const out: string[] = [];
  let placed = false;
  for (const line of e.lines) {
    if (fieldOf(line)?.name !== "data") out.push(line);
    else if (!placed) {
      placed = true;
      for (const d of data.split(lineBreak)) out.push(`data: ${d}`);
    }
  }
  return out.join(e.newline) + e.newline + e.newline;
}

function fieldOf(line: string): { name: string; value: string } | null {
  if (line === "" || line.startsWith(":")) return null;
  const colon = line.indexOf(":");
  if (colon === -1) return { name: line, value: "" };
  const value = line.slice(colon + 1);
  return { name: line.slice(0, colon), value: value.startsWith(" ") ? value.slice(1) : value };
}

/**
 * The SSE frame of a usage parser (response_parser.ts): events through `eventsource-parser`, fed
 * whole lines only, bounded per event, with the lines that are no SSE field passed to whoever
 * reads them (Gemini's raw JSON error object).
 */
import { createParser, type EventSourceParser } from "eventsource-parser";
import { ByteBuffer } from "../bytes.ts";
import type { UsageUnknownReason } from "./usage.ts";
import type { SseEventObserver } from "./types.ts";
import type { UsageReader } from "./usage_reader.ts";
import type { Frame } from "./usage_frames.ts";
import { usageReadLimits } from "./usage_limits.ts";
import { SseLineGuard } from "./sse_line_guard.ts";
import { collapseBlankRuns } from "./sse_blank_runs.ts";
import { lastLineBreak } from "./simd_scan.ts";

export class SseFrame implements Frame {
  parseErrors = 0;
  streamError = false;
  stopped: UsageUnknownReason | null = null;
  #decoder: TextDecoder | null = new TextDecoder();
  #parser: EventSourceParser | null;
  readonly #lines = new SseLineGuard(usageReadLimits.sseEventChars);
  /**
   * The bytes of a line still open, held as bytes until its end arrives. The SSE parser keeps an
   * open line as a string it appends each piece to: sent one byte per read, that cost about 11
   * bytes of heap per byte (a 16 MiB line, the bound, would have held ~180 MB for one request).
   * Fed whole lines, the parser holds none.
   */
  readonly #open = new ByteBuffer();
  /**
   * UTF-16 units of `#open` (what the line guard would count), to stop at the same bound; -1
   * while not counted (its bytes are within the bound, so its units are too).
   */
  #openUnits = -1;

  readonly #unframed: ((line: string) => void) | null;

  constructor(reader: UsageReader, private readonly observer?: SseEventObserver) {
    this.#unframed = unframedSink(reader, observer);
    this.#parser = createParser({
      // The parser holds a line until its end and an event until its blank line: bounded, as an
      // upstream may send one line of a gigabyte. Lines are measured exactly by the guard in
      // front; this bound catches an event of many lines (checked as they arrive).
      maxBufferSize: usageReadLimits.sseEventChars,
      // Other errors are not counted: the SSE parser drops an unknown field line silently when
      // it arrives split across chunks, so counting it would make the report depend on chunking.
      onError: (e) => {
        if (e.type === "max-buffer-size-exceeded") this.stop("sse_event_too_large");
      },
      onEvent: (e) => {
        const data = e.data.trim();
        if (data === "") return;
        this.observer?.event(e.event ?? null, data);
        if (data === "[DONE]") return;
        // Two comparisons per event: cheap enough to look at every one.
        if (e.event === "error" || data.startsWith('{"error"')) this.streamError = true;
        if (reader.wants !== undefined && !reader.wants(e.event, data)) {
          // Not parsed, but an event that cannot be a JSON object is still a malformed one.
          if (data.charCodeAt(0) !== 123 || data.charCodeAt(data.length - 1) !== 125) {
            this.parseErrors++;
          }
          return;
        }
        try {
          reader.event(JSON.parse(data), e.event);
        } catch {
          this.parseErrors++;
        }
      },
    });
  }

  push(chunk: Uint8Array): void {
    if (this.#decoder === null) return;
    const end = afterLastLineBreak(chunk);
    if (end === -1) return this.#hold(chunk);
    if (this.#open.size === 0) this.#feedBytes(chunk.subarray(0, end));
    else {
      // Decoded in two pieces (the decoder carries a cut character over), not copied together:
      // with large events most of each chunk is held, and the copy cost more than the decoding.
      this.#openUnits = -1;
      const held = this.#open.take();
      if (this.#decoder === null) return;
      const head = this.#decoder.decode(held, { stream: true });
      this.#feed(head + this.#decoder.decode(chunk.subarray(0, end), { stream: true }));
    }
    if (end < chunk.length) this.#hold(chunk.subarray(end));
  }

  end(complete: boolean): void {
    if (this.#open.size > 0) this.#feedBytes(this.#open.take());
    const rest = this.#decoder?.decode() ?? "";
    // A stream that ended cleanly may omit the blank line after its last event; dispatch it.
    // A cut stream's unterminated event is a fragment and is dropped.
    if (complete) this.#feed(rest + "\n\n");
    if (this.stopped === null) this.observer?.end(complete);
  }

  stop(reason: UsageUnknownReason): void {
    if (this.stopped === null) this.observer?.lost();
    this.stopped ??= reason;
    // Dropping the parser and decoder releases the line or event they held.
    this.#parser = null;
    this.#decoder = null;
    this.#open.take();
  }

  #hold(bytes: Uint8Array): void {
    this.#open.append(bytes);
    // The guard's bound, checked as the line grows: whether it trips does not depend on chunking.
    // A line never has more UTF-16 units than bytes, so they are counted only once its bytes
    // pass the bound (counting every held byte cost an eighth of the gateway's CPU on big events).
    const max = usageReadLimits.sseEventChars;
    if (this.#open.size <= max) return;
    this.#openUnits = this.#openUnits < 0
      ? utf16Units(this.#open.bytes())
      : this.#openUnits + utf16Units(bytes);
    if (this.#openUnits > max) this.stop("sse_event_too_large");
  }

  #feedBytes(bytes: Uint8Array): void {
    if (this.#decoder !== null) this.#feed(this.#decoder.decode(bytes, { stream: true }));
  }

  #feed(text: string): void {
    if (text === "" || this.#parser === null) return;
    if (!this.#lines.push(text)) return this.stop("sse_event_too_large");
    if (this.#unframed !== null) return this.#feedWithUnframed(text, this.#unframed);
    this.#parse(text);
  }

  #parse(text: string): void {
    try {
      this.#parser?.feed(collapseBlankRuns(text));
    } catch {
      if (this.stopped === null) this.parseErrors++;
    }
  }

  /** `text` holds whole lines (see `push`): SSE lines to the parser, others to the reader, in order. */
  #feedWithUnframed(text: string, unframed: (line: string) => void): void {
    let from = 0;
    for (const m of text.matchAll(lineWithBreak)) {
      const line = m[1]!;
      if (line === "" || sseFieldLine.test(line)) continue;
      if (m.index > from) this.#parse(text.slice(from, m.index));
      from = m.index + m[0].length;
      try {
        unframed(line);
      } catch {
        this.parseErrors++;
      }
    }
    if (from < text.length) this.#parse(text.slice(from));
  }
}

/**
 * Where lines that are no SSE field go: the reader's and the observer's `unframed`, in that
 * order; null when neither reads them (the parser then drops them, as the SSE grammar says).
 */
function unframedSink(
  reader: UsageReader,
  observer: SseEventObserver | undefined,
): ((line: string) => void) | null {
  const toReader = reader.unframed?.bind(reader);
  const toObserver = observer?.unframed?.bind(observer);
  if (toReader === undefined && toObserver === undefined) return null;
  return (line) => {
    try {
      toReader?.(line);
    } finally {
      toObserver?.(line);
    }
  };
}

const lineWithBreak = /([^\r\n]*)(?:\r\n|\r|\n)/g;
const sseFieldLine = /^(?:data|event|id|retry)(?::|$)|^:/;

/** The index just after the last CR or LF of `chunk`, or -1 when it has none. */
function afterLastLineBreak(chunk: Uint8Array): number {
  const last = lastLineBreak(chunk);
  return last === -1 ? -1 : last + 1;
}

/** UTF-16 units the UTF-8 `bytes` decode to: one per lead byte, two for a 4-byte sequence. */
function utf16Units(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

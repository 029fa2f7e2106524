/**
 * The shared half of every usage parser: framing (SSE through `eventsource-parser`, or a JSON
 * document scanned for the few members a reader needs), decoding, error counting and the usage
 * status. A wire format supplies only a `UsageReader` that turns parsed events or documents into
 * figures.
 */
import { createParser, type EventSourceParser } from "eventsource-parser";
import { ByteBuffer } from "../bytes.ts";
import type { Usage, UsageUnknownReason } from "./usage.ts";
import { isJsonContentType } from "./json_body.ts";
import type { MemberPath } from "./json_member_paths.ts";
import { JsonMemberScanner } from "./json_member_scanner.ts";
import type {
  BillingTier,
  ResponseInfo,
  SseEventObserver,
  StreamFraming,
  UsageParser,
  UsageReport,
} from "./types.ts";
import { usageReadLimits } from "./usage_limits.ts";
import { SseLineGuard } from "./sse_line_guard.ts";
import { collapseBlankRuns } from "./sse_blank_runs.ts";

/**
 * - `expected`: the exchange is billed and reports usage; missing usage is `unknown`.
 * - `optional`: a path we do not know; usage is taken when the response carries it, else `none`.
 * - `none`: nothing billed (model lists, token counting, errors); the body is not read at all.
 */
export type UsageExpectation = "expected" | "optional" | "none";

export interface ReaderResult {
  model: string | null;
  usage: Usage | null;
  /** The usage is the provider's final figure, not a running count from a stream cut short. */
  final: boolean;
  /** The billing tier the answer reported, when it did. */
  billing?: BillingTier;
}

/** Wire-format state machine. Throwing from `event` or `document` counts as a parse error. */
export interface UsageReader {
  /** The members of a JSON (non-SSE) body that `document` reads; nothing else is kept. */
  readonly documentMembers: readonly MemberPath[];
  event(data: unknown, eventName: string | undefined): void;
  /**
   * Cheap look at an event before it is parsed: false means `event` would learn nothing from it
   * (parsing every delta of a long stream costs more than the rest of the proxy). Absent: every
   * event is parsed.
   */
  wants?(eventName: string | undefined, data: string): boolean;
  /**
   * A valid JSON body's top-level object reduced to `documentMembers` (each as `JSON.parse` gives
   * it, absent when the body has none), or null when the top-level value is not an object.
   */
  document(data: unknown): void;
  /**
   * A non-empty line of an SSE body that is no SSE field (`data:`, `event:`, `id:`, `retry:`, a
   * `:` comment): Gemini sends a raw JSON error object in the middle of a stream. Given in order
   * with the events, whole lines only, however the body is chunked. Throwing counts as a parse
   * error. Absent: such lines are ignored, as the SSE grammar says.
   */
  unframed?(line: string): void;
  result(complete: boolean): ReaderResult;
}

/** What both document readers read; one shared list, so its scan plan is built once. */
export const modelAndUsage: readonly MemberPath[] = [["model"], ["usage"]];

const methodsWithoutUsage = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

/** Status and method rules shared by every provider; the path rule is the adapter's. */
export function expectationFor(info: ResponseInfo, pathRule: UsageExpectation): UsageExpectation {
  if (info.status < 200 || info.status >= 300) return "none";
  if (info.method !== undefined && methodsWithoutUsage.has(info.method.toUpperCase())) {
    return "none";
  }
  return pathRule;
}

/** The `streamKind` of every SSE wire format: a stream when the answer says `text/event-stream`. */
export function sseStreamKind(info: Pick<ResponseInfo, "contentType">): StreamFraming | null {
  return info.contentType?.toLowerCase().includes("text/event-stream") ? "sse" : null;
}

/**
 * The framing a reader of the body assumes, given the adapter's `streamKind` of the answer: the
 * declared one, and for an answer with no content type at all, SSE when the client asked for a
 * stream (upstreams that omit the header still stream what was asked).
 */
export function framingOf(
  info: ResponseInfo,
  declared: StreamFraming | null,
): StreamFraming | null {
  if (info.contentType === null) return info.requestedStreaming ? "sse" : null;
  return declared;
}

/** An SSE answer as an SSE wire format's reader sees it (`framingOf` with `sseStreamKind`). */
export function isEventStream(info: ResponseInfo): boolean {
  return framingOf(info, sseStreamKind(info)) === "sse";
}

/**
 * `declared`: the adapter's `streamKind(info)`; SSE adapters may leave the default. A framing no
 * frame reads yet (the AWS event-stream before its decoder exists) reads no usage: `unknown` on a
 * billed path, never zero.
 */
export function createResponseParser(
  info: ResponseInfo,
  expectation: UsageExpectation,
  reader: UsageReader,
  observer?: SseEventObserver,
  declared: StreamFraming | null = sseStreamKind(info),
): UsageParser {
  const framing = framingOf(info, declared);
  const readable = expectation === "expected" ||
    (expectation === "optional" && (framing !== null || isJsonContentType(info.contentType)));
  if (!readable) return noUsageParser(info.requestModel);
  const frame = framing === "sse"
    ? new SseFrame(reader, observer)
    : framing === null
    ? new JsonFrame(reader)
    : new UnreadFrame(observer);
  let report: UsageReport | null = null;
  return {
    push(chunk) {
      if (report === null && frame.stopped === null) frame.push(chunk);
    },
    stop(reason) {
      if (report === null) frame.stop(reason);
    },
    finish(complete) {
      if (report !== null) return report;
      if (frame.stopped === null) frame.end(complete);
      const r = reader.result(complete);
      const stopped = frame.stopped;
      const known = r.usage !== null && r.final && stopped === null;
      const base: UsageReport = {
        model: r.model ?? info.requestModel,
        usage: known ? r.usage : null,
        // Stopped at a bound: whether the answer carried usage is not known, even on a path
        // where usage is optional.
        status: known ? "exact" : expectation === "expected" || stopped ? "unknown" : "none",
        parseErrors: frame.parseErrors,
      };
      if (stopped !== null) base.unknownReason = stopped;
      if (known && r.billing !== undefined) base.billing = r.billing;
      report = frame.streamError ? { ...base, upstreamStreamError: true } : base;
      return report;
    },
  };
}

export function noUsageParser(model: string | null): UsageParser {
  const report: UsageReport = { model, usage: null, status: "none", parseErrors: 0 };
  return { push() {}, stop() {}, finish: () => report };
}

interface Frame {
  parseErrors: number;
  streamError: boolean;
  /** Set once reading stopped at a bound; nothing is pushed or held after that. */
  stopped: UsageUnknownReason | null;
  push(chunk: Uint8Array): void;
  end(complete: boolean): void;
  stop(reason: UsageUnknownReason): void;
}

/** A stream in a framing this build cannot read: nothing is parsed, the observer is told so. */
class UnreadFrame implements Frame {
  parseErrors = 0;
  readonly streamError = false;
  stopped: UsageUnknownReason | null = null;
  constructor(private readonly observer?: SseEventObserver) {}
  push(): void {}
  end(complete: boolean): void {
    this.observer?.end(complete);
  }
  stop(reason: UsageUnknownReason): void {
    if (this.stopped === null) this.observer?.lost();
    this.stopped ??= reason;
  }
}

class SseFrame implements Frame {
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
  /** UTF-16 units of `#open` (what the line guard would count), to stop at the same bound. */
  #openUnits = 0;

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
      this.#open.append(chunk.subarray(0, end));
      this.#openUnits = 0;
      this.#feedBytes(this.#open.take());
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
    this.#openUnits += utf16Units(bytes);
    // The guard's bound, checked as the line grows: whether it trips does not depend on chunking.
    if (this.#openUnits > usageReadLimits.sseEventChars) this.stop("sse_event_too_large");
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
  const lf = chunk.lastIndexOf(10);
  const cr = chunk.lastIndexOf(13);
  const last = Math.max(lf, cr);
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

class JsonFrame implements Frame {
  parseErrors = 0;
  readonly streamError = false;
  stopped: UsageUnknownReason | null = null;
  // No size limit on the body, and no copy of it either: only the members the reader reads are
  // kept, each up to a bound (a larger one stops the scan: see usage_limits.ts).
  readonly #scanner: JsonMemberScanner;
  // A body that arrives in one piece (the proxy reads small bodies whole) goes to the native
  // JSON.parse instead, about twice as fast as the scanner at that size; a second chunk hands
  // everything to the scanner.
  #single: Uint8Array | null = null;
  #scanning = false;

  constructor(private readonly reader: UsageReader) {
    this.#scanner = new JsonMemberScanner(reader.documentMembers);
  }

  push(chunk: Uint8Array): void {
    if (this.#scanning) {
      this.#scanner.push(chunk);
      if (this.#scanner.tooLarge) this.stop("usage_member_too_large");
    } else if (this.#single === null && chunk.byteLength <= singleChunkLimit) {
      // A copy: the caller may reuse its buffer once `push` returns.
      this.#single = chunk.slice();
    } else {
      this.#scanning = true;
      if (this.#single !== null) this.#scanner.push(this.#single);
      this.#single = null;
      this.#scanner.push(chunk);
      if (this.#scanner.tooLarge) this.stop("usage_member_too_large");
    }
  }

  stop(reason: UsageUnknownReason): void {
    this.stopped ??= reason;
    this.#single = null;
    // Ends the scan: the scanner lets go of the members it kept.
    this.#scanner.finish();
  }

  end(complete: boolean): void {
    let members: unknown;
    if (this.#scanning) {
      const scanned = this.#scanner.finish();
      if (!scanned.valid) return this.#invalid(complete);
      members = scanned.members;
    } else {
      try {
        const doc: unknown = JSON.parse(wholeDecoder.decode(this.#single ?? new Uint8Array()));
        members = doc !== null && typeof doc === "object" && !Array.isArray(doc) ? doc : null;
      } catch {
        return this.#invalid(complete);
      }
    }
    try {
      this.reader.document(members);
    } catch {
      this.parseErrors++;
    }
  }

  #invalid(complete: boolean): void {
    // A cut body is expected not to parse; that is a short body, not a malformed one.
    if (complete) this.parseErrors++;
  }
}

/**
 * Bodies up to this size, in one chunk, are parsed whole (see JsonFrame). No larger than the
 * member bound: a member too large for the scanner can then never be read whole instead, and the
 * report stays the same however the body is split.
 */
const singleChunkLimit = usageReadLimits.memberBytes;
// Strips one leading BOM, as the scanner does; invalid UTF-8 becomes U+FFFD, as there.
const wholeDecoder = new TextDecoder();

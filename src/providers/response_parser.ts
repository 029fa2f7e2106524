/**
 * The shared half of every usage parser: framing (SSE through `eventsource-parser`, or a whole
 * JSON document), decoding, error counting and the usage status. A wire format supplies only a
 * `UsageReader` that turns parsed events or documents into figures.
 */
import { createParser, type EventSourceParser } from "eventsource-parser";
import type { Usage } from "../traces/mod.ts";
import { isJsonContentType } from "./json_body.ts";
import type { ResponseInfo, UsageParser, UsageReport } from "./types.ts";

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
}

/** Wire-format state machine. Throwing from `event` or `document` counts as a parse error. */
export interface UsageReader {
  event(data: unknown, eventName: string | undefined): void;
  document(data: unknown): void;
  result(complete: boolean): ReaderResult;
}

const methodsWithoutUsage = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

/** Status and method rules shared by every provider; the path rule is the adapter's. */
export function expectationFor(info: ResponseInfo, pathRule: UsageExpectation): UsageExpectation {
  if (info.status < 200 || info.status >= 300) return "none";
  if (info.method !== undefined && methodsWithoutUsage.has(info.method.toUpperCase())) {
    return "none";
  }
  return pathRule;
}

export function isEventStream(info: ResponseInfo): boolean {
  if (info.contentType === null) return info.requestedStreaming;
  return info.contentType.toLowerCase().includes("text/event-stream");
}

export function createResponseParser(
  info: ResponseInfo,
  expectation: UsageExpectation,
  reader: UsageReader,
): UsageParser {
  const readable = expectation === "expected" ||
    (expectation === "optional" && (isEventStream(info) || isJsonContentType(info.contentType)));
  if (!readable) return noUsageParser(info.requestModel);
  const frame = isEventStream(info) ? new SseFrame(reader) : new JsonFrame(reader);
  let report: UsageReport | null = null;
  return {
    push(chunk) {
      if (report === null) frame.push(chunk);
    },
    finish(complete) {
      if (report !== null) return report;
      frame.end(complete);
      const r = reader.result(complete);
      const known = r.usage !== null && r.final;
      report = {
        model: r.model ?? info.requestModel,
        usage: known ? r.usage : null,
        status: known ? "exact" : expectation === "expected" ? "unknown" : "none",
        parseErrors: frame.parseErrors,
      };
      return report;
    },
  };
}

export function noUsageParser(model: string | null): UsageParser {
  const report: UsageReport = { model, usage: null, status: "none", parseErrors: 0 };
  return { push() {}, finish: () => report };
}

interface Frame {
  parseErrors: number;
  push(chunk: Uint8Array): void;
  end(complete: boolean): void;
}

class SseFrame implements Frame {
  parseErrors = 0;
  readonly #decoder = new TextDecoder();
  readonly #parser: EventSourceParser;

  constructor(reader: UsageReader) {
    // onError is not counted: the SSE parser drops an unknown field line silently when it
    // arrives split across chunks, so counting it would make the report depend on chunking.
    this.#parser = createParser({
      onEvent: (e) => {
        const data = e.data.trim();
        if (data === "" || data === "[DONE]") return;
        try {
          reader.event(JSON.parse(data), e.event);
        } catch {
          this.parseErrors++;
        }
      },
    });
  }

  push(chunk: Uint8Array): void {
    this.#feed(this.#decoder.decode(chunk, { stream: true }));
  }

  end(complete: boolean): void {
    const rest = this.#decoder.decode();
    // A stream that ended cleanly may omit the blank line after its last event; dispatch it.
    // A cut stream's unterminated event is a fragment and is dropped.
    if (complete) this.#feed(rest + "\n\n");
  }

  #feed(text: string): void {
    if (text === "") return;
    try {
      this.#parser.feed(text);
    } catch {
      this.parseErrors++;
    }
  }
}

class JsonFrame implements Frame {
  parseErrors = 0;
  // No size limit: the capture cap is for stored bodies, never for the usage at the end.
  #chunks: Uint8Array[] = [];
  #length = 0;

  constructor(private readonly reader: UsageReader) {}

  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk.slice());
    this.#length += chunk.length;
  }

  end(complete: boolean): void {
    const all = new Uint8Array(this.#length);
    let offset = 0;
    for (const c of this.#chunks) {
      all.set(c, offset);
      offset += c.length;
    }
    this.#chunks = [];
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(all));
    } catch {
      // A cut body is expected not to parse; that is a short body, not a malformed one.
      if (complete) this.parseErrors++;
      return;
    }
    try {
      this.reader.document(doc);
    } catch {
      this.parseErrors++;
    }
  }
}

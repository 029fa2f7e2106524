/**
 * Gemini's in-band stream error. Gemini and Vertex abort a 200 stream by writing a JSON error
 * object straight into the body, outside SSE framing, possibly pretty-printed over many lines:
 *
 * ```
 * {
 *   "error": {
 *     "code": 429,
 *     "message": "Resource exhausted. Please try again later. ...",
 *     "status": "RESOURCE_EXHAUSTED"
 *   }
 * }
 * ```
 *
 * (googleapis/python-genai #1162, Vertex 429 line by line; maximhq/bifrost PR #372 "Handle raw JSON
 * errors (without "data: " prefix)"; OmniRoute #4177 503 `UNAVAILABLE`.) An SSE parser sees each
 * such line as an unknown field and drops it; the SSE frame hands those lines here instead
 * (`UsageReader.unframed`, `CommitRules.unframed`), one whole line at a time, line ends removed.
 *
 * `@google/genai` raises `ApiError` for it: it `JSON.parse`s every raw network read and throws
 * when the value has an `error` object with a numeric `code` in 400-599 (`processStreamResponse`,
 * `_api_client.ts:708-730` @ 6e9b35c; 3.6.1 `throwIfStreamErrorChunk`, also applied to every
 * `data:` payload), and throws "Incomplete JSON segment at the end" for text left unframed when
 * the body ends (line 703).
 *
 * Bounded: an object is assembled up to `maxUnframedChars`; brace depth is tracked as lines come
 * (strings and escapes included), so each line is scanned once and parsed only when it closes
 * the object.
 */
import { isRecord, type JsonObject } from "./json_body.ts";

/** Far above any google.rpc error body (a few KB with details), far below the SSE bound. */
export const maxUnframedChars = 64 * 1024;

export type UnframedResult =
  /** More lines are needed (an object is open), or the line was blank. */
  | { kind: "pending" }
  /** A complete JSON object whose `error` member is an object: the stream's error. */
  | { kind: "error"; error: JsonObject }
  /** Text that is neither SSE nor a JSON error object (an HTML page, a stray line, a bound). */
  | { kind: "garbage"; detail: string };

export class UnframedJsonAssembler {
  #lines: string[] = [];
  #chars = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;

  /** One line that is no SSE field, without its line end. */
  push(line: string): UnframedResult {
    const open = this.#lines.length > 0;
    const text = line.trim();
    if (!open) {
      if (text === "") return { kind: "pending" };
      const first = text.charCodeAt(0);
      if (first !== 123 && first !== 91) return this.#garbage(text, "a line that is not SSE");
    }
    this.#chars += line.length + 1;
    if (this.#chars > maxUnframedChars) {
      return this.#garbage(text, `unframed text past ${maxUnframedChars} characters`);
    }
    this.#lines.push(line);
    if (!this.#scan(line)) return this.#garbage(text, "unbalanced JSON outside SSE framing");
    if (this.#depth > 0) return { kind: "pending" };
    const whole = this.#lines.join("\n");
    this.#reset();
    return parseError(whole);
  }

  /** An object still open (the body ended or an SSE line came in the middle of it). */
  get open(): boolean {
    return this.#lines.length > 0;
  }

  /** Drops what is open; returns a garbage result when something was. */
  flush(): UnframedResult {
    if (!this.open) return { kind: "pending" };
    const text = this.#lines[0]!.trim();
    return this.#garbage(text, "an unfinished JSON text outside SSE framing");
  }

  /** Depth over the line; false when it closes more than it opened. */
  #scan(line: string): boolean {
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === 92) this.#escaped = true;
        else if (c === 34) this.#inString = false;
      } else if (c === 34) this.#inString = true;
      else if (c === 123 || c === 91) this.#depth++;
      else if (c === 125 || c === 93) {
        this.#depth--;
        if (this.#depth < 0) return false;
        // Text after the value closed (two objects on one line) is not one error object.
        if (this.#depth === 0 && line.slice(i + 1).trim() !== "") return false;
      }
    }
    // A JSON string never spans lines: a raw line end inside one is invalid JSON.
    return !this.#inString;
  }

  #garbage(text: string, why: string): UnframedResult {
    this.#reset();
    const preview = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    return { kind: "garbage", detail: `${why}: ${JSON.stringify(preview)}` };
  }

  #reset(): void {
    this.#lines = [];
    this.#chars = 0;
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
  }
}

function parseError(text: string): UnframedResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "garbage", detail: "JSON outside SSE framing that does not parse" };
  }
  if (Array.isArray(value)) value = value[0];
  if (isRecord(value) && isRecord(value.error)) return { kind: "error", error: value.error };
  return { kind: "garbage", detail: "a JSON value outside SSE framing that is no error object" };
}

/**
 * A streamed answer's visible text as its bytes arrive, for a terminal (`ongoingai replay` prints
 * it while the stream runs), through the protocol's own SSE decoder (answer_summary_streams.ts).
 * Only SSE streams: Bedrock's AWS event stream and Gemini's JSON-array stream are summarized once
 * they end. The parser bounds each event (`maxEventChars`); an event the decoder cannot read stops
 * the feed, and the summary of the whole answer then says what went wrong.
 */
import type { Protocol } from "./ir.ts";
import { SseParser } from "./sse_stream.ts";
import { type SseEventDecoder, sseEventDecoder } from "./answer_summary_streams.ts";

export class AnswerTextFeed {
  readonly #parser = new SseParser();
  readonly #utf8 = new TextDecoder();
  #stopped = false;

  private constructor(private readonly decoder: SseEventDecoder) {}

  /** A feed for an answer of `protocol` sent as `contentType`; null when it is no SSE stream. */
  static of(protocol: Protocol | null, contentType: string | null): AnswerTextFeed | null {
    if (protocol === null || protocol === "bedrock.converse") return null;
    if (!(contentType ?? "").toLowerCase().includes("text/event-stream")) return null;
    return new AnswerTextFeed(sseEventDecoder(protocol));
  }

  /** The text the bytes completed ("" when none). */
  push(bytes: Uint8Array): string {
    if (this.#stopped) return "";
    let out = "";
    try {
      for (const m of this.#parser.push(this.#utf8.decode(bytes, { stream: true }))) {
        for (const e of this.decoder.push(m)) if (e.type === "text_delta") out += e.text;
      }
    } catch {
      this.#stopped = true;
    }
    return out;
  }
}

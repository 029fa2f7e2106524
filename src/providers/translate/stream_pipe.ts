/**
 * One translated stream, bytes to bytes (plan section 4): the upstream's framing (SSE or the AWS
 * event stream), its decoder, the IR event checker, the client's encoder and framing. Each
 * upstream chunk is translated when it arrives; nothing waits for the end. Anything the pipe
 * cannot read (a malformed event, an event out of order, a stream that stops without saying
 * how) ends the client's stream with its protocol's error event, never a clean end or a hang.
 */
import type { Protocol, Response } from "./ir.ts";
import type { ProviderError, StreamEvent } from "./ir_stream.ts";
import type { Notes } from "./notes.ts";
import { type SseMessage, SseParser, writeSse } from "./sse_stream.ts";
import { collectResponse, StreamChecker } from "./stream_events.ts";
import { AnthropicStreamDecoder, AnthropicStreamEncoder } from "./anthropic_messages_stream.ts";
import { ChatStreamDecoder, ChatStreamEncoder } from "./openai_chat_stream.ts";
import { ResponsesStreamDecoder } from "./openai_responses_stream.ts";
import { ResponsesStreamEncoder } from "./openai_responses_stream_encode.ts";
import { GeminiStreamDecoder } from "./gemini_stream.ts";
import { ConverseStreamDecoder } from "./bedrock_converse_stream.ts";
import { EventStreamDecoder } from "../aws_eventstream.ts";
import { concatBytes } from "../../bytes.ts";
import { bedrockStreamMessage } from "../bedrock_stream.ts";
import { chatDialectOf, type ClientProtocol, type UpstreamTarget } from "./protocols.ts";
import { openaiDialect } from "./openai_chat_messages.ts";

/** Upstream bytes → IR events. */
interface UpstreamDecoding {
  push(chunk: Uint8Array): StreamEvent[];
  end(): StreamEvent[];
}

/** IR events → client text. */
type ClientEncoding = (e: StreamEvent) => string;

export interface StreamPipeOptions {
  target: UpstreamTarget;
  client: ClientProtocol;
  /** Chat clients get the usage chunk only when they asked for it. */
  includeUsage: boolean;
  /** The answer's id where the upstream carries none (Gemini, Converse); always a Responses client's. */
  id: string;
  /** Unix seconds, the gateway's clock. */
  createdAt: number;
  notes: Notes;
  /** Keep the answer's events so `answer()` can give it whole (the Responses store). */
  collect?: boolean;
  /**
   * The thinking state seal (state_seal_stream.ts) between the checker and the client's
   * encoder; used by `pushSealed`/`endSealed`. The answer kept by `collect` is the unsealed one.
   */
  seal?: (e: StreamEvent) => Promise<StreamEvent[]>;
}

/** The most text an answer kept whole may hold; a longer one is not kept (`answer()` is null). */
export const maxCollectedChars = 4 * 1024 * 1024;

export class StreamPipe {
  readonly #decoder: UpstreamDecoding;
  readonly #encode: ClientEncoding;
  readonly #checker = new StreamChecker();
  readonly #bytes = new TextEncoder();
  #done = false;
  #events: StreamEvent[] | null;
  #collected = 0;
  /** The IR error that ended the stream, if one did (the upstream's or the pipe's own). */
  error: ProviderError | null = null;

  constructor(readonly o: StreamPipeOptions) {
    this.#decoder = upstreamDecoding(o);
    this.#encode = clientEncoding(o);
    this.#events = o.collect === true ? [] : null;
  }

  /** The stream ended, with its stop or an error. */
  get finished(): boolean {
    return this.#done;
  }

  /** The whole answer, when it was collected, ended with its stop, and stayed within bounds. */
  answer(): Response | null {
    if (!this.#done || this.error !== null || this.#events === null) return null;
    try {
      return collectResponse(this.#events);
    } catch {
      return null;
    }
  }

  #keep(e: StreamEvent): void {
    if (this.#events === null) return;
    // Every event costs something kept (a flood of empty deltas too), a state its value.
    const size = 64 + ("text" in e ? e.text.length : "json" in e ? e.json.length : 0) +
      (e.type === "state" ? e.state.value.length : 0);
    this.#collected += size;
    if (this.#collected > maxCollectedChars) this.#events = null;
    else this.#events.push(e);
  }

  /** Client bytes for this upstream chunk (often none: an event is not complete yet). */
  push(chunk: Uint8Array): Uint8Array {
    if (this.#done) return empty;
    return this.#run(() => this.#decoder.push(chunk));
  }

  /** The upstream ended: the last client bytes (an error event when it ended without a stop). */
  end(): Uint8Array {
    if (this.#done) return empty;
    return this.#ended(this.#run(() => this.#decoder.end()));
  }

  /** `push` with the `seal` step (asynchronous: Web Crypto) between checker and encoder. */
  async pushSealed(chunk: Uint8Array): Promise<Uint8Array> {
    if (this.#done) return empty;
    return await this.#runSealed(() => this.#decoder.push(chunk));
  }

  /** `end` with the `seal` step. */
  async endSealed(): Promise<Uint8Array> {
    if (this.#done) return empty;
    return this.#ended(await this.#runSealed(() => this.#decoder.end()));
  }

  /** The upstream broke off (cut, stalled): the client's stream ends with an error event. */
  abort(reason: unknown): Uint8Array {
    if (this.#done) return empty;
    const why = reason instanceof Error ? reason.message : String(reason);
    return this.#fail(new Error(`the upstream's stream broke off (${why.slice(0, 200)})`));
  }

  #ended(tail: Uint8Array): Uint8Array {
    if (this.#done) return tail;
    try {
      this.#checker.end();
      return tail;
    } catch (e) {
      return concat(tail, this.#fail(e));
    }
  }

  /** A decoded event admitted: renamed, checked, kept; the stream's end noted. */
  #admit(decoded: StreamEvent): StreamEvent {
    // A Responses client's answer carries the gateway's id (it names the stored turn).
    const e = decoded.type === "start" && this.o.client === "openai.responses"
      ? { ...decoded, id: this.o.id }
      : decoded;
    this.#checker.push(e);
    this.#keep(e);
    if (e.type === "error") this.error = e.error;
    if (e.type === "error" || e.type === "stop") this.#done = true;
    return e;
  }

  #run(decode: () => StreamEvent[]): Uint8Array {
    let text = "";
    try {
      for (const decoded of decode()) {
        if (this.#done) break;
        text += this.#encode(this.#admit(decoded));
      }
    } catch (e) {
      return concat(this.#bytes.encode(text), this.#fail(e));
    }
    return this.#bytes.encode(text);
  }

  async #runSealed(decode: () => StreamEvent[]): Promise<Uint8Array> {
    const seal = this.o.seal ?? ((e: StreamEvent) => Promise.resolve([e]));
    let text = "";
    try {
      for (const decoded of decode()) {
        if (this.#done) break;
        for (const e of await seal(this.#admit(decoded))) text += this.#encode(e);
      }
    } catch (e) {
      return concat(this.#bytes.encode(text), this.#fail(e));
    }
    return this.#bytes.encode(text);
  }

  /** The pipe's own failure, told to the client in its protocol's words. */
  #fail(e: unknown): Uint8Array {
    this.#done = true;
    const why = e instanceof Error ? e.message : String(e);
    this.error = {
      kind: "server",
      status: 502,
      message: `gateway: the ${this.o.target.protocol} stream could not be translated: ${
        why.slice(0, 300)
      }`,
      retryAfterMs: null,
    };
    try {
      return this.#bytes.encode(this.#encode({ type: "error", error: this.error }));
    } catch {
      return empty;
    }
  }
}

const empty = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.byteLength === 0 ? b : concatBytes([a, b]);
}

/** An SSE upstream: text framing, then the protocol's decoder per message. */
function sseDecoding(
  onMessage: (m: SseMessage) => StreamEvent[],
  onEnd: () => StreamEvent[],
): UpstreamDecoding {
  const text = new TextDecoder();
  const parser = new SseParser();
  const all = (messages: SseMessage[]) => messages.flatMap(onMessage);
  return {
    push: (chunk) => all(parser.push(text.decode(chunk, { stream: true }))),
    end: () => {
      const out = all(parser.push(text.decode()));
      const last = parser.end();
      if (last !== null) out.push(...onMessage(last));
      return out.concat(onEnd());
    },
  };
}

function upstreamDecoding(o: StreamPipeOptions): UpstreamDecoding {
  const { target, notes } = o;
  switch (target.protocol as Protocol) {
    case "openai.chat": {
      const d = new ChatStreamDecoder(chatDialectOf(target.kind), notes);
      return sseDecoding((m) => d.push(m), () => d.end());
    }
    case "anthropic.messages": {
      const d = new AnthropicStreamDecoder(notes);
      return sseDecoding((m) => d.push(m), () => d.end());
    }
    case "openai.responses": {
      const d = new ResponsesStreamDecoder(notes);
      return sseDecoding((m) => d.push(JSON.parse(m.data)), () => []);
    }
    case "gemini.generate": {
      const d = new GeminiStreamDecoder(target.model, notes);
      return sseDecoding((m) => d.chunk(JSON.parse(m.data)), () => d.end());
    }
    case "bedrock.converse":
      return converseDecoding(o);
  }
}

function converseDecoding(o: StreamPipeOptions): UpstreamDecoding {
  const frames = new EventStreamDecoder();
  const d = new ConverseStreamDecoder({ id: o.id, model: o.target.model });
  return {
    push: (chunk) => {
      const out = frames.push(chunk).flatMap((m) => d.message(bedrockStreamMessage(m), o.notes));
      if (frames.stopped !== null) throw new Error(`event stream: ${frames.detail}`);
      return out;
    },
    end: () => d.finish(),
  };
}

function clientEncoding(o: StreamPipeOptions): ClientEncoding {
  const sse = (messages: SseMessage[]) => messages.map(writeSse).join("");
  const client = o.client === "anthropic.count_tokens" ? "anthropic.messages" : o.client;
  switch (client) {
    case "openai.chat": {
      const options = {
        dialect: openaiDialect,
        created: o.createdAt,
        includeUsage: o.includeUsage,
      };
      const e = new ChatStreamEncoder(options, o.notes);
      return (ev) => sse(e.push(ev));
    }
    case "anthropic.messages": {
      const e = new AnthropicStreamEncoder(o.notes);
      return (ev) => sse(e.push(ev));
    }
    case "openai.responses": {
      const e = new ResponsesStreamEncoder({ createdAt: o.createdAt }, o.notes);
      return (ev) =>
        sse(e.push(ev).map((obj) => ({ event: String(obj["type"]), data: JSON.stringify(obj) })));
    }
  }
}

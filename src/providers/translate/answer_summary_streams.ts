/**
 * The streamed answers `summarizeAnswer` reads (answer_summary.ts), each through the decoder the
 * stream pipe uses for it (stream_pipe.ts): SSE through `SseParser`, Bedrock's AWS event stream
 * through `EventStreamDecoder`, Gemini's JSON-array stream (`streamGenerateContent` without
 * `alt=sse`) through `JSON.parse` (cut: the array up to its last whole chunk), Gemini's raw JSON
 * error outside SSE framing through the adapters' `UnframedJsonAssembler`. Nothing here parses
 * a wire format itself.
 *
 * The bytes are fed in slices so that only one event's events exist at a time: a trace's body
 * may be tens of MiB. Every message's events reach the sink before the next message is decoded,
 * so an unreadable event keeps everything before it.
 */
import type { Protocol } from "./ir.ts";
import type { StreamEvent } from "./ir_stream.ts";
import { Notes } from "./notes.ts";
import { type SseMessage, SseParser } from "./sse_stream.ts";
import { AnthropicStreamDecoder } from "./anthropic_messages_stream.ts";
import { ChatStreamDecoder } from "./openai_chat_stream.ts";
import { ResponsesStreamDecoder } from "./openai_responses_stream.ts";
import { GeminiStreamDecoder } from "./gemini_stream.ts";
import { ConverseStreamDecoder } from "./bedrock_converse_stream.ts";
import { chatDialectOf } from "./protocols.ts";
import { EventStreamDecoder } from "../aws_eventstream.ts";
import { bedrockStreamMessage } from "../bedrock_stream.ts";
import { maxUnframedChars, UnframedJsonAssembler } from "../gemini_unframed.ts";
import type { JsonObject } from "../json_body.ts";

/** Receives each decoded message's events; false once the answer ended (stop or error). */
export type EventSink = (events: StreamEvent[]) => boolean;

/** What a framing read: how many messages it handed on, and a problem it found itself. */
export interface StreamRead {
  messages: number;
  /** A framing problem that is not the decoder's (a corrupt event-stream frame); else null. */
  problem: string | null;
  /** The body ended inside a message (a cut one): not garbage, a stream broken off. */
  pending: boolean;
}

/** A stream read through its decoder. */
export interface StreamReading {
  read: StreamRead;
  /** Events the body said outside its framing (Gemini's raw JSON error), as the stream's own;
   *  asked only when the stream did not end. */
  unframed?: () => StreamEvent[];
  /** The decoder's end of body: its stop when the stream had said how it ends, else the error
   *  of a stream cut before its end. */
  end: () => StreamEvent[];
}

/** The slice fed at a time: a few events' worth, so the parsed events never pile up. */
const sliceBytes = 64 * 1024;

/**
 * How many trailing candidates a cut JSON-array stream is tried at (each costs one
 * `JSON.parse` of the prefix): a string holding `},{` can mislead one candidate, not three.
 */
const arrayCutTries = 3;

/**
 * One streamed answer read to its end through `sink`. `truncated`: the body was cut by the
 * capture cap, so the last SSE event (maybe cut) is left out. `jsonArray`: a Gemini answer is
 * the JSON array of chunks (`streamGenerateContent` without `alt=sse`), not SSE. Throws what the
 * decoder throws (an event it cannot read).
 */
/** An SSE message's events through the protocol's stream decoder, and the decoder's end. */
export interface SseEventDecoder {
  push(m: SseMessage): StreamEvent[];
  end(): StreamEvent[];
}

/**
 * The decoder for a protocol's SSE stream (all but Bedrock, whose stream is the AWS event
 * stream); also what `ongoingai replay` prints a streamed answer's text with as it arrives.
 * Throws what the decoder throws (an event it cannot read).
 */
export function sseEventDecoder(protocol: Exclude<Protocol, "bedrock.converse">): SseEventDecoder {
  const notes = new Notes();
  switch (protocol) {
    case "openai.chat": {
      const d = new ChatStreamDecoder(chatDialectOf("openai-compatible"), notes);
      return { push: (m) => d.push(m), end: () => d.end() };
    }
    case "anthropic.messages": {
      const d = new AnthropicStreamDecoder(notes);
      return { push: (m) => d.push(m), end: () => d.end() };
    }
    case "openai.responses": {
      const d = new ResponsesStreamDecoder(notes);
      return { push: (m) => d.push(JSON.parse(m.data)), end: () => [] };
    }
    case "gemini.generate": {
      const d = new GeminiStreamDecoder("", notes);
      return { push: (m) => d.chunk(JSON.parse(m.data)), end: () => d.end() };
    }
  }
}

export function readStream(
  protocol: Protocol,
  bytes: Uint8Array,
  truncated: boolean,
  jsonArray: boolean,
  sink: EventSink,
): StreamReading {
  const notes = new Notes();
  switch (protocol) {
    case "openai.chat":
    case "anthropic.messages":
    case "openai.responses": {
      const d = sseEventDecoder(protocol);
      return { read: readSse(bytes, truncated, (m) => sink(d.push(m))), end: () => d.end() };
    }
    case "gemini.generate": {
      const d = new GeminiStreamDecoder("", notes);
      const chunk = (data: unknown) => sink(d.chunk(data));
      if (jsonArray) return { read: readJsonArray(bytes, truncated, chunk), end: () => d.end() };
      const read = readSse(bytes, truncated, (m) => chunk(JSON.parse(m.data)));
      const unframed = () => {
        const error = geminiUnframedError(bytes);
        return error === null ? [] : d.chunk({ error });
      };
      return { read, unframed, end: () => d.end() };
    }
    case "bedrock.converse": {
      const d = new ConverseStreamDecoder({ id: "", model: "" });
      const read = readEventStream(bytes, (m) => sink(d.message(bedrockStreamMessage(m), notes)));
      return { read, end: () => d.finish() };
    }
  }
}

type Each<T> = (message: T) => boolean;

function readSse(
  bytes: Uint8Array,
  truncated: boolean,
  each: Each<{ event: string | null; data: string }>,
): StreamRead {
  const text = new TextDecoder();
  const parser = new SseParser();
  let messages = 0;
  for (let at = 0; at < bytes.length; at += sliceBytes) {
    const slice = bytes.subarray(at, at + sliceBytes);
    for (const m of parser.push(text.decode(slice, { stream: true }))) {
      messages++;
      if (!each(m)) return { messages, problem: null, pending: false };
    }
  }
  for (const m of parser.push(text.decode())) {
    messages++;
    if (!each(m)) return { messages, problem: null, pending: false };
  }
  // An event without its blank line: the stream's last (`data: [DONE]` with no line end), or
  // one cut when the body was capped or the upstream broke off. Unreadable, it is the cut.
  const last = parser.end();
  if (last === null || truncated) return { messages, problem: null, pending: last !== null };
  try {
    each(last);
    return { messages: messages + 1, problem: null, pending: false };
  } catch {
    return { messages, problem: null, pending: true };
  }
}

function readEventStream(
  bytes: Uint8Array,
  each: Each<Parameters<typeof bedrockStreamMessage>[0]>,
): StreamRead {
  const frames = new EventStreamDecoder();
  let messages = 0;
  for (let at = 0; at < bytes.length && frames.stopped === null; at += sliceBytes) {
    for (const m of frames.push(bytes.subarray(at, at + sliceBytes))) {
      messages++;
      if (!each(m)) return { messages, problem: null, pending: false };
    }
  }
  if (frames.stopped !== null) {
    return { messages, problem: `event stream: ${frames.detail}`, pending: false };
  }
  const dropped = frames.corruptFrames;
  const problem = dropped === 0
    ? null
    : `event stream: ${dropped} frame(s) failed their CRC check and were skipped`;
  return { messages, problem, pending: frames.pending > 0 };
}

/**
 * Gemini's JSON array of chunks: parsed whole when it is whole; when it was cut (the capture
 * cap, an upstream that broke off), the chunks before the cut: the array up to its last
 * `}`-`,`-`{` separator, closed with `]`.
 */
function readJsonArray(bytes: Uint8Array, truncated: boolean, each: Each<unknown>): StreamRead {
  const text = new TextDecoder().decode(bytes);
  let chunks: unknown;
  let pending = false;
  try {
    chunks = JSON.parse(text);
  } catch (e) {
    // Cut by the cap, or broken off by the upstream: the chunks before the cut. Nothing whole
    // in a body that was not capped: it is no such array.
    chunks = wholeChunks(text);
    pending = true;
    if (!truncated && (chunks as unknown[]).length === 0) throw e;
  }
  if (!Array.isArray(chunks)) {
    throw new SyntaxError("the body is not a JSON array of Gemini chunks");
  }
  let messages = 0;
  for (const c of chunks) {
    messages++;
    if (!each(c)) break;
  }
  return { messages, problem: null, pending };
}

/** The whole chunks of a JSON array cut short; [] when none is whole (or none is found). */
function wholeChunks(text: string): unknown[] {
  if (text.charCodeAt(nextSolid(text, 0)) !== LBRACKET) return [];
  const candidates: number[] = [];
  const last = prevSolid(text, text.length - 1);
  if (text.charCodeAt(last) === RBRACE) candidates.push(last + 1);
  // Separators from the end: a comma with `}` before it and `{` (or the cut) after it.
  let at = text.lastIndexOf(",");
  while (at > 0 && candidates.length < arrayCutTries) {
    const before = prevSolid(text, at - 1);
    const after = nextSolid(text, at + 1);
    if (
      text.charCodeAt(before) === RBRACE &&
      (after === text.length || text.charCodeAt(after) === LBRACE)
    ) {
      candidates.push(before + 1);
    }
    at = text.lastIndexOf(",", at - 1);
  }
  for (const close of candidates) {
    try {
      const chunks = JSON.parse(`${text.slice(0, close)}]`);
      if (Array.isArray(chunks)) return chunks;
    } catch {
      // The `}` was inside a string of the cut chunk: try the separator before it.
    }
  }
  return [];
}

const LBRACKET = 0x5b, LBRACE = 0x7b, RBRACE = 0x7d;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The first index from `i` on that is not JSON whitespace (`text.length` when none). */
function nextSolid(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The last index at or before `i` that is not JSON whitespace (-1 when none). */
function prevSolid(text: string, i: number): number {
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  return i;
}

/** An SSE field line (or comment): what `SseParser` reads; every other line is unframed. */
const sseField = /^(?:data|event|id|retry)(?::|$)|^:/;

/**
 * Gemini (and Vertex) end a failing stream by writing the error as a raw JSON object after its
 * last event, outside SSE framing and maybe over many lines (gemini_unframed.ts): `SseParser`
 * drops such lines. Read from the body's tail (the object is at most `maxUnframedChars`) with
 * the adapters' own assembler; the last error object found, or null.
 */
function geminiUnframedError(bytes: Uint8Array): JsonObject | null {
  const tail = new TextDecoder().decode(
    bytes.subarray(Math.max(0, bytes.length - 4 * maxUnframedChars)),
  );
  const assembler = new UnframedJsonAssembler();
  let found: JsonObject | null = null;
  for (const line of tail.split(/\r\n|\r|\n/)) {
    if (sseField.test(line)) {
      assembler.flush();
      continue;
    }
    const r = assembler.push(line);
    if (r.kind === "error") found = r.error;
  }
  return found;
}

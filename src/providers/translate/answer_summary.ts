/**
 * What an answer said, for `ongoingai replay --compare` (research/issue22_plan.md R1): the text,
 * how much visible reasoning, which tools it called, how it stopped or the error it carried, and
 * whether the recorded bytes hold the whole answer. Pure: bytes in, a bounded summary out, never
 * a throw.
 *
 * Read through the translation layer's own codecs, so the summary means what a translated answer
 * means: a document through `decodeUpstreamResponse`, an error document or in-band stream error
 * through `inBandErrorOf` (its message prefixed with the provider: `anthropic: Overloaded`), a
 * stream through the stream pipe's decoders (answer_summary_streams.ts). The stream's IR events
 * are folded as they come instead of kept for `collectResponse`: a capped trace body may be tens
 * of MiB, and a stream cut inside a tool call has arguments `collectResponse` cannot parse.
 *
 * Which framing: the bytes decide. A body whose first solid character is `{` is a JSON document
 * (an error answered before a stream started is one too); `[` is Gemini's JSON-array stream;
 * anything else the protocol's stream (SSE, Bedrock's AWS event stream).
 *
 * Problems reading the bytes (not JSON, an event the decoder refuses, a corrupt frame) are
 * reported in `error` prefixed `gateway:`, so they are told apart from a provider's own error.
 */
import { type ContentBlock, type Protocol, protocols } from "./ir.ts";
import type { StreamEvent } from "./ir_stream.ts";
import { isObject } from "./json.ts";
import { Notes } from "./notes.ts";
import { inBandErrorOf } from "./errors_in_band.ts";
import { clientCodecOf, clientProtocolOf, decodeUpstreamResponse } from "./protocols.ts";
import { readStream, type StreamRead } from "./answer_summary_streams.ts";
import type { ProviderKind } from "../kinds.ts";
import { cleanPath } from "../paths.ts";
import { type ModelMethod, parseGeminiPath } from "../gemini_paths.ts";
import { parseVertexPath, type VertexPath } from "../vertex_paths.ts";
import { parseBedrockPath } from "../bedrock_model_id.ts";
import { parseAzurePath } from "../azure_paths.ts";

export interface AnswerSummary {
  /** The assistant's visible output text, concatenated in order, at most `maxSummaryTextChars`. */
  text: string;
  text_truncated: boolean;
  /** Characters of visible thinking or reasoning summary; 0 when the answer reasoned but showed
   *  none (redacted, encrypted); null when it carried no reasoning at all. */
  reasoning_chars: number | null;
  /** The tool calls in order, at most `maxSummaryToolCalls`. `arguments_chars`: the arguments'
   *  JSON text as the answer carried it (compact JSON where the protocol carries an object). */
  tool_calls: { name: string; arguments_chars: number }[];
  tool_calls_truncated: boolean;
  /** The IR's stop reason (`end_turn`, `tool_use`, `max_tokens`, ...); null when none was said. */
  stop_reason: string | null;
  /** An error answer's message (an error document, an in-band stream error), or why the bytes
   *  could not be read (`gateway: ...`); null otherwise. */
  error: string | null;
  /** False when the body was cut (capture cap) or ended without its protocol's end. */
  complete: boolean;
}

export interface AnswerInput {
  protocol: Protocol;
  /** The answer's `content-type`, when recorded. The bytes decide the framing (no format's first
   *  byte is another's); the type is named when the bytes cannot be read (`text/html`). */
  contentType: string | null;
  bytes: Uint8Array;
  /** The recorded body was cut by the capture cap (`body_max_size`). */
  truncated: boolean;
}

/** Text kept of an answer: enough to compare two answers by eye. */
export const maxSummaryTextChars = 64 * 1024;
/** Tool calls listed; past it `tool_calls_truncated`. */
export const maxSummaryToolCalls = 256;

type ToolSummary = AnswerSummary["tool_calls"][number];

/** The summary built as content arrives, bounded whatever the answer holds. */
class SummaryFold {
  readonly #parts: string[] = [];
  #chars = 0;
  #textTruncated = false;
  #reasoning: number | null = null;
  readonly #tools: ToolSummary[] = [];
  #toolsTruncated = false;
  /** IR block index → its listed tool call. */
  readonly #toolAt = new Map<number, ToolSummary>();
  stop: string | null = null;
  error: string | null = null;
  /** The stream said how it ended (a stop, or its error). */
  ended = false;

  text(s: string): void {
    if (s === "" || this.#textTruncated) return;
    const room = maxSummaryTextChars - this.#chars;
    if (s.length <= room) {
      this.#parts.push(s);
      this.#chars += s.length;
      return;
    }
    this.#textTruncated = true;
    // Never half of a surrogate pair at the cut.
    const cut = room > 0 && isHighSurrogate(s.charCodeAt(room - 1)) ? room - 1 : room;
    this.#parts.push(s.slice(0, cut));
    this.#chars += cut;
  }

  thinking(chars: number): void {
    this.#reasoning = (this.#reasoning ?? 0) + chars;
  }

  tool(index: number | null, name: string, argumentsChars: number): void {
    if (this.#tools.length >= maxSummaryToolCalls) {
      this.#toolsTruncated = true;
      return;
    }
    const t = { name, arguments_chars: argumentsChars };
    this.#tools.push(t);
    if (index !== null) this.#toolAt.set(index, t);
  }

  block(b: ContentBlock): void {
    if (b.type === "text") this.text(b.text);
    else if (b.type === "thinking") this.thinking(b.text.length);
    else if (b.type === "redacted_thinking") this.thinking(0);
    else if (b.type === "tool_call") {
      this.tool(null, b.name, (b.argumentsText ?? JSON.stringify(b.arguments)).length);
    }
  }

  events(events: readonly StreamEvent[], atEnd: boolean): void {
    for (const e of events) this.event(e, atEnd);
  }

  /** One IR stream event; `atEnd`: given by the decoder's end of body, not by a message. */
  event(e: StreamEvent, atEnd: boolean): void {
    if (this.ended) return;
    switch (e.type) {
      case "block_start":
        if (e.block.type === "thinking" || e.block.type === "redacted_thinking") this.thinking(0);
        if (e.block.type === "tool_call") this.tool(e.index, e.block.name, 0);
        return;
      case "text_delta":
        return this.text(e.text);
      case "thinking_delta":
        return this.thinking(e.text.length);
      case "arguments_delta": {
        const t = this.#toolAt.get(e.index);
        if (t !== undefined) t.arguments_chars += e.json.length;
        return;
      }
      case "stop":
        // A decoder's end of body stops without a reason when the stream never gave one
        // (Converse without `messageStop`): that is no stop the answer said.
        if (atEnd && e.providerStopReason === null) return;
        this.stop = e.stopReason;
        this.ended = true;
        return;
      case "error":
        // At the end of the body an error is the decoder's "ended before ...": a cut, said by
        // `complete`, not an error the provider sent.
        if (atEnd) return;
        this.error = e.error.message;
        this.ended = true;
        return;
    }
  }

  summary(complete: boolean): AnswerSummary {
    return {
      text: this.#parts.join(""),
      text_truncated: this.#textTruncated,
      reasoning_chars: this.#reasoning,
      tool_calls: this.#tools,
      tool_calls_truncated: this.#toolsTruncated,
      stop_reason: this.stop,
      error: this.error,
      complete,
    };
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Why the bytes could not be read, bounded, with the content type they came with. */
function problem(input: AnswerInput, what: string): string {
  const type = input.contentType === null
    ? ""
    : ` (content-type ${input.contentType.slice(0, 100)})`;
  return `gateway: the recorded ${input.protocol} answer ${what.slice(0, 300)}${type}`;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The summary of one recorded answer. Never throws. */
export function summarizeAnswer(input: AnswerInput): AnswerSummary {
  const fold = new SummaryFold();
  const { protocol, bytes, truncated } = input;
  const first = firstSolidByte(bytes);
  if (first === null) {
    fold.error = bytes.length === 0
      ? "gateway: the recorded answer is empty"
      : "gateway: the recorded answer holds only whitespace";
    return fold.summary(false);
  }
  // `{` is a document (no event stream starts with it: an SSE line would be no field, an AWS
  // frame's length 2 GB); `[` is Gemini's JSON-array stream, or no answer of the others.
  if (first === LBRACE || (first === LBRACKET && protocol !== "gemini.generate")) {
    return summarizeDocument(input, fold);
  }
  let read: StreamRead = { messages: 0, problem: null, pending: false };
  let complete = false;
  try {
    const stream = readStream(protocol, bytes, truncated, first === LBRACKET, (events) => {
      fold.events(events, false);
      return !fold.ended;
    });
    read = stream.read;
    if (!fold.ended) fold.events(stream.unframed?.() ?? [], false);
    if (!fold.ended) fold.events(stream.end(), true);
    complete = fold.ended && !truncated && read.problem === null && !read.pending;
  } catch (e) {
    fold.error ??= problem(input, `stream could not be read: ${reason(e)}`);
    return fold.summary(false);
  }
  if (read.problem !== null) fold.error ??= problem(input, `stream is broken: ${read.problem}`);
  else if (read.messages === 0 && !truncated && !read.pending) {
    fold.error ??= problem(input, "is neither a JSON document nor a stream (no event in it)");
  }
  return fold.summary(complete);
}

const LBRACE = 0x7b, LBRACKET = 0x5b;

/** The first byte that is not JSON whitespace or a UTF-8 byte-order mark; null when none. */
function firstSolidByte(bytes: Uint8Array): number | null {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c;
  }
  return null;
}

/** A whole JSON document: an error answer, or the protocol's answer. */
function summarizeDocument(input: AnswerInput, fold: SummaryFold): AnswerSummary {
  const { protocol, truncated } = input;
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(input.bytes));
  } catch (e) {
    // A document cut by the capture cap is not JSON: nothing of it can be read, and it says so.
    if (!truncated) fold.error = problem(input, `is not JSON: ${reason(e)}`);
    return fold.summary(false);
  }
  if (isErrorDocument(protocol, body)) {
    fold.error = inBandErrorOf(protocol, body).message;
    return fold.summary(!truncated);
  }
  try {
    // `openai-compatible`: a Chat answer's `reasoning_content` (DeepSeek, vLLM, Qwen) is read
    // too; OpenAI never sends the field, and no other protocol's decoding looks at the kind.
    const target = { kind: "openai-compatible" as const, protocol, model: "", stream: false };
    const res = decodeUpstreamResponse(target, body, "", new Notes());
    for (const b of res.content) fold.block(b);
    fold.stop = res.stopReason;
  } catch (e) {
    fold.error = problem(input, `could not be read: ${reason(e)}`);
    return fold.summary(false);
  }
  return fold.summary(!truncated);
}

/**
 * An error answer's document: `{error: {...}}` or `{error: "text"}` (OpenAI, Gemini, relays),
 * Anthropic's `{type: "error", ...}`, Bedrock's `{message}` (its type is in a header).
 */
function isErrorDocument(protocol: Protocol, body: unknown): boolean {
  if (!isObject(body)) return false;
  if (isObject(body.error) || (typeof body.error === "string" && body.error !== "")) return true;
  if (body.type === "error") return true;
  return protocol === "bedrock.converse" && body.output === undefined &&
    (typeof body.message === "string" || typeof body.Message === "string");
}

/** Longer request paths name no answer this module reads (every adapter bounds paths below). */
const maxPathChars = 4096;

/**
 * The protocol of the answer a trace recorded, from the kind of the provider that answered, the
 * request path (the gateway's, prefix included, or the upstream-relative one; a query is
 * ignored) and the trace's metadata; null for anything else (embeddings, token counts, Bedrock
 * `invoke`, model lists). A translated exchange stores the upstream's answer as it came (the
 * attempt captures the target's bytes, translate_relay.ts) while its path is the client's: its
 * metadata's `upstream_protocol` then names the stored answer's protocol, and `client_protocol`
 * a token count (whose answer is no message). The framing (SSE, JSON array, event stream) is
 * not needed: `summarizeAnswer` reads it from the bytes, so whether the trace streamed changes
 * nothing.
 *
 * Read with the adapters' own path readers: `clientProtocolOf` on the path after the prefix
 * (`/v1/chat/completions`, `/v1/responses`, `/v1/messages`), Azure's, Gemini's, Vertex's and
 * Bedrock's path parsers.
 */
export function answerProtocolOf(
  kind: ProviderKind,
  path: string,
  metadata: Readonly<Record<string, unknown>> | null = null,
): Protocol | null {
  const upstream = metadata?.["upstream_protocol"];
  if (upstream !== undefined && upstream !== null) {
    if (metadata?.["client_protocol"] === "anthropic.count_tokens") return null;
    return (protocols as readonly unknown[]).includes(upstream) ? upstream as Protocol : null;
  }
  if (path.length > maxPathChars) return null;
  const p = cleanPath(path);
  switch (kind) {
    case "openai":
    case "openai-compatible":
      return anySuffix(p, (s) => clientPathProtocol("openai", s));
    case "azure-openai":
      return anySuffix(p, (s) => clientPathProtocol("openai", s) ?? azureProtocol(s));
    case "anthropic":
      // Anthropic also serves OpenAI's Chat Completions (its OpenAI SDK compatibility).
      return anySuffix(p, (s) => {
        const own = clientPathProtocol("anthropic", s);
        return own ?? (clientPathProtocol("openai", s) === "openai.chat" ? "openai.chat" : null);
      });
    case "gemini":
      return anySuffix(p, (s) => geminiProtocol(parseGeminiPath(s)));
    case "vertex":
      return anySuffix(p, (s) => vertexProtocol(parseVertexPath(s)));
    case "bedrock": {
      const b = parseBedrockPath(p);
      const op = b.ok ? b.value.operation : null;
      return op === "converse" || op === "converse-stream" ? "bedrock.converse" : null;
    }
  }
}

/** The first non-null answer for the path's suffixes that start at a segment, longest first. */
function anySuffix(path: string, of: (suffix: string) => Protocol | null): Protocol | null {
  for (let at = path.indexOf("/"); at >= 0; at = path.indexOf("/", at + 1)) {
    const found = of(path.slice(at));
    if (found !== null) return found;
  }
  return null;
}

function clientPathProtocol(format: string, path: string): Protocol | null {
  const client = clientProtocolOf(format, "POST", path);
  return client === null || client === "anthropic.count_tokens" ? null : clientCodecOf(client);
}

function azureProtocol(path: string): Protocol | null {
  const op = path.startsWith("/openai/") ? parseAzurePath(path)?.operation : undefined;
  return op === "chat/completions" ? "openai.chat" : op === "responses" ? "openai.responses" : null;
}

const generateMethods: ReadonlySet<string> = new Set(["generateContent", "streamGenerateContent"]);

function geminiProtocol(p: ModelMethod | null): Protocol | null {
  return p !== null && generateMethods.has(p.method) ? "gemini.generate" : null;
}

function vertexProtocol(p: VertexPath | null): Protocol | null {
  if (p === null) return null;
  if (p.publisher === "google") return geminiProtocol(p);
  // Claude on Vertex answers in Anthropic's Messages format (`rawPredict`, `streamRawPredict`).
  return p.kind === "generate" ? "anthropic.messages" : null;
}

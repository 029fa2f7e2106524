/**
 * The stream codecs of part T4 behind one shape, for the stream goldens and properties: upstream
 * bytes (any chunking) → IR events, and IR events → client SSE text.
 */
import {
  AnthropicStreamDecoder,
  AnthropicStreamEncoder,
  ChatStreamDecoder,
  ChatStreamEncoder,
  Notes,
  openaiDialect,
  SseParser,
  type StreamEvent,
  writeSse,
} from "../../../src/providers/translate/mod.ts";
import { created, type TestedProtocol } from "./codecs.ts";

export const streamsRoot = new URL("../../testdata/translate/streams/", import.meta.url).pathname;

interface Decoder {
  push(m: { event: string | null; data: string }): StreamEvent[];
  end(): StreamEvent[];
}

function decoderOf(protocol: TestedProtocol, notes: Notes): Decoder {
  return protocol === "openai.chat"
    ? new ChatStreamDecoder(openaiDialect, notes)
    : new AnthropicStreamDecoder(notes);
}

/** Upstream bytes, split into the reads given, decoded to IR events as they arrive. */
export function decodeChunks(
  protocol: TestedProtocol,
  chunks: readonly Uint8Array[],
  notes = new Notes(),
): StreamEvent[] {
  const text = new TextDecoder();
  const parser = new SseParser();
  const decoder = decoderOf(protocol, notes);
  const out: StreamEvent[] = [];
  for (const chunk of chunks) {
    for (const m of parser.push(text.decode(chunk, { stream: true }))) {
      out.push(...decoder.push(m));
    }
  }
  for (const m of parser.push(text.decode())) out.push(...decoder.push(m));
  const last = parser.end();
  if (last !== null) out.push(...decoder.push(last));
  out.push(...decoder.end());
  return out;
}

export function decodeText(protocol: TestedProtocol, sse: string, notes = new Notes()) {
  return decodeChunks(protocol, [new TextEncoder().encode(sse)], notes);
}

/** IR events as the client protocol's SSE text (Chat clients asked for the usage chunk). */
export function encodeEvents(
  protocol: TestedProtocol,
  events: readonly StreamEvent[],
  notes = new Notes(),
): string {
  const encoder = protocol === "openai.chat"
    ? new ChatStreamEncoder({ dialect: openaiDialect, created, includeUsage: true }, notes)
    : new AnthropicStreamEncoder(notes);
  return events.map((e) => encoder.push(e).map(writeSse).join("")).join("");
}

/** Cuts `bytes` at the given offsets (any order, duplicates allowed). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

export function streamCases(protocol: TestedProtocol): string[] {
  return [...Deno.readDirSync(`${streamsRoot}${protocol}`)].map((e) => e.name)
    .filter((n) => n.endsWith(".sse") && !n.includes(".to_") && !n.endsWith(".encoded.sse"))
    .map((n) => n.replace(/\.sse$/, "")).sort();
}

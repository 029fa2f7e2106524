/**
 * Bedrock event streams for the redactor tests: ConverseStream and InvokeModelWithResponseStream
 * (Anthropic) transcripts built from text pieces (shapes of the issue 20 plan, sections 6.4 and
 * 6.5, padding `p` included), the redactor run over chunks, and the output decoded twice: by the
 * gateway's decoder and by smithy's codec (what the AWS SDKs use), both checking every CRC.
 */
import { strictEqual } from "node:assert/strict";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import {
  encodeEventStreamMessage,
  EventStreamDecoder,
  type EventStreamMessage,
  stringHeader,
  stringHeaders,
} from "../../src/providers/aws_eventstream.ts";
import { nextMessageEnd } from "../../src/providers/aws_eventstream_aligner.ts";
import { concatBytes } from "../../src/bytes.ts";
import {
  EventStreamRedactorEngine,
  type EventStreamRedactorOptions,
} from "../../src/pii/stream/mod.ts";

export const enc = new TextEncoder();
export const dec = new TextDecoder();

export function event(type: string, json: unknown): EventStreamMessage {
  return {
    headers: stringHeaders({
      ":event-type": type,
      ":content-type": "application/json",
      ":message-type": "event",
    }),
    payload: enc.encode(typeof json === "string" ? json : JSON.stringify(json)),
  };
}

/** A ConverseStream answer whose text block is `pieces`, then a tool call of `toolPieces`. */
export function converse(pieces: string[], toolPieces: string[] = []): EventStreamMessage[] {
  const out = [event("messageStart", { role: "assistant", p: "abcdefghijk" })];
  pieces.forEach((text, i) =>
    out.push(event("contentBlockDelta", {
      contentBlockIndex: 0,
      delta: { text },
      p: "abcdefghijklmnop".slice(0, 3 + i % 10),
    }))
  );
  out.push(event("contentBlockStop", { contentBlockIndex: 0, p: "abcdefghijklmnopqrstu" }));
  if (toolPieces.length > 0) {
    out.push(event("contentBlockStart", {
      start: { toolUse: { toolUseId: "t1", name: "send_mail" } },
      contentBlockIndex: 1,
      p: "abcdefg",
    }));
    for (const input of toolPieces) {
      out.push(event("contentBlockDelta", {
        contentBlockIndex: 1,
        delta: { toolUse: { input } },
        p: "abcdefghijklmnopqrs",
      }));
    }
    out.push(event("contentBlockStop", { contentBlockIndex: 1, p: "ab" }));
  }
  out.push(event("messageStop", { stopReason: "end_turn", p: "abcdefghijklmnopqrstuvwxyzABCD" }));
  out.push(event("metadata", {
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    metrics: { latencyMs: 380 },
    p: "abc",
  }));
  return out;
}

export function base64(text: string): string {
  let binary = "";
  for (const b of enc.encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function unbase64(text: string): string {
  return dec.decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
}

export function chunk(inner: unknown): EventStreamMessage {
  return event("chunk", {
    bytes: base64(JSON.stringify(inner)),
    p: "abcdefghijklmnopqrstuvwxyzAB",
  });
}

/** An InvokeModelWithResponseStream answer of an Anthropic model whose text is `pieces`. */
export function invoke(pieces: string[]): EventStreamMessage[] {
  return [
    chunk({
      type: "message_start",
      message: {
        id: "msg_bdrk_01",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-6",
        content: [],
        usage: { input_tokens: 680, output_tokens: 1 },
      },
    }),
    chunk({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
    ...pieces.map((text) =>
      chunk({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })
    ),
    chunk({ type: "content_block_stop", index: 0 }),
    chunk({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 38 },
    }),
    chunk({
      type: "message_stop",
      "amazon-bedrock-invocationMetrics": { inputTokenCount: 680, outputTokenCount: 38 },
    }),
  ];
}

export function bytesOf(messages: EventStreamMessage[]): Uint8Array {
  return concatBytes(messages.map(encodeEventStreamMessage));
}

export interface RunResult {
  bytes: Uint8Array;
  stopped: string | null;
  engine: EventStreamRedactorEngine;
}

/** The engine over `pieces`, then its end; what it sent, and why it stopped if it did. */
export function run(
  pieces: Uint8Array[],
  opts: EventStreamRedactorOptions,
): RunResult {
  let stopped: string | null = null;
  const engine = new EventStreamRedactorEngine({
    ...opts,
    onStopped: (code, message) => {
      stopped = code;
      opts.onStopped?.(code, message);
    },
  });
  const out: Uint8Array[] = [];
  for (const p of pieces) out.push(...engine.push(p));
  out.push(...engine.end());
  return { bytes: concatBytes(out), stopped, engine };
}

const smithy = new EventStreamCodec(
  (bytes: Uint8Array) => dec.decode(bytes),
  (text: string) => enc.encode(text),
);

/**
 * The output's messages, after checking that both decoders read every byte of it as whole
 * messages with correct CRCs (smithy's `decode` throws on a bad one).
 */
export function decodeOutput(bytes: Uint8Array): EventStreamMessage[] {
  const decoder = new EventStreamDecoder();
  const messages = decoder.push(bytes);
  strictEqual(decoder.stopped, null, decoder.detail ?? "");
  strictEqual(decoder.corruptFrames, 0, "CRC errors in the output");
  strictEqual(decoder.pending, 0, "the output ends inside a message");
  let at = 0;
  let n = 0;
  while (at < bytes.length) {
    const end = nextMessageEnd(bytes, at);
    if (end === -1) throw new Error(`no whole message at ${at}`);
    smithy.decode(bytes.subarray(at, end));
    at = end;
    n++;
  }
  strictEqual(n, messages.length);
  return messages;
}

export function json(m: EventStreamMessage): Record<string, unknown> {
  return JSON.parse(dec.decode(m.payload));
}

/** The decoded event of each message: a chunk's inner event, else the payload itself. */
export function eventsOf(messages: EventStreamMessage[]): Record<string, unknown>[] {
  return messages.map((m) => {
    const value = json(m);
    if (stringHeader(m, ":event-type") !== "chunk") return value;
    return JSON.parse(unbase64(value.bytes as string));
  });
}

/** The text pieces of a ConverseStream or Anthropic-in-invoke answer, joined per block. */
export function textOf(messages: EventStreamMessage[]): { text: string; tool: string } {
  let text = "";
  let tool = "";
  for (const e of eventsOf(messages)) {
    const delta = e.delta as Record<string, unknown> | undefined;
    if (delta === undefined) continue;
    if (typeof delta.text === "string") text += delta.text;
    const toolUse = delta.toolUse as { input?: string } | undefined;
    if (typeof toolUse?.input === "string") tool += toolUse.input;
  }
  return { text, tool };
}

/** The exception message a stopped stream ends with: its type and JSON message. */
export function exceptionOf(m: EventStreamMessage): { type: string | null; message: string } {
  strictEqual(stringHeader(m, ":message-type"), "exception");
  return { type: stringHeader(m, ":exception-type"), message: json(m).message as string };
}

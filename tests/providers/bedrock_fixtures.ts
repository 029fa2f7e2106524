/**
 * Bedrock answers as the wire carries them: ConverseStream events and InvokeModelWithResponseStream
 * chunks encoded as AWS event-stream messages (random-looking `p` padding included), exception
 * messages, and the shapes recorded in tests/testdata/bedrock/.
 */
import {
  encodeEventStreamMessage,
  type EventStreamMessage,
  stringHeaders,
} from "../../src/providers/aws_eventstream.ts";
import type { ResponseInfo } from "../../src/providers/types.ts";
import { testdata } from "./replay.ts";

const enc = new TextEncoder();

/** Padding of a length that depends on the seed, as Bedrock's varies per message. */
export function padding(seed: number): string {
  return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".slice(
    0,
    3 + (seed * 7) % 50,
  );
}

export function eventMessage(type: string, payload: unknown): EventStreamMessage {
  return {
    headers: stringHeaders({
      ":event-type": type,
      ":content-type": "application/json",
      ":message-type": "event",
    }),
    payload: enc.encode(typeof payload === "string" ? payload : JSON.stringify(payload)),
  };
}

export function exceptionMessage(type: string, message: string): EventStreamMessage {
  return {
    headers: stringHeaders({
      ":exception-type": type,
      ":content-type": "application/json",
      ":message-type": "exception",
    }),
    payload: enc.encode(JSON.stringify({ message })),
  };
}

export function errorMessage(code: string, message: string): EventStreamMessage {
  return {
    headers: stringHeaders({
      ":error-code": code,
      ":error-message": message,
      ":message-type": "error",
    }),
    payload: new Uint8Array(),
  };
}

function base64(text: string): string {
  const bytes = enc.encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** An invoke `chunk`: the family's event as base64 `bytes`, then padding. */
export function chunkMessage(event: unknown, seed = 0): EventStreamMessage {
  return eventMessage("chunk", { bytes: base64(JSON.stringify(event)), p: padding(seed) });
}

/** Converse events with padding added to each payload object. */
export function converseMessages(
  events: [string, Record<string, unknown>][],
): EventStreamMessage[] {
  return events.map(([type, payload], i) => eventMessage(type, { ...payload, p: padding(i) }));
}

export function bytesOf(messages: EventStreamMessage[]): Uint8Array {
  const parts = messages.map(encodeEventStreamMessage);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function readJson<T>(name: string): T {
  return JSON.parse(Deno.readTextFileSync(new URL(`bedrock/${name}`, testdata))) as T;
}

export const eventStreamType = "application/vnd.amazon.eventstream";

export function bedrockInfo(
  path: string,
  contentType: string | null,
  more: Partial<ResponseInfo> = {},
): ResponseInfo {
  return { path, status: 200, contentType, requestedStreaming: false, requestModel: null, ...more };
}

/**
 * A Bedrock ConverseStream answer as AWS event-stream messages (shapes and order from the issue 20
 * plan section 6.4, padding `p` included), and helpers to build and corrupt transcripts.
 */
import {
  encodeEventStreamMessage,
  type EventStreamMessage,
  stringHeaders,
} from "../../src/providers/aws_eventstream.ts";
import { crc32 } from "../../src/providers/crc32.ts";

const enc = new TextEncoder();

function event(type: string, json: string): EventStreamMessage {
  return {
    headers: stringHeaders({
      ":event-type": type,
      ":content-type": "application/json",
      ":message-type": "event",
    }),
    payload: enc.encode(json),
  };
}

export const converseStream: EventStreamMessage[] = [
  event("messageStart", '{"role":"assistant","p":"abcdefghijk"}'),
  event("contentBlockDelta", '{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abcdef"}'),
  event("contentBlockDelta", '{"contentBlockIndex":0,"delta":{"text":" German"},"p":"abcdefghi"}'),
  event("contentBlockStop", '{"contentBlockIndex":0,"p":"abcdefghijklmnopqrstu"}'),
  event("messageStop", '{"stopReason":"end_turn","p":"abcdefghijklmnopqrstuvwxyzABCD"}'),
  event(
    "metadata",
    '{"usage":{"inputTokens":10,"outputTokens":5,"totalTokens":15,"cacheReadInputTokens":0,' +
      '"cacheWriteInputTokens":0},"metrics":{"latencyMs":380},"p":"abc"}',
  ),
];

/** Messages as one byte stream, with the offset just after each message. */
export function transcript(messages: EventStreamMessage[]): { bytes: Uint8Array; ends: number[] } {
  const encoded = messages.map(encodeEventStreamMessage);
  const bytes = new Uint8Array(encoded.reduce((n, m) => n + m.length, 0));
  const ends: number[] = [];
  let at = 0;
  for (const m of encoded) {
    bytes.set(m, at);
    at += m.length;
    ends.push(at);
  }
  return { bytes, ends };
}

/** A prelude declaring `total` and `headers` bytes, with a correct prelude CRC. */
export function prelude(total: number, headers: number): Uint8Array {
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headers);
  view.setUint32(8, crc32(out.subarray(0, 8)));
  return out;
}

/** A whole message from raw headers-block bytes and a payload, both CRCs correct. */
export function rawMessage(headersBlock: Uint8Array, payload: Uint8Array): Uint8Array {
  const total = 16 + headersBlock.length + payload.length;
  const out = new Uint8Array(total);
  out.set(prelude(total, headersBlock.length));
  out.set(headersBlock, 12);
  out.set(payload, 12 + headersBlock.length);
  new DataView(out.buffer).setUint32(total - 4, crc32(out.subarray(0, total - 4)));
  return out;
}

/**
 * Where Bedrock's streamed answers carry text, for the event-stream PII redactor
 * (`ProviderAdapter.readEventStreamPayload`; plan issue 20, sections 6.4 and 6.5):
 * - ConverseStream: one message per event, `:event-type` names it, the payload is the event's
 *   JSON (plus a random padding member `p`). `contentBlockDelta` carries pieces: `delta.text`,
 *   `delta.reasoningContent.text`, `delta.toolUse.input` (pieces of a JSON text), one channel
 *   per `contentBlockIndex`; `contentBlockStop` closes it, `messageStop` and `metadata` close all.
 * - InvokeModelWithResponseStream: every message is a `chunk` whose payload is
 *   `{"bytes":"<base64>","p":"..."}`, the bytes being the model family's own event JSON. For
 *   Anthropic models those are Anthropic stream events, located as on Anthropic's own API.
 *
 * A payload whose shape is not one of these and could carry pieces of text is `uninspectable`:
 * its strings could be pieces of a value split across messages, which a whole-string scan would
 * miss, so the stream is refused rather than passed on.
 */
import { locateAnthropicStreamText } from "./anthropic.ts";
import { decodeBase64, encodeBase64 } from "../bytes.ts";
import { isRecord } from "./json_body.ts";
import type { EventStreamPayload, SseEvent, StreamTextLocation } from "./types.ts";

const encoder = new TextEncoder();
const strict = new TextDecoder("utf-8", { fatal: true });
const noText: StreamTextLocation = { fields: [], closes: [] };

/** Reads a Bedrock message's payload by its `:message-type` and `:event-type`. */
export function readBedrockEventStreamPayload(
  messageType: string | null,
  eventType: string | null,
  payload: Uint8Array,
): EventStreamPayload {
  if (payload.length === 0) return { kind: "empty" };
  const value = parseBytes(payload);
  if (value === undefined) {
    return { kind: "uninspectable", why: `a ${eventType ?? messageType} message that is not JSON` };
  }
  if (messageType === "event" && eventType === "chunk") return readChunk(value);
  if (messageType === "event" && !converseEvents.has(eventType ?? "") && carriesText(value)) {
    return {
      kind: "uninspectable",
      why: `a ${JSON.stringify(eventType)} event with text, an event the gateway does not follow`,
    };
  }
  if (messageType === "event" && eventType === "contentBlockDelta") {
    const unknown = unknownDeltaMember(value);
    if (unknown !== null) {
      return {
        kind: "uninspectable",
        why: `a contentBlockDelta carrying ${
          JSON.stringify(unknown)
        }, a delta the gateway does not follow`,
      };
    }
  }
  return {
    kind: "json",
    event: { event: eventType, data: value },
    skip: [],
    envelope: null,
    locate: messageType === "event" ? locateConverseText : closeAll,
    write: (v) => encoder.encode(JSON.stringify(v)),
  };
}

function parseBytes(bytes: Uint8Array): unknown {
  try {
    const text = strict.decode(bytes);
    const first = text.trimStart()[0];
    if (first !== "{" && first !== "[") return undefined;
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Anthropic's stream event types (the `bytes` of an InvokeModelWithResponseStream chunk). */
const anthropicEvents = new Set([
  "message_start",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
  "ping",
  "error",
]);

function readChunk(envelope: unknown): EventStreamPayload {
  if (!isRecord(envelope) || typeof envelope.bytes !== "string") {
    return { kind: "uninspectable", why: "a chunk without a base64 `bytes` member" };
  }
  const inner = decodeBase64(envelope.bytes);
  const value = inner === null ? undefined : parseBytes(inner);
  if (value === undefined) {
    return { kind: "uninspectable", why: "a chunk whose `bytes` are not base64 of JSON" };
  }
  const type = isRecord(value) && typeof value.type === "string" ? value.type : null;
  if (type === null || !anthropicEvents.has(type)) {
    return {
      kind: "uninspectable",
      why: `a chunk holding ${
        type === null ? "an event without a `type`" : `a ${JSON.stringify(type)} event`
      } (only Anthropic models' streams are redacted in flight)`,
    };
  }
  return {
    kind: "json",
    event: { event: type, data: value },
    skip: ["bytes"],
    envelope,
    locate: locateAnthropicStreamText,
    write: (v) =>
      encoder.encode(
        JSON.stringify({ ...envelope, bytes: encodeBase64(encoder.encode(JSON.stringify(v))) }),
      ),
  };
}

/** ConverseStream's events (`ConverseStreamOutput` members); `chunk` is read above. */
const converseEvents = new Set([
  "messageStart",
  "contentBlockStart",
  "contentBlockDelta",
  "contentBlockStop",
  "messageStop",
  "metadata",
]);

/**
 * True when a value holds a string other than the padding `p` at its top: text an unknown event
 * could be streaming in pieces.
 */
function carriesText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") return true;
    if (typeof v !== "object" || v === null) continue;
    for (const [key, child] of Object.entries(v)) {
      if (!(v === value && key === "p")) stack.push(child);
    }
  }
  return false;
}

/** Delta members of ConverseStream: pieces, or complete strings a whole scan covers. */
const knownDeltaMembers = new Set(["text", "reasoningContent", "toolUse", "citation"]);

function unknownDeltaMember(value: unknown): string | null {
  if (!isRecord(value) || !isRecord(value.delta)) return null;
  for (const key of Object.keys(value.delta)) if (!knownDeltaMembers.has(key)) return key;
  return null;
}

/** ConverseStream's pieces of text, one channel per content block. */
export function locateConverseText({ event, data }: SseEvent): StreamTextLocation {
  if (!isRecord(data)) return noText;
  const channel = `content/${data.contentBlockIndex}`;
  if (event === "contentBlockDelta" && isRecord(data.delta)) {
    const delta = data.delta;
    if (typeof delta.text === "string") {
      return { fields: [{ channel, path: ["delta", "text"] }], closes: [] };
    }
    const reasoning = delta.reasoningContent;
    if (isRecord(reasoning) && typeof reasoning.text === "string") {
      return { fields: [{ channel, path: ["delta", "reasoningContent", "text"] }], closes: [] };
    }
    if (isRecord(delta.toolUse) && typeof delta.toolUse.input === "string") {
      return {
        fields: [{ channel, path: ["delta", "toolUse", "input"], json: true }],
        closes: [],
      };
    }
    return noText;
  }
  if (event === "contentBlockStop") return { fields: [], closes: [channel] };
  if (event === "messageStop" || event === "metadata") return { fields: [], closes: "all" };
  return noText;
}

/** An exception or error message: complete strings, and every held text goes out before it. */
function closeAll(): StreamTextLocation {
  return { fields: [], closes: "all" };
}

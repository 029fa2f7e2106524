/**
 * ConverseStream ⇄ IR stream events, through the real event-stream framing
 * (src/providers/aws_eventstream.ts): a recorded-shape answer decodes to the IR events the
 * fixture holds, whatever the chunking; the IR events encode back to Converse events that decode
 * to the same IR; streamed usage equals the non-streamed answer's; exceptions become IR errors;
 * a stream cut before `metadata` ends with unknown usage, never a hang or invented zeros.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  converseStreamBytes,
  ConverseStreamDecoder,
  ConverseStreamEncoder,
  decodeConverseResponse,
  Notes,
  type StreamEvent,
  TranslationError,
  unknownUsage,
} from "../../../src/providers/translate/mod.ts";
import {
  encodeEventStreamMessage,
  EventStreamDecoder,
  eventStreamException,
  stringHeaders,
} from "../../../src/providers/aws_eventstream.ts";
import { bedrockStreamMessage } from "../../../src/providers/bedrock_stream.ts";
import { readJson, readJsonOr } from "./codecs.ts";

const dir = new URL("../../testdata/translate/codecs/bedrock.converse/", import.meta.url).pathname;
const model = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const meta = { id: "bedrock-answer-1", model };

interface WireEvent {
  type: string;
  payload: Record<string, unknown>;
}

function bytesOf(events: WireEvent[]): Uint8Array {
  const parts = events.map((e) =>
    encodeEventStreamMessage({
      headers: stringHeaders({
        ":message-type": "event",
        ":event-type": e.type,
        ":content-type": "application/json",
      }),
      payload: new TextEncoder().encode(JSON.stringify(e.payload)),
    })
  );
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Bytes in the given chunks → IR events, as a translating relay would run it. */
function decodeBytes(chunks: Uint8Array[], notes: Notes): StreamEvent[] {
  const framing = new EventStreamDecoder();
  const decoder = new ConverseStreamDecoder(meta);
  const out: StreamEvent[] = [];
  for (const chunk of chunks) {
    for (const m of framing.push(chunk)) {
      out.push(...decoder.message(bedrockStreamMessage(m), notes));
    }
  }
  assert.equal(framing.stopped, null);
  out.push(...decoder.finish());
  return out;
}

const events = readJson(`${dir}stream_thinking_tools.events.json`) as WireEvent[];
const irPath = `${dir}stream_thinking_tools.ir_events.json`;

Deno.test("converse stream: a recorded-shape answer decodes to the fixture's IR events", () => {
  const notes = new Notes();
  const ir = decodeBytes([bytesOf(events)], notes);
  if (Deno.env.get("WRITE_GOLDENS") === "1") {
    Deno.writeTextFileSync(irPath, JSON.stringify(ir, null, 2) + "\n");
  }
  assert.deepEqual(ir, readJsonOr(irPath, null));
  assert.deepEqual(notes.list, []);
});

Deno.test("converse stream: usage streamed equals the non-streamed answer's", () => {
  const ir = decodeBytes([bytesOf(events)], new Notes());
  const stop = ir.at(-1) as Extract<StreamEvent, { type: "stop" }>;
  const answer = decodeConverseResponse(
    readJson(`${dir}response_thinking_tools.wire.json`),
    meta,
    new Notes(),
  );
  assert.deepEqual(stop.usage, answer.usage);
  assert.equal(stop.stopReason, answer.stopReason);
});

Deno.test("property: converse stream decoding does not depend on how the bytes are chunked", () => {
  const bytes = bytesOf(events);
  const whole = decodeBytes([bytes], new Notes());
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
      (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const chunks = at.slice(1).map((end, i) => bytes.subarray(at[i]!, end));
        assert.deepEqual(decodeBytes(chunks, new Notes()), whole);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("converse stream: IR events encode to Converse events that decode to the same IR", () => {
  const ir = decodeBytes([bytesOf(events)], new Notes());
  const encoder = new ConverseStreamEncoder(model);
  const notes = new Notes();
  const outs = ir.flatMap((e) => encoder.event(e, notes));
  const bytes = outs.map(converseStreamBytes);
  assert.deepEqual(decodeBytes(bytes, new Notes()), ir);
  assert.deepEqual(notes.list, []);
  // Text and reasoning blocks open with their first delta, as Converse sends them.
  assert.deepEqual(
    outs.map((o) => o.type),
    events.map((e) => e.type),
  );
});

Deno.test("converse stream: exceptions become IR errors with the kind a client retries on", () => {
  const cases: [string, string, number][] = [
    ["throttlingException", "rate_limit", 429],
    ["serviceUnavailableException", "overloaded", 503],
    ["validationException", "invalid_request", 400],
    ["internalServerException", "server", 500],
    // The status Bedrock declares for the type (T6's table); still a kind clients retry.
    ["modelStreamErrorException", "server", 424],
  ];
  for (const [type, kind, status] of cases) {
    const bytes = encodeEventStreamMessage(eventStreamException(type, "slow down"));
    const ir = decodeBytes([bytesOf(events.slice(0, 3)), bytes], new Notes());
    const last = ir.at(-1)!;
    assert.deepEqual(last, {
      type: "error",
      error: { kind, status, message: `bedrock: ${type}: slow down`, retryAfterMs: null },
    });
    const back = new ConverseStreamEncoder(model).event(last, new Notes());
    assert.deepEqual(back, [{
      kind: "exception",
      type: kind === "server" ? "internalServerException" : type,
      message: `bedrock: ${type}: slow down`,
    }]);
  }
});

Deno.test("converse stream: a stream cut before metadata closes its blocks and reports usage unknown", () => {
  const ir = decodeBytes([bytesOf(events.slice(0, 9))], new Notes());
  assert.deepEqual(ir.slice(-2), [
    { type: "block_stop", index: 2 },
    {
      type: "stop",
      stopReason: "other",
      providerStopReason: null,
      stopSequence: null,
      usage: unknownUsage,
    },
  ]);
});

Deno.test("converse stream: foreign thinking state is not sent to a Converse client", () => {
  const notes = new Notes();
  const out = new ConverseStreamEncoder(model).event({
    type: "state",
    index: 0,
    state: { origin: "anthropic.messages", model: null, value: "sig", itemId: null },
  }, notes);
  assert.deepEqual(out, []);
  const encoder = new ConverseStreamEncoder(model);
  const state = { origin: "gemini.generate" as const, model: null, value: "r", itemId: null };
  assert.deepEqual(
    [
      ...encoder.event({
        type: "block_start",
        index: 1,
        block: { type: "redacted_thinking", state },
      }, notes),
      ...encoder.event({ type: "block_stop", index: 1 }, notes),
    ],
    [],
  );
  assert.deepEqual(notes.list.map((n) => n.code), [
    "thinking_state_dropped",
    "thinking_state_dropped",
  ]);
});

Deno.test("property: hostile ConverseStream messages give IR events or a TranslationError naming a field", () => {
  const type = fc.constantFrom(
    "messageStart",
    "contentBlockStart",
    "contentBlockDelta",
    "contentBlockStop",
    "messageStop",
    "metadata",
    "other",
  );
  const anyValue = fc.jsonValue({ maxDepth: 3 });
  const payload = fc.oneof(
    anyValue.map((v) => JSON.stringify(v)),
    fc.string(),
    fc.record({
      contentBlockIndex: fc.oneof(fc.integer({ min: -1, max: 3 }), anyValue),
      delta: fc.oneof(
        anyValue,
        fc.dictionary(fc.constantFrom("text", "toolUse", "reasoningContent"), anyValue),
      ),
      start: fc.oneof(anyValue, fc.record({ toolUse: anyValue })),
      stopReason: anyValue,
      usage: anyValue,
    }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  );
  const message = fc.record({
    messageType: fc.constantFrom("event", "event", "exception", "error", null),
    type: fc.oneof(type, fc.constant(null)),
    payload,
  });
  fc.assert(
    fc.property(fc.array(message, { maxLength: 12 }), (messages) => {
      const decoder = new ConverseStreamDecoder(meta);
      try {
        for (const m of messages) decoder.message(m, new Notes());
        decoder.finish();
      } catch (e) {
        assert.ok(e instanceof TranslationError, String(e));
        assert.ok(e.field.length > 0 && e.reason.length > 0);
      }
    }),
    { numRuns: 2000 },
  );
});

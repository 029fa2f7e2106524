/**
 * Table tests of the stream rules: the IR event checker's violations, the repeat rule for Chat
 * arguments, SSE framing edge cases, and the decoders' answers to broken upstream streams (a
 * TranslationError naming the field, or an IR error event; never a TypeError, never silence).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  AnthropicStreamDecoder,
  ChatStreamDecoder,
  ChatStreamEncoder,
  checkStream,
  collectResponse,
  newArguments,
  Notes,
  openaiDialect,
  SseParser,
  type StreamEvent,
  TranslationError,
  unknownUsage,
} from "../../../src/providers/translate/mod.ts";
import { decodeText } from "./streams.ts";

const start: StreamEvent = { type: "start", id: "x", model: "m", usage: unknownUsage };
const stop: StreamEvent = {
  type: "stop",
  stopReason: "end_turn",
  providerStopReason: null,
  stopSequence: null,
  usage: unknownUsage,
};
const text = (index: number): StreamEvent[] => [
  { type: "block_start", index, block: { type: "text" } },
  { type: "text_delta", index, text: "hi" },
  { type: "block_stop", index },
];
const tool = (index: number, ...json: string[]): StreamEvent[] => [
  { type: "block_start", index, block: { type: "tool_call", id: "c", name: "f", state: null } },
  ...json.map((j): StreamEvent => ({ type: "arguments_delta", index, json: j })),
  { type: "block_stop", index },
];

const checks: [string, StreamEvent[], string | null][] = [
  ["a whole stream", [start, ...text(0), ...tool(1, '{"a":', "1}"), stop], null],
  ["an error ends it", [start, ...text(0).slice(0, 2), {
    type: "error",
    error: { kind: "server", status: 500, message: "x", retryAfterMs: null },
  }], null],
  ["a gap in indices", [start, ...text(1), stop], "block index 1, expected 0"],
  ["an index reused", [start, ...text(0), ...text(0), stop], "block index 0, expected 1"],
  ["two blocks open", [start, text(0)[0]!, ...text(1), stop], "block 1 starts while 0 is open"],
  [
    "a delta outside its block",
    [start, ...text(0), text(0)[1]!, stop],
    "text_delta outside block 0",
  ],
  [
    "a delta of another kind",
    [start, tool(0, "{}")[0]!, text(0)[1]!],
    "text_delta inside a tool_call",
  ],
  ["arguments twice", [start, ...tool(0, '{"a":1}', '{"a":1}'), stop], "not one JSON value"],
  ["no arguments", [start, ...tool(0), stop], "without arguments"],
  ["arguments not an object", [start, ...tool(0, "[1]"), stop], "not a JSON object"],
  ["stop with a block open", [start, text(0)[0]!, stop], "stop while block 0 is open"],
  ["two stops", [start, stop, stop], "stop after the stream ended"],
  ["no start", [...text(0), stop], "block_start before start"],
  ["no end", [start, ...text(0)], "ended without stop or error"],
];

for (const [name, events, rule] of checks) {
  Deno.test(`stream checker: ${name}`, () => {
    const v = checkStream(events);
    if (rule === null) assert.equal(v, null);
    else assert.ok(v?.message.includes(rule), `${v?.message} should say ${rule}`);
  });
}

const repeats: [string, string, string][] = [
  ["", '{"a":1}', '{"a":1}'],
  ['{"a":1}', '{"a":1}', ""],
  ['{"a":1}', '{"a":1} ', " "],
  // Not complete yet: a fragment that starts like the emitted text is new text.
  ['{"a":', '{"a":1}}', '{"a":1}}'],
  ['{"a":1', "}", "}"],
];
for (const [emitted, incoming, fresh] of repeats) {
  Deno.test(`newArguments(${emitted}, ${incoming})`, () => {
    assert.equal(newArguments(emitted, incoming), fresh);
  });
}

Deno.test("SSE: CRLF, CR, comments, multi-line data, an event without its blank line", () => {
  const p = new SseParser();
  const got = [
    ...p.push("event: a\r\ndata: 1\r"),
    ...p.push("\ndata: 2\r\n\r\n: comment\n\ndata:x\rdata"),
    ...p.push(": y\n"),
  ];
  assert.deepEqual(got, [{ event: "a", data: "1\n2" }]);
  assert.deepEqual(p.end(), { event: null, data: "x\ny" });
});

Deno.test("SSE: an event past the bound is refused, naming the stream", () => {
  const p = new SseParser(16);
  assert.throws(() => p.push("data: " + "x".repeat(20)), TranslationError);
});

function chat(...data: string[]): string {
  return data.map((d) => `data: ${d}\n\n`).join("");
}
const chunk = (delta: unknown, finish: string | null = null) =>
  JSON.stringify({ id: "c", model: "m", choices: [{ index: 0, delta, finish_reason: finish }] });
const callDelta = (index: number, args: string, id?: string) =>
  chunk({ tool_calls: [{ index, id, function: { name: id ? "f" : undefined, arguments: args } }] });

Deno.test("Chat decoder: new arguments for a closed call cannot be translated", () => {
  const sse = chat(callDelta(0, '{"a":', "a"), callDelta(1, "{}", "b"), callDelta(0, "1}"));
  assert.throws(
    () => decodeText("openai.chat", sse),
    /tool_calls\[0\]\.index: arguments for tool call 0/,
  );
});

Deno.test("Chat decoder: a closed call's full arguments repeated later are dropped", () => {
  const sse = chat(callDelta(0, '{"a":1}', "a"), callDelta(1, "{}", "b"), callDelta(0, '{"a":1}'));
  const events = decodeText("openai.chat", sse + chat(chunk({}, "tool_calls"), "[DONE]"));
  assert.equal(checkStream(events), null);
  assert.equal(events.filter((e) => e.type === "arguments_delta").length, 2);
});

Deno.test("Chat decoder: tool calls finished with `stop` are a tool turn", () => {
  const events = decodeText("openai.chat", chat(callDelta(0, "{}", "a"), chunk({}, "stop")));
  const last = events.at(-1)!;
  assert.equal(last.type === "stop" && last.stopReason, "tool_use");
});

Deno.test("decoders: a stream cut before its end is an IR error, not silence", () => {
  const chatEvents = decodeText("openai.chat", chat(chunk({ content: "hi" })));
  assert.equal(checkStream(chatEvents), null);
  assert.equal(chatEvents.at(-1)!.type, "error");
  const anth = decodeText(
    "anthropic.messages",
    `event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"x"}}\n\n`,
  );
  assert.equal(anth.at(-1)!.type, "error");
});

// The in-band error shapes of every decoder: stream_errors_test.ts.

Deno.test("Anthropic decoder: a delta for a block never started names the index", () => {
  const d = new AnthropicStreamDecoder(new Notes());
  assert.throws(
    () => d.push({ event: null, data: '{"type":"content_block_delta","index":3,"delta":{}}' }),
    /stream\.data\.index: block 3 was never started/,
  );
});

Deno.test("property: hostile upstream events give IR events or a TranslationError", () => {
  const value = fc.jsonValue({ maxDepth: 3 });
  const event = fc.oneof(
    fc.string({ maxLength: 40 }),
    value.map((v) => JSON.stringify(v)),
    fc.record({
      type: fc.constantFrom(
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
        "error",
      ),
      index: fc.oneof(fc.nat({ max: 3 }), value),
      message: value,
      content_block: value,
      delta: value,
      usage: value,
      error: value,
      choices: fc.oneof(value, fc.array(fc.record({ index: value, delta: value }))),
    }, { requiredKeys: ["type"] }).map((v) => JSON.stringify(v)),
  );
  fc.assert(
    fc.property(fc.array(event, { maxLength: 12 }), (data) => {
      for (
        const d of [
          new ChatStreamDecoder(openaiDialect, new Notes()),
          new AnthropicStreamDecoder(new Notes()),
        ]
      ) {
        try {
          for (const x of data) d.push({ event: null, data: x });
          d.end();
        } catch (e) {
          if (!(e instanceof TranslationError)) throw e;
        }
      }
    }),
    { numRuns: 2000 },
  );
});

Deno.test("Chat dialect with reasoning_content: thinking in and out, in its own block", () => {
  const dialect = { reasoningField: "reasoning_content" };
  const d = new ChatStreamDecoder(dialect, new Notes());
  const events = [
    chunk({ reasoning_content: "hm" }),
    chunk({ reasoning_content: "m" }),
    chunk({ content: "ok" }),
    chunk({}, "stop"),
    "[DONE]",
  ].flatMap((data) => d.push({ event: null, data }));
  assert.equal(checkStream(events), null);
  assert.deepEqual(
    events.filter((e) => e.type === "block_start").map((e) => e.type === "block_start" && e.block),
    [{ type: "thinking", kind: "full" }, { type: "text" }],
  );
  const notes = new Notes();
  const enc = new ChatStreamEncoder({ dialect, created: 1, includeUsage: false }, notes);
  const out = events.flatMap((e) => enc.push(e));
  const deltas = out.filter((m) => m.data !== "[DONE]").map((m) =>
    JSON.parse(m.data).choices[0].delta
  );
  assert.deepEqual(deltas, [
    { role: "assistant", content: "" },
    { reasoning_content: "hm" },
    { reasoning_content: "m" },
    { content: "ok" },
    {},
  ]);
  // Without include_usage the client gets no usage chunk and no `usage` member.
  assert.ok(out.every((m) => !m.data.includes('"usage"')));
  assert.deepEqual(notes.list, []);
});

Deno.test("Chat decoder: choices past the first are dropped with one note", () => {
  const notes = new Notes();
  const two = JSON.stringify({
    id: "c",
    model: "m",
    choices: [{ index: 1, delta: { content: "b" } }, { index: 0, delta: { content: "a" } }],
  });
  const events = decodeText("openai.chat", chat(two, two, chunk({}, "stop")), notes);
  assert.equal(
    collectResponse(events)?.content.map((b) => b.type === "text" && b.text).join(""),
    "aa",
  );
  assert.deepEqual(notes.list.map((n) => n.field), ["choices[1]"]);
});

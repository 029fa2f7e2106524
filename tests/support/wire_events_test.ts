/**
 * The stub's streamed answers are what the providers document: every event in its order, SSE
 * framing that a standard parser reads back, sequence numbers without gaps, deltas that add up to
 * the final text, and the usage objects with the figures asked for.
 */
import assert from "node:assert/strict";
import { createParser } from "eventsource-parser";
import { messagesEvents, responsesEvents } from "./wire_events.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/** The frames through eventsource-parser: [event name, parsed data]. */
function parsed(frames: string[]): [string, Json][] {
  const out: [string, Json][] = [];
  const parser = createParser({
    onEvent: (e) => out.push([e.event ?? "message", JSON.parse(e.data)]),
  });
  for (const f of frames) parser.feed(f);
  return out;
}

const answer = { id: "t1", model: "gpt-test", pieces: ["Hel", "lo", "!"] };

Deno.test("wire events: Responses, with and without a reasoning item, in the documented order", () => {
  const message = [
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.delta",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
  ];
  const cases = [
    { reasoning: 0, items: message },
    {
      reasoning: 6,
      items: ["response.output_item.added", "response.output_item.done", ...message],
    },
  ];
  for (const { reasoning, items } of cases) {
    const usage = { input: 40, cached: 16, output: 22, reasoning };
    const events = parsed(responsesEvents(answer, usage));
    const names = events.map(([name]) => name);
    assert.deepStrictEqual(names, [
      "response.created",
      "response.in_progress",
      ...items,
      "response.completed",
    ]);
    for (const [i, [name, data]] of events.entries()) {
      assert.equal(data.type, name, "the data's type is the event's name");
      assert.equal(data.sequence_number, i);
    }
    const deltas = events.filter(([n]) => n === "response.output_text.delta").map(([, d]) => d);
    const done = events.find(([n]) => n === "response.output_text.done")![1];
    assert.equal(deltas.map((d) => d.delta).join(""), "Hello!");
    assert.equal(done.text, "Hello!");
    const completed = events.at(-1)![1].response;
    assert.equal(completed.status, "completed");
    assert.equal(completed.output.at(-1).content[0].text, "Hello!");
    assert.equal(completed.output.length, reasoning > 0 ? 2 : 1);
    assert.deepStrictEqual(completed.usage, {
      input_tokens: 40,
      input_tokens_details: { cached_tokens: 16 },
      output_tokens: 22,
      output_tokens_details: { reasoning_tokens: reasoning },
      total_tokens: 62,
    });
    assert.equal(events[0]![1].response.usage, null);
  }
});

Deno.test("wire events: Responses report cache writes only when asked to", () => {
  const events = parsed(
    responsesEvents(answer, { input: 40, cached: 16, cacheWrite: 8, output: 2, reasoning: 0 }),
  );
  assert.deepStrictEqual(events.at(-1)![1].response.usage.input_tokens_details, {
    cached_tokens: 16,
    cache_write_tokens: 8,
  });
});

Deno.test("wire events: Messages in the documented order, usage split by cache lifetime", () => {
  const usage = { input: 25, cacheRead: 100, cacheWrite5m: 50, cacheWrite1h: 7, output: 14 };
  const events = parsed(messagesEvents(answer, usage));
  assert.deepStrictEqual(events.map(([name]) => name), [
    "message_start",
    "content_block_start",
    "ping",
    "content_block_delta",
    "content_block_delta",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  for (const [name, data] of events) assert.equal(data.type, name);
  const start = events[0]![1].message;
  assert.deepStrictEqual(start.usage, {
    input_tokens: 25,
    cache_creation_input_tokens: 57,
    cache_read_input_tokens: 100,
    cache_creation: { ephemeral_5m_input_tokens: 50, ephemeral_1h_input_tokens: 7 },
    output_tokens: 1,
    service_tier: "standard",
  });
  assert.deepStrictEqual([start.content, start.stop_reason, start.model], [[], null, "gpt-test"]);
  const text = events.filter(([n]) => n === "content_block_delta").map(([, d]) => d.delta.text);
  assert.equal(text.join(""), "Hello!");
  assert.deepStrictEqual(events[7]![1], {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 14 },
  });
});

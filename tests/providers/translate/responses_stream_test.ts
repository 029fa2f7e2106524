/**
 * The Responses stream codec: goldens (tests/testdata/translate/codecs/openai.responses/stream/:
 * upstream events → IR events → client events), the streamed answer equal to the non-streamed
 * one, and properties: any chunking of the arguments gives each call once with the same text,
 * indices dense, one start and one stop per block; IR → Responses → IR keeps every event.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type ContentBlock,
  decodeResponsesResponse,
  Notes,
  type OpaqueState,
  type Response,
  ResponsesStreamDecoder,
  ResponsesStreamEncoder,
  type StreamEvent,
  TranslationError,
} from "../../../src/providers/translate/mod.ts";
import { readJson, readJsonOr } from "./codecs.ts";

const dir = new URL("../../testdata/translate/codecs/openai.responses/stream", import.meta.url)
  .pathname;
type Obj = Record<string, unknown>;

function decodeAll(events: unknown[], notes = new Notes()): StreamEvent[] {
  const d = new ResponsesStreamDecoder(notes);
  return events.flatMap((e) => d.push(e));
}
function encodeAll(events: StreamEvent[], notes = new Notes()): Obj[] {
  const e = new ResponsesStreamEncoder({ createdAt: 1765000000 }, notes);
  return events.flatMap((ev) => e.push(ev));
}

/** IR stream rules (plan section 4): dense indices, one start and one stop per block, deltas
 *  only inside their block, exactly one terminal event, last. */
function checkIr(events: StreamEvent[]): void {
  const open = new Set<number>();
  let next = 0;
  events.forEach((e, i) => {
    if (e.type === "block_start") {
      assert.equal(e.index, next++, `event ${i}: index not dense`);
      open.add(e.index);
    } else if (e.type === "block_stop") {
      assert.ok(open.delete(e.index), `event ${i}: stop of a block not open`);
    } else if ("index" in e) {
      assert.ok(open.has(e.index), `event ${i}: ${e.type} outside its block`);
    }
    if (e.type === "stop" || e.type === "error") assert.equal(i, events.length - 1);
  });
  assert.equal(open.size, 0);
}

/** The answer a finished IR stream holds, built the way a non-stream client would see it. */
function accumulate(events: StreamEvent[]): Response {
  const blocks: ContentBlock[] = [];
  let res: Response | null = null;
  const json: string[] = [];
  for (const e of events) {
    if (e.type === "start") {
      res = {
        id: e.id,
        model: e.model,
        content: blocks,
        stopReason: "other",
        providerStopReason: null,
        stopSequence: null,
        usage: e.usage,
      };
    } else if (e.type === "block_start") {
      const h = e.block;
      blocks[e.index] = h.type === "text"
        ? { type: "text", text: "" }
        : h.type === "thinking"
        ? { type: "thinking", text: "", kind: h.kind, state: null }
        : h.type === "redacted_thinking"
        ? { type: "redacted_thinking", state: h.state }
        : {
          type: "tool_call",
          id: h.id,
          name: h.name,
          arguments: {},
          argumentsText: "",
          state: null,
        };
      json[e.index] = "";
    } else if (e.type === "text_delta" || e.type === "thinking_delta") {
      const b = blocks[e.index]!;
      if (b.type === "text" || b.type === "thinking") b.text += e.text;
    } else if (e.type === "arguments_delta") json[e.index] += e.json;
    else if (e.type === "state") {
      const b = blocks[e.index]!;
      if (b.type === "thinking") b.state = e.state;
    } else if (e.type === "block_stop") {
      const b = blocks[e.index]!;
      if (b.type === "tool_call") {
        b.argumentsText = json[e.index]!;
        b.arguments = JSON.parse(b.argumentsText);
      }
    } else if (e.type === "stop" && res !== null) {
      res.stopReason = e.stopReason;
      res.providerStopReason = e.providerStopReason;
      res.usage = e.usage;
    }
  }
  assert.ok(res !== null);
  return res;
}

for (const file of [...Deno.readDirSync(dir)].map((e) => e.name).sort()) {
  if (!file.endsWith(".events.json")) continue;
  const name = file.replace(".events.json", "");
  Deno.test(`stream openai.responses ${name}: events → IR events → events`, () => {
    const events = readJson(`${dir}/${file}`) as Obj[];
    const notes = new Notes();
    const ir = decodeAll(events, notes);
    checkIr(ir);
    assert.deepEqual(ir, readJson(`${dir}/${name}.ir.json`));
    assert.deepEqual(encodeAll(ir, notes), readJson(`${dir}/${name}.encoded.json`));
    assert.deepEqual(notes.list, readJsonOr(`${dir}/${name}.notes.json`, []));
  });

  Deno.test(`stream openai.responses ${name}: streamed answer equals the non-streamed one`, () => {
    const events = readJson(`${dir}/${file}`) as Obj[];
    const final = events.at(-1)!["response"];
    const whole = decodeResponsesResponse(final, new Notes());
    // An empty call streams as `{}` (plan section 4): the same arguments, another text.
    for (const b of whole.content) {
      if (b.type === "tool_call" && b.argumentsText === "") b.argumentsText = "{}";
    }
    assert.deepEqual(accumulate(decodeAll(events)), whole);
  });
}

interface GenCall {
  id: string;
  name: string;
  text: string;
  cuts: number[];
  final: "none" | "done" | "item";
}

const genCall: fc.Arbitrary<GenCall> = fc.record({
  id: fc.stringMatching(/^call_[a-z0-9]{1,8}$/),
  name: fc.stringMatching(/^[a-z_]{1,12}$/),
  text: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })
    .map((o) => JSON.stringify(o)),
  cuts: fc.array(fc.nat({ max: 60 }), { maxLength: 5 }),
  /** Whether the final text comes in `…arguments.done`, only in `output_item.done`, or only
   *  as deltas (the check must never repeat what was sent). */
  final: fc.constantFrom("none", "done", "item"),
});

function callEvents(c: GenCall, at: number): Obj[] {
  const cuts = [...new Set(c.cuts.map((n) => Math.min(n, c.text.length)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const cut of [...cuts, c.text.length]) {
    pieces.push(c.text.slice(from, cut));
    from = cut;
  }
  // With `item` only the final item carries the text: deltas stop early.
  const sent = c.final === "item" ? pieces.slice(0, 1) : pieces;
  const item = { type: "function_call", id: `fc_${at}`, call_id: c.id, name: c.name };
  return [
    { type: "response.output_item.added", output_index: at, item: { ...item, arguments: "" } },
    ...sent.map((delta) => ({
      type: "response.function_call_arguments.delta",
      output_index: at,
      item_id: `fc_${at}`,
      delta,
    })),
    ...(c.final === "done"
      ? [{ type: "response.function_call_arguments.done", output_index: at, arguments: c.text }]
      : []),
    {
      type: "response.output_item.done",
      output_index: at,
      item: { ...item, arguments: c.final === "none" ? undefined : c.text },
    },
  ];
}

Deno.test("property: any chunking gives each call once, in order, with the same arguments", () => {
  fc.assert(
    fc.property(fc.array(genCall, { minLength: 1, maxLength: 5 }), (calls) => {
      const events: Obj[] = [
        { type: "response.created", response: { id: "r", model: "m" } },
        ...calls.flatMap((c, i) => callEvents(c, i)),
        { type: "response.completed", response: { status: "completed" } },
      ];
      const ir = decodeAll(events);
      checkIr(ir);
      const starts = ir.filter((e) => e.type === "block_start");
      assert.deepEqual(
        starts.map((e) => e.block.type === "tool_call" ? e.block.id : ""),
        calls.map((c) => c.id),
      );
      calls.forEach((c, i) => {
        const text = ir.filter((e) => e.type === "arguments_delta" && e.index === i)
          .map((e) => e.type === "arguments_delta" ? e.json : "").join("");
        // With `none` only the deltas exist; with `item` the first delta plus the final text.
        assert.equal(text, c.text === "" ? "{}" : c.text);
      });
      const last = ir.at(-1)!;
      assert.ok(last.type === "stop" && last.stopReason === "tool_use");
    }),
    { numRuns: 300 },
  );
});

const own = (v: string): OpaqueState => ({
  origin: "openai.responses",
  model: null,
  value: v,
  itemId: null,
});
/** An IR block as a generator sees it; thinking groups end with an own state or not at all. */
type GenBlock =
  | { type: "text"; deltas: string[] }
  | { type: "thinking"; kind: "summary" | "full"; deltas: string[]; state: string | null }
  | { type: "tool_call"; id: string; name: string; deltas: string[] };
const deltas = fc.array(fc.string({ minLength: 1, maxLength: 5 }), { maxLength: 3 });
const genBlock: fc.Arbitrary<GenBlock> = fc.oneof(
  fc.record({ type: fc.constant("text" as const), deltas }),
  fc.record({
    type: fc.constant("thinking" as const),
    kind: fc.constantFrom("summary" as const, "full" as const),
    deltas,
    state: fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/)),
  }),
  fc.record({
    type: fc.constant("tool_call" as const),
    id: fc.stringMatching(/^call_[a-z0-9]{1,6}$/),
    name: fc.stringMatching(/^[a-z]{1,6}$/),
    deltas: fc.array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
  }),
);

function irEvents(blocks: GenBlock[]): StreamEvent[] {
  const out: StreamEvent[] = [{
    type: "start",
    id: "resp_p",
    model: "m",
    usage: {
      inputTokens: null,
      cachedInputTokens: null,
      cacheWriteTokens: null,
      outputTokens: null,
      reasoningTokens: null,
    },
  }];
  blocks.forEach((b, index) => {
    if (b.type === "text") {
      out.push({ type: "block_start", index, block: { type: "text" } });
      b.deltas.forEach((text) => out.push({ type: "text_delta", index, text }));
    } else if (b.type === "thinking") {
      out.push({ type: "block_start", index, block: { type: "thinking", kind: b.kind } });
      b.deltas.forEach((text) => out.push({ type: "thinking_delta", index, text }));
      if (b.state !== null) out.push({ type: "state", index, state: own(b.state) });
    } else {
      out.push({
        type: "block_start",
        index,
        block: { type: "tool_call", id: b.id, name: b.name, state: null },
      });
      b.deltas.forEach((json) => out.push({ type: "arguments_delta", index, json }));
    }
    out.push({ type: "block_stop", index });
  });
  const calls = blocks.some((b) => b.type === "tool_call");
  out.push({
    type: "stop",
    stopReason: calls ? "tool_use" : "end_turn",
    providerStopReason: "completed",
    stopSequence: null,
    usage: {
      inputTokens: 3,
      cachedInputTokens: 1,
      cacheWriteTokens: null,
      outputTokens: 2,
      reasoningTokens: 0,
    },
  });
  return out;
}

Deno.test("property: IR → Responses events → IR keeps every event; indices and sequence numbers count", () => {
  fc.assert(
    fc.property(fc.array(genBlock, { maxLength: 8 }), (blocks) => {
      // The item id a state carries is the encoder's own (`rs_…`); compare without it.
      const ir = irEvents(blocks);
      const wire = encodeAll(ir);
      wire.forEach((e, i) => assert.equal(e["sequence_number"], i));
      const added = wire.filter((e) => e["type"] === "response.output_item.added");
      assert.deepEqual(added.map((e) => e["output_index"]), added.map((_, i) => i));
      const back = decodeAll(wire).map((e) =>
        e.type === "state" ? { ...e, state: { ...e.state, itemId: null } } : e
      );
      assert.deepEqual(back, ir);
      const last = wire.at(-1)!;
      assert.equal(last["type"], "response.completed");
      assert.equal(
        (last["response"] as Obj)["output"] instanceof Array &&
          ((last["response"] as Obj)["output"] as unknown[]).length,
        added.length,
      );
    }),
    { numRuns: 300 },
  );
});

Deno.test("Responses stream decoder: hostile order is a TranslationError naming the event", () => {
  const created = { type: "response.created", response: { id: "r", model: "m" } };
  const cases: [Obj[], string][] = [
    [[created, {
      type: "response.output_text.delta",
      output_index: 0,
      content_index: 0,
      delta: "x",
    }], "event.content_index"],
    [
      [created, { type: "response.function_call_arguments.delta", output_index: 3, delta: "{" }],
      "event.output_index",
    ],
    [
      [created, { type: "response.reasoning_summary_text.delta", output_index: 0, delta: "x" }],
      "event.output_index",
    ],
    [[created, { type: "response.completed", response: {} }, created], "event.type"],
    [[{ type: 7 }], "event.type"],
    [
      [{ type: "response.output_item.added", output_index: 0, item: { type: "message" } }],
      "event.type",
    ],
  ];
  for (const [events, field] of cases) {
    try {
      decodeAll(events);
      assert.fail("expected a TranslationError");
    } catch (e) {
      assert.ok(e instanceof TranslationError, String(e));
      assert.equal(e.field, field);
    }
  }
});

Deno.test("Responses stream decoder: failures and unknown items end the stream or are noted", () => {
  const notes = new Notes();
  const ir = decodeAll([
    { type: "response.created", response: { id: "r", model: "m" } },
    { type: "response.output_item.added", output_index: 0, item: { type: "web_search_call" } },
    { type: "response.web_search_call.searching", output_index: 0 },
    { type: "response.output_item.added", output_index: 1, item: { type: "message" } },
    {
      type: "response.content_part.added",
      output_index: 1,
      content_index: 0,
      part: { type: "output_text" },
    },
    { type: "response.output_text.delta", output_index: 1, content_index: 0, delta: "hal" },
    { type: "response.failed", response: { error: { code: "server_error", message: "boom" } } },
  ], notes);
  assert.deepEqual(ir.slice(1), [
    { type: "block_start", index: 0, block: { type: "text" } },
    { type: "text_delta", index: 0, text: "hal" },
    { type: "block_stop", index: 0 },
    {
      type: "error",
      error: { kind: "server", status: 500, message: "openai: boom", retryAfterMs: null },
    },
  ]);
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [["dropped", "output[0]"]]);
});

Deno.test("Responses stream encoder: content before the start or for a block not open is refused", () => {
  const cases: [StreamEvent[], string][] = [
    [[{ type: "block_start", index: 0, block: { type: "text" } }], "event.type"],
    [[
      {
        type: "start",
        id: "r",
        model: "m",
        usage: decodeResponsesResponse({ id: "r", model: "m", output: [] }, new Notes()).usage,
      },
      { type: "text_delta", index: 0, text: "x" },
    ], "block 0"],
  ];
  for (const [events, field] of cases) {
    assert.throws(
      () => encodeAll(events),
      (e) => e instanceof TranslationError && e.field === field,
    );
  }
});

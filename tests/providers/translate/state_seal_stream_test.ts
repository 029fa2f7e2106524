/**
 * The stream sealer between an upstream decoder and a client encoder: its output passes the IR
 * event checker (indices dense after inserted and left-out blocks), and the answer it streams is
 * the one the non-stream seal gives for the same upstream answer, byte for byte with fixed IVs.
 */
import assert from "node:assert/strict";
import {
  AnthropicStreamEncoder,
  chatCallPrefix,
  checkStream,
  collectResponse,
  decodeResponsesRequest,
  noSampling,
  Notes,
  type Protocol,
  ResponsesStreamEncoder,
  sealResponse,
  type StreamEvent,
  StreamStateSealer,
  unknownUsage,
  unsealRequest,
} from "../../../src/providers/translate/mod.ts";
import { codes, sealCtx, state } from "./state_seal_support.ts";
import { decodeText, encodeEvents } from "./streams.ts";

const gemini = "gemini.generate" as const;
const anthropic = "anthropic.messages" as const;

function upstream(origin: Protocol): StreamEvent[] {
  return [
    { type: "start", id: "r1", model: "up-model", usage: unknownUsage },
    { type: "block_start", index: 0, block: { type: "thinking", kind: "full" } },
    { type: "thinking_delta", index: 0, text: "I will " },
    { type: "thinking_delta", index: 0, text: "look" },
    { type: "state", index: 0, state: state(origin, "SIG_T") },
    { type: "block_stop", index: 0 },
    {
      type: "block_start",
      index: 1,
      block: { type: "redacted_thinking", state: state(origin, "R") },
    },
    { type: "block_stop", index: 1 },
    { type: "block_start", index: 2, block: { type: "text" } },
    { type: "text_delta", index: 2, text: "Looking." },
    { type: "block_stop", index: 2 },
    {
      type: "block_start",
      index: 3,
      block: { type: "tool_call", id: "c0", name: "read", state: state(origin, "SIG_C") },
    },
    { type: "arguments_delta", index: 3, json: '{"path":' },
    { type: "arguments_delta", index: 3, json: '"a"}' },
    { type: "block_stop", index: 3 },
    {
      type: "block_start",
      index: 4,
      block: { type: "tool_call", id: "c1", name: "read", state: null },
    },
    { type: "arguments_delta", index: 4, json: "{}" },
    { type: "block_stop", index: 4 },
    {
      type: "stop",
      stopReason: "tool_use",
      providerStopReason: null,
      stopSequence: null,
      usage: unknownUsage,
    },
  ];
}

async function sealStream(
  events: StreamEvent[],
  sealer: StreamStateSealer,
): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for (const e of events) out.push(...await sealer.event(e));
  return out;
}

for (const client of ["anthropic.messages", "openai.responses", "openai.chat"] as const) {
  Deno.test(`${client}: the streamed seal equals the non-stream seal, indices dense`, async () => {
    const events = upstream(gemini);
    assert.equal(checkStream(events), null);
    const streamCtx = sealCtx(client);
    const out = await sealStream(events, new StreamStateSealer(streamCtx));
    assert.equal(checkStream(out), null);
    const plainCtx = sealCtx(client);
    const expected = await sealResponse(collectResponse(events)!, plainCtx);
    assert.deepEqual(collectResponse(out), expected);
    assert.deepEqual(codes(streamCtx.notes), codes(plainCtx.notes));
    if (client === "openai.chat") {
      const id = out.flatMap((e) =>
        e.type === "block_start" && e.block.type === "tool_call" ? [e.block.id] : []
      )[0]!;
      assert.ok(id.startsWith(chatCallPrefix));
      const k = { tenant: "tenant-a", route: "route-1", id };
      assert.equal(await streamCtx.stateMap.get(k), await plainCtx.stateMap.get(k));
      assert.ok((await streamCtx.stateMap.get(k)) !== null);
    }
  });
}

Deno.test("Anthropic client stream: a carrier block before the call, every signature sealed", async () => {
  const ctx = sealCtx("anthropic.messages");
  const out = await sealStream(upstream(gemini), new StreamStateSealer(ctx));
  const heads = out.flatMap((e) => e.type === "block_start" ? [`${e.index}:${e.block.type}`] : []);
  assert.deepEqual(heads, [
    "0:thinking",
    "1:redacted_thinking",
    "2:text",
    "3:thinking",
    "4:tool_call",
    "5:tool_call",
  ]);
  const notes = new Notes();
  const encoder = new AnthropicStreamEncoder(notes);
  const sse = out.flatMap((e) => encoder.push(e)).map((m) => m.data).join("\n");
  assert.equal((sse.match(/"signature_delta","signature":"og1\./g) ?? []).length, 2);
  assert.equal((sse.match(/"data":"og1\./g) ?? []).length, 1);
  assert.deepEqual(codes(notes).filter((c) => c.startsWith("thinking_state_dropped")), []);
});

Deno.test("Chat client stream: the redacted block is left out and the rest renumbered", async () => {
  const ctx = sealCtx("openai.chat");
  const out = await sealStream(upstream(anthropic), new StreamStateSealer(ctx));
  const heads = out.flatMap((e) => e.type === "block_start" ? [`${e.index}:${e.block.type}`] : []);
  assert.deepEqual(heads, ["0:thinking", "1:text", "2:tool_call", "3:tool_call"]);
  assert.ok(!out.some((e) => e.type === "state"));
  const ids = out.flatMap((e) =>
    e.type === "block_start" && e.block.type === "tool_call" ? [e.block.id] : []
  );
  assert.ok(ids[0]!.startsWith(chatCallPrefix));
  assert.equal(ids[1], "c1");
  assert.deepEqual(ctx.notes.list, []);
});

Deno.test("a state that arrives after its tool call started has no slot: dropped, noted", async () => {
  const ctx = sealCtx("anthropic.messages");
  const sealer = new StreamStateSealer(ctx);
  const events: StreamEvent[] = [
    { type: "start", id: "r", model: "m", usage: unknownUsage },
    {
      type: "block_start",
      index: 0,
      block: { type: "tool_call", id: "c", name: "n", state: null },
    },
    { type: "state", index: 0, state: state(gemini, "S") },
    { type: "block_stop", index: 0 },
  ];
  const out = await sealStream(events, sealer);
  assert.ok(!out.some((e) => e.type === "state"));
  assert.deepEqual(codes(ctx.notes), ["thinking_state_dropped content[0]"]);
});

Deno.test("Gemini and Bedrock clients: events pass unchanged (their encoders drop, noted)", async () => {
  for (const client of ["gemini.generate", "bedrock.converse"] as const) {
    const events = upstream(anthropic);
    const out = await sealStream(events, new StreamStateSealer(sealCtx(client)));
    assert.deepEqual(out, events);
  }
});

Deno.test("Codex on Gemini, streamed: the completed output given back opens on its calls", async () => {
  const ctx = sealCtx("openai.responses");
  const sealer = new StreamStateSealer(ctx);
  const encoder = new ResponsesStreamEncoder({ createdAt: 0 }, ctx.notes);
  const events = upstream(gemini).filter((e) => !("index" in e) || e.index !== 1);
  const renumbered = events.map((e) =>
    "index" in e && e.index > 1 ? { ...e, index: e.index - 1 } : e
  );
  const frames = [];
  for (const e of renumbered) {
    for (const s of await sealer.event(e)) frames.push(...encoder.push(s));
  }
  const done = frames.find((f) => f["type"] === "response.completed")!;
  const output = (done["response"] as Record<string, unknown>)["output"] as Record<
    string,
    unknown
  >[];
  const body = {
    model: "m",
    input: [
      { role: "user", content: "go" },
      ...output,
      { type: "function_call_output", call_id: "c0", output: "A" },
      { type: "function_call_output", call_id: "c1", output: "B" },
    ],
  };
  const back = sealCtx("openai.responses");
  const ir = await unsealRequest(decodeResponsesRequest(body, back.notes), back);
  const blocks = ir.messages[1]!.content;
  assert.deepEqual(blocks.map((b) => b.type), ["thinking", "text", "tool_call", "tool_call"]);
  const [thinking, , c0, c1] = blocks;
  assert.equal(thinking?.type === "thinking" ? thinking.state?.value : null, "SIG_T");
  assert.equal(c0?.type === "tool_call" ? c0.state?.value : null, "SIG_C");
  assert.equal(c1?.type === "tool_call" ? c1.state : undefined, null);
  assert.equal(c0?.type === "tool_call" ? c0.state?.model : null, "up-model");
});

Deno.test("Claude Code on Gemini, streamed: what the client reads back opens on its parts", async () => {
  for (const client of ["anthropic.messages", "openai.chat"] as const) {
    const ctx = sealCtx(client);
    const sealed = await sealStream(upstream(gemini), new StreamStateSealer(ctx));
    // What the client's SDK assembles from the encoded stream, as the IR of its next request.
    const read = collectResponse(decodeText(client, encodeEvents(client, sealed)))!;
    const back = sealCtx(client, { stateMap: ctx.stateMap });
    const ir = await unsealRequest({
      model: "m",
      instructions: [],
      messages: [{ role: "user", content: [{ type: "text", text: "go" }] }, {
        role: "assistant",
        content: read.content,
      }],
      tools: [],
      toolChoice: null,
      parallelToolCalls: null,
      maxOutputTokens: 100,
      sampling: noSampling,
      stop: [],
      responseFormat: null,
      reasoning: null,
      stream: false,
      user: null,
      previousResponseId: null,
    }, back);
    const calls = ir.messages[1]!.content.flatMap((b) => b.type === "tool_call" ? [b] : []);
    assert.deepEqual(calls.map((c) => [c.id, c.state?.value ?? null]), [
      ["c0", "SIG_C"],
      ["c1", null],
    ], client);
    const thinking = ir.messages[1]!.content.find((b) => b.type === "thinking");
    assert.equal(thinking?.type === "thinking" ? thinking.state?.value : null, "SIG_T", client);
  }
});

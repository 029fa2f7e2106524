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
  Notes,
  type Protocol,
  sealResponse,
  type StreamEvent,
  StreamStateSealer,
  unknownUsage,
} from "../../../src/providers/translate/mod.ts";
import { codes, sealCtx, state } from "./state_seal_support.ts";

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

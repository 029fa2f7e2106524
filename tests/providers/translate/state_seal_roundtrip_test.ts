/**
 * The seal end to end through the real codecs, per client protocol: an upstream answer with
 * foreign thinking state is sealed into the client's slot, encoded for the client, sent back by
 * the client as history, decoded, unsealed, and encoded for the upstream that made it, which
 * gets its own values back on the parts that carried them.
 */
import assert from "node:assert/strict";
import {
  chatCallPrefix,
  chatIdLimit,
  decodeAnthropicRequest,
  decodeChatRequest,
  decodeResponsesRequest,
  encodeAnthropicRequest,
  encodeAnthropicResponse,
  encodeChatResponse,
  encodeGeminiRequest,
  encodeResponsesResponse,
  geminiApiOptions,
  Notes,
  openaiDialect,
  sealPrefix,
  sealResponse,
  unsealRequest,
} from "../../../src/providers/translate/mod.ts";
import { answer, call, codes, fixedRandom, sealCtx, state } from "./state_seal_support.ts";

type Obj = Record<string, unknown>;
const anthropicOptions = { defaultMaxTokens: 1000, adaptiveThinking: false };
const tool = { name: "read", input_schema: { type: "object" } };

function parts(body: Obj): Obj[] {
  return (body["contents"] as Obj[]).flatMap((c) => c["parts"] as Obj[]);
}

function assistantBlocks(body: Obj): Obj[] {
  const m = (body["messages"] as Obj[]).find((m) => m["role"] === "assistant")!;
  return m["content"] as Obj[];
}

Deno.test("Anthropic client, Gemini upstream: signatures come back on their own parts", async () => {
  const gemini = "gemini.generate" as const;
  const upstream = answer("gemini-3-pro", [
    { type: "thinking", text: "I will look", kind: "summary", state: state(gemini, "SIG_T") },
    { type: "text", text: "Looking." },
    call("call_g0", state(gemini, "SIG_C")),
  ]);
  const ctx = sealCtx("anthropic.messages");
  const wire = encodeAnthropicResponse(await sealResponse(upstream, ctx), ctx.notes);
  const content = wire["content"] as Obj[];
  assert.deepEqual(content.map((b) => b["type"]), [
    "thinking",
    "text",
    "thinking",
    "tool_use",
  ]);
  assert.ok(String(content[0]!["signature"]).startsWith(sealPrefix));
  assert.equal(content[2]!["thinking"], "", "the call's state rides on an empty thinking block");
  assert.ok(String(content[2]!["signature"]).startsWith(sealPrefix));
  assert.deepEqual(ctx.notes.list, []);

  const body = {
    model: "m",
    max_tokens: 100,
    tools: [tool],
    messages: [
      { role: "user", content: "read a" },
      { role: "assistant", content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_g0", content: "A" }] },
    ],
  };
  const back = sealCtx("anthropic.messages");
  const ir = await unsealRequest(decodeAnthropicRequest(body, back.notes), back);
  assert.deepEqual(ir.messages[1]!.content.map((b) => b.type), ["thinking", "text", "tool_call"]);
  const notes = new Notes();
  const out = parts(encodeGeminiRequest({ ...ir, model: "gemini-3-pro" }, geminiApiOptions, notes));
  const fc = out.find((p) => p["functionCall"] !== undefined)!;
  assert.equal(fc["thoughtSignature"], "SIG_C");
  assert.ok(out.some((p) => p["thought"] === true && p["thoughtSignature"] === "SIG_T"));
  assert.deepEqual(codes(notes).filter((c) => c.startsWith("thinking_state_dropped")), []);
});

Deno.test("Responses client, Anthropic upstream: thinking and redacted thinking come back", async () => {
  const anthropic = "anthropic.messages" as const;
  const upstream = answer("claude-x", [
    { type: "thinking", text: "plan", kind: "full", state: state(anthropic, "SIG_A") },
    { type: "redacted_thinking", state: state(anthropic, "REDACTED_DATA") },
    { type: "text", text: "ok" },
    call("toolu_01"),
  ]);
  const ctx = sealCtx("openai.responses");
  const wire = encodeResponsesResponse(
    await sealResponse(upstream, ctx),
    { createdAt: 0 },
    ctx.notes,
  );
  const output = wire["output"] as Obj[];
  const reasoning = output.filter((i) => i["type"] === "reasoning");
  assert.equal(reasoning.length, 2);
  for (const r of reasoning) assert.ok(String(r["encrypted_content"]).startsWith(sealPrefix));

  const body = {
    model: "m",
    input: [
      { role: "user", content: "go" },
      ...output,
      { type: "function_call_output", call_id: "toolu_01", output: "done" },
    ],
    tools: [{ type: "function", name: "read", parameters: { type: "object" } }],
  };
  const back = sealCtx("openai.responses");
  const ir = await unsealRequest(decodeResponsesRequest(body, back.notes), back);
  const notes = new Notes();
  const up = encodeAnthropicRequest({ ...ir, model: "claude-x" }, anthropicOptions, notes);
  const blocks = assistantBlocks(up);
  assert.deepEqual(blocks.map((b) => b["type"]), [
    "thinking",
    "redacted_thinking",
    "text",
    "tool_use",
  ]);
  assert.equal(blocks[0]!["thinking"], "plan");
  assert.equal(blocks[0]!["signature"], "SIG_A");
  assert.equal(blocks[1]!["data"], "REDACTED_DATA");
});

Deno.test("Chat client, Anthropic upstream: the tool call id carries the turn's thinking", async () => {
  const anthropic = "anthropic.messages" as const;
  const upstream = answer("claude-x", [
    { type: "thinking", text: "plan", kind: "full", state: state(anthropic, "SIG_A") },
    { type: "text", text: "ok" },
    call("toolu_01"),
    call("toolu_02"),
  ]);
  const ctx = sealCtx("openai.chat");
  const sealed = await sealResponse(upstream, ctx);
  const wire = encodeChatResponse(sealed, { dialect: openaiDialect, created: 0 }, ctx.notes);
  const message = (wire["choices"] as Obj[])[0]!["message"] as Obj;
  const ids = (message["tool_calls"] as Obj[]).map((c) => String(c["id"]));
  assert.ok(ids[0]!.startsWith(chatCallPrefix) && ids[0]!.length <= chatIdLimit);
  assert.match(ids[0]!, /^[a-zA-Z0-9_-]+$/);
  assert.equal(ids[1], "toolu_02", "a call with nothing to carry keeps its id");
  assert.deepEqual(codes(ctx.notes), ["dropped content[0]"], "OpenAI's Chat shows no thinking");

  const body = {
    model: "m",
    messages: [
      { role: "user", content: "go" },
      message,
      { role: "tool", tool_call_id: ids[0], content: "A" },
      { role: "tool", tool_call_id: ids[1], content: "B" },
    ],
    tools: [{ type: "function", function: { name: "read", parameters: { type: "object" } } }],
  };
  const back = sealCtx("openai.chat", { stateMap: ctx.stateMap });
  const ir = await unsealRequest(decodeChatRequest(body, openaiDialect, back.notes), back);
  const results = ir.messages[2]!.content.map((b) => b.type === "tool_result" ? b.callId : "");
  assert.deepEqual(results, ["toolu_01", "toolu_02"]);
  const notes = new Notes();
  const blocks = assistantBlocks(
    encodeAnthropicRequest({ ...ir, model: "claude-x" }, anthropicOptions, notes),
  );
  assert.deepEqual(blocks.map((b) => [b["type"], b["id"] ?? b["signature"]]), [
    ["thinking", "SIG_A"],
    ["text", undefined],
    ["tool_use", "toolu_01"],
    ["tool_use", "toolu_02"],
  ]);
});

Deno.test("Chat client, Gemini upstream: a functionCall's signature rides on the call id", async () => {
  const upstream = answer("gemini-3-pro", [call("call_g0", state("gemini.generate", "SIG_C"))]);
  const ctx = sealCtx("openai.chat");
  const sealed = await sealResponse(upstream, ctx);
  const id = (sealed.content[0] as { id: string }).id;
  assert.ok(id.startsWith(chatCallPrefix));
  const body = {
    model: "m",
    messages: [
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id, type: "function", function: { name: "read", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: id, content: "A" },
    ],
  };
  const back = sealCtx("openai.chat", { stateMap: ctx.stateMap });
  const ir = await unsealRequest(decodeChatRequest(body, openaiDialect, back.notes), back);
  const out = parts(
    encodeGeminiRequest({ ...ir, model: "gemini-3-pro" }, geminiApiOptions, back.notes),
  );
  const fc = out.find((p) => p["functionCall"] !== undefined)!;
  assert.equal(fc["thoughtSignature"], "SIG_C");
  assert.equal((fc["functionCall"] as Obj)["id"], "call_g0");
  const fr = out.find((p) => p["functionResponse"] !== undefined)!;
  assert.equal((fr["functionResponse"] as Obj)["id"], "call_g0");
});

Deno.test("replayed into another model: opened, then dropped by the encoder with a note", async () => {
  const upstream = answer("claude-x", [
    { type: "thinking", text: "plan", kind: "full", state: state("anthropic.messages", "SIG_A") },
    call("toolu_01"),
  ]);
  for (const client of ["openai.chat", "openai.responses"] as const) {
    const ctx = sealCtx(client);
    const sealed = await sealResponse(upstream, ctx);
    const back = sealCtx(client, { stateMap: ctx.stateMap, random: fixedRandom(9) });
    const ir = await unsealRequest({
      model: "m",
      instructions: [],
      messages: [{ role: "user", content: [{ type: "text", text: "go" }] }, {
        role: "assistant",
        content: sealed.content,
      }],
      tools: [],
      toolChoice: null,
      parallelToolCalls: null,
      maxOutputTokens: 100,
      sampling: {
        temperature: null,
        topP: null,
        topK: null,
        seed: null,
        presencePenalty: null,
        frequencyPenalty: null,
      },
      stop: [],
      responseFormat: null,
      reasoning: null,
      stream: false,
      user: null,
      previousResponseId: null,
    }, back);
    const thinking = ir.messages[1]!.content.find((b) => b.type === "thinking");
    assert.deepEqual(
      thinking?.type === "thinking" ? thinking.state : null,
      { origin: "anthropic.messages", model: "claude-x", value: "SIG_A", itemId: null },
      client,
    );
    const notes = new Notes();
    const blocks = assistantBlocks(
      encodeAnthropicRequest({ ...ir, model: "claude-other" }, anthropicOptions, notes),
    );
    assert.ok(!blocks.some((b) => b["type"] === "thinking"), client);
    assert.ok(codes(notes).includes("thinking_state_dropped messages[1].content[0]"), client);
  }
});

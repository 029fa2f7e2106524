/** Table tests of the Gemini encoders' cross-protocol rules (plan sections 2.4, 2.6, 3). */
import assert from "node:assert/strict";
import {
  decodeAnthropicRequest,
  decodeGeminiRequest,
  decodeGeminiResponse,
  encodeGeminiRequest,
  encodeGeminiResponse,
  geminiApiOptions,
  GeminiStreamDecoder,
  Notes,
  TranslationError,
} from "../../../src/providers/translate/mod.ts";

const route = { model: "gemini-2.5-pro", stream: false };
const decode = (body: unknown) => decodeGeminiRequest(body, route, new Notes());
const user = { role: "user", parts: [{ text: "hi" }] };

/** An Anthropic history with a tool loop, for the encoder's cross-protocol rules. */
const anthropicLoop = {
  model: "claude",
  max_tokens: 100,
  messages: [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "hmm", signature: "anthropic-sig" },
        { type: "tool_use", id: "toolu_1", name: "look", input: { q: 1 } },
      ],
    },
    {
      role: "user",
      content: [{
        type: "tool_result",
        tool_use_id: "toolu_1",
        content: [{ type: "text", text: "seen" }, {
          type: "image",
          source: { type: "base64", media_type: "image/png", data: "AAAA" },
        }],
      }],
    },
  ],
};

Deno.test("gemini encode: foreign thinking is not sent; Vertex without ids; tool result media relocated", () => {
  const ir = decodeAnthropicRequest(anthropicLoop, new Notes());
  const notes = new Notes();
  const vertex = {
    callIds: false,
    mediaInFunctionResponse: false,
    thinkingField: "thinkingBudget" as const,
  };
  const out = encodeGeminiRequest({ ...ir, model: "gemini-2.5-pro" }, vertex, notes);
  assert.deepEqual(out["contents"], [
    { role: "user", parts: [{ text: "go" }] },
    { role: "model", parts: [{ functionCall: { name: "look", args: { q: 1 } } }] },
    {
      role: "user",
      parts: [
        { functionResponse: { name: "look", response: { output: "seen" } } },
        { inlineData: { mimeType: "image/png", data: "AAAA" } },
      ],
    },
  ]);
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [
    ["thinking_state_dropped", "messages[1].content[0]"],
    ["relocated", "messages[2].content[0].content"],
  ]);
});

Deno.test("gemini encode: state of another Gemini model stays home; a URL image is refused", () => {
  const ir = decode({
    contents: [user, {
      role: "model",
      parts: [{ functionCall: { id: "a", name: "f", args: {} }, thoughtSignature: "s" }],
    }],
  });
  const call = ir.messages[1]!.content[0]!;
  assert.equal(call.type === "tool_call" && call.state?.value, "s");
  if (call.type === "tool_call") call.state = { ...call.state!, model: "gemini-3-pro" };
  const notes = new Notes();
  const out = encodeGeminiRequest(ir, geminiApiOptions, notes);
  assert.deepEqual((out["contents"] as { parts: unknown[] }[])[1]!.parts, [{
    functionCall: { id: "a", name: "f", args: {} },
  }]);
  assert.equal(notes.list[0]!.code, "thinking_state_dropped");
  ir.messages[0]!.content.push({
    type: "image",
    source: { kind: "url", url: "https://x/y.png", mediaType: null },
    detail: null,
  });
  assert.throws(
    () => encodeGeminiRequest(ir, geminiApiOptions, new Notes()),
    (e) => e instanceof TranslationError && e.field === "messages[0].content[1].source.url",
  );
});

Deno.test("gemini answers: blocked prompt, unknown usage, function response objects", () => {
  const blocked = decodeGeminiResponse(
    {
      promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
      usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
    },
    "gemini-2.5-flash",
    new Notes(),
  );
  assert.equal(blocked.stopReason, "content_filter");
  assert.equal(blocked.providerStopReason, "PROHIBITED_CONTENT");
  assert.deepEqual(blocked.usage, {
    inputTokens: 7,
    cachedInputTokens: 0,
    cacheWriteTokens: null,
    outputTokens: 0,
    reasoningTokens: 0,
  });
  const bare = decodeGeminiResponse(
    { candidates: [{ content: { parts: [{ text: "x" }] }, finishReason: "STOP" }] },
    "m",
    new Notes(),
  );
  assert.deepEqual(bare.usage, {
    inputTokens: null,
    cachedInputTokens: null,
    cacheWriteTokens: null,
    outputTokens: null,
    reasoningTokens: null,
  });
  assert.equal(bare.model, "m");
  const notes = new Notes();
  const out = encodeGeminiResponse(bare, geminiApiOptions, notes);
  assert.deepEqual(out["usageMetadata"], {
    promptTokenCount: 0,
    candidatesTokenCount: 0,
    totalTokenCount: 0,
  });
  assert.deepEqual(notes.list.map((n) => n.code), ["usage_unknown", "usage_unknown"]);
});

Deno.test("gemini encode: schemas reduced to Gemini's subset, names and object parameters checked", () => {
  const ir = decode({ contents: [user] });
  ir.tools = [{
    name: "f",
    description: null,
    parameters: {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: {
        a: { type: "string", pattern: "^x", const: "x" },
        b: { $ref: "#/$defs/B", description: "kept out" },
        c: { type: "array", items: { type: "integer", default: 1 } },
      },
      $defs: { B: { type: "number", minimum: 0 } },
      additionalProperties: false,
      required: ["a"],
    },
    strict: true,
  }];
  const notes = new Notes();
  const out = encodeGeminiRequest(ir, geminiApiOptions, notes);
  assert.deepEqual(out["tools"], [{
    functionDeclarations: [{
      name: "f",
      parametersJsonSchema: {
        type: "object",
        properties: {
          a: { type: "string", enum: ["x"] },
          b: { $ref: "#/$defs/B" },
          c: { type: "array", items: { type: "integer" } },
        },
        $defs: { B: { type: "number", minimum: 0 } },
        additionalProperties: false,
        required: ["a"],
      },
    }],
  }]);
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [
    ["dropped", "tools[0].strict"],
    ["dropped", "tools[0].parameters.$schema"],
    ["dropped", "tools[0].parameters.properties.a.pattern"],
    ["converted", "tools[0].parameters.properties.a.const"],
    ["dropped", "tools[0].parameters.properties.b.description"],
    ["dropped", "tools[0].parameters.properties.c.items.default"],
  ]);
  for (
    const [tool, field] of [
      [{ name: "1bad", parameters: { type: "object" } }, "tools[0].name"],
      [{ name: "ok", parameters: { type: "string" } }, "tools[0].parameters.type"],
      [
        { name: "ok", parameters: { type: "object", properties: [] } },
        "tools[0].parameters.properties",
      ],
    ] as const
  ) {
    ir.tools = [{ ...tool, description: null, strict: null } as never];
    assert.throws(
      () => encodeGeminiRequest(ir, geminiApiOptions, new Notes()),
      (e) => e instanceof TranslationError && e.field === field,
      field,
    );
  }
});

Deno.test("gemini answers without call ids: ids from the responseId, the same streamed and not", () => {
  const parts = [
    { functionCall: { name: "f", args: { a: 1 } } },
    { functionCall: { name: "f", args: { a: 2 } } },
  ];
  const answer = {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP" }],
    responseId: "r/1",
  };
  const ir = decodeGeminiResponse(answer, "g", new Notes());
  const ids = ir.content.map((b) => b.type === "tool_call" ? b.id : "");
  assert.deepEqual(ids, ["gemini_r_1_0", "gemini_r_1_1"]);
  const d = new GeminiStreamDecoder("g", new Notes());
  const events = [...d.chunk(answer), ...d.end()];
  const streamed = events.flatMap((e) =>
    e.type === "block_start" && e.block.type === "tool_call" ? [e.block.id] : []
  );
  assert.deepEqual(streamed, ids);
  const none = decodeGeminiResponse({ ...answer, responseId: undefined }, "g", new Notes());
  assert.equal(none.content[0]!.type === "tool_call" && none.content[0]!.id, "gemini_call_0");
});

/**
 * Properties of the Bedrock Converse codec (issue 21, "Done when"): a round trip through a
 * translation keeps the tool calls, their order, their arguments and their results —
 * Converse → IR → Chat → IR → Converse, Chat → IR → Converse → IR → Chat,
 * Anthropic → IR → Converse → IR → Anthropic — and Converse's own reasoning signatures come back
 * on a Converse → IR → Converse trip. Hostile bodies give an IR or a TranslationError.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeAnthropicRequest,
  decodeChatRequest,
  decodeChatResponse,
  decodeConverseRequest,
  decodeConverseResponse,
  encodeAnthropicRequest,
  encodeChatRequest,
  encodeChatResponse,
  encodeConverseRequest,
  encodeConverseResponse,
  Notes,
  openaiChatOptions,
  openaiDialect,
  TranslationError,
} from "../../../src/providers/translate/mod.ts";

const model = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const path = { model, stream: false };
const meta = { id: "a", model };
const options = { anthropicFields: null };
const anthropicOptions = { defaultMaxTokens: 1000, adaptiveThinking: false };

type Json = unknown;
interface Call {
  name: string;
  args: Record<string, Json>;
}
type Obj = Record<string, unknown>;

const name = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
const args = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
}).map((o) => JSON.parse(JSON.stringify(o)) as Record<string, Json>);
const call: fc.Arbitrary<Call> = fc.record({ name, args });
const turns = fc.array(fc.array(call, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 4,
});
const id = (t: number, i: number) => `tooluse_${t}_${i}`;
/** Base64 of random bytes: a signature or redacted content as Bedrock sends it. */
const opaque = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((b) =>
  btoa(String.fromCharCode(...b))
);

function converseRequest(ts: Call[][], sigs: string[]): Obj {
  const messages: unknown[] = [{ role: "user", content: [{ text: "go" }] }];
  ts.forEach((calls, t) => {
    const reasoning = { reasoningText: { text: `think ${t}`, signature: sigs[t % sigs.length] } };
    messages.push({
      role: "assistant",
      content: [
        { reasoningContent: reasoning },
        ...calls.map((c, i) => ({ toolUse: { toolUseId: id(t, i), name: c.name, input: c.args } })),
      ],
    });
    messages.push({
      role: "user",
      content: calls.map((_, i) => ({
        toolResult: { toolUseId: id(t, i), content: [{ text: `r${t}.${i}` }] },
      })),
    });
  });
  return { messages, inferenceConfig: { maxTokens: 1000 } };
}

function converseBlocks(body: Obj, key: string): unknown[] {
  return (body["messages"] as { content: Obj[] }[]).flatMap((m) => m.content)
    .filter((b) => b[key] !== undefined).map((b) => b[key]);
}

Deno.test("property: Converse → IR → Chat → IR → Converse keeps tool calls, order, arguments and results", () => {
  fc.assert(
    fc.property(turns, fc.array(opaque, { minLength: 1, maxLength: 3 }), (ts, sigs) => {
      const input = converseRequest(ts, sigs);
      const chat = encodeChatRequest(
        decodeConverseRequest(input, path, new Notes()),
        openaiChatOptions,
        new Notes(),
      );
      const back = encodeConverseRequest(
        { ...decodeChatRequest(chat, openaiDialect, new Notes()), model },
        options,
        new Notes(),
      );
      assert.deepEqual(converseBlocks(back, "toolUse"), converseBlocks(input, "toolUse"));
      assert.deepEqual(converseBlocks(back, "toolResult"), converseBlocks(input, "toolResult"));
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: Converse → IR → Converse carries reasoning signatures with their turn", () => {
  fc.assert(
    fc.property(turns, fc.array(opaque, { minLength: 1, maxLength: 3 }), (ts, sigs) => {
      const input = converseRequest(ts, sigs);
      const notes = new Notes();
      const back = encodeConverseRequest(decodeConverseRequest(input, path, notes), options, notes);
      assert.deepEqual(back["messages"], input["messages"]);
      // The one note: the history's tools declared (the input has no toolConfig).
      assert.deepEqual(notes.list.map((n) => n.field), ["toolConfig"]);
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: Anthropic → IR → Converse → IR → Anthropic keeps tool calls, order, arguments and results", () => {
  fc.assert(
    fc.property(turns, (ts) => {
      const messages: unknown[] = [{ role: "user", content: "go" }];
      ts.forEach((calls, t) => {
        messages.push({
          role: "assistant",
          content: calls.map((c, i) => ({
            type: "tool_use",
            id: id(t, i),
            name: c.name,
            input: c.args,
          })),
        });
        messages.push({
          role: "user",
          content: calls.map((_, i) => ({
            type: "tool_result",
            tool_use_id: id(t, i),
            content: [{ type: "text", text: `r${t}.${i}` }],
          })),
        });
      });
      const input = { model: "c", max_tokens: 100, messages };
      const converse = encodeConverseRequest(
        { ...decodeAnthropicRequest(input, new Notes()), model },
        options,
        new Notes(),
      );
      const back = encodeAnthropicRequest(
        { ...decodeConverseRequest(converse, path, new Notes()), model: "c" },
        anthropicOptions,
        new Notes(),
      );
      const blocks = (body: Obj, type: string) =>
        (body["messages"] as { content: Obj[] }[]).flatMap((m) => m.content)
          .filter((b) => b["type"] === type);
      assert.deepEqual(blocks(back, "tool_use"), blocks(input, "tool_use"));
      assert.deepEqual(blocks(back, "tool_result"), blocks(input, "tool_result"));
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: Chat → IR → Converse → IR → Chat keeps the calls' ids, names and arguments", () => {
  fc.assert(
    fc.property(turns, (ts) => {
      const messages: unknown[] = [{ role: "user", content: "go" }];
      ts.forEach((calls, t) => {
        messages.push({
          role: "assistant",
          content: null,
          tool_calls: calls.map((c, i) => ({
            id: id(t, i),
            type: "function",
            function: { name: c.name, arguments: JSON.stringify(c.args, null, t % 2 ? " " : "") },
          })),
        });
        calls.forEach((_, i) =>
          messages.push({ role: "tool", tool_call_id: id(t, i), content: `r${t}.${i}` })
        );
      });
      const input = { model: "g", messages };
      const converse = encodeConverseRequest(
        { ...decodeChatRequest(input, openaiDialect, new Notes()), model },
        options,
        new Notes(),
      );
      const back = encodeChatRequest(
        decodeConverseRequest(converse, path, new Notes()),
        openaiChatOptions,
        new Notes(),
      );
      const calls = (body: Obj) =>
        (body["messages"] as Obj[]).flatMap((m) =>
          ((m["tool_calls"] ?? []) as {
            id: string;
            function: { name: string; arguments: string };
          }[])
            .map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)])
        );
      const results = (body: Obj) =>
        (body["messages"] as Obj[]).filter((m) => m["role"] === "tool")
          .map((m) => [m["tool_call_id"], m["content"]]);
      assert.deepEqual(calls(back), calls(input));
      assert.deepEqual(results(back), results(input));
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: answers — Converse ⇄ IR ⇄ Chat keep one turn's calls in order, and Converse's own signatures", () => {
  fc.assert(
    fc.property(
      fc.array(call, { minLength: 1, maxLength: 6 }),
      opaque,
      opaque,
      (calls, sig, red) => {
        const answer = {
          output: {
            message: {
              role: "assistant",
              content: [
                { reasoningContent: { reasoningText: { text: "t", signature: sig } } },
                { reasoningContent: { redactedContent: red } },
                ...calls.map((c, i) => ({
                  toolUse: { toolUseId: id(0, i), name: c.name, input: c.args },
                })),
              ],
            },
          },
          stopReason: "tool_use",
          usage: {
            inputTokens: 1,
            outputTokens: 2,
            totalTokens: 3,
            cacheReadInputTokens: 0,
            cacheWriteInputTokens: 0,
          },
        };
        const ir = decodeConverseResponse(answer, meta, new Notes());
        assert.deepEqual(encodeConverseResponse(ir, new Notes()), answer);
        const chat = encodeChatResponse(ir, { dialect: openaiDialect, created: 0 }, new Notes());
        const back = encodeConverseResponse(
          { ...decodeChatResponse(chat, openaiDialect, new Notes()), model },
          new Notes(),
        );
        const uses = (back["output"] as { message: { content: Obj[] } }).message.content
          .map((b) => b["toolUse"]);
        assert.deepEqual(
          uses,
          calls.map((c, i) => ({ toolUseId: id(0, i), name: c.name, input: c.args })),
        );
        assert.equal(back["stopReason"], "tool_use");
      },
    ),
    { numRuns: 300 },
  );
});

const anyValue = fc.jsonValue({ maxDepth: 3 });
const block = fc.dictionary(
  fc.constantFrom(
    "text",
    "image",
    "document",
    "toolUse",
    "toolResult",
    "reasoningContent",
    "cachePoint",
    "video",
  ),
  fc.oneof(
    anyValue,
    fc.record({
      format: anyValue,
      source: fc.oneof(anyValue, fc.record({ bytes: anyValue })),
      toolUseId: anyValue,
      name: anyValue,
      input: anyValue,
      content: fc.oneof(
        anyValue,
        fc.array(fc.dictionary(fc.constantFrom("text", "json", "image", "x"), anyValue)),
      ),
      status: anyValue,
      reasoningText: anyValue,
      redactedContent: anyValue,
    }, { requiredKeys: [] }),
  ),
  { maxKeys: 2 },
);
const message = fc.record({
  role: fc.constantFrom("user", "assistant", "x"),
  content: fc.oneof(anyValue, fc.array(block, { maxLength: 3 })),
}, { requiredKeys: [] });
const body = fc.oneof(
  anyValue,
  fc.record({
    messages: fc.oneof(anyValue, fc.array(message, { maxLength: 4 })),
    system: anyValue,
    inferenceConfig: anyValue,
    toolConfig: anyValue,
    additionalModelRequestFields: anyValue,
    outputConfig: anyValue,
    output: fc.oneof(anyValue, fc.record({ message: fc.oneof(anyValue, message) })),
    stopReason: anyValue,
    usage: anyValue,
  }, { requiredKeys: [] }),
);

Deno.test("property: Converse decoders answer hostile JSON with an IR or a TranslationError naming a field", () => {
  fc.assert(
    fc.property(body, (b) => {
      for (
        const decode of [
          () => decodeConverseRequest(b, path, new Notes()),
          () => decodeConverseResponse(b, meta, new Notes()),
        ]
      ) {
        try {
          decode();
        } catch (e) {
          assert.ok(e instanceof TranslationError, String(e));
          assert.ok(e.field.length > 0 && e.reason.length > 0);
        }
      }
    }),
    { numRuns: 2000 },
  );
});

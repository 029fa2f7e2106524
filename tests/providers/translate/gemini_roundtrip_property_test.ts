/**
 * Property (issue 21, "Done when"), extended to Gemini: round trips keep the tool calls, their
 * order, arguments and results; Gemini → IR → Gemini keeps each `thoughtSignature` on the
 * `functionCall` part that carried it (OmniRoute PR #9221, Bifrost #1437).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeAnthropicRequest,
  decodeAnthropicResponse,
  decodeChatRequest,
  decodeGeminiRequest,
  decodeGeminiResponse,
  encodeAnthropicRequest,
  encodeAnthropicResponse,
  encodeChatRequest,
  encodeGeminiRequest,
  encodeGeminiResponse,
  geminiApiOptions,
  Notes,
  openaiChatOptions,
  openaiDialect,
} from "../../../src/providers/translate/mod.ts";

type Json = unknown;
interface Call {
  name: string;
  args: Record<string, Json>;
  signature: string | null;
}

const route = { model: "gemini-2.5-pro", stream: false };
const name = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
const args = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
}).map((o) => JSON.parse(JSON.stringify(o)) as Record<string, Json>);
const signature = fc.option(fc.base64String({ minLength: 4, maxLength: 24 }), { nil: null });
const call: fc.Arbitrary<Call> = fc.record({ name, args, signature });
const turns = fc.array(fc.array(call, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 4,
});
const id = (t: number, i: number) => `call_${t}_${i}`;

function geminiRequest(ts: Call[][]): Record<string, unknown> {
  const contents: unknown[] = [{ role: "user", parts: [{ text: "go" }] }];
  ts.forEach((calls, t) => {
    contents.push({
      role: "model",
      parts: calls.map((c, i) => {
        const part: Record<string, unknown> = {
          functionCall: { id: id(t, i), name: c.name, args: c.args },
        };
        if (c.signature !== null) part["thoughtSignature"] = c.signature;
        return part;
      }),
    });
    contents.push({
      role: "user",
      parts: calls.map((c, i) => ({
        functionResponse: { id: id(t, i), name: c.name, response: { output: `r${t}.${i}` } },
      })),
    });
  });
  return { contents };
}

type Part = Record<string, Record<string, unknown>>;
function parts(body: Record<string, unknown>, key: string): Part[] {
  return (body["contents"] as { parts: Part[] }[]).flatMap((c) => c.parts).filter((p) => key in p);
}
const unsigned = (ps: Part[]) => ps.map(({ thoughtSignature: _, ...p }) => p);

Deno.test("property: Gemini → IR → Gemini keeps calls, results and each thoughtSignature on its functionCall part", () => {
  fc.assert(
    fc.property(turns, (ts) => {
      const input = geminiRequest(ts);
      const back = encodeGeminiRequest(
        decodeGeminiRequest(input, route, new Notes()),
        geminiApiOptions,
        new Notes(),
      );
      assert.deepEqual(back["contents"], input["contents"]);
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: Gemini → IR → Chat → IR → Gemini keeps calls, order, arguments and results", () => {
  fc.assert(
    fc.property(turns, (ts) => {
      const input = geminiRequest(ts);
      const chat = encodeChatRequest(
        decodeGeminiRequest(input, route, new Notes()),
        openaiChatOptions,
        new Notes(),
      );
      const back = encodeGeminiRequest(
        { ...decodeChatRequest(chat, openaiDialect, new Notes()), model: route.model },
        geminiApiOptions,
        new Notes(),
      );
      // Chat has no slot for the signature until the seal (part T5): everything else survives.
      assert.deepEqual(
        unsigned(parts(back, "functionCall")),
        unsigned(parts(input, "functionCall")),
      );
      assert.deepEqual(parts(back, "functionResponse"), parts(input, "functionResponse"));
    }),
    { numRuns: 300 },
  );
});

function anthropicRequest(ts: Call[][]): Record<string, unknown> {
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
  return { model: "c", max_tokens: 100, messages };
}

function blocks(body: Record<string, unknown>, type: string): Record<string, unknown>[] {
  return (body["messages"] as { content: Record<string, unknown>[] }[]).flatMap((m) => m.content)
    .filter((b) => b["type"] === type);
}

Deno.test("property: Anthropic → IR → Gemini → IR → Anthropic keeps calls, order, arguments and results", () => {
  fc.assert(
    fc.property(turns, (ts) => {
      const input = anthropicRequest(ts);
      const gemini = encodeGeminiRequest(
        { ...decodeAnthropicRequest(input, new Notes()), model: route.model },
        geminiApiOptions,
        new Notes(),
      );
      const back = encodeAnthropicRequest(
        { ...decodeGeminiRequest(gemini, route, new Notes()), maxOutputTokens: 100 },
        { defaultMaxTokens: 100, adaptiveThinking: false },
        new Notes(),
      );
      assert.deepEqual(blocks(back, "tool_use"), blocks(input, "tool_use"));
      assert.deepEqual(blocks(back, "tool_result"), blocks(input, "tool_result"));
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: answers — Gemini → IR → Anthropic → IR → Gemini keeps one turn's calls in order, once each", () => {
  fc.assert(
    fc.property(fc.array(call, { minLength: 1, maxLength: 6 }), (calls) => {
      const gemini = {
        candidates: [{
          content: {
            role: "model",
            parts: calls.map((c, i) => ({
              functionCall: { id: id(0, i), name: c.name, args: c.args },
            })),
          },
          finishReason: "STOP",
        }],
        modelVersion: "gemini-2.5-pro",
        responseId: "r",
      };
      const ir = decodeGeminiResponse(gemini, route.model, new Notes());
      assert.equal(ir.stopReason, "tool_use");
      const anthropic = encodeAnthropicResponse(ir, new Notes());
      const back = encodeGeminiResponse(
        decodeAnthropicResponse(anthropic, new Notes()),
        geminiApiOptions,
        new Notes(),
      ) as { candidates: { content: { parts: unknown[] }; finishReason: string }[] };
      assert.deepEqual(back.candidates[0]!.content.parts, gemini.candidates[0]!.content.parts);
      assert.equal(back.candidates[0]!.finishReason, "STOP");
    }),
    { numRuns: 300 },
  );
});

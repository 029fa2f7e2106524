/**
 * Property (issue 21, "Done when"): a round trip through a translation keeps the tool calls,
 * their order and their arguments — Chat → IR → Anthropic → IR → Chat and the reverse, for
 * requests (history with parallel calls and their results) and for answers.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeAnthropicRequest,
  decodeAnthropicResponse,
  decodeChatRequest,
  decodeChatResponse,
  encodeAnthropicRequest,
  encodeAnthropicResponse,
  encodeChatRequest,
  encodeChatResponse,
  Notes,
  openaiDialect,
} from "../../../src/providers/translate/mod.ts";

const chatOptions = {
  dialect: openaiDialect,
  maxTokensField: "max_completion_tokens" as const,
  maxStopSequences: null,
};
const anthropicOptions = { defaultMaxTokens: 1000, adaptiveThinking: false };

type Json = unknown;
interface Call {
  name: string;
  args: Record<string, Json>;
}

const name = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
const args = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
})
  .map((o) => JSON.parse(JSON.stringify(o)) as Record<string, Json>);
const call: fc.Arbitrary<Call> = fc.record({ name, args });
/** Turns of 1 to 4 parallel calls each; ids are made unique by position. */
const turns = fc.array(fc.array(call, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 4,
});
const id = (t: number, i: number) => `call_${t}_${i}`;

function chatRequest(ts: Call[][], spacing: string[]): Record<string, unknown> {
  const messages: unknown[] = [{ role: "user", content: "go" }];
  ts.forEach((calls, t) => {
    messages.push({
      role: "assistant",
      content: null,
      tool_calls: calls.map((c, i) => ({
        id: id(t, i),
        type: "function",
        // Whitespace the model may put in its arguments: the Chat text is not the object.
        function: {
          name: c.name,
          arguments: JSON.stringify(c.args, null, spacing[t % spacing.length]),
        },
      })),
    });
    calls.forEach((_, i) =>
      messages.push({ role: "tool", tool_call_id: id(t, i), content: `r${t}.${i}` })
    );
  });
  return { model: "g", messages };
}

function chatCalls(body: Record<string, unknown>): [string, string, Json][] {
  const out: [string, string, Json][] = [];
  for (const m of body["messages"] as Record<string, unknown>[]) {
    for (
      const c of (m["tool_calls"] ?? []) as {
        id: string;
        function: { name: string; arguments: string };
      }[]
    ) {
      out.push([c.id, c.function.name, JSON.parse(c.function.arguments)]);
    }
  }
  return out;
}

function chatResults(body: Record<string, unknown>): [string, unknown][] {
  return (body["messages"] as Record<string, unknown>[]).filter((m) => m["role"] === "tool")
    .map((m) => [m["tool_call_id"] as string, m["content"]]);
}

Deno.test("property: Chat → IR → Anthropic → IR → Chat keeps tool calls, order, arguments and results", () => {
  fc.assert(
    fc.property(
      turns,
      fc.array(fc.constantFrom("", " ", "\t"), { minLength: 1, maxLength: 3 }),
      (ts, spacing) => {
        const input = chatRequest(ts, spacing);
        const ir = decodeChatRequest(input, openaiDialect, new Notes());
        const anthropic = encodeAnthropicRequest(ir, anthropicOptions, new Notes());
        const back = encodeChatRequest(
          decodeAnthropicRequest(anthropic, new Notes()),
          chatOptions,
          new Notes(),
        );
        assert.deepEqual(chatCalls(back), chatCalls(input));
        assert.deepEqual(chatResults(back), chatResults(input));
      },
    ),
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

function anthropicBlocks(body: Record<string, unknown>, type: string): Record<string, unknown>[] {
  return (body["messages"] as { content: Record<string, unknown>[] }[]).flatMap((m) => m.content)
    .filter((b) => b["type"] === type);
}

Deno.test("property: Anthropic → IR → Chat → IR → Anthropic keeps tool calls, order, arguments and results", () => {
  fc.assert(
    fc.property(turns, (ts) => {
      const input = anthropicRequest(ts);
      const chat = encodeChatRequest(
        decodeAnthropicRequest(input, new Notes()),
        chatOptions,
        new Notes(),
      );
      const back = encodeAnthropicRequest(
        decodeChatRequest(chat, openaiDialect, new Notes()),
        anthropicOptions,
        new Notes(),
      );
      assert.deepEqual(anthropicBlocks(back, "tool_use"), anthropicBlocks(input, "tool_use"));
      assert.deepEqual(anthropicBlocks(back, "tool_result"), anthropicBlocks(input, "tool_result"));
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: answers — Chat ⇄ Anthropic both ways keep the calls of one turn, in order, once each", () => {
  fc.assert(
    fc.property(fc.array(call, { minLength: 1, maxLength: 6 }), (calls) => {
      const chat = {
        id: "c",
        model: "g",
        choices: [{
          message: {
            content: null,
            tool_calls: calls.map((c, i) => ({
              id: id(0, i),
              type: "function",
              function: { name: c.name, arguments: JSON.stringify(c.args) },
            })),
          },
          finish_reason: "tool_calls",
        }],
      };
      const anthropic = encodeAnthropicResponse(
        decodeChatResponse(chat, openaiDialect, new Notes()),
        new Notes(),
      );
      const uses = (anthropic["content"] as Record<string, unknown>[]).map((
        b,
      ) => [b["id"], b["name"], b["input"]]);
      assert.deepEqual(uses, calls.map((c, i) => [id(0, i), c.name, c.args]));
      const back = encodeChatResponse(
        decodeAnthropicResponse(anthropic, new Notes()),
        { dialect: openaiDialect, created: 0 },
        new Notes(),
      ) as {
        choices: {
          message: { tool_calls: { id: string; function: { name: string; arguments: string } }[] };
        }[];
      };
      const again = back.choices[0]!.message.tool_calls.map((
        c,
      ) => [c.id, c.function.name, JSON.parse(c.function.arguments)]);
      assert.deepEqual(again, calls.map((c, i) => [id(0, i), c.name, c.args]));
      assert.equal(anthropic["stop_reason"], "tool_use");
    }),
    { numRuns: 300 },
  );
});

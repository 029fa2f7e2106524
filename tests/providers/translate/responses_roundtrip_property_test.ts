/**
 * Property (issue 21, "Done when") for the Responses codec: a round trip Responses → IR → Chat or
 * Anthropic → IR → Responses, and Chat → IR → Responses → IR → Chat, keeps the tool calls, their
 * order, their arguments and their results; answers keep the calls of one turn, once each.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeAnthropicRequest,
  decodeAnthropicResponse,
  decodeChatRequest,
  decodeChatResponse,
  decodeResponsesRequest,
  decodeResponsesResponse,
  encodeAnthropicRequest,
  encodeAnthropicResponse,
  encodeChatRequest,
  encodeChatResponse,
  encodeResponsesRequest,
  encodeResponsesResponse,
  Notes,
  openaiDialect,
  type Request,
} from "../../../src/providers/translate/mod.ts";

const chatOptions = {
  dialect: openaiDialect,
  maxTokensField: "max_completion_tokens" as const,
  maxStopSequences: null,
};
const anthropicOptions = { defaultMaxTokens: 1000, adaptiveThinking: false };

type Json = unknown;
type Item = Record<string, unknown>;
interface Call {
  name: string;
  args: Record<string, Json>;
}

const name = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
const args = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
}).map((o) => JSON.parse(JSON.stringify(o)) as Record<string, Json>);
const call: fc.Arbitrary<Call> = fc.record({ name, args });
const turn = fc.record({
  calls: fc.array(call, { minLength: 1, maxLength: 4 }),
  /** A reasoning item of the upstream before the calls, as Codex sends them back. */
  reasoning: fc.boolean(),
  spacing: fc.constantFrom("", " ", "\t"),
});
const turns = fc.array(turn, { minLength: 1, maxLength: 4 });
const id = (t: number, i: number) => `call_${t}_${i}`;

function responsesRequest(ts: Turn[]): Item {
  const input: Item[] = [{ role: "user", content: "go" }];
  ts.forEach((tn, t) => {
    if (tn.reasoning) {
      input.push({
        type: "reasoning",
        id: `rs_${t}`,
        summary: [{ type: "summary_text", text: `plan ${t}` }],
        encrypted_content: `enc${t}`,
      });
    }
    tn.calls.forEach((c, i) =>
      input.push({
        type: "function_call",
        call_id: id(t, i),
        name: c.name,
        arguments: JSON.stringify(c.args, null, tn.spacing),
      })
    );
    tn.calls.forEach((_, i) =>
      input.push({ type: "function_call_output", call_id: id(t, i), output: `r${t}.${i}` })
    );
  });
  return { model: "gpt-5", input, tools: [], store: false };
}
type Turn = { calls: Call[]; reasoning: boolean; spacing: string };

/** Calls as [call_id, name, parsed arguments] and results as [call_id, output], in item order. */
function responsesCalls(body: Item): [string, string, Json][] {
  return (body["input"] as Item[]).filter((i) => i["type"] === "function_call")
    .map((
      i,
    ) => [i["call_id"] as string, i["name"] as string, JSON.parse(i["arguments"] as string)]);
}
function responsesResults(body: Item): [string, unknown][] {
  return (body["input"] as Item[]).filter((i) => i["type"] === "function_call_output")
    .map((i) => [i["call_id"] as string, i["output"]]);
}
/** Kinds in order: calls and their outputs must not be reordered. */
function responsesOrder(body: Item): string[] {
  return (body["input"] as Item[]).filter((i) => String(i["type"]).startsWith("function_call"))
    .map((i) => `${i["type"]}:${i["call_id"]}`);
}

const via: Record<string, (ir: Request) => Request> = {
  "openai.chat": (ir) =>
    decodeChatRequest(encodeChatRequest(ir, chatOptions, new Notes()), openaiDialect, new Notes()),
  "anthropic.messages": (ir) =>
    decodeAnthropicRequest(encodeAnthropicRequest(ir, anthropicOptions, new Notes()), new Notes()),
};

for (const [target, trip] of Object.entries(via)) {
  Deno.test(`property: Responses → IR → ${target} → IR → Responses keeps tool calls, order, arguments and results`, () => {
    fc.assert(
      fc.property(turns, (ts) => {
        const input = responsesRequest(ts);
        const ir = decodeResponsesRequest(input, new Notes());
        const back = encodeResponsesRequest(trip(ir), { store: false }, new Notes());
        assert.deepEqual(responsesCalls(back), responsesCalls(input));
        assert.deepEqual(responsesResults(back), responsesResults(input));
        assert.deepEqual(responsesOrder(back), responsesOrder(input));
        if (target === "openai.chat") {
          // Chat carries the argument text: the model's own bytes come back.
          const text = (b: Item) =>
            (b["input"] as Item[]).filter((i) => i["type"] === "function_call")
              .map((i) => i["arguments"]);
          assert.deepEqual(text(back), text(input));
        }
      }),
      { numRuns: 300 },
    );
  });
}

Deno.test("property: Chat → IR → Responses → IR → Chat keeps tool calls, order, arguments and results", () => {
  fc.assert(
    fc.property(turns, (ts) => {
      const messages: unknown[] = [{ role: "user", content: "go" }];
      ts.forEach((tn, t) => {
        messages.push({
          role: "assistant",
          content: null,
          tool_calls: tn.calls.map((c, i) => ({
            id: id(t, i),
            type: "function",
            function: { name: c.name, arguments: JSON.stringify(c.args, null, tn.spacing) },
          })),
        });
        tn.calls.forEach((_, i) =>
          messages.push({ role: "tool", tool_call_id: id(t, i), content: `r${t}.${i}` })
        );
      });
      const input = { model: "g", messages };
      const responses = encodeResponsesRequest(
        decodeChatRequest(input, openaiDialect, new Notes()),
        { store: false },
        new Notes(),
      );
      const back = encodeChatRequest(
        decodeResponsesRequest(responses, new Notes()),
        chatOptions,
        new Notes(),
      );
      assert.deepEqual(back["messages"], input.messages);
    }),
    { numRuns: 300 },
  );
});

function responsesAnswer(calls: Call[]): Item {
  return {
    id: "resp_a",
    model: "gpt-5",
    status: "completed",
    output: calls.map((c, i) => ({
      type: "function_call",
      id: `fc_${id(0, i)}`,
      call_id: id(0, i),
      name: c.name,
      arguments: JSON.stringify(c.args),
      status: "completed",
    })),
  };
}

Deno.test("property: answers — Responses ⇄ Chat and Anthropic keep the calls of one turn, in order, once each", () => {
  fc.assert(
    fc.property(fc.array(call, { minLength: 1, maxLength: 6 }), (calls) => {
      const input = responsesAnswer(calls);
      const expected = calls.map((c, i) => [id(0, i), c.name, c.args]);
      const ir = decodeResponsesResponse(input, new Notes());
      assert.equal(ir.stopReason, "tool_use");
      const chat = encodeChatResponse(ir, { dialect: openaiDialect, created: 0 }, new Notes());
      const anthropic = encodeAnthropicResponse(ir, new Notes());
      for (
        const again of [
          decodeChatResponse(chat, openaiDialect, new Notes()),
          decodeAnthropicResponse(anthropic, new Notes()),
        ]
      ) {
        assert.equal(again.stopReason, "tool_use");
        const out = encodeResponsesResponse(again, { createdAt: 0 }, new Notes());
        const got = (out["output"] as Item[]).map((
          i,
        ) => [i["call_id"], i["name"], JSON.parse(i["arguments"] as string)]);
        assert.deepEqual(got, expected);
      }
    }),
    { numRuns: 300 },
  );
});

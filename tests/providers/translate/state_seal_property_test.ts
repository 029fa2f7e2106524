/**
 * Properties of the seal: any state seals and opens back to itself (origin, model, value, item
 * id) for every slot client; any one-character change of a sealed value, and any hostile value
 * in a slot or a Chat id, is refused with a `TranslationError` naming the field, never another
 * error.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  chatCallPrefix,
  type ContentBlock,
  noSampling,
  type Request,
  sealPrefix,
  sealResponse,
  TranslationError,
  unsealRequest,
} from "../../../src/providers/translate/mod.ts";
import { answer, sealCtx } from "./state_seal_support.ts";

const origins = ["gemini.generate", "bedrock.converse", "anthropic.messages"] as const;
const clients = ["anthropic.messages", "openai.responses", "openai.chat"] as const;

function request(assistant: ContentBlock[], after: ContentBlock[]): Request {
  return {
    model: "m",
    instructions: [],
    messages: [
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: assistant },
      { role: "user", content: after },
    ],
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
  };
}

const stateArb = fc.record({
  origin: fc.constantFrom(...origins),
  model: fc.option(fc.string({ maxLength: 20 })),
  value: fc.string({ minLength: 1, maxLength: 200, unit: "grapheme" }),
  itemId: fc.option(fc.string({ maxLength: 10 })),
});

Deno.test("any state on a tool call seals and opens back to itself, for every client", async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...clients), stateArb, async (client, s) => {
      if (s.origin === client) return;
      const ctx = sealCtx(client);
      const call: ContentBlock = {
        type: "tool_call",
        id: "c0",
        name: "n",
        arguments: {},
        argumentsText: null,
        state: s,
      };
      const sealed = await sealResponse(answer("the-model", [call]), ctx);
      const id = (sealed.content.at(-1) as { id: string }).id;
      const back = sealCtx(client, { stateMap: ctx.stateMap });
      const ir = await unsealRequest(
        request(sealed.content, [{
          type: "tool_result",
          callId: id,
          name: null,
          content: [],
          isError: false,
        }]),
        back,
      );
      const opened = ir.messages[1]!.content.filter((b) => b.type === "tool_call");
      assert.deepEqual(opened, [{ ...call, state: { ...s, model: s.model ?? "the-model" } }]);
      assert.deepEqual(ir.messages[2]!.content, [{
        type: "tool_result",
        callId: "c0",
        name: null,
        content: [],
        isError: false,
      }]);
    }),
    { numRuns: 200 },
  );
});

Deno.test("a sealed value changed in any one character is refused naming the field (its key id: dropped)", async () => {
  const ctx = sealCtx("anthropic.messages");
  const sealed = await sealResponse(
    answer("m", [{
      type: "thinking",
      text: "t",
      kind: "full",
      state: { origin: "gemini.generate", model: null, value: "SIGNATURE", itemId: null },
    }]),
    ctx,
  );
  const b = sealed.content[0] as Extract<ContentBlock, { type: "thinking" }>;
  const value = b.state!.value;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: value.length - 1 }),
      fc.constantFrom(..."ABCabc019-_.=+/"),
      async (at, c) => {
        if (value[at] === c) return;
        const changed = value.slice(0, at) + c + value.slice(at + 1);
        const ir = request([{ ...b, state: { ...b.state!, value: changed } }], []);
        try {
          const back = sealCtx("anthropic.messages");
          const out = await unsealRequest(ir, back);
          if (at < sealPrefix.length) {
            // A change of the prefix makes the value no seal at all: left as it is.
            assert.deepEqual(out, ir);
          } else {
            // A change of the key id (4 characters): another key's value, dropped and noted.
            assert.ok(at < sealPrefix.length + 4, `accepted ${changed}`);
            assert.equal((out.messages[1]!.content[0] as { state: unknown }).state, null);
            assert.equal(back.notes.list[0]?.code, "thinking_state_dropped");
          }
        } catch (e) {
          assert.ok(e instanceof TranslationError, String(e));
          assert.equal(e.field, "messages[1].content[0].signature");
        }
      },
    ),
    { numRuns: 600 },
  );
});

Deno.test("hostile slot values and Chat ids: an IR or a TranslationError, never another error", async () => {
  const hostile = fc.oneof(
    fc.string({ maxLength: 80 }).map((s) => sealPrefix + s),
    fc.base64String({ maxLength: 120 }).map((s) => sealPrefix + s.replace(/=/g, "")),
    fc.string({ maxLength: 60 }).map((s) => chatCallPrefix + s),
    fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/).map((s) => chatCallPrefix + s),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...clients), hostile, async (client, v) => {
      const assistant: ContentBlock[] = [
        {
          type: "thinking",
          text: "t",
          kind: "full",
          state: { origin: client, model: null, value: v, itemId: null },
        },
        {
          type: "redacted_thinking",
          state: { origin: client, model: null, value: v, itemId: null },
        },
        { type: "tool_call", id: v, name: "n", arguments: {}, argumentsText: null, state: null },
      ];
      const after: ContentBlock[] = [{
        type: "tool_result",
        callId: v,
        name: null,
        content: [],
        isError: false,
      }];
      try {
        await unsealRequest(request(assistant, after), sealCtx(client));
      } catch (e) {
        assert.ok(e instanceof TranslationError, String(e));
      }
    }),
    { numRuns: 2000 },
  );
});

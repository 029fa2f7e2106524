/**
 * Stream properties (plan section 4): any chunking of an upstream stream's bytes gives the same IR
 * events and the same client bytes; every tool call reaches the IR exactly once with its whole
 * arguments, also when an OpenAI-compatible server repeats the full arguments in a final chunk
 * (Bifrost #5128) and whatever the upstream's `tool_calls[].index` numbering (Bifrost PR #3441);
 * and a Chat stream → IR → Anthropic stream → IR → Chat stream keeps the calls, checked by the
 * event checker at every step.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  checkStream,
  collectResponse,
  type StreamEvent,
} from "../../../src/providers/translate/mod.ts";
import { testedProtocols } from "./codecs.ts";
import {
  decodeChunks,
  decodeText,
  encodeEvents,
  splitAt,
  streamCases,
  streamsRoot,
} from "./streams.ts";

const cuts = fc.array(fc.nat({ max: 100_000 }), { maxLength: 24 });

for (const protocol of testedProtocols) {
  for (const name of streamCases(protocol)) {
    Deno.test(`stream ${protocol} ${name}: any chunking gives the same events and bytes`, () => {
      const bytes = Deno.readFileSync(`${streamsRoot}${protocol}/${name}.sse`);
      const whole = decodeChunks(protocol, [bytes]);
      const clients = testedProtocols.map((p) => encodeEvents(p, whole));
      fc.assert(
        fc.property(cuts, (at) => {
          const events = decodeChunks(protocol, splitAt(bytes, at));
          assert.deepEqual(events, whole);
          assert.deepEqual(testedProtocols.map((p) => encodeEvents(p, events)), clients);
        }),
        { numRuns: 200 },
      );
    });
  }
}

interface Call {
  id: string;
  name: string;
  text: string;
  /** Where the argument text is cut into deltas. */
  cuts: number[];
}

const argsText = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
}).map((o) => JSON.stringify(o));
const call: fc.Arbitrary<Call> = fc.record({
  id: fc.stringMatching(/^call_[a-zA-Z0-9]{1,8}$/),
  name: fc.stringMatching(/^[a-zA-Z0-9_-]{1,16}$/),
  text: fc.oneof(argsText, fc.constant("")),
  cuts: fc.array(fc.nat({ max: 200 }), { maxLength: 4 }),
});
const answer = fc.record({
  text: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: null }),
  calls: fc.uniqueArray(call, { minLength: 1, maxLength: 4, selector: (c) => c.id }),
  /** The server repeats every call's full arguments in its finish chunk. */
  repeat: fc.boolean(),
  /** Upstream numbering of tool calls: 0-based (OpenAI) or offset (a server counting text). */
  offset: fc.constantFrom(0, 1, 7),
  finish: fc.constantFrom("tool_calls", "stop"),
  usage: fc.boolean(),
  reads: cuts,
});

function pieces(text: string, at: number[]): string[] {
  const points = [...new Set(at.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of points) {
    out.push(text.slice(from, p));
    from = p;
  }
  out.push(text.slice(from));
  return out;
}

type Answer = typeof answer extends fc.Arbitrary<infer T> ? T : never;

function chatStream(a: Answer): string {
  const head = { id: "chatcmpl-p", object: "chat.completion.chunk", created: 1, model: "m" };
  const chunk = (delta: unknown, finish: string | null = null) =>
    `data: ${
      JSON.stringify({ ...head, choices: [{ index: 0, delta, finish_reason: finish }] })
    }\n\n`;
  let s = chunk({ role: "assistant", content: "" });
  if (a.text !== null) s += chunk({ content: a.text });
  a.calls.forEach((c, i) => {
    const index = i + a.offset;
    s += chunk({
      tool_calls: [{
        index,
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: "" },
      }],
    });
    for (const p of pieces(c.text, c.cuts)) {
      s += chunk({ tool_calls: [{ index, function: { arguments: p } }] });
    }
  });
  const repeated = a.calls.map((c, i) => ({ index: i + a.offset, function: { arguments: c.text } }))
    .filter((c) => c.function.arguments !== "");
  s += chunk(a.repeat && repeated.length > 0 ? { tool_calls: repeated } : {}, a.finish);
  if (a.usage) {
    const usage = { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 };
    s += `data: ${JSON.stringify({ ...head, choices: [], usage })}\n\n`;
  }
  return s + "data: [DONE]\n\n";
}

/** The checker passes and the calls are the generated ones, once each, in order. */
function assertCalls(events: StreamEvent[], calls: Call[]): void {
  assert.equal(checkStream(events), null);
  const starts = events.filter((e) => e.type === "block_start" && e.block.type === "tool_call");
  assert.equal(starts.length, calls.length);
  const res = collectResponse(events)!;
  assert.equal(res.stopReason, "tool_use");
  const got = res.content.filter((b) => b.type === "tool_call");
  assert.deepEqual(
    got.map((b) => [b.name, b.arguments]),
    calls.map((c) => [c.name, c.text === "" ? {} : JSON.parse(c.text)]),
  );
  assert.deepEqual(
    got.map((b) => b.argumentsText),
    calls.map((c) => c.text === "" ? "{}" : c.text),
  );
}

Deno.test("property: Chat tool calls reach the IR exactly once, through Anthropic and back", () => {
  fc.assert(
    fc.property(answer, (a) => {
      const bytes = new TextEncoder().encode(chatStream(a));
      const ir = decodeChunks("openai.chat", splitAt(bytes, a.reads));
      assertCalls(ir, a.calls);
      const viaAnthropic = decodeText("anthropic.messages", encodeEvents("anthropic.messages", ir));
      assertCalls(viaAnthropic, a.calls);
      const back = decodeText("openai.chat", encodeEvents("openai.chat", viaAnthropic));
      assertCalls(back, a.calls);
      // Unknown usage reaches an Anthropic client as 0 (noted); known usage goes round unchanged.
      if (a.usage) assert.deepEqual(collectResponse(back)!.usage, collectResponse(ir)!.usage);
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: Anthropic tool calls reach the IR exactly once, through Chat and back", () => {
  fc.assert(
    fc.property(answer, (a) => {
      const ev = (type: string, body: object) =>
        `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
      let s = ev("message_start", {
        message: { id: "msg_p", model: "m", usage: { input_tokens: 3, output_tokens: 1 } },
      });
      let k = 0;
      if (a.text !== null) {
        s += ev("content_block_start", { index: k, content_block: { type: "text", text: "" } });
        s += ev("content_block_delta", { index: k, delta: { type: "text_delta", text: a.text } });
        s += ev("content_block_stop", { index: k++ });
      }
      for (const c of a.calls) {
        const id = c.id.replace("call_", "toolu_");
        const block = { type: "tool_use", id, name: c.name, input: {} };
        s += ev("content_block_start", { index: k, content_block: block });
        for (const p of pieces(c.text, c.cuts)) {
          s += ev("content_block_delta", {
            index: k,
            delta: { type: "input_json_delta", partial_json: p },
          });
        }
        s += ev("content_block_stop", { index: k++ });
      }
      s += ev("message_delta", { delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } });
      s += ev("message_stop", {});
      const ir = decodeChunks("anthropic.messages", splitAt(new TextEncoder().encode(s), a.reads));
      assertCalls(ir, a.calls);
      const viaChat = decodeText("openai.chat", encodeEvents("openai.chat", ir));
      assertCalls(viaChat, a.calls);
      const back = decodeText("anthropic.messages", encodeEvents("anthropic.messages", viaChat));
      assertCalls(back, a.calls);
      assert.deepEqual(collectResponse(back)!.usage, collectResponse(ir)!.usage);
    }),
    { numRuns: 300 },
  );
});

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import fc from "fast-check";
import { anthropicAdapter, openAiAdapter } from "../../src/providers/mod.ts";
import { cut, fixture, pipeThroughPieces, replay } from "./replay.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

const terminators = ["\n", "\r\n", "\r"] as const;
const payload = fc.string({ unit: "grapheme", maxLength: 12 });
type Ev =
  | { kind: "usage"; n: number }
  | { kind: "chunk"; text: string }
  | { kind: "comment"; text: string }
  | { kind: "done" };

const event: fc.Arbitrary<Ev> = fc.oneof(
  fc.record({ kind: fc.constant("usage" as const), n: fc.nat(10_000) }),
  fc.record({ kind: fc.constant("chunk" as const), text: payload }),
  fc.record({ kind: fc.constant("comment" as const), text: payload }),
  fc.record({ kind: fc.constant("done" as const) }),
);

function render(e: Ev, nl: string): string {
  switch (e.kind) {
    case "usage":
      return `data: {"choices":[],"usage":{"prompt_tokens":${e.n},"completion_tokens":1}}${nl}${nl}`;
    case "chunk":
      return `data: ${
        JSON.stringify({ choices: [{ index: 0, delta: { content: e.text } }], usage: null })
      }${nl}${nl}`;
    case "comment":
      return `: ${e.text.replace(/[\r\n]/g, " ")}${nl}${nl}`;
    default:
      return `data: [DONE]${nl}${nl}`;
  }
}

Deno.test("property: hideUsageEvent output is the input minus the usage events, however chunked", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(event, fc.constantFrom(...terminators)), { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      async (events, offsets) => {
        const input = events.map(([e, nl]) => render(e, nl)).join("");
        const expected = events.filter(([e]) => e.kind !== "usage").map(([e, nl]) => render(e, nl))
          .join("");
        const out = await pipeThroughPieces(
          cut(enc.encode(input), offsets),
          openAiAdapter.hideUsageEvent!(),
        );
        strictEqual(dec.decode(out), expected);
      },
    ),
    { numRuns: 300 },
  );
});

const transcripts = [
  { adapter: openAiAdapter, file: "openai/responses_stream.sse", path: "/v1/responses" },
  {
    adapter: openAiAdapter,
    file: "openai/chat_stream_malformed.sse",
    path: "/v1/chat/completions",
  },
  {
    adapter: anthropicAdapter,
    file: "anthropic/messages_stream_server_tool.sse",
    path: "/v1/messages",
  },
];

for (const t of transcripts) {
  Deno.test(`property: ${t.file} gives one report for any chunking into many pieces`, () => {
    const bytes = fixture(t.file);
    const info = {
      path: t.path,
      status: 200,
      contentType: "text/event-stream",
      requestedStreaming: true,
      requestModel: null,
    };
    const whole = replay(t.adapter, info, [bytes]);
    strictEqual(whole.status, "exact");
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), (offsets, complete) => {
        deepStrictEqual(replay(t.adapter, info, cut(bytes, offsets), complete), whole);
      }),
      { numRuns: 200 },
    );
  });
}

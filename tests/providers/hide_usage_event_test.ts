import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { openAiAdapter } from "../../src/providers/mod.ts";
import { fixture, lineEndingVariants, pipeThroughPieces, splittings } from "./replay.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const hide = () => openAiAdapter.hideUsageEvent!();

/** The transcript without the usage-only event, computed independently of the filter. */
function withoutUsageEvent(lfText: string): string {
  return lfText.split("\n\n").filter((e) => !e.includes('"choices":[],"usage":{')).join("\n\n");
}

Deno.test("hideUsageEvent: removes exactly the usage chunk, at every split, for LF, CRLF and CR", async () => {
  const recorded = fixture("openai/chat_stream_include_usage.sse");
  for (const v of lineEndingVariants(recorded)) {
    const terminator = v.name === "LF" ? "\n" : v.name === "CRLF" ? "\r\n" : "\r";
    const lf = dec.decode(v.bytes).replaceAll(terminator, "\n");
    const expected = withoutUsageEvent(lf).replaceAll("\n", terminator);
    ok(expected.length < lf.length, "the fixture has a usage event");
    for (const s of splittings(v.bytes)) {
      const out = await pipeThroughPieces(s.pieces, hide());
      strictEqual(dec.decode(out), expected, `${v.name}, ${s.label}`);
    }
  }
});

const usageEvent =
  'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}';

const table: { name: string; input: string; output: string }[] = [
  {
    name: "ordinary chunks with usage:null are kept",
    input: 'data: {"choices":[{"index":0,"delta":{}}],"usage":null}\n\ndata: [DONE]\n\n',
    output: 'data: {"choices":[{"index":0,"delta":{}}],"usage":null}\n\ndata: [DONE]\n\n',
  },
  {
    name: "a choices:[] chunk without usage (Azure content filter results) is kept",
    input: 'data: {"choices":[],"prompt_filter_results":[]}\n\n' + usageEvent + "\n\n",
    output: 'data: {"choices":[],"prompt_filter_results":[]}\n\n',
  },
  {
    name: "the usage event with an event name and a comment goes as a whole",
    input: "data: a\n\n: keep-alive\nevent: chunk\n" + usageEvent + "\n\ndata: [DONE]\n\n",
    output: "data: a\n\ndata: [DONE]\n\n",
  },
  {
    name: "a usage event split over two data lines is recognised",
    input: 'data: {"choices":[],\ndata: "usage":{"prompt_tokens":1}}\n\ndata: [DONE]\n\n',
    output: "data: [DONE]\n\n",
  },
  {
    name: "CR-terminated usage event followed by LF swallows that LF as part of CRLF",
    input: "data: a\n\n" + usageEvent + "\r\r\ndata: [DONE]\n\n",
    output: "data: a\n\ndata: [DONE]\n\n",
  },
  {
    name: "an unterminated usage event at the end is removed",
    input: "data: a\n\n" + usageEvent + "\n",
    output: "data: a\n\n",
  },
  {
    name: "an unterminated ordinary event at the end is kept",
    input: "data: a\n\ndata: b",
    output: "data: a\n\ndata: b",
  },
  {
    name: "blank lines and non-JSON events pass",
    input: "\n\ndata: not json\n\nretry: 3000\n\n",
    output: "\n\ndata: not json\n\nretry: 3000\n\n",
  },
];

for (const c of table) {
  Deno.test(`hideUsageEvent: ${c.name}, at every split`, async () => {
    for (const s of splittings(enc.encode(c.input))) {
      const out = await pipeThroughPieces(s.pieces, hide());
      strictEqual(dec.decode(out), c.output, s.label);
    }
  });
}

Deno.test("hideUsageEvent: complete events go out before the next chunk arrives", async () => {
  const filter = hide();
  const writer = filter.writable.getWriter();
  const reader = filter.readable.getReader();
  const read = async () => dec.decode((await reader.read()).value);

  void writer.write(enc.encode('data: one\n\ndata: {"choices":[],'));
  strictEqual(await read(), "data: one\n\n");
  void writer.write(enc.encode('"usage":{"prompt_tokens":1}}\n\ndata: two\n\n'));
  strictEqual(await read(), "data: two\n\n");
  void writer.close();
  deepStrictEqual(await reader.read(), { done: true, value: undefined });
});

Deno.test("hideUsageEvent: a long event is released before it ends", async () => {
  const filter = hide();
  const writer = filter.writable.getWriter();
  const reader = filter.readable.getReader();
  const big = "data: " + "x".repeat(70_000);
  void writer.write(enc.encode(big));
  strictEqual(dec.decode((await reader.read()).value), big);
  void writer.write(enc.encode("y\n\n"));
  strictEqual(dec.decode((await reader.read()).value), "y\n\n");
  void writer.close();
  strictEqual((await reader.read()).done, true);
});

/**
 * Review of issue 16 item 1 (adversarial): blank lines in an event stream. Each cost the usage
 * parser an empty dispatch (about 37 ns: 256 MiB of bare CRs took 10 s of one core in every
 * mode); runs of them are now shortened first, with the same events whatever the chunking.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { collapseBlankRuns } from "../../src/providers/sse_blank_runs.ts";
import { openAiAdapter } from "../../src/providers/mod.ts";

Deno.test("collapseBlankRuns: a run of three or more line breaks reads as one blank line", () => {
  const rows: [string, string][] = [
    ["data: a\n\n", "data: a\n\n"],
    ["data: a\r\n\r\n", "data: a\r\n\r\n"],
    ["data: a\n\n\n", "data: a\n\n"],
    ["data: a\r\r\r\rdata: b", "data: a\n\ndata: b"],
    ["\r\n".repeat(5), "\n\n"],
    ["\r".repeat(100_000), "\n\n"],
    ["\n".repeat(100_000) + "data: x\n\n", "\n\ndata: x\n\n"],
  ];
  for (const [input, want] of rows) assert.equal(collapseBlankRuns(input), want);
});

/** Events an SSE parser dispatches for `pieces`, each fed as one chunk. */
function events(pieces: string[], collapse: boolean): EventSourceMessage[] {
  const out: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => out.push(e) });
  for (const p of pieces) parser.feed(collapse ? collapseBlankRuns(p) : p);
  parser.feed("\n\n");
  return out;
}

Deno.test("collapseBlankRuns: the same events for any text and any chunking", () => {
  const piece = fc.constantFrom(
    "data: a",
    "data: b",
    "event: x",
    ": c",
    "id: 1",
    "\r",
    "\n",
    "\r\n",
  );
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      (parts, cuts) => {
        const text = parts.join("");
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces: string[] = [];
        let from = 0;
        for (const c of at) {
          pieces.push(text.slice(from, c));
          from = c;
        }
        pieces.push(text.slice(from));
        assert.deepEqual(events(pieces, true), events([text], false));
      },
    ),
    { numRuns: 2_000 },
  );
});

Deno.test("usage parser: blank lines between events do not change the report", () => {
  const chunk = (o: unknown) => `data: ${JSON.stringify(o)}`;
  const stream = [
    chunk({ id: "c1", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [] }),
    chunk({
      id: "c1",
      object: "chat.completion.chunk",
      model: "gpt-4o-mini",
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    }),
    "data: [DONE]",
  ];
  const report = (sep: string) => {
    const p = openAiAdapter.createUsageParser({
      path: "/v1/chat/completions",
      method: "POST",
      status: 200,
      contentType: "text/event-stream",
      requestedStreaming: true,
      requestModel: "gpt-4o-mini",
    });
    const enc = new TextEncoder();
    for (const s of stream) p.push(enc.encode(s + sep));
    return p.finish(true);
  };
  const plain = report("\n\n");
  assert.equal(plain.status, "exact");
  for (const sep of ["\r".repeat(10_000), "\n\r\n\r\n\r\r\r", "\r\n".repeat(1000)]) {
    assert.deepEqual(report(sep), plain);
  }
});

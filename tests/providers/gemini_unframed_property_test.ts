/**
 * Raw JSON errors mid-stream under random chunking: any number of cuts anywhere, through the SSE
 * framing with the unframed hook, give the same report and the same commit outcome as the whole
 * body.
 */
import fc from "fast-check";
import { deepStrictEqual } from "node:assert/strict";
import { GeminiCommitRules } from "../../src/providers/commit_gemini.ts";
import { StreamCommitScanner } from "../../src/providers/stream_commit.ts";
import { feedWithUnframed } from "./gemini_harness.ts";
import { cut, fixture } from "./replay.ts";

function outcome(pieces: Uint8Array[]) {
  const s = new StreamCommitScanner(new GeminiCommitRules(), {
    mode: "first_content",
    maxHeldBytes: 1 << 20,
  });
  const run = feedWithUnframed(pieces, true, s);
  const end = s.ended;
  return {
    state: s.state.kind,
    end: end?.kind,
    failure: end?.kind === "unclean" ? end.failure : null,
    errored: run.reader.errored,
    result: run.reader.result(true),
    lines: run.unframedLines,
  };
}

Deno.test("raw JSON errors: random chunkings agree with the whole body", () => {
  for (
    const file of ["stream_error_pretty.sse", "stream_error_compact.sse", "stream_mcp_tool_use.sse"]
  ) {
    const bytes = fixture(`gemini/${file}`);
    const whole = outcome([bytes]);
    fc.assert(
      fc.property(fc.array(fc.nat(bytes.length), { maxLength: 40 }), (offsets) => {
        deepStrictEqual(outcome(cut(bytes, offsets)), whole);
      }),
      { numRuns: 200 },
    );
  }
});

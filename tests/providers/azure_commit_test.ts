/**
 * The OpenAI Chat Completions commit rules (commit_openai_chat.ts) on Azure's streams, through
 * the real usage parser feeding the scanner, whole and split at every byte: the empty first chunk
 * and annotation-only chunks are preamble, the first text commits, `[DONE]` after a finish is a
 * clean end, and a `content_filter` finish is the provider's answer (a clean end, not an error).
 */
import { deepStrictEqual } from "node:assert/strict";
import { type CommitMode, openAiAdapter, type ResponseInfo } from "../../src/providers/mod.ts";
import { fixture, splittings } from "./replay.ts";

const info: ResponseInfo = {
  path: "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21",
  status: 200,
  contentType: "text/event-stream",
  requestedStreaming: true,
  requestModel: "prod-4o",
};

interface Outcome {
  state: string;
  at: number | null;
  end: string;
  bytes: number;
}

function run(pieces: Uint8Array[], mode: CommitMode): Outcome {
  const scanner = openAiAdapter.createCommitScanner!(info, {
    mode,
    maxHeldBytes: 1024 * 1024,
    alignEvents: false,
  })!;
  const parser = openAiAdapter.createUsageParser(info, scanner);
  let bytes = 0;
  for (const p of pieces) {
    parser.push(p);
    bytes += scanner.pass(p)?.length ?? 0;
  }
  parser.finish(true);
  bytes += scanner.drain()?.length ?? 0;
  const s = scanner.state;
  const end = scanner.ended!;
  return {
    state: s.kind === "hold"
      ? "hold"
      : s.kind === "commit"
      ? `commit:${s.cause}`
      : `fail:${s.failure.reason}`,
    at: scanner.decidedAt,
    end: end.kind === "unclean" ? `unclean:${end.failure.reason}` : end.kind,
    bytes,
  };
}

const cases: { file: string; mode: CommitMode; state: string; at: number }[] = [
  // Event 1 is the prompt_filter_results chunk, 2 the role chunk, 3 the first text.
  { file: "chat_stream_usage.sse", mode: "first_content", state: "commit:content", at: 3 },
  { file: "chat_stream_usage.sse", mode: "complete", state: "commit:finished", at: 9 },
  // prompt_annotations chunk, role chunk, then "Color".
  { file: "chat_stream_async_filter.sse", mode: "first_content", state: "commit:content", at: 3 },
  { file: "chat_stream_async_filter.sse", mode: "complete", state: "commit:finished", at: 14 },
  { file: "chat_stream_content_filter.sse", mode: "first_content", state: "commit:content", at: 3 },
  { file: "chat_stream_content_filter.sse", mode: "complete", state: "commit:finished", at: 6 },
  { file: "chat_stream_no_usage.sse", mode: "first_content", state: "commit:content", at: 3 },
];

Deno.test("azure chat streams under the OpenAI commit rules, at every split", () => {
  for (const c of cases) {
    const bytes = fixture(`azure/${c.file}`);
    const want: Outcome = { state: c.state, at: c.at, end: "clean", bytes: bytes.length };
    for (const { label, pieces } of splittings(bytes)) {
      deepStrictEqual(run(pieces, c.mode), want, `${c.file} ${c.mode} ${label}`);
    }
  }
});

/**
 * Four annotation chunks and the usage chunk after the finish chunk. After the commit point the
 * rules `glance` at events and keep the last four (`recentEvents` in commit_openai_chat.ts) for
 * the `finish_reason` check at `[DONE]`; an event leaving that window is looked at as it leaves,
 * so the finish chunk six events back still counts and both modes read a clean end.
 */
Deno.test("azure: many annotation chunks after the finish: a clean end in both modes", () => {
  const bytes = fixture("azure/chat_stream_trailing_annotations.sse");
  const whole = [bytes];
  deepStrictEqual(run(whole, "complete"), {
    state: "commit:finished",
    at: 10,
    end: "clean",
    bytes: bytes.length,
  });
  deepStrictEqual(run(whole, "first_content"), {
    state: "commit:content",
    at: 3,
    end: "clean",
    bytes: bytes.length,
  });
});

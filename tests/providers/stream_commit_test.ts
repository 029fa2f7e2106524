/**
 * The stream commit point, per protocol, on recorded transcripts: each is fed through the real
 * usage parser (which frames the SSE once and feeds the scanner) whole, split at every byte and
 * byte by byte, with LF, CRLF and CR line ends; every splitting must give the same decision at the
 * same event, the same end, and release to the client exactly the upstream's bytes (or nothing).
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  anthropicAdapter,
  type CommitMode,
  openAiAdapter,
  type ProviderAdapter,
  type ResponseInfo,
} from "../../src/providers/mod.ts";
import { lastEventEnd } from "../../src/providers/sse_event_aligner.ts";
import { fixture, lineEndingVariants, splittings } from "./replay.ts";

interface Outcome {
  /** `commit:<cause>` or `fail:<reason>`, or `hold`. */
  state: string;
  /** The event at which the state left hold. */
  at: number | null;
  /** `clean`, `unverified` or `unclean:<reason>`. */
  end: string;
  category?: string;
  status?: number | null;
  /** The client got every byte (true) or none (false). */
  released: boolean;
  endSeen: boolean;
}

interface Case {
  name: string;
  adapter: ProviderAdapter;
  path: string;
  file: string;
  mode: CommitMode;
  /** The body ended normally (false: it broke off). */
  complete?: boolean;
  expected: Outcome;
}

const sse = "text/event-stream";
const info = (path: string): ResponseInfo => ({
  path,
  status: 200,
  contentType: sse,
  requestedStreaming: true,
  requestModel: null,
});

function run(
  c: Case,
  pieces: Uint8Array[],
  alignEvents: boolean,
): { outcome: Outcome; out: Uint8Array } {
  const i = info(c.path);
  const scanner = c.adapter.createCommitScanner!(i, {
    mode: c.mode,
    maxHeldBytes: 1024 * 1024,
    alignEvents,
  })!;
  const parser = c.adapter.createUsageParser(i, scanner);
  const sent: Uint8Array[] = [];
  for (const p of pieces) {
    parser.push(p);
    const out = scanner.pass(p);
    if (out !== null) sent.push(out.slice());
  }
  parser.finish(c.complete ?? true);
  if (scanner.state.kind === "fail") {
    // Routing may answer with the failed stream after all: it is whole, verbatim.
    const whole = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      whole.set(p, at);
      at += p.length;
    }
    // Aligned, a fragment the body broke off inside stays back, as after a commit.
    const expected = alignEvents ? whole.subarray(0, lastEventEnd([], whole)) : whole;
    deepStrictEqual(scanner.passThrough(), expected, "passThrough gives the failed answer");
  }
  if (c.complete ?? true) {
    const rest = scanner.drain();
    if (rest !== null) sent.push(rest.slice());
  }
  const end = scanner.ended!;
  const s = scanner.state;
  const outcome: Outcome = {
    state: s.kind === "hold"
      ? "hold"
      : s.kind === "commit"
      ? `commit:${s.cause}`
      : `fail:${s.failure.reason}`,
    at: scanner.decidedAt,
    end: end.kind === "unclean" ? `unclean:${end.failure.reason}` : end.kind,
    released: sent.length > 0,
    endSeen: scanner.endSeen,
  };
  const failure = s.kind === "fail" ? s.failure : end.kind === "unclean" ? end.failure : null;
  if (failure?.error) {
    outcome.category = failure.error.category;
    outcome.status = failure.status;
  }
  const total = new Uint8Array(sent.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of sent) {
    total.set(b, at);
    at += b.length;
  }
  return { outcome, out: total };
}

const chat = "/v1/chat/completions";
const responses = "/v1/responses";
const messages = "/v1/messages";
const ok = (state: string, at: number | null, end = "clean", endSeen = true): Outcome => ({
  state,
  at,
  end,
  released: true,
  endSeen,
});

const cases: Case[] = [
  {
    name: "chat: role-only chunk held, commit at the first text delta, clean at [DONE]",
    adapter: openAiAdapter,
    path: chat,
    file: "openai/chat_stream_include_usage.sse",
    mode: "first_content",
    expected: ok("commit:content", 2),
  },
  {
    name: "chat complete mode: held to [DONE], then committed whole",
    adapter: openAiAdapter,
    path: chat,
    file: "openai/chat_stream_include_usage.sse",
    mode: "complete",
    expected: ok("commit:finished", 13),
  },
  {
    name: "chat: an in-band error after the role chunk fails before commit (server_error)",
    adapter: openAiAdapter,
    path: chat,
    file: "commit/chat_error_before_content.sse",
    mode: "first_content",
    expected: {
      state: "fail:in_band_error",
      at: 2,
      end: "unclean:in_band_error",
      category: "server_error",
      status: null,
      released: false,
      endSeen: true,
    },
  },
  {
    name: "chat: a tool call's first chunk (name, empty arguments) is content",
    adapter: openAiAdapter,
    path: chat,
    file: "commit/chat_tool_call.sse",
    mode: "first_content",
    expected: ok("commit:content", 2),
  },
  {
    name: "chat: Azure prompt_filter_results and a content_filter finish are the provider's answer",
    adapter: openAiAdapter,
    path: chat,
    file: "commit/chat_azure_content_filter.sse",
    mode: "first_content",
    expected: ok("commit:finished", 4),
  },
  {
    name: "chat: visible reasoning (reasoning_content) is content",
    adapter: openAiAdapter,
    path: chat,
    file: "commit/chat_reasoning_content.sse",
    mode: "first_content",
    expected: ok("commit:content", 2),
  },
  {
    name: "chat: a stream closed without [DONE] after commit is an unclean end",
    adapter: openAiAdapter,
    path: chat,
    file: "commit/chat_without_done.sse",
    mode: "first_content",
    expected: { ...ok("commit:content", 2, "unclean:unclean_end", false) },
  },
  {
    name: "chat complete mode: a stream closed without [DONE] fails over",
    adapter: openAiAdapter,
    path: chat,
    file: "commit/chat_without_done.sse",
    mode: "complete",
    expected: {
      state: "fail:unclean_end",
      at: 3,
      end: "unclean:unclean_end",
      released: false,
      endSeen: false,
    },
  },
  {
    name: "chat: a cut after commit is a cut",
    adapter: openAiAdapter,
    path: chat,
    file: "openai/chat_stream_cut.sse",
    mode: "first_content",
    complete: false,
    expected: ok("commit:content", 2, "unclean:cut", false),
  },
  {
    name: "chat: a malformed event after commit marks the end malformed",
    adapter: openAiAdapter,
    path: chat,
    file: "openai/chat_stream_malformed.sse",
    mode: "first_content",
    expected: ok("commit:content", 2, "unclean:malformed"),
  },
  {
    name: "chat complete mode: a malformed event fails over",
    adapter: openAiAdapter,
    path: chat,
    file: "openai/chat_stream_malformed.sse",
    mode: "complete",
    expected: {
      state: "fail:malformed",
      at: 3,
      end: "unclean:malformed",
      released: false,
      endSeen: false,
    },
  },
  {
    name: "completions: a text piece is content",
    adapter: openAiAdapter,
    path: "/v1/completions",
    file: "openai/completions_stream_crlf.sse",
    mode: "first_content",
    expected: ok("commit:content", 1),
  },
  {
    name: "responses: created, in_progress, an item added are held; a finished item commits",
    adapter: openAiAdapter,
    path: responses,
    file: "openai/responses_stream.sse",
    mode: "first_content",
    expected: ok("commit:content", 4),
  },
  {
    name: "responses: incomplete (max_output_tokens) with nothing else is a clean answer",
    adapter: openAiAdapter,
    path: responses,
    file: "openai/responses_stream_incomplete.sse",
    mode: "first_content",
    expected: ok("commit:finished", 3),
  },
  {
    name: "responses: response.failed after created/in_progress fails before commit",
    adapter: openAiAdapter,
    path: responses,
    file: "commit/responses_failed_before_content.sse",
    mode: "first_content",
    expected: {
      state: "fail:in_band_error",
      at: 3,
      end: "unclean:in_band_error",
      category: "server_error",
      status: null,
      released: false,
      endSeen: true,
    },
  },
  {
    name: "responses: an error event (insufficient_quota) fails before commit as billing",
    adapter: openAiAdapter,
    path: responses,
    file: "commit/responses_error_before_content.sse",
    mode: "first_content",
    expected: {
      state: "fail:in_band_error",
      at: 2,
      end: "unclean:in_band_error",
      category: "billing",
      status: null,
      released: false,
      endSeen: true,
    },
  },
  {
    name: "responses: a function call commits at its first arguments delta",
    adapter: openAiAdapter,
    path: responses,
    file: "commit/responses_tool_call.sse",
    mode: "first_content",
    expected: ok("commit:content", 4),
  },
  {
    name: "responses complete mode: committed at response.completed",
    adapter: openAiAdapter,
    path: responses,
    file: "commit/responses_tool_call.sse",
    mode: "complete",
    expected: ok("commit:finished", 7),
  },
  {
    name: "anthropic: message_start, empty text block and ping held; first text delta commits",
    adapter: anthropicAdapter,
    path: messages,
    file: "anthropic/messages_stream_cache.sse",
    mode: "first_content",
    expected: ok("commit:content", 4),
  },
  {
    name: "anthropic: overloaded_error after message_start and ping fails before commit (529)",
    adapter: anthropicAdapter,
    path: messages,
    file: "commit/anthropic_overloaded_before_content.sse",
    mode: "first_content",
    expected: {
      state: "fail:in_band_error",
      at: 3,
      end: "unclean:in_band_error",
      category: "overloaded",
      status: 529,
      released: false,
      endSeen: true,
    },
  },
  {
    name: "anthropic: thinking is content; a later overloaded_error ends the stream unclean",
    adapter: anthropicAdapter,
    path: messages,
    file: "anthropic/messages_stream_error.sse",
    mode: "first_content",
    expected: {
      ...ok("commit:content", 3, "unclean:in_band_error"),
      category: "overloaded",
      status: 529,
    },
  },
  {
    name: "anthropic complete mode: an overloaded_error after thinking fails over",
    adapter: anthropicAdapter,
    path: messages,
    file: "anthropic/messages_stream_error.sse",
    mode: "complete",
    expected: {
      state: "fail:in_band_error",
      at: 4,
      end: "unclean:in_band_error",
      category: "overloaded",
      status: 529,
      released: false,
      endSeen: true,
    },
  },
  {
    name: "anthropic: tool_use with empty input and an empty JSON piece held; first piece commits",
    adapter: anthropicAdapter,
    path: messages,
    file: "commit/anthropic_tool_use.sse",
    mode: "first_content",
    expected: ok("commit:content", 5),
  },
  {
    name: "anthropic: server tool use commits at its input",
    adapter: anthropicAdapter,
    path: messages,
    file: "anthropic/messages_stream_server_tool.sse",
    mode: "first_content",
    expected: ok("commit:content", 3),
  },
  {
    name: "anthropic: an answer without blocks is clean at message_stop",
    adapter: anthropicAdapter,
    path: messages,
    file: "commit/anthropic_empty_answer.sse",
    mode: "first_content",
    expected: ok("commit:finished", 3),
  },
  {
    name: "anthropic: a cut after commit is a cut",
    adapter: anthropicAdapter,
    path: messages,
    file: "anthropic/messages_stream_cut.sse",
    mode: "first_content",
    complete: false,
    expected: ok("commit:content", 4, "unclean:cut", false),
  },
  {
    name: "anthropic complete mode: a cut fails over",
    adapter: anthropicAdapter,
    path: messages,
    file: "anthropic/messages_stream_cut.sse",
    mode: "complete",
    complete: false,
    expected: {
      state: "fail:cut",
      at: 6,
      end: "unclean:cut",
      released: false,
      endSeen: false,
    },
  },
];

for (const c of cases) {
  Deno.test(`commit: ${c.name}`, () => {
    for (const v of lineEndingVariants(fixture(c.file))) {
      // Single bytes and every two-piece split of the whole transcript.
      for (const s of splittings(v.bytes)) {
        const { outcome, out } = run(c, s.pieces, false);
        const label = `${v.name}, ${s.label}`;
        deepStrictEqual(outcome, c.expected, label);
        const expectedBytes = outcome.released ? v.bytes : new Uint8Array(0);
        strictEqual(out.length, expectedBytes.length, `${label}: released length`);
        deepStrictEqual(out, expectedBytes, `${label}: released bytes are the upstream's`);
      }
    }
  });

  Deno.test(`commit, events aligned: ${c.name}`, () => {
    for (const v of lineEndingVariants(fixture(c.file))) {
      for (const s of splittings(v.bytes)) {
        const { outcome, out } = run(c, s.pieces, true);
        const label = `${v.name}, ${s.label}`;
        deepStrictEqual(outcome, c.expected, label);
        if (!outcome.released) {
          strictEqual(out.length, 0, label);
        } else if (c.complete ?? true) {
          deepStrictEqual(out, v.bytes, `${label}: released and drained bytes are the upstream's`);
        } else {
          // A cut body: what went out is a prefix of it that ends between two events.
          deepStrictEqual(out, v.bytes.subarray(0, out.length), `${label}: a prefix`);
          strictEqual(lastEventEnd([], out), out.length, `${label}: ends at a boundary`);
        }
      }
    }
  });
}

/**
 * Gemini commit rules through the real scanner: preamble, first content, the end-of-body rule
 * (no terminator in band; a finishReason does not end a stream with server-side tools), blocked
 * prompts, in-band errors framed (`data: {"error"}`) and unframed (the raw JSON object, through
 * the hook), every split offset, and the termination `@google/genai` raises.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { GeminiCommitRules } from "../../src/providers/commit_gemini.ts";
import { StreamCommitScanner } from "../../src/providers/stream_commit.ts";
import { createResponseParser } from "../../src/providers/response_parser.ts";
import { GeminiUsageReader } from "../../src/providers/gemini_usage.ts";
import type { CommitMode, StreamEnd } from "../../src/providers/stream_commit.ts";
import { feedWithUnframed, streamInfo } from "./gemini_harness.ts";
import { fixture, splittings } from "./replay.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function scanner(mode: CommitMode = "first_content", alignEvents = false) {
  return new StreamCommitScanner(new GeminiCommitRules(), {
    mode,
    maxHeldBytes: 1 << 20,
    alignEvents,
  });
}

interface Outcome {
  state: string;
  cause?: string;
  decidedAt: number | null;
  end: StreamEnd["kind"];
  reason?: string;
  category?: string;
  status?: number | null;
}

/** The scanner fed by the real SSE frame (usage parser as framing), chunk by chunk. */
function run(pieces: Uint8Array[], mode: CommitMode = "first_content", complete = true): Outcome {
  const s = scanner(mode, true);
  const framing = createResponseParser(streamInfo(), "expected", new GeminiUsageReader(), s);
  const out: Uint8Array[] = [];
  for (const p of pieces) {
    const b = s.feed(p, framing);
    if (b !== null) out.push(b);
  }
  if (complete) {
    const tail = s.endFeed(framing);
    if (tail !== null) out.push(tail);
  } else {
    framing.finish(false);
    s.end(false);
  }
  return outcome(s);
}

function outcome(s: StreamCommitScanner): Outcome {
  const st = s.state;
  const end = s.ended!;
  const o: Outcome = { state: st.kind, decidedAt: s.decidedAt, end: end.kind };
  if (st.kind === "commit") o.cause = st.cause;
  const failure = st.kind === "fail" ? st.failure : end.kind === "unclean" ? end.failure : null;
  if (failure !== null) {
    o.reason = failure.reason;
    if (failure.error !== null) o.category = failure.error.category;
    o.status = failure.status;
  }
  return o;
}

const cases: { file: string; mode?: CommitMode; want: Outcome }[] = [
  // A thought part is output: committed at the first chunk.
  {
    file: "stream_thinking.sse",
    want: { state: "commit", cause: "content", decidedAt: 1, end: "clean" },
  },
  // Code execution parts are output too.
  {
    file: "stream_tool_use_prompt.sse",
    want: { state: "commit", cause: "content", decidedAt: 1, end: "clean" },
  },
  // A STOP with a function call first, then the server-side tool's answer and the text: clean.
  {
    file: "stream_mcp_tool_use.sse",
    want: { state: "commit", cause: "content", decidedAt: 1, end: "clean" },
  },
  // A usage-only opening chunk (empty text, thought signature) is preamble.
  {
    file: "stream_trailing_usage.sse",
    want: { state: "commit", cause: "content", decidedAt: 2, end: "clean" },
  },
  // Complete mode: held to the end of the body, which is the clean end (decided after the last
  // event: the end of the body is no event).
  {
    file: "stream_no_cache.sse",
    mode: "complete",
    want: { state: "commit", cause: "finished", decidedAt: 3, end: "clean" },
  },
  {
    file: "stream_mcp_tool_use.sse",
    mode: "complete",
    want: { state: "commit", cause: "finished", decidedAt: 12, end: "clean" },
  },
  // The body ended cleanly without any finishReason: not a finished answer.
  {
    file: "stream_no_finish.sse",
    want: {
      state: "commit",
      cause: "content",
      decidedAt: 1,
      end: "unclean",
      reason: "unclean_end",
      status: null,
    },
  },
  {
    file: "stream_no_finish.sse",
    mode: "complete",
    want: { state: "fail", decidedAt: 2, end: "unclean", reason: "unclean_end", status: null },
  },
  // A refused prompt: the provider's answer, with content-policy facts.
  {
    file: "stream_blocked.sse",
    want: {
      state: "fail",
      decidedAt: 1,
      end: "unclean",
      reason: "in_band_error",
      category: "content_policy",
      status: null,
    },
  },
  // `data: {"error": ...}` after content: an in-band error after the commit point.
  {
    file: "stream_data_error.sse",
    want: {
      state: "commit",
      cause: "content",
      decidedAt: 1,
      end: "unclean",
      reason: "in_band_error",
      category: "server_error",
      status: 500,
    },
  },
];

Deno.test("commit point and end, fed by the SSE frame, at every split", () => {
  for (const c of cases) {
    for (const { label, pieces } of splittings(fixture(`gemini/${c.file}`))) {
      deepStrictEqual(run(pieces, c.mode), c.want, `${c.file} ${c.mode ?? ""} ${label}`);
    }
  }
});

Deno.test("an error chunk before any content fails the attempt (routing may fail over)", () => {
  const body =
    'data: {"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED",' +
    '"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2.5s"}]}}\n\n';
  const s = scanner();
  s.event(null, body.slice(6).trim());
  const st = s.state;
  ok(st.kind === "fail");
  deepStrictEqual(st.failure.error, {
    category: "rate_limited",
    message: "Quota exceeded",
    retryAfterMs: 2500,
  });
  strictEqual(st.failure.status, 429);
});

Deno.test("a cut stream is cut, at every offset", () => {
  const bytes = fixture("gemini/stream_thinking.sse");
  for (let at = 0; at < bytes.length; at++) {
    const o = run([bytes.subarray(0, at)], "first_content", false);
    strictEqual(o.end, "unclean", `cut at ${at}`);
    strictEqual(o.reason, "cut", `cut at ${at}`);
  }
});

Deno.test("raw JSON errors mid-stream (unframed hook): in-band errors, at every split", () => {
  const want = {
    "stream_error_pretty.sse": { category: "rate_limited", status: 429 },
    "stream_error_compact.sse": { category: "overloaded", status: 503 },
  };
  for (const [file, w] of Object.entries(want)) {
    for (const { label, pieces } of splittings(fixture(`gemini/${file}`))) {
      const s = scanner();
      feedWithUnframed(pieces, true, s);
      const o = outcome(s);
      deepStrictEqual(
        [o.state, o.end, o.reason, o.category, o.status, s.endSeen],
        ["commit", "unclean", "in_band_error", w.category, w.status, true],
        `${file} ${label}`,
      );
    }
  }
});

Deno.test("a raw JSON error before any content fails the attempt with its facts", () => {
  const body = '{\n  "error": {\n    "code": 503,\n    "message": "The model is overloaded.",\n' +
    '    "status": "UNAVAILABLE"\n  }\n}\n';
  for (const { label, pieces } of splittings(enc.encode(body))) {
    const s = scanner();
    feedWithUnframed(pieces, true, s);
    const st = s.state;
    ok(st.kind === "fail", label);
    deepStrictEqual(
      [st.failure.reason, st.failure.status, st.failure.error],
      ["in_band_error", 503, { category: "overloaded", message: "The model is overloaded." }],
      label,
    );
  }
});

Deno.test("unframed text that is no error object is malformed; an open one is an unclean end", () => {
  const rules = new GeminiCommitRules();
  deepStrictEqual(rules.unframed("<html>"), {
    kind: "malformed",
    detail: 'a line that is not SSE: "<html>"',
  });
  strictEqual(rules.unframed("{"), null);
  strictEqual(rules.unframed('  "candidates": []'), null);
  deepStrictEqual(rules.unframed("}")?.kind, "malformed");
  strictEqual(rules.unframed("{"), null);
  strictEqual(rules.cleanEnd(), "the stream ended inside a JSON text outside SSE framing");
});

Deno.test("glance after the commit point: finishReason quoted inside text is no finish", () => {
  const rules = new GeminiCommitRules();
  strictEqual(
    rules.classify(null, '{"candidates":[{"content":{"parts":[{"text":"a"}]}}]}').kind,
    "content",
  );
  rules.glance(
    null,
    '{"candidates":[{"content":{"parts":[{"text":"\\"finishReason\\": \\"STOP\\""}]}}]}',
  );
  strictEqual(
    rules.cleanEnd(),
    "the stream ended before a chunk with a finishReason closed the answer",
  );
  rules.glance(
    null,
    '{"candidates":[{"content":{"parts":[{"text":"."}]},"finishReason": "STOP"}]}',
  );
  strictEqual(rules.cleanEnd(), null);
  // A usage-only chunk after the finish leaves it finished; more output reopens the answer.
  rules.glance(null, '{"usageMetadata":{"promptTokenCount":3}}');
  strictEqual(rules.cleanEnd(), null);
  rules.glance(null, '{"candidates":[{"content":{"parts":[{"text":"more"}]}}]}');
  ok(rules.cleanEnd() !== null);
  deepStrictEqual(rules.glance(null, "not json"), {
    kind: "malformed",
    detail: "an event's data is not a JSON object",
  });
});

Deno.test("a refusal finishReason before any output is content policy; after output, an end", () => {
  const refusal = '{"candidates":[{"finishReason":"SAFETY","index":0}]}';
  const before = new GeminiCommitRules().classify(null, refusal);
  deepStrictEqual(before, {
    kind: "error",
    status: null,
    error: {
      category: "content_policy",
      message: "the provider refused the request (finishReason SAFETY)",
    },
  });
  const after = new GeminiCommitRules();
  after.classify(null, '{"candidates":[{"content":{"parts":[{"text":"Once"}]}}]}');
  deepStrictEqual(after.classify(null, refusal), { kind: "preamble" });
  strictEqual(after.cleanEnd(), null);
});

Deno.test("termination: one raw JSON error line, google.rpc status by the gateway's code", () => {
  const rules = new GeminiCommitRules();
  const cases: [string, number, string][] = [
    ["upstream_truncated", 500, "INTERNAL"],
    ["upstream_malformed_stream", 500, "INTERNAL"],
    ["upstream_idle_timeout", 504, "DEADLINE_EXCEEDED"],
    ["pii_blocked", 403, "PERMISSION_DENIED"],
  ];
  for (const [code, http, status] of cases) {
    const text = rules.termination("the answer is incomplete", code);
    ok(text.endsWith("}\n") && !text.slice(0, -1).includes("\n"), code);
    ok(!text.startsWith("data:"), code);
    deepStrictEqual(JSON.parse(text), {
      error: {
        code: http,
        message: "the answer is incomplete",
        status,
        details: [{
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: code.toUpperCase(),
          domain: "ongoingai.gateway",
        }],
      },
    });
  }
});

Deno.test("the scanner's termination closes an open event first, then the raw object", () => {
  const bytes = fixture("gemini/stream_thinking.sse");
  const text = dec.decode(bytes);
  const cut = text.indexOf("data:", 10) + 20; // inside the second event
  const s = scanner();
  const framing = createResponseParser(streamInfo(), "expected", new GeminiUsageReader(), s);
  const prefix = enc.encode(text.slice(0, cut));
  framing.push(prefix);
  ok(s.pass(prefix) !== null);
  const t = s.termination("broke off");
  ok(t.startsWith('\n\n{"error":'), JSON.stringify(t.slice(0, 12)));
  // What the usage parser then reads: the cut event is malformed, the error line unframed.
  framing.push(enc.encode(t));
  strictEqual(framing.finish(true).status, "unknown");
});

/**
 * The commit scanner over an AWS event stream (Bedrock ConverseStream and
 * InvokeModelWithResponseStream): aligned to whole messages, fed to the usage framing one
 * message at a time, with a termination that is one whole exception message. Each case is fed
 * whole, split at every byte offset and byte by byte; the verdict, the commit point, the bytes
 * the client gets and the usage report must not depend on the splitting.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { StreamCommitScanner } from "../../src/providers/stream_commit.ts";
import type { CommitMode, CommitState, StreamEnd } from "../../src/providers/stream_commit.ts";
import {
  BedrockConverseCommitRules,
  BedrockInvokeCommitRules,
} from "../../src/providers/commit_bedrock.ts";
import { createBedrockUsageParser } from "../../src/providers/bedrock_usage.ts";
import type { BedrockUsageReport } from "../../src/providers/bedrock_stream.ts";
import { encodeEventStreamMessage } from "../../src/providers/aws_eventstream.ts";
import type { EventStreamMessage } from "../../src/providers/aws_eventstream.ts";
import { retryableStatuses } from "../../src/routing/mod.ts";
import {
  bedrockInfo,
  chunkMessage,
  converseMessages,
  eventStreamType,
  exceptionMessage,
} from "./bedrock_fixtures.ts";
import { splittings } from "./replay.ts";

const conversePath = "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream";
const invokePath = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke-with-response-stream";
const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 1515, cacheReadInputTokens: 1500 };

const start = converseMessages([["messageStart", { role: "assistant" }]]);
const hello = converseMessages([["contentBlockDelta", {
  delta: { text: "Hello" },
  contentBlockIndex: 0,
}]]);
const finish = converseMessages([
  ["contentBlockStop", { contentBlockIndex: 0 }],
  ["messageStop", { stopReason: "end_turn" }],
  ["metadata", { usage, metrics: { latencyMs: 380 } }],
]);

interface Run {
  state: CommitState;
  decidedAt: number | null;
  /** Every byte the client got, in order. */
  client: Uint8Array;
  end: StreamEnd;
  report: BedrockUsageReport;
  scanner: StreamCommitScanner;
}

/** Feeds the pieces as route_stream.ts does, then ends the body (`complete`: not cut). */
function run(path: string, pieces: Uint8Array[], mode: CommitMode, complete: boolean): Run {
  const info = bedrockInfo(path, eventStreamType, { requestedStreaming: true, method: "POST" });
  const rules = path.endsWith("converse-stream")
    ? new BedrockConverseCommitRules()
    : new BedrockInvokeCommitRules();
  const scanner = new StreamCommitScanner(rules, {
    mode,
    maxHeldBytes: 1 << 20,
    alignEvents: true,
  });
  const framing = createBedrockUsageParser(info, scanner);
  const out: Uint8Array[] = [];
  for (const p of pieces) {
    const bytes = scanner.feed(p, framing);
    if (bytes !== null) out.push(bytes.slice());
  }
  if (complete) {
    const rest = scanner.endFeed(framing);
    if (rest !== null) out.push(rest.slice());
  }
  const end = scanner.end(complete);
  return {
    state: scanner.state,
    decidedAt: scanner.decidedAt,
    client: join(out),
    end,
    report: framing.finish(complete),
    scanner,
  };
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const encodeAll = (ms: EventStreamMessage[]) => join(ms.map(encodeEventStreamMessage));
const codec = new EventStreamCodec(
  (s: Uint8Array) => new TextDecoder().decode(s),
  (s: string) => new TextEncoder().encode(s),
);

/** The messages a client's decoder (smithy's, as the AWS SDK uses) reads from `bytes`. */
function decodeAll(bytes: Uint8Array): { headers: Record<string, string>; body: string }[] {
  const out = [];
  let at = 0;
  while (at < bytes.length) {
    const total = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
    const m = codec.decode(bytes.subarray(at, at + total));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.headers)) headers[k] = String(v.value);
    out.push({ headers, body: new TextDecoder().decode(m.body) });
    at += total;
  }
  return out;
}

interface Case {
  name: string;
  path: string;
  messages: EventStreamMessage[];
  mode: CommitMode;
  /** Expected state kind, and (for a commit) its cause or (for a fail) reason and status. */
  state: string;
  decidedAt: number;
  end: StreamEnd["kind"];
  /** Expected usage report status. */
  usage: BedrockUsageReport["status"];
}

const anthropicEvents = [
  chunkMessage({
    type: "message_start",
    message: {
      id: "msg_bdrk_01",
      type: "message",
      role: "assistant",
      model: "claude-3-haiku-20240307",
      content: [],
      usage: {
        input_tokens: 680,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 1,
      },
    },
  }, 1),
  chunkMessage(
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    2,
  ),
  chunkMessage(
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
    3,
  ),
  chunkMessage({ type: "content_block_stop", index: 0 }, 4),
  chunkMessage({
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 38 },
  }, 5),
  chunkMessage({
    type: "message_stop",
    "amazon-bedrock-invocationMetrics": {
      inputTokenCount: 680,
      outputTokenCount: 38,
      invocationLatency: 1307,
      firstByteLatency: 1100,
    },
  }, 6),
];

const cases: Case[] = [
  {
    name: "clean Converse stream commits at its first content",
    path: conversePath,
    messages: [...start, ...hello, ...finish],
    mode: "first_content",
    state: "commit:content",
    decidedAt: 2,
    end: "clean",
    usage: "exact",
  },
  {
    name: "clean Converse stream, complete mode: held to its metadata",
    path: conversePath,
    messages: [...start, ...hello, ...finish],
    mode: "complete",
    state: "commit:finished",
    decidedAt: 5,
    end: "clean",
    usage: "exact",
  },
  {
    name: "metadata before messageStop is unclean (held: a failure)",
    path: conversePath,
    messages: [...start, ...hello, ...converseMessages([["metadata", { usage }]])],
    mode: "complete",
    state: "fail:unclean_end:null",
    decidedAt: 3,
    end: "unclean",
    usage: "exact",
  },
  {
    name: "in-band throttlingException before the commit point fails with 429",
    path: conversePath,
    messages: [...start, exceptionMessage("throttlingException", "Too many requests")],
    mode: "first_content",
    state: "fail:in_band_error:429",
    decidedAt: 2,
    end: "unclean",
    usage: "unknown",
  },
  {
    name: "invoke stream (Anthropic chunks) commits at the first text delta",
    path: invokePath,
    messages: anthropicEvents,
    mode: "first_content",
    state: "commit:content",
    decidedAt: 3,
    end: "clean",
    usage: "exact",
  },
];

function stateLabel(s: CommitState): string {
  if (s.kind === "commit") return `commit:${s.cause}`;
  if (s.kind === "fail") return `fail:${s.failure.reason}:${s.failure.status}`;
  return s.kind;
}

Deno.test("event-stream commit scanner: table, at every split", () => {
  for (const c of cases) {
    const bytes = encodeAll(c.messages);
    let first: BedrockUsageReport | null = null;
    for (const s of splittings(bytes)) {
      const label = `${c.name} (${s.label})`;
      const r = run(c.path, s.pieces, c.mode, true);
      strictEqual(stateLabel(r.state), c.state, label);
      strictEqual(r.decidedAt, c.decidedAt, label);
      strictEqual(r.end.kind, c.end, label);
      strictEqual(r.report.status, c.usage, label);
      if (r.state.kind === "commit") deepStrictEqual(r.client, bytes, `${label}: bytes unchanged`);
      else strictEqual(r.client.length, 0, `${label}: nothing reached the client`);
      first ??= r.report;
      deepStrictEqual(r.report, first, `${label}: the same report`);
    }
  }
});

Deno.test("event-stream commit scanner: the throttling failure is retryable, rate_limited", () => {
  const bytes = encodeAll([...start, exceptionMessage("throttlingException", "slow down")]);
  const r = run(conversePath, [bytes], "first_content", true);
  ok(r.state.kind === "fail");
  strictEqual(r.state.failure.error?.category, "rate_limited");
  ok(retryableStatuses.has(r.state.failure.status!));
});

Deno.test("event-stream commit scanner: a cut after the commit point ends with an exception the SDK decodes", () => {
  const whole = encodeAll([...start, ...hello]);
  const next = encodeEventStreamMessage(finish[0]!);
  // Every cut inside the next message: the client gets the whole messages only, then the
  // termination, which smithy's decoder reads as an internalServerException.
  // The body broke off (`complete` false) or ended cleanly inside a message (true): either way
  // the part of a message never goes out.
  for (let k = 0; k < 2 * next.length; k++) {
    const complete = k >= next.length;
    const input = join([whole, next.subarray(0, k % next.length)]);
    const r = run(conversePath, [input], "first_content", complete);
    strictEqual(stateLabel(r.state), "commit:content", `cut at ${k}`);
    strictEqual(r.end.kind, "unclean", `cut at ${k}`);
    deepStrictEqual(r.client, whole, `cut at ${k}: only whole messages went out`);
    const termination = r.scanner.terminationBytes("the upstream broke off the stream");
    const messages = decodeAll(join([r.client, termination]));
    strictEqual(messages.length, 3, `cut at ${k}`);
    deepStrictEqual(messages[2], {
      headers: {
        ":message-type": "exception",
        ":exception-type": "internalServerException",
        ":content-type": "application/json",
      },
      body: JSON.stringify({ message: "the upstream broke off the stream" }),
    });
  }
});

Deno.test("event-stream commit scanner: a bad message CRC is counted, the bytes reach the client unchanged", () => {
  const bad = encodeEventStreamMessage(hello[0]!);
  bad[bad.length - 1]! ^= 0xff;
  const more = converseMessages([["contentBlockDelta", {
    delta: { text: "!" },
    contentBlockIndex: 0,
  }]]);
  const bytes = join([encodeAll(start), bad, encodeAll([...more, ...finish])]);
  for (const s of splittings(bytes)) {
    const r = run(conversePath, s.pieces, "first_content", true);
    deepStrictEqual(r.client, bytes, `${s.label}: unchanged`);
    // The corrupt message is dropped by the decoder: the next delta is the first content.
    strictEqual(stateLabel(r.state), "commit:content", s.label);
    strictEqual(r.decidedAt, 2, s.label);
    strictEqual(r.end.kind, "clean", s.label);
    strictEqual(r.report.status, "exact", s.label);
    strictEqual(r.report.frameErrors, 1, s.label);
    ok(r.report.parseErrors >= 1, s.label);
  }
});

Deno.test("event-stream commit scanner: termination() is text-only; a PII block is a validationException", () => {
  const r = run(conversePath, [encodeAll([...start, ...hello])], "first_content", false);
  let threw = false;
  try {
    r.scanner.termination("x");
  } catch {
    threw = true;
  }
  ok(threw, "a binary framing has no text termination");
  const [m] = decodeAll(r.scanner.terminationBytes("blocked", "pii_blocked"));
  strictEqual(m?.headers[":exception-type"], "validationException");
  strictEqual(r.scanner.framing, "aws-eventstream");
});

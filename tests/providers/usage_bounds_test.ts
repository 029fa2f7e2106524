/**
 * The usage reader's memory bounds (issue 16 item 1): a kept JSON member over
 * `usageReadLimits.memberBytes` and an SSE line or event over `sseEventChars` stop reading, and
 * usage is `unknown` with the reason, however the bytes are split. Members the reader does not
 * keep and lines the SSE parser discards cost nothing and trip nothing; normal transcripts read
 * as before.
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import {
  anthropicAdapter,
  JsonMemberScanner,
  openAiAdapter,
  type ProviderAdapter,
  type ResponseInfo,
  usageReadLimits,
} from "../../src/providers/mod.ts";
import { cut, fixture, replay } from "./replay.ts";

const enc = new TextEncoder();
const sse = "text/event-stream";
const json = "application/json";
const KiB = 1024;
const MiB = 1024 * KiB;
const member = usageReadLimits.memberBytes;
const event = usageReadLimits.sseEventChars;

const info = (contentType: string, path = "/v1/chat/completions"): ResponseInfo => ({
  path,
  status: 200,
  contentType,
  requestedStreaming: contentType === sse,
  requestModel: "gpt-4o-mini",
});

/** Pieces of 64 KiB, then a few odd cuts, so bounds are crossed inside and across chunks. */
function chunked(bytes: Uint8Array): Uint8Array[][] {
  const even: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 64 * KiB) even.push(bytes.subarray(i, i + 64 * KiB));
  return [even, cut(bytes, [1, 7, 300_001, bytes.length - 3]), [bytes]];
}

const usage = '"prompt_tokens":5,"completion_tokens":1,"total_tokens":6';
const chatDoc = (usageObject: string, choices = "[]") =>
  enc.encode(`{"model":"gpt-4o-mini","choices":${choices},"usage":${usageObject}}`);
const pad = (n: number) => " ".repeat(n);

interface Case {
  name: string;
  adapter: ProviderAdapter;
  info: ResponseInfo;
  body: Uint8Array;
  /** null: usage read as usual (exact). */
  reason: "usage_member_too_large" | "sse_event_too_large" | null;
}

const chatChunk = (content: string) =>
  `data: {"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"${content}"}}]}\n\n`;
const usageChunk = `data: {"model":"gpt-4o-mini","choices":[],"usage":{${usage}}}\n\n`;

const cases: Case[] = [
  {
    name: "JSON: usage just under the member bound is read",
    adapter: openAiAdapter,
    info: info(json),
    body: chatDoc(`{${pad(member - usage.length - 3)}${usage}}`),
    reason: null,
  },
  {
    name: "JSON: usage one byte over the member bound stops the reader",
    adapter: openAiAdapter,
    info: info(json),
    body: chatDoc(`{${pad(member - usage.length - 1)}${usage}}`),
    reason: "usage_member_too_large",
  },
  {
    name: "JSON: 8 MiB inside usage stops the reader",
    adapter: openAiAdapter,
    info: info(json),
    body: chatDoc(`{${pad(8 * MiB)}${usage}}`),
    reason: "usage_member_too_large",
  },
  {
    name: "JSON: a model string of 1 MiB stops the reader (model is kept too)",
    adapter: anthropicAdapter,
    info: info(json, "/v1/messages"),
    body: enc.encode(
      `{"model":"${"m".repeat(MiB)}","usage":{"input_tokens":1,"output_tokens":1}}`,
    ),
    reason: "usage_member_too_large",
  },
  {
    name: "JSON: 8 MiB in a member the reader does not keep is only skipped",
    adapter: openAiAdapter,
    info: info(json),
    body: chatDoc(`{${usage}}`, `[{"message":{"content":"${"x".repeat(8 * MiB)}"}}]`),
    reason: null,
  },
  {
    name: "SSE: one data line over the event bound stops the reader",
    adapter: openAiAdapter,
    info: info(sse),
    body: enc.encode(chatChunk("x".repeat(event)) + usageChunk + "data: [DONE]\n\n"),
    reason: "sse_event_too_large",
  },
  {
    name: "SSE: an event over the bound in many short data lines stops the reader",
    adapter: openAiAdapter,
    info: info(sse),
    body: enc.encode(
      `data: {"choices":[],\n${`data: ${pad(1000)}\n`.repeat(event / 1000 + 1)}data: "x":1}\n\n` +
        usageChunk,
    ),
    reason: "sse_event_too_large",
  },
  {
    name: "SSE: a line just under the bound is read, and usage after it counts",
    adapter: openAiAdapter,
    info: info(sse),
    body: enc.encode(chatChunk("x".repeat(event - 200)) + usageChunk + "data: [DONE]\n\n"),
    reason: null,
  },
  {
    // The parser would discard it without holding it, but the guard measures every line alike:
    // no real stream has one this long, and one rule keeps the report independent of chunking.
    name: "SSE: an oversized comment line stops the reader too",
    adapter: openAiAdapter,
    info: info(sse),
    body: enc.encode(`: ${"x".repeat(event + 1)}\n\n` + chatChunk("hi") + usageChunk),
    reason: "sse_event_too_large",
  },
  {
    name: "SSE: an Anthropic event over the bound stops the reader",
    adapter: anthropicAdapter,
    info: info(sse, "/v1/messages"),
    body: enc.encode(
      `event: message_start\ndata: {"type":"message_start","message":{"model":"claude",` +
        `"usage":{"input_tokens":3,"output_tokens":1}}}\n\n` +
        `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":` +
        `{"type":"text_delta","text":"${"y".repeat(event)}"}}\n\n` +
        `event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":9}}\n\n`,
    ),
    reason: "sse_event_too_large",
  },
];

for (const c of cases) {
  Deno.test(`usage bounds: ${c.name}, however the bytes are split`, () => {
    for (const pieces of chunked(c.body)) {
      const report = replay(c.adapter, c.info, pieces);
      if (c.reason === null) {
        equal(report.status, "exact", `${pieces.length} pieces`);
        equal(report.unknownReason, undefined);
      } else {
        equal(report.status, "unknown", `${pieces.length} pieces`);
        equal(report.usage, null);
        equal(report.unknownReason, c.reason, `${pieces.length} pieces`);
        equal(report.parseErrors, 0, "a bound is not a parse error");
      }
    }
  });
}

Deno.test("usage bounds: the scanner releases what it held once a member is too large", () => {
  const scanner = new JsonMemberScanner([["usage"]], 1024);
  scanner.push(enc.encode(`{"usage":{${pad(1000)}`));
  ok(scanner.retainedBytes > 1000);
  equal(scanner.tooLarge, false);
  scanner.push(enc.encode(pad(100)));
  equal(scanner.tooLarge, true);
  equal(scanner.retainedBytes, 0);
  // Later bytes are ignored, valid or not.
  scanner.push(enc.encode(`${usage}}}`));
  deepStrictEqual(scanner.finish(), { valid: false, tooLarge: true });
});

Deno.test("usage bounds: stop() makes usage unknown with the reason, on any path", () => {
  const paths: [ResponseInfo, string][] = [
    [info(json), "expected"],
    [info(json, "/v1/some/new/endpoint"), "optional"],
    [info(sse), "expected stream"],
  ];
  for (const [i, label] of paths) {
    const parser = openAiAdapter.createUsageParser(i);
    parser.push(
      fixture(
        i.contentType === sse
          ? "openai/chat_stream_include_usage.sse"
          : "openai/chat_cached_reasoning.json",
      ).subarray(0, 40),
    );
    parser.stop("decompression_ratio_exceeded");
    // Bytes after the stop are not read, even a complete answer.
    parser.push(fixture("openai/chat_cached_reasoning.json"));
    const report = parser.finish(true);
    equal(report.status, "unknown", label);
    equal(report.usage, null, label);
    equal(report.unknownReason, "decompression_ratio_exceeded", label);
  }
});

Deno.test("usage bounds: a parser for a path without usage ignores stop()", () => {
  const parser = openAiAdapter.createUsageParser({ ...info(json, "/v1/models"), method: "GET" });
  parser.stop("decoded_body_too_large");
  const report = parser.finish(true);
  equal(report.status, "none");
  equal(report.unknownReason, undefined);
});

Deno.test("usage bounds: the SSE line guard measures each line exactly, however it is split", async () => {
  const { SseLineGuard } = await import("../../src/providers/sse_line_guard.ts");
  const table: [string, string, boolean][] = [
    ["lines at the bound", "abcd\nefgh\n\nijkl", true],
    ["a line over it", "abcd\nefghi\n", false],
    ["CR ends a line", "abcd\rabcd\r\nabcd", true],
    ["CRLF ends a line once", "abcd\r\n\r\nabcd", true],
    ["an open last line over it", "abcd\nabcde", false],
    ["a long line in the middle", "a\n" + "b".repeat(5) + "\nc", false],
    ["a CR before the first LF", "ab\rcdefg\nab", false],
    ["a CR after the last LF", "abcd\nab\rcdefg", false],
    ["short lines split by CR and LF", "ab\rcd\nef\rgh\r\nij", true],
  ];
  for (const [name, text, ok] of table) {
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b++) {
        const guard = new SseLineGuard(4);
        const pieces = [text.slice(0, a), text.slice(a, b), text.slice(b)];
        const result = pieces.every((p) => guard.push(p));
        equal(result, ok, `${name}, cut at ${a} and ${b}`);
      }
    }
  }
});

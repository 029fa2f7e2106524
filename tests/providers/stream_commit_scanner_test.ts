/** The scanner's own mechanics: the hold cap, blindness, termination framing, WebSocket frames. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  anthropicAdapter,
  openAiAdapter,
  type ResponseInfo,
  responsesWebSocket,
} from "../../src/providers/mod.ts";
import { fixture } from "./replay.ts";

const enc = new TextEncoder();
const info = (path: string, more: Partial<ResponseInfo> = {}): ResponseInfo => ({
  path,
  status: 200,
  contentType: "text/event-stream",
  requestedStreaming: true,
  requestModel: null,
  ...more,
});
const firstContent = { mode: "first_content", maxHeldBytes: 1024 * 1024 } as const;

Deno.test("scanner: past the hold cap the held bytes go out at once and the rest streams", () => {
  const body = fixture("openai/chat_stream_include_usage.sse");
  const i = info("/v1/chat/completions");
  const scanner = openAiAdapter.createCommitScanner!(i, { mode: "complete", maxHeldBytes: 600 })!;
  const parser = openAiAdapter.createUsageParser(i, scanner);
  const sent: number[] = [];
  let releasedAt = -1;
  for (let at = 0; at < body.length; at++) {
    const piece = body.subarray(at, at + 1);
    parser.push(piece);
    const out = scanner.pass(piece);
    if (out !== null && releasedAt < 0) releasedAt = at;
    if (out !== null) sent.push(...out);
  }
  parser.finish(true);
  deepStrictEqual(scanner.state, { kind: "commit", cause: "hold_cap" });
  strictEqual(releasedAt, 600, "the 601st byte tripped the cap");
  deepStrictEqual(new Uint8Array(sent), body);
  deepStrictEqual(scanner.ended, { kind: "clean" });
});

Deno.test("scanner: framing lost at its bound commits, and the end is unverified", () => {
  const scanner = openAiAdapter.createCommitScanner!(info("/v1/chat/completions"), firstContent)!;
  scanner.event(null, '{"choices":[{"index":0,"delta":{"role":"assistant"}}]}');
  strictEqual(scanner.pass(enc.encode("data: {...}\n\n")), null);
  scanner.lost();
  deepStrictEqual(scanner.state, { kind: "commit", cause: "blind" });
  deepStrictEqual(scanner.end(true), { kind: "unverified" });
});

Deno.test("scanner: only 2xx event streams of generation endpoints get one", () => {
  const none = [
    openAiAdapter.createCommitScanner!(info("/v1/chat/completions", { status: 429 }), firstContent),
    openAiAdapter.createCommitScanner!(
      info("/v1/chat/completions", { contentType: "application/json" }),
      firstContent,
    ),
    openAiAdapter.createCommitScanner!(info("/v1/embeddings"), firstContent),
    openAiAdapter.createCommitScanner!(info("/v1/responses", { method: "GET" }), firstContent),
    anthropicAdapter.createCommitScanner!(info("/v1/messages/count_tokens"), firstContent),
  ];
  deepStrictEqual(none, [null, null, null, null, null]);
});

/** A committed Chat stream whose client-bound bytes end with `tail`. */
function committedChat(tail: string) {
  const scanner = openAiAdapter.createCommitScanner!(info("/v1/chat/completions"), firstContent)!;
  scanner.event(null, '{"choices":[{"index":0,"delta":{"content":"Hi"}}]}');
  scanner.pass(enc.encode(`data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}${tail}`));
  return scanner;
}

Deno.test("scanner: the termination starts a fresh event whatever the upstream left open", () => {
  const error =
    'data: {"error":{"message":"cut","type":"server_error","code":"upstream_truncated","param":null}}\n\n';
  const cases: [string, string][] = [
    ["\n\n", ""],
    ["\r\n\r\n", ""],
    ["\r\r", ""],
    ["\n", "\n"],
    ["\r\n", "\n"],
    // A lone CR would take the first LF as its CRLF.
    ["\r", "\n\n"],
    ['\n\ndata: {"choi', "\n\n"],
  ];
  for (const [tail, separator] of cases) {
    strictEqual(committedChat(tail).termination("cut"), separator + error, JSON.stringify(tail));
  }
});

Deno.test("scanner: the Responses termination continues the upstream's sequence numbers", () => {
  const body = new TextDecoder().decode(fixture("commit/responses_tool_call.sse"));
  const cut = body.slice(0, body.indexOf("event: response.function_call_arguments.done"));
  const i = info("/v1/responses");
  const scanner = openAiAdapter.createCommitScanner!(i, firstContent)!;
  const parser = openAiAdapter.createUsageParser(i, scanner);
  parser.push(enc.encode(cut));
  scanner.pass(enc.encode(cut));
  const text = scanner.termination("stalled");
  strictEqual(text.startsWith("event: error\ndata: "), true);
  deepStrictEqual(JSON.parse(text.slice("event: error\ndata: ".length)), {
    type: "error",
    code: "upstream_truncated",
    message: "stalled",
    param: null,
    sequence_number: 4,
  });
});

Deno.test("scanner: the Anthropic termination is an api_error event", () => {
  const scanner = anthropicAdapter.createCommitScanner!(info("/v1/messages"), firstContent)!;
  strictEqual(
    scanner.termination("cut"),
    'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"cut"}}\n\n',
  );
});

Deno.test("scanner: WebSocket frames are held whole and released at the first delta", () => {
  const body = new TextDecoder().decode(fixture("commit/responses_tool_call.sse"));
  const frames = body.split("\n\n").filter((e) => e !== "").map((e) => e.split("\ndata: ")[1]!);
  const scanner = responsesWebSocket.commitScanner(firstContent);
  const sent: string[][] = [];
  for (const f of frames) {
    scanner.event(null, f);
    sent.push(scanner.passFrame(f));
  }
  deepStrictEqual(sent.map((s) => s.length), [0, 0, 0, 4, 1, 1, 1]);
  deepStrictEqual(sent.flat(), frames);
  deepStrictEqual(scanner.end(true), { kind: "clean" });
  const frame = JSON.parse(scanner.termination("gone"));
  deepStrictEqual(frame, {
    type: "error",
    status: 502,
    error: { type: "server_error", code: "upstream_truncated", message: "gone", param: null },
  });
});

Deno.test("scanner: a WebSocket error frame before output fails with its status", () => {
  const scanner = responsesWebSocket.commitScanner(firstContent);
  const created = '{"type":"response.created","sequence_number":0,"response":{"id":"resp_1"}}';
  const error =
    '{"type":"error","status":429,"error":{"type":"requests","code":"rate_limit_exceeded","message":"Rate limit reached"}}';
  scanner.event(null, created);
  deepStrictEqual(scanner.passFrame(created), []);
  scanner.event(null, error);
  deepStrictEqual(scanner.passFrame(error), []);
  const state = scanner.state;
  strictEqual(state.kind, "fail");
  if (state.kind !== "fail") return;
  deepStrictEqual(state.failure.error, { category: "rate_limited", message: "Rate limit reached" });
  strictEqual(state.failure.status, 429);
  // Routing may still answer with it (the last target): the frames, whole and in order.
  deepStrictEqual(scanner.passThroughFrames(), [created, error]);
  deepStrictEqual(scanner.passFrame("{}"), ["{}"]);
});

Deno.test("scanner: [DONE] after content but without any finish_reason is no clean end", () => {
  const scanner = openAiAdapter.createCommitScanner!(info("/v1/chat/completions"), firstContent)!;
  scanner.event(null, '{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}');
  scanner.event(
    null,
    '{"choices":[{"index":0,"delta":{"content":" \\"finish_reason\\":\\"stop"}}]}',
  );
  scanner.event(null, "[DONE]");
  strictEqual(scanner.endSeen, true);
  const end = scanner.end(true);
  strictEqual(end.kind === "unclean" && end.failure.reason, "unclean_end");
});

Deno.test("scanner: the termination sees line ends split across single-byte chunks", () => {
  const scanner = committedChat("\r");
  scanner.pass(enc.encode("\n"));
  scanner.pass(enc.encode("\r"));
  strictEqual(scanner.termination("x").startsWith("\n\n"), false, "CRLF CR is two line ends");
  const open = committedChat("");
  for (const b of enc.encode("da")) open.pass(new Uint8Array([b]));
  strictEqual(open.termination("x").startsWith("\n\ndata: "), true);
});

Deno.test("scanner: a chat error given as a bare string still fails before commit", () => {
  const scanner = openAiAdapter.createCommitScanner!(info("/v1/chat/completions"), firstContent)!;
  scanner.event(null, '{"error":"upstream provider overloaded, try again"}');
  const state = scanner.state;
  strictEqual(state.kind === "fail" && state.failure.reason, "in_band_error");
  if (state.kind !== "fail") return;
  deepStrictEqual(state.failure.error, {
    category: "overloaded",
    message: "upstream provider overloaded, try again",
  });
});

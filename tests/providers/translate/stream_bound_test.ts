/** Regressions found by the issue-21 review of the translation wiring. */
import assert from "node:assert/strict";
import { StreamPipe, TranslationNotes } from "../../../src/providers/mod.ts";

Deno.test("stream pipe: a streamed tool call's arguments are bounded (the client's stream ends with an error)", () => {
  const notes = new TranslationNotes();
  const pipe = new StreamPipe({
    target: { kind: "anthropic", protocol: "anthropic.messages", model: "claude-x", stream: true },
    client: "openai.responses",
    includeUsage: true,
    id: "resp_og_x",
    createdAt: 1,
    notes,
    collect: true,
  });
  const enc = new TextEncoder();
  const ev = (type: string, data: unknown) =>
    enc.encode(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  let out = 0;
  out += pipe.push(
    ev("message_start", {
      type: "message_start",
      message: {
        id: "m",
        type: "message",
        role: "assistant",
        model: "claude-x",
        content: [],
        stop_reason: null,
        usage: { input_tokens: 1, output_tokens: 0 },
      },
    }),
  ).byteLength;
  out += pipe.push(
    ev("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", id: "t1", name: "f", input: {} },
    }),
  ).byteLength;
  out += pipe.push(
    ev("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: '{"a":"' },
    }),
  ).byteLength;
  const chunk = "x".repeat(1024 * 1024);
  for (let i = 0; i < 48; i++) {
    out += pipe.push(
      ev("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: chunk },
      }),
    ).byteLength;
  }
  assert.ok(pipe.finished, "expected the pipe to refuse past a bound");
  assert.match(pipe.error?.message ?? "", /tool call arguments longer than/);
});

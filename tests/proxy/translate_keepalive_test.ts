/**
 * A translated stream whose upstream is alive but says nothing the client's protocol has (Anthropic
 * `ping` events toward a Chat client) sends the client an SSE comment after the keepalive interval,
 * so proxies between the gateway and the client do not close an idle connection; the answer itself
 * is unchanged.
 */
import assert from "node:assert/strict";
import { TranslationNotes } from "../../src/providers/mod.ts";
import { translatedStream } from "../../src/proxy/translate_relay.ts";
import type { AnswerTranslation } from "../../src/proxy/translate_attempt.ts";

const encoder = new TextEncoder();
const sse = (type: string, data: unknown) =>
  encoder.encode(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);

function translation(): AnswerTranslation {
  return {
    client: "openai.chat",
    target: { kind: "anthropic", protocol: "anthropic.messages", model: "claude-x", stream: true },
    includeUsage: false,
    notes: new TranslationNotes(),
    id: "og_1",
    createdAt: 1,
    remember: null,
    seal: null,
    answerHeaders: {},
    local: null,
  };
}

async function clientText(keepaliveMs: number): Promise<string> {
  const events = [
    sse("message_start", {
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
    sse("ping", { type: "ping" }),
    sse("ping", { type: "ping" }),
    sse("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }),
    sse("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: "hi" },
    }),
    sse("content_block_stop", { type: "content_block_stop", index: 0 }),
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 1 },
    }),
    sse("message_stop", { type: "message_stop" }),
  ];
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = events.shift();
      if (next === undefined) c.close();
      else c.enqueue(next);
    },
  });
  return await new Response(translatedStream(source, translation(), keepaliveMs)).text();
}

Deno.test("translated stream: a silent stretch toward the client gets an SSE keepalive comment", async () => {
  const withKeepalive = await clientText(0);
  assert.match(withKeepalive, /^: keepalive$/m);
  const without = await clientText(60_000);
  assert.doesNotMatch(without, /keepalive/);
  // The answer is the same either way, comments aside.
  assert.equal(withKeepalive.replaceAll(": keepalive\n\n", ""), without);
  assert.match(without, /"content":"hi"/);
  assert.match(without, /data: \[DONE\]/);
});

/**
 * The official SDKs, reading a stream the redactor stopped in block mode, raise an API error
 * instead of ending quietly with a truncated answer.
 */
import Anthropic from "@anthropic-ai/sdk";
import { ok, rejects, strictEqual } from "node:assert/strict";
import OpenAI from "openai";
import { redactSseText } from "../../src/pii/stream/mod.ts";
import { fixture } from "../providers/replay.ts";
import { dec, wireFormats, withDeltas } from "./sse_replay.ts";
import { rules } from "./stream_fixture.ts";

const pieces = ["Write to john.do", "e@example.com today"];

function blockedBody(file: string, format: typeof wireFormats.openai): string {
  const text = withDeltas(dec.decode(fixture(file)), format.locate, pieces);
  const out = redactSseText(text, { ...format, rules, mode: "block" });
  ok(!out.text.includes("john"));
  return out.text;
}

const sse = (body: string) => () =>
  Promise.resolve(new Response(body, { headers: { "content-type": "text/event-stream" } }));

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) { /* read to the end */ }
}

Deno.test("openai SDK: chat completions stream raises APIError pii_blocked", async () => {
  const body = blockedBody("openai/chat_stream_no_usage.sse", wireFormats.openai);
  const client = new OpenAI({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: sse(body) });
  const stream = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "hi" }],
    stream: true,
  });
  await rejects(drain(stream), (e: unknown) => {
    ok(e instanceof OpenAI.APIError, String(e));
    strictEqual(e.code, "pii_blocked");
    ok(e.message.includes("email"), e.message);
    return true;
  });
});

Deno.test("openai SDK: responses stream raises APIError pii_blocked", async () => {
  const body = blockedBody("openai/responses_stream.sse", wireFormats.openai);
  const client = new OpenAI({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: sse(body) });
  const stream = await client.responses.create({ model: "gpt-5-mini", input: "hi", stream: true });
  await rejects(drain(stream), (e: unknown) => {
    ok(e instanceof OpenAI.APIError, String(e));
    strictEqual(e.code, "pii_blocked");
    return true;
  });
});

Deno.test("anthropic SDK: messages stream raises APIError permission_error", async () => {
  const body = blockedBody("anthropic/messages_stream_cache.sse", wireFormats.anthropic);
  const client = new Anthropic({ apiKey: "k", baseURL: "http://upstream.test", fetch: sse(body) });
  const stream = await client.messages.create({
    model: "claude-sonnet-4-5",
    max_tokens: 10,
    messages: [{ role: "user", content: "hi" }],
    stream: true,
  });
  await rejects(drain(stream), (e: unknown) => {
    ok(e instanceof Anthropic.APIError, String(e));
    ok(e.message.includes("permission_error") || e.message.includes("PII"), e.message);
    return true;
  });
});

/** A chat stream with two tool calls whose arguments carry a split email. */
function toolCallStream(): string {
  const chunk = (delta: unknown, finish: string | null = null) =>
    `data: ${
      JSON.stringify({
        id: "c1",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [{ index: 0, delta, finish_reason: finish }],
      })
    }\n\n`;
  const call = (index: number, args: string, first = false) => ({
    tool_calls: [{
      index,
      ...(first ? { id: `call_${index}`, type: "function" } : {}),
      function: first ? { name: "send_mail", arguments: args } : { arguments: args },
    }],
  });
  return [
    chunk({ role: "assistant", content: null }),
    chunk(call(0, '{"to":"john.do', true)),
    chunk(call(0, 'e@example.com"}')),
    chunk(call(1, '{"to":"a.b+tag@mail.', true)),
    chunk(call(1, 'example.org"}')),
    chunk({}, "tool_calls"),
    "data: [DONE]\n\n",
  ].join("");
}

Deno.test("openai SDK: redacted tool call arguments accumulate once, names not repeated", async () => {
  const out = redactSseText(toolCallStream(), { ...wireFormats.openai, rules, mode: "redact" });
  const client = new OpenAI({
    apiKey: "k",
    baseURL: "http://upstream.test/v1",
    fetch: sse(out.text),
  });
  const final = await client.chat.completions.stream({
    model: "m",
    messages: [{ role: "user", content: "hi" }],
  }).finalChatCompletion();
  const calls = final.choices[0]!.message.tool_calls!.map((c) =>
    c.type === "function" ? c.function : null
  );
  strictEqual(
    JSON.stringify(calls),
    JSON.stringify([
      { name: "send_mail", arguments: '{"to":"[EMAIL_REDACTED:20]"}' },
      { name: "send_mail", arguments: '{"to":"[EMAIL_REDACTED:24]"}' },
    ]),
  );
});

Deno.test("anthropic SDK: the final message text is the one-shot redaction", async () => {
  const text = withDeltas(
    dec.decode(fixture("anthropic/messages_stream_cache.sse")),
    wireFormats.anthropic.locate,
    ["Mail john.do", "e@example.com", " or +1 555 ", "123 4567 please"],
  );
  const out = redactSseText(text, { ...wireFormats.anthropic, rules, mode: "redact" });
  const client = new Anthropic({
    apiKey: "k",
    baseURL: "http://upstream.test",
    fetch: sse(out.text),
  });
  const final = await client.messages.stream({
    model: "claude-sonnet-4-5",
    max_tokens: 10,
    messages: [{ role: "user", content: "hi" }],
  }).finalMessage();
  const block = final.content[0]!;
  strictEqual(
    block.type === "text" ? block.text : null,
    "Mail [EMAIL_REDACTED:20] or [PHONE_REDACTED:15] please",
  );
});

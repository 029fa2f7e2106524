/**
 * The termination a committed stream gets when the upstream cuts or stalls, read by the official
 * SDKs from a local HTTP stub: each raises an API error naming the cause, where the same stream
 * without it ends as a quiet, truncated success (shown here too, as the reason this exists).
 */
import Anthropic from "@anthropic-ai/sdk";
import { ok, rejects, strictEqual } from "node:assert/strict";
import OpenAI from "openai";
import { anthropicAdapter, openAiAdapter, type ProviderAdapter } from "../../src/providers/mod.ts";
import { fixture } from "./replay.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const message = "the upstream stream broke off after the answer began (upstream_truncated)";

/** Serves `body` as an event stream, in two chunks, for the duration of `use`. */
async function withStub(body: string, use: (base: string) => Promise<void>): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    const bytes = enc.encode(body);
    const half = Math.floor(bytes.length / 2);
    return new Response(ReadableStream.from([bytes.slice(0, half), bytes.slice(half)]), {
      headers: { "content-type": "text/event-stream" },
    });
  });
  try {
    await use(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

/** The first `cut` characters of a transcript, as the client got them, plus the termination. */
function terminated(adapter: ProviderAdapter, path: string, prefix: string): string {
  const info = {
    path,
    status: 200,
    contentType: "text/event-stream",
    requestedStreaming: true,
    requestModel: null,
  };
  const scanner = adapter.createCommitScanner!(info, {
    mode: "first_content",
    maxHeldBytes: 1 << 20,
  })!;
  const parser = adapter.createUsageParser(info, scanner);
  parser.push(enc.encode(prefix));
  ok(scanner.pass(enc.encode(prefix)) !== null, "committed");
  return prefix + scanner.termination(message);
}

const upTo = (file: string, marker: string, occurrence = 1): string => {
  const text = dec.decode(fixture(file));
  let at = -1;
  for (let i = 0; i < occurrence; i++) at = text.indexOf(marker, at + 1);
  ok(at > 0, marker);
  return text.slice(0, at);
};

const chatPrefix = upTo("openai/chat_stream_include_usage.sse", 'data: {"id"', 4);
const responsesPrefix = upTo(
  "commit/responses_tool_call.sse",
  "event: response.function_call_arguments.done",
);
const anthropicPrefix = upTo(
  "anthropic/messages_stream_cache.sse",
  "event: content_block_delta",
  3,
);

const openAi = (base: string) => new OpenAI({ apiKey: "k", baseURL: `${base}/v1`, maxRetries: 0 });
const anthropic = (base: string) => new Anthropic({ apiKey: "k", baseURL: base, maxRetries: 0 });
const chatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user" as const, content: "hi" }],
  stream: true as const,
};
const messagesRequest = {
  model: "claude-sonnet-4-6",
  max_tokens: 100,
  messages: [{ role: "user" as const, content: "hi" }],
};

function isTruncationError(e: unknown, kind: typeof OpenAI.APIError | typeof Anthropic.APIError) {
  ok(e instanceof kind, `expected an APIError, got ${String(e)}`);
  ok(e.message.includes("upstream_truncated"), e.message);
  return true;
}

Deno.test("openai SDK, chat: the termination raises APIError upstream_truncated after the text", async () => {
  await withStub(terminated(openAiAdapter, "/v1/chat/completions", chatPrefix), async (base) => {
    let text = "";
    const stream = await openAi(base).chat.completions.create(chatRequest);
    await rejects(
      (async () => {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
      })(),
      (e: unknown) => {
        isTruncationError(e, OpenAI.APIError);
        strictEqual((e as InstanceType<typeof OpenAI.APIError>).code, "upstream_truncated");
        return true;
      },
    );
    strictEqual(text, "Hello!");
  });
});

Deno.test("openai SDK, chat: finalChatCompletion() rejects instead of returning the fragment", async () => {
  await withStub(terminated(openAiAdapter, "/v1/chat/completions", chatPrefix), async (base) => {
    const stream = openAi(base).chat.completions.stream(chatRequest);
    await rejects(stream.finalChatCompletion(), (e) => isTruncationError(e, OpenAI.APIError));
  });
});

Deno.test("openai SDK, chat: a cut inside an event still ends in an error, not a success", async () => {
  const midEvent = chatPrefix + 'data: {"id":"chatcmpl-x","choices":[{"index":0,"delta":{"cont';
  await withStub(terminated(openAiAdapter, "/v1/chat/completions", midEvent), async (base) => {
    const stream = await openAi(base).chat.completions.create(chatRequest);
    await rejects((async () => {
      for await (const _ of stream) { /* drain */ }
    })());
  });
});

Deno.test("openai SDK, chat: with events aligned a cut inside an event gives the clear error", async () => {
  const midEvent = chatPrefix + 'data: {"id":"chatcmpl-x","choices":[{"index":0,"delta":{"cont';
  const info = {
    path: "/v1/chat/completions",
    status: 200,
    contentType: "text/event-stream",
    requestedStreaming: true,
    requestModel: null,
  };
  const scanner = openAiAdapter.createCommitScanner!(info, {
    mode: "first_content",
    maxHeldBytes: 1 << 20,
    alignEvents: true,
  })!;
  const parser = openAiAdapter.createUsageParser(info, scanner);
  parser.push(enc.encode(midEvent));
  const sent = dec.decode(scanner.pass(enc.encode(midEvent))!);
  strictEqual(sent, chatPrefix, "the open event was held back");
  await withStub(sent + scanner.termination(message), async (base) => {
    const stream = await openAi(base).chat.completions.create(chatRequest);
    await rejects(
      (async () => {
        for await (const _ of stream) { /* drain */ }
      })(),
      (e) => isTruncationError(e, OpenAI.APIError),
    );
  });
});

Deno.test("openai SDK, chat: without the termination the cut is a quiet success (the bug)", async () => {
  await withStub(chatPrefix, async (base) => {
    let text = "";
    for await (const c of await openAi(base).chat.completions.create(chatRequest)) {
      text += c.choices[0]?.delta.content ?? "";
    }
    strictEqual(text, "Hello!");
  });
});

Deno.test("openai SDK, responses: the error event raises APIError in create() and stream()", async () => {
  await withStub(terminated(openAiAdapter, "/v1/responses", responsesPrefix), async (base) => {
    const client = openAi(base);
    const stream = await client.responses.create({ model: "gpt-5", input: "hi", stream: true });
    await rejects(
      (async () => {
        for await (const _ of stream) { /* drain */ }
      })(),
      (e) => isTruncationError(e, OpenAI.APIError),
    );
    const helper = client.responses.stream({ model: "gpt-5", input: "hi" });
    await rejects(helper.finalResponse(), (e) => isTruncationError(e, OpenAI.APIError));
  });
});

Deno.test("openai SDK, responses: without the termination finalResponse() resolves (the bug)", async () => {
  await withStub(responsesPrefix, async (base) => {
    const response = await openAi(base).responses.stream({ model: "gpt-5", input: "hi" })
      .finalResponse();
    strictEqual(response.status, "in_progress");
  });
});

Deno.test("anthropic SDK: the error event raises APIError in create() and stream()", async () => {
  await withStub(terminated(anthropicAdapter, "/v1/messages", anthropicPrefix), async (base) => {
    const client = anthropic(base);
    let text = "";
    const stream = await client.messages.create({ ...messagesRequest, stream: true });
    await rejects(
      (async () => {
        for await (const e of stream) {
          if (e.type === "content_block_delta" && e.delta.type === "text_delta") {
            text += e.delta.text;
          }
        }
      })(),
      (e) => isTruncationError(e, Anthropic.APIError),
    );
    strictEqual(text, "Hello! The contract's termination clause");
    const helper = client.messages.stream(messagesRequest);
    await rejects(helper.finalMessage(), (e) => isTruncationError(e, Anthropic.APIError));
  });
});

Deno.test("anthropic SDK: without the termination create() ends quietly (the bug)", async () => {
  await withStub(anthropicPrefix, async (base) => {
    let events = 0;
    for await (
      const _ of await anthropic(base).messages.create({ ...messagesRequest, stream: true })
    ) {
      events++;
    }
    strictEqual(events, 4, "message_start, block start, two deltas (pings are skipped)");
  });
});

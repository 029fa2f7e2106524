/**
 * Azure OpenAI answers read by the OpenAI adapter unchanged (plan section 2.4): Azure's stream
 * shapes (the empty first chunk with `prompt_filter_results` or the older `prompt_annotations`,
 * `content_filter_results` on every choice, asynchronous-filter annotation chunks with `model: ""`
 * and `content_filter_offsets`, the `include_usage` chunk, a `content_filter` finish) give exact
 * usage and the answer's model, whole, split at every byte and with every line end; a cut stream
 * and a stream without the usage chunk are `unknown`, never a running count. Expected rows are
 * computed here from the documented formula, not from the code under test.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { openAiAdapter, type ResponseInfo } from "../../src/providers/mod.ts";
import type { Usage } from "../../src/providers/usage.ts";
import { fixture, lineEndingVariants, replay, splittings } from "./replay.ts";

const deploymentChat = "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21";

function streamInfo(path = deploymentChat, requestModel: string | null = "prod-4o"): ResponseInfo {
  return {
    path,
    status: 200,
    contentType: "text/event-stream; charset=utf-8",
    requestedStreaming: true,
    requestModel,
  };
}

function documentInfo(path: string, requestModel: string | null): ResponseInfo {
  return {
    path,
    status: 200,
    contentType: "application/json",
    requestedStreaming: false,
    requestModel,
  };
}

/**
 * Chat Completions and Responses usage (plan section 2.4): input = prompt tokens (cached
 * included), output = completion tokens (reasoning included), parts as reported.
 */
function expected(f: { prompt: number; completion: number; cached?: number; reasoning?: number }) {
  return {
    input_tokens: f.prompt,
    output_tokens: f.completion,
    total_tokens: f.prompt + f.completion,
    cached_input_tokens: f.cached ?? 0,
    cache_write_tokens: 0,
    reasoning_tokens: f.reasoning ?? 0,
  } satisfies Usage;
}

const gpt4o = { prompt: 1200, completion: 80, cached: 1024 };

const streams = [
  { file: "chat_stream_usage.sse", usage: expected(gpt4o) },
  { file: "chat_stream_async_filter.sse", usage: expected(gpt4o) },
  { file: "chat_stream_trailing_annotations.sse", usage: expected(gpt4o) },
  { file: "chat_stream_content_filter.sse", usage: expected({ prompt: 35, completion: 7 }) },
];

Deno.test("azure chat streams: exact usage and the answer's model at every split and line end", () => {
  for (const { file, usage } of streams) {
    const want = { model: "gpt-4o-2024-11-20", usage, status: "exact", parseErrors: 0 };
    for (const variant of lineEndingVariants(fixture(`azure/${file}`))) {
      for (const { label, pieces } of splittings(variant.bytes)) {
        const report = replay(openAiAdapter, streamInfo(), pieces);
        deepStrictEqual(report, want, `${file} ${variant.name} ${label}`);
      }
    }
  }
});

Deno.test("azure chat streams: cut anywhere before [DONE] without the usage chunk is unknown", () => {
  for (const { file } of streams) {
    const bytes = fixture(`azure/${file}`);
    const text = new TextDecoder().decode(bytes);
    const usageAt = text.lastIndexOf('{"choices":[],"created":1764950012');
    for (let i = 0; i < usageAt; i += 7) {
      const report = replay(openAiAdapter, streamInfo(), [bytes.subarray(0, i)], false);
      strictEqual(report.usage, null, `${file} cut at ${i}`);
      strictEqual(report.status, "unknown", `${file} cut at ${i}`);
    }
  }
});

Deno.test("azure chat stream without include_usage (older api-version): usage unknown", () => {
  const report = replay(openAiAdapter, streamInfo(), [fixture("azure/chat_stream_no_usage.sse")]);
  deepStrictEqual(report, {
    model: "gpt-4o-2024-11-20",
    usage: null,
    status: "unknown",
    parseErrors: 0,
  });
});

Deno.test("azure first chunk alone: its empty model is no model (the request's stays)", () => {
  const first = new TextDecoder().decode(fixture("azure/chat_stream_usage.sse")).split("\n\n")[0]!;
  const report = replay(openAiAdapter, streamInfo(), [new TextEncoder().encode(`${first}\n\n`)]);
  strictEqual(report.model, "prod-4o");
  strictEqual(report.status, "unknown");
});

Deno.test("azure documents: chat (o4-mini, reasoning and cache) and embeddings", () => {
  const chat = replay(
    openAiAdapter,
    documentInfo(
      "/openai/deployments/reasoner/chat/completions?api-version=2025-04-01-preview",
      "reasoner",
    ),
    splittings(fixture("azure/chat_document.json")).next().value!.pieces,
  );
  deepStrictEqual(chat, {
    model: "o4-mini-2025-04-16",
    usage: expected({ prompt: 500, completion: 900, cached: 256, reasoning: 640 }),
    status: "exact",
    parseErrors: 0,
  });
  for (const { label, pieces } of splittings(fixture("azure/embeddings.json"))) {
    const emb = replay(
      openAiAdapter,
      documentInfo(
        "/openai/deployments/embed-small/embeddings?api-version=2024-10-21",
        "embed-small",
      ),
      pieces,
    );
    deepStrictEqual(
      emb,
      {
        model: "text-embedding-3-small",
        usage: expected({ prompt: 8, completion: 0 }),
        status: "exact",
        parseErrors: 0,
      },
      label,
    );
  }
});

Deno.test("azure responses stream (/openai/responses and /openai/v1/responses) agrees with chat", () => {
  const want = {
    model: "o4-mini-2025-04-16",
    usage: expected({ prompt: 500, completion: 900, cached: 256, reasoning: 640 }),
    status: "exact",
    parseErrors: 0,
    // The recorded answer names the tier it was asked for (issue 24's billing facts).
    facts: { service_tier: "auto" },
  };
  for (const path of ["/openai/responses?api-version=2025-04-01-preview", "/openai/v1/responses"]) {
    for (const { label, pieces } of splittings(fixture("azure/responses_stream.sse"))) {
      const report = replay(openAiAdapter, streamInfo(path, "reasoner"), pieces);
      deepStrictEqual(report, want, `${path} ${label}`);
    }
  }
});

Deno.test("azure: the usage chunk the gateway asked for is hidden; the filter chunks are not", async () => {
  const bytes = fixture("azure/chat_stream_usage.sse");
  const filter = openAiAdapter.hideUsageEvent!();
  const out = await new Response(
    ReadableStream.from([bytes]).pipeThrough(filter),
  ).text();
  const text = new TextDecoder().decode(bytes);
  const usageEvent = text.slice(text.lastIndexOf('data: {"choices":[],"created":1764950012'));
  strictEqual(out, text.replace(usageEvent, "data: [DONE]\n\n"));
  strictEqual(out.includes("prompt_filter_results"), true);
});

Deno.test("azure prepareRequest: include_usage is added only when the caller allows it", () => {
  // The lead passes `streamUsage: provider.stream_usage && acceptsStreamOptions(path)`.
  const request = new TextEncoder().encode('{"messages":[],"stream":true}');
  const input = (path: string, streamUsage: boolean) => ({
    method: "POST",
    path,
    contentType: "application/json",
    body: request,
    streamUsage,
  });
  const paths = [
    "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21",
    "/openai/v1/chat/completions",
  ];
  for (const path of paths) {
    const asked = openAiAdapter.prepareRequest(input(path, true));
    strictEqual(asked.hideUsageEvent, true, path);
    strictEqual(
      new TextDecoder().decode(asked.body!),
      '{"messages":[],"stream":true,"stream_options":{"include_usage":true}}',
    );
    const left = openAiAdapter.prepareRequest(input(path, false));
    strictEqual(left.body, request, path);
    strictEqual(left.hideUsageEvent, false, path);
  }
});

import { deepStrictEqual } from "node:assert/strict";
import {
  anthropicAdapter,
  type BillingFacts,
  openAiAdapter,
  type ProviderAdapter,
  type ResponseInfo,
  type UsageReport,
} from "../../src/providers/mod.ts";
import type { Usage } from "../../src/traces/mod.ts";
import { geminiAdapter } from "../../src/providers/gemini.ts";
import { fixture, lineEndingVariants, replay, responseInfo, splittings, usage } from "./replay.ts";

const sse = "text/event-stream; charset=utf-8";
const json = "application/json";

const info = responseInfo;

interface Case {
  name: string;
  adapter: ProviderAdapter;
  body: Uint8Array;
  info: ResponseInfo;
  complete?: boolean;
  expected: UsageReport;
}

const exact = (model: string, u: Usage, parseErrors = 0): UsageReport => ({
  model,
  usage: u,
  status: "exact",
  parseErrors,
});
const report = (
  model: string | null,
  status: "unknown" | "none",
  parseErrors = 0,
): UsageReport => ({ model, usage: null, status, parseErrors });

const text = (s: string) => new TextEncoder().encode(s);
/** What the answer reported beyond token counts (`BillingFacts`): recorded answers name their tier. */
const withFacts = (r: UsageReport, facts: BillingFacts): UsageReport => ({ ...r, facts });
const chatTier: BillingFacts = { service_tier: "default" };
// The Responses API answers with the tier it was asked for, `auto`, in these recordings.
const responsesTier: BillingFacts = { service_tier: "auto" };
/**
 * The tool-call fixtures (constructed in the documented shapes): two completed web searches, one
 * completed file search, one failed web search (not billed), and a message whose text spells a
 * tool item.
 */
const toolCalls: BillingFacts = {
  server_tool_uses: { web_search_calls: 2, file_search_calls: 1 },
  service_tier: "default",
};
/** Three queries, one empty (not billed); the stream repeats the first in an early chunk. */
const grounded: BillingFacts = {
  server_tool_uses: { grounded_prompts: 1, web_search_queries: 2 },
};
const chatJson = fixture("openai/chat_cached_reasoning.json");
const chatStream = fixture("openai/chat_stream_include_usage.sse");

const cases: Case[] = [
  {
    name: "openai chat stream with include_usage: usage from the choices:[] chunk",
    adapter: openAiAdapter,
    body: chatStream,
    info: info("/v1/chat/completions", sse, { requestModel: "gpt-4o-mini" }),
    expected: withFacts(exact("gpt-4o-mini-2024-07-18", usage(19, 10)), chatTier),
  },
  {
    name: "openai chat stream cut after its usage chunk keeps the exact usage",
    adapter: openAiAdapter,
    body: chatStream.subarray(0, chatStream.length - "data: [DONE]\n\n".length),
    info: info("/v1/chat/completions", sse),
    complete: false,
    expected: withFacts(exact("gpt-4o-mini-2024-07-18", usage(19, 10)), chatTier),
  },
  {
    name: "openai chat stream without usage is unknown, not zero",
    adapter: openAiAdapter,
    body: fixture("openai/chat_stream_no_usage.sse"),
    info: info("/v1/chat/completions", sse, { requestModel: "gpt-4o-mini" }),
    expected: report("gpt-4o-mini-2024-07-18", "unknown"),
  },
  {
    name: "openai chat stream cut mid-way is unknown and the fragment is no parse error",
    adapter: openAiAdapter,
    body: fixture("openai/chat_stream_cut.sse"),
    info: info("/v1/chat/completions", sse),
    complete: false,
    expected: report("gpt-4o-mini-2024-07-18", "unknown"),
  },
  {
    name: "openai chat stream with malformed events counts them and still reads usage",
    adapter: openAiAdapter,
    body: fixture("openai/chat_stream_malformed.sse"),
    info: info("/v1/chat/completions", sse),
    expected: withFacts(exact("gpt-4o-mini-2024-07-18", usage(19, 10), 2), chatTier),
  },
  {
    name: "openai completions stream with CRLF line ends",
    adapter: openAiAdapter,
    body: fixture("openai/completions_stream_crlf.sse"),
    info: info("/v1/completions", sse),
    expected: exact("gpt-3.5-turbo-instruct:20230824-v2", usage(5, 7)),
  },
  {
    name: "openai responses stream: usage from response.completed",
    adapter: openAiAdapter,
    body: fixture("openai/responses_stream.sse"),
    info: info("/v1/responses", sse, { requestModel: "gpt-5-mini" }),
    expected: withFacts(
      exact("gpt-5-mini-2025-08-07", usage(36, 87, { reasoning: 64 })),
      responsesTier,
    ),
  },
  {
    name: "openai responses stream: usage from response.incomplete",
    adapter: openAiAdapter,
    body: fixture("openai/responses_stream_incomplete.sse"),
    info: info("/v1/responses", sse),
    expected: withFacts(
      exact("gpt-5-mini-2025-08-07", usage(36, 16, { reasoning: 16 })),
      responsesTier,
    ),
  },
  {
    name: "openai responses document with cached and reasoning details",
    adapter: openAiAdapter,
    body: fixture("openai/responses.json"),
    info: info("/v1/responses", json),
    expected: withFacts(
      exact("gpt-5-mini-2025-08-07", usage(2048, 310, { cached: 1536, reasoning: 256 })),
      responsesTier,
    ),
  },
  {
    name: "openai responses document with tool calls: completed calls counted by type",
    adapter: openAiAdapter,
    body: fixture("openai/responses_tool_calls.json"),
    info: info("/v1/responses", json),
    expected: withFacts(
      exact("gpt-5-mini-2025-08-07", usage(8123, 412, { reasoning: 192 })),
      toolCalls,
    ),
  },
  {
    name: "openai responses stream with tool calls: counted once, from response.completed",
    adapter: openAiAdapter,
    body: fixture("openai/responses_tool_calls_stream.sse"),
    info: info("/v1/responses", sse),
    expected: withFacts(
      exact("gpt-5-mini-2025-08-07", usage(8123, 412, { reasoning: 192 })),
      toolCalls,
    ),
  },
  {
    name: "gemini document grounded with Google Search: distinct non-empty queries",
    adapter: geminiAdapter,
    body: fixture("gemini/generate_content_grounded.json"),
    info: info("/v1beta/models/gemini-2.5-flash:generateContent", json),
    expected: withFacts(exact("gemini-2.5-flash", usage(322, 113, { reasoning: 95 })), grounded),
  },
  {
    name: "gemini stream grounded with Google Search: queries of every chunk, counted once",
    adapter: geminiAdapter,
    body: fixture("gemini/stream_grounded.sse"),
    info: info("/v1beta/models/gemini-2.5-flash:streamGenerateContent", sse),
    expected: withFacts(exact("gemini-2.5-flash", usage(322, 113, { reasoning: 95 })), grounded),
  },
  {
    name: "openai chat document with cached and reasoning details",
    adapter: openAiAdapter,
    body: chatJson,
    info: info("/v1/chat/completions", json, { requestModel: "o4-mini" }),
    expected: withFacts(
      exact("o4-mini-2025-04-16", usage(1180, 256, { cached: 1024, reasoning: 192 })),
      chatTier,
    ),
  },
  {
    name: "openai chat behind an upstream base path",
    adapter: openAiAdapter,
    body: chatJson,
    info: info("/openai/v1/chat/completions", "application/json; charset=utf-8"),
    expected: withFacts(
      exact("o4-mini-2025-04-16", usage(1180, 256, { cached: 1024, reasoning: 192 })),
      chatTier,
    ),
  },
  {
    name: "openai chat document cut short is unknown without a parse error",
    adapter: openAiAdapter,
    body: chatJson.subarray(0, 300),
    info: info("/v1/chat/completions", json, { requestModel: "o4-mini" }),
    complete: false,
    expected: report("o4-mini", "unknown"),
  },
  {
    name: "openai 200 with a body that is not JSON is unknown with a parse error",
    adapter: openAiAdapter,
    body: text("<html>upstream proxy page</html>"),
    info: info("/v1/chat/completions", "text/html", { requestModel: "gpt-4o" }),
    expected: report("gpt-4o", "unknown", 1),
  },
  {
    name: "openai embeddings: output is zero",
    adapter: openAiAdapter,
    body: fixture("openai/embeddings.json"),
    info: info("/v1/embeddings", json),
    expected: exact("text-embedding-3-small", usage(8, 0)),
  },
  {
    name: "openai legacy completions document",
    adapter: openAiAdapter,
    body: fixture("openai/completions.json"),
    info: info("/v1/completions", json),
    expected: exact("gpt-3.5-turbo-instruct:20230824-v2", usage(5, 7)),
  },
  {
    name: "openai upstream error carries no usage",
    adapter: openAiAdapter,
    body: fixture("openai/error_401.json"),
    info: info("/v1/chat/completions", json, { status: 401, requestModel: "gpt-4o" }),
    expected: report("gpt-4o", "none"),
  },
  {
    name: "openai model list carries no usage",
    adapter: openAiAdapter,
    body: fixture("openai/models.json"),
    info: info("/v1/models", json, { method: "GET" }),
    expected: report(null, "none"),
  },
  {
    name: "openai listing stored chat completions (GET) carries no usage",
    adapter: openAiAdapter,
    body: text('{"object":"list","data":[],"has_more":false}'),
    info: info("/v1/chat/completions", json, { method: "GET" }),
    expected: report(null, "none"),
  },
  {
    name: "openai unknown path reporting usage is read",
    adapter: openAiAdapter,
    body: text(
      '{"text":"hello","usage":{"type":"tokens","input_tokens":14,' +
        '"input_token_details":{"text_tokens":0,"audio_tokens":14},"output_tokens":45,"total_tokens":59}}',
    ),
    info: info("/v1/audio/transcriptions", json, { requestModel: "gpt-4o-transcribe" }),
    expected: exact("gpt-4o-transcribe", usage(14, 45)),
  },
  {
    name: "openai unknown path without usage is none",
    adapter: openAiAdapter,
    body: text('{"id":"modr-1","model":"omni-moderation-latest","results":[]}'),
    info: info("/v1/moderations", json),
    expected: report("omni-moderation-latest", "none"),
  },
  {
    name: "anthropic stream with cache read and write tokens",
    adapter: anthropicAdapter,
    body: fixture("anthropic/messages_stream_cache.sse"),
    info: info("/v1/messages", sse, { requestModel: "claude-sonnet-4-5" }),
    expected: withFacts(
      exact(
        "claude-sonnet-4-5-20250929",
        usage(12 + 2048 + 10240, 45, { cached: 10240, write: 2048 }),
      ),
      { cache_write_by_ttl: { "5m": 2048 }, service_tier: "standard" },
    ),
  },
  {
    name: "anthropic stream whose message_delta repeats input fields (CRLF, UTF-8)",
    adapter: anthropicAdapter,
    body: fixture("anthropic/messages_stream_server_tool.sse"),
    info: info("/v1/messages", sse),
    expected: withFacts(exact("claude-haiku-4-5-20251001", usage(10682, 510)), {
      server_tool_uses: { web_search_requests: 1 },
      service_tier: "standard",
    }),
  },
  {
    name: "anthropic stream cut mid-way is unknown",
    adapter: anthropicAdapter,
    body: fixture("anthropic/messages_stream_cut.sse"),
    info: info("/v1/messages", sse),
    complete: false,
    expected: report("claude-sonnet-4-5-20250929", "unknown"),
  },
  {
    name: "anthropic stream that ends without message_delta is unknown",
    adapter: anthropicAdapter,
    body: fixture("anthropic/messages_stream_cut.sse"),
    info: info("/v1/messages", sse),
    expected: report("claude-sonnet-4-5-20250929", "unknown"),
  },
  {
    name: "anthropic stream ended by an error event is unknown",
    adapter: anthropicAdapter,
    body: fixture("anthropic/messages_stream_error.sse"),
    info: info("/v1/messages", sse),
    // The in-band error is flagged so the trace can show a failure after the 200.
    expected: Object.assign(report("claude-opus-4-6-20260220", "unknown"), {
      upstreamStreamError: true,
    }),
  },
  {
    name: "anthropic message document with cache tokens",
    adapter: anthropicAdapter,
    body: fixture("anthropic/messages.json"),
    info: info("/v1/messages", json),
    expected: withFacts(
      exact(
        "claude-3-5-haiku-20241022",
        usage(21 + 1024 + 4096, 9, { cached: 4096, write: 1024 }),
      ),
      { cache_write_by_ttl: { "5m": 1024 }, service_tier: "standard" },
    ),
  },
  {
    name: "anthropic count_tokens is not billed usage",
    adapter: anthropicAdapter,
    body: fixture("anthropic/count_tokens.json"),
    info: info("/v1/messages/count_tokens", json, { requestModel: "claude-sonnet-4-5" }),
    expected: report("claude-sonnet-4-5", "none"),
  },
  {
    name: "anthropic upstream error carries no usage",
    adapter: anthropicAdapter,
    body: fixture("anthropic/error_400.json"),
    info: info("/v1/messages", json, { status: 400 }),
    expected: report(null, "none"),
  },
];

for (const c of cases) {
  Deno.test(`usage: ${c.name}, identical however the bytes are split`, () => {
    const variants = c.info.contentType === sse
      ? lineEndingVariants(c.body)
      : [{ name: "as recorded", bytes: c.body }];
    for (const v of variants) {
      for (const s of splittings(v.bytes)) {
        const got = replay(c.adapter, c.info, s.pieces, c.complete ?? true);
        deepStrictEqual(got, c.expected, `${v.name} line ends, ${s.label}`);
      }
    }
  });
}

Deno.test("usage: finish twice returns the same report and ignores later pushes", () => {
  const parser = openAiAdapter.createUsageParser(info("/v1/chat/completions", sse));
  parser.push(chatStream);
  const first = parser.finish(true);
  parser.push(text('data: {"choices":[],"usage":{"prompt_tokens":1}}\n\n'));
  deepStrictEqual(parser.finish(false), first);
  deepStrictEqual(first.usage, usage(19, 10));
});

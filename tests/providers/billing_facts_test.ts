/**
 * What an answer reports that its provider prices apart from the token counts (issue 24): read
 * by the real usage parsers of the Anthropic, OpenAI, Gemini and Vertex adapters, whole or
 * streamed, however the bytes are cut, and bounded where an upstream could send anything. The
 * trace keeps it in `metadata.usage_billing`.
 */
import assert from "node:assert/strict";
import {
  anthropicAdapter,
  type BillingFacts,
  openAiAdapter,
  type ProviderAdapter,
  type ResponseInfo,
} from "../../src/providers/mod.ts";
import { buildTrace, credentialHeaders } from "../../src/traces/mod.ts";
import { facts as traceFacts } from "../traces/facts_fixture.ts";
import { replay, responseInfo, splittings } from "./replay.ts";
import { bedrockAdapter } from "../../src/providers/bedrock.ts";
import { geminiAdapter } from "../../src/providers/gemini.ts";
import {
  bedrockInfo,
  bytesOf,
  chunkMessage,
  converseMessages,
  eventStreamType,
} from "./bedrock_fixtures.ts";
import { sonnetPath } from "./bedrock_matrix.ts";
import { vertexAdapter } from "../../src/providers/vertex.ts";

const json = "application/json";
const sse = "text/event-stream";

const info = (path: string, contentType: string) => responseInfo(path, contentType);

const events = (...list: [string, unknown][]) =>
  new TextEncoder().encode(
    list.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join(""),
  );
const chunks = (...list: unknown[]) =>
  new TextEncoder().encode(
    list.map((d) => `data: ${JSON.stringify(d)}\n\n`).join("") + "data: [DONE]\n\n",
  );
const doc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

const anthropicUsage = {
  input_tokens: 20,
  cache_read_input_tokens: 1000,
  cache_creation_input_tokens: 300,
  cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
  output_tokens: 50,
  server_tool_use: { web_search_requests: 3, web_fetch_requests: 0 },
  service_tier: "priority",
  inference_geo: "us",
};

/** What `anthropicUsage` reports beyond the token counts. */
const anthropicFacts: BillingFacts = {
  cache_write_by_ttl: { "5m": 100, "1h": 200 },
  server_tool_uses: { web_search_requests: 3 },
  service_tier: "priority",
  inference_geo: "us",
};

/** A Responses answer whose `output` holds these items. */
const responsesDoc = (output: unknown[], more: Record<string, unknown> = {}) =>
  doc({ model: "gpt-5", output, usage: { input_tokens: 10, output_tokens: 5 }, ...more });
const item = (type: string, status?: string | null) =>
  status === undefined ? { id: `x_${type}`, type } : { id: `x_${type}`, type, status };

/** A Gemini answer whose candidates ran these search queries (one candidate per list). */
const groundedDoc = (queries: (unknown[] | null)[], usage: Record<string, unknown> = {}) => ({
  modelVersion: "gemini-2.5-flash",
  candidates: queries.map((q, index) => ({
    index,
    content: { parts: [{ text: "ok" }], role: "model" },
    finishReason: "STOP",
    ...(q === null ? {} : {
      groundingMetadata: {
        webSearchQueries: q,
        groundingChunks: [{ web: { uri: "https://example.com/a", title: "a" } }],
      },
    }),
  })),
  usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, totalTokenCount: 10, ...usage },
});
const geminiPath = "/v1beta/models/gemini-2.5-flash:generateContent";
const vertexPath =
  "/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent";

/** A Converse `TokenUsage` writing 300 tokens to the cache: 200 for 1 hour, 100 for 5 minutes. */
const converseUsage = (cacheDetails: unknown = [
  { ttl: "1h", inputTokens: 200 },
  { ttl: "5m", inputTokens: 100 },
]) => ({
  inputTokens: 12,
  outputTokens: 5,
  totalTokens: 1817,
  cacheReadInputTokens: 1500,
  cacheWriteInputTokens: 300,
  cacheDetails,
});
const converseDoc = (usage: unknown, more: Record<string, unknown> = {}) =>
  doc({
    output: { message: { role: "assistant", content: [{ text: "ok" }] } },
    stopReason: "end_turn",
    usage,
    metrics: { latencyMs: 420 },
    ...more,
  });
const conversePath = `/model/${sonnetPath}/converse`;

interface Case {
  name: string;
  adapter: ProviderAdapter;
  info: ResponseInfo;
  body: Uint8Array;
  /** undefined: the report has no `facts`. */
  facts: BillingFacts | undefined;
}

const cases: Case[] = [
  {
    name: "Anthropic message: lifetimes, tool uses, tier and region",
    adapter: anthropicAdapter,
    info: info("/v1/messages", json),
    body: doc({ model: "claude-sonnet-4-5", usage: anthropicUsage }),
    facts: anthropicFacts,
  },
  {
    name: "Anthropic stream: lifetimes from message_start, tool uses from the last message_delta",
    adapter: anthropicAdapter,
    info: info("/v1/messages", sse),
    body: events(
      ["message_start", {
        type: "message_start",
        message: {
          model: "claude-sonnet-4-5",
          usage: { ...anthropicUsage, output_tokens: 1, server_tool_use: undefined },
        },
      }],
      ["message_delta", {
        type: "message_delta",
        usage: { output_tokens: 30, server_tool_use: { web_search_requests: 1 } },
      }],
      ["message_delta", {
        type: "message_delta",
        usage: { output_tokens: 50, server_tool_use: { web_search_requests: 2 } },
      }],
      ["message_stop", { type: "message_stop" }],
    ),
    facts: {
      cache_write_by_ttl: { "5m": 100, "1h": 200 },
      server_tool_uses: { web_search_requests: 2 },
      service_tier: "priority",
      inference_geo: "us",
    },
  },
  {
    name: "Anthropic message without any of them: no facts",
    adapter: anthropicAdapter,
    info: info("/v1/messages", json),
    body: doc({ model: "claude-haiku-4-5", usage: { input_tokens: 5, output_tokens: 6 } }),
    facts: undefined,
  },
  {
    name: "OpenAI chat: the tier beside usage; zero audio counts are not facts",
    adapter: openAiAdapter,
    info: info("/v1/chat/completions", json),
    body: doc({
      model: "gpt-5",
      service_tier: "flex",
      usage: {
        prompt_tokens: 10,
        completion_tokens: 2,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
    }),
    facts: { service_tier: "flex" },
  },
  {
    name: "OpenAI chat stream: the usage chunk's tier and audio tokens",
    adapter: openAiAdapter,
    info: info("/v1/chat/completions", sse),
    body: chunks(
      { model: "gpt-4o-audio", service_tier: "priority", choices: [{ delta: { content: "hi" } }] },
      {
        model: "gpt-4o-audio",
        service_tier: "priority",
        choices: [],
        usage: {
          prompt_tokens: 40,
          completion_tokens: 30,
          prompt_tokens_details: { audio_tokens: 12 },
          completion_tokens_details: { audio_tokens: 25 },
        },
      },
    ),
    facts: { audio_input_tokens: 12, audio_output_tokens: 25, service_tier: "priority" },
  },
  {
    name: "OpenAI Responses stream: cache writes by lifetime and the tier of response.completed",
    adapter: openAiAdapter,
    info: info("/v1/responses", sse),
    body: events(["response.completed", {
      type: "response.completed",
      response: {
        model: "gpt-6.2",
        service_tier: "default",
        usage: {
          input_tokens: 500,
          input_tokens_details: {
            cached_tokens: 0,
            cache_write_tokens: 100,
            cache_write_tokens_details: { ttl_30m_tokens: 100, ttl_12h_tokens: 0 },
            image_tokens: 64,
          },
          output_tokens: 9,
        },
      },
    }]),
    facts: { image_input_tokens: 64, cache_write_by_ttl: { "30m": 100 }, service_tier: "default" },
  },
  {
    name: "Gemini: tokens of each modality but text, in and out",
    adapter: geminiAdapter,
    info: info("/v1beta/models/gemini-2.5-flash:generateContent", json),
    body: doc({
      modelVersion: "gemini-2.5-flash",
      candidates: [{ content: { parts: [{ text: "ok" }] }, finishReason: "STOP" }],
      usageMetadata: {
        promptTokenCount: 700,
        candidatesTokenCount: 1300,
        totalTokenCount: 2000,
        promptTokensDetails: [
          { modality: "TEXT", tokenCount: 100 },
          { modality: "AUDIO", tokenCount: 350 },
          { modality: "IMAGE", tokenCount: 250 },
        ],
        candidatesTokensDetails: [
          { modality: "TEXT", tokenCount: 10 },
          { modality: "IMAGE", tokenCount: 1290 },
        ],
      },
    }),
    facts: { audio_input_tokens: 350, image_input_tokens: 250, image_output_tokens: 1290 },
  },
  {
    name: "Gemini stream: the last chunk's running figures",
    adapter: geminiAdapter,
    info: info("/v1beta/models/gemini-2.5-flash:streamGenerateContent", sse),
    body: new TextEncoder().encode(
      [
        { promptTokenCount: 40, promptTokensDetails: [{ modality: "VIDEO", tokenCount: 30 }] },
        {
          promptTokenCount: 40,
          candidatesTokenCount: 5,
          totalTokenCount: 45,
          promptTokensDetails: [{ modality: "VIDEO", tokenCount: 31 }],
        },
      ].map((u, i) =>
        `data: ${
          JSON.stringify({
            modelVersion: "gemini-2.5-flash",
            candidates: [{
              content: { parts: [{ text: "x" }] },
              ...(i === 1 ? { finishReason: "STOP" } : {}),
            }],
            usageMetadata: u,
          })
        }\r\n\r\n`
      ).join(""),
    ),
    facts: { video_input_tokens: 31 },
  },
  {
    name: "OpenAI Responses: completed (or status-less) tool calls of each kind, by type",
    adapter: openAiAdapter,
    info: info("/v1/responses", json),
    body: responsesDoc([
      item("reasoning"),
      item("web_search_call", "completed"),
      item("web_search_call", "completed"),
      item("web_search_call"),
      item("file_search_call", "completed"),
      item("code_interpreter_call", "completed"),
      item("image_generation_call", "completed"),
      item("computer_call", null),
      item("mcp_call", "completed"),
      item("function_call", "completed"),
      item("message", "completed"),
    ], { service_tier: "default" }),
    facts: {
      server_tool_uses: {
        web_search_calls: 3,
        file_search_calls: 1,
        code_interpreter_calls: 1,
        image_generation_calls: 1,
        computer_calls: 1,
        mcp_calls: 1,
      },
      service_tier: "default",
    },
  },
  {
    name: "OpenAI Responses: failed, incomplete and unfinished calls are not counted",
    adapter: openAiAdapter,
    info: info("/v1/responses", json),
    body: responsesDoc([
      item("web_search_call", "failed"),
      item("web_search_call", "incomplete"),
      item("web_search_call", "searching"),
      item("file_search_call", "in_progress"),
      item("code_interpreter_call", "interpreting"),
      item("file_search_call", "completed"),
    ]),
    facts: { server_tool_uses: { file_search_calls: 1 } },
  },
  {
    name: "OpenAI Responses: items that are not tool calls, or odd, give no facts",
    adapter: openAiAdapter,
    info: info("/v1/responses", json),
    body: responsesDoc([
      item("message", "completed"),
      { type: 7 },
      "web_search_call",
      null,
      [{ type: "web_search_call" }],
      { type: "Web_Search_Call" },
      { type: "web_search_call", content: [{ type: "web_search_call" }], status: "failed" },
    ]),
    facts: undefined,
  },
  {
    name: "OpenAI Responses stream: the items of response.completed, not of output_item.done",
    adapter: openAiAdapter,
    info: info("/v1/responses", sse),
    body: events(
      ["response.output_item.done", {
        type: "response.output_item.done",
        output_index: 0,
        item: item("web_search_call", "completed"),
      }],
      ["response.output_item.done", {
        type: "response.output_item.done",
        output_index: 1,
        item: item("file_search_call", "completed"),
      }],
      ["response.completed", {
        type: "response.completed",
        response: {
          model: "gpt-5",
          output: [item("web_search_call", "completed"), item("file_search_call", "completed")],
          usage: { input_tokens: 10, output_tokens: 5 },
        },
      }],
    ),
    facts: { server_tool_uses: { web_search_calls: 1, file_search_calls: 1 } },
  },
  {
    name: "OpenAI chat: no output items, no tool counts",
    adapter: openAiAdapter,
    info: info("/v1/chat/completions", json),
    body: doc({
      model: "gpt-5",
      choices: [{ message: { content: '"output":[{"type":"web_search_call"}]' } }],
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    }),
    facts: undefined,
  },
  {
    name: "Gemini grounded: distinct non-empty queries over every candidate, one grounded prompt",
    adapter: geminiAdapter,
    info: info(geminiPath, json),
    body: doc(groundedDoc([["a", "b", "", "a"], ["b", "c"], null])),
    facts: { server_tool_uses: { grounded_prompts: 1, web_search_queries: 3 } },
  },
  {
    name: "Gemini grounded with modality tokens: both reported",
    adapter: geminiAdapter,
    info: info(geminiPath, json),
    body: doc(
      groundedDoc([["q"]], { promptTokensDetails: [{ modality: "IMAGE", tokenCount: 5 }] }),
    ),
    facts: {
      image_input_tokens: 5,
      server_tool_uses: { grounded_prompts: 1, web_search_queries: 1 },
    },
  },
  {
    name: "Gemini: grounding chunks without queries (Maps, Vertex AI Search) are not a search",
    adapter: geminiAdapter,
    info: info(geminiPath, json),
    body: doc(groundedDoc([[], [""], null])),
    facts: undefined,
  },
  {
    name: "Gemini: queries that are not strings are not counted",
    adapter: geminiAdapter,
    info: info(geminiPath, json),
    body: doc(groundedDoc([[1, null, { q: "a" }, ["b"], "c"]])),
    facts: { server_tool_uses: { grounded_prompts: 1, web_search_queries: 1 } },
  },
  {
    name: "Vertex Gemini grounded: the same counts",
    adapter: vertexAdapter,
    info: info(vertexPath, json),
    body: doc(groundedDoc([["a", "b"]])),
    facts: { server_tool_uses: { grounded_prompts: 1, web_search_queries: 2 } },
  },
  {
    name: "Gemini stream: queries in an early chunk and again with the finish, counted once",
    adapter: geminiAdapter,
    info: info("/v1beta/models/gemini-2.5-flash:streamGenerateContent", sse),
    body: new TextEncoder().encode(
      [
        groundedDoc([["a"]]),
        groundedDoc([["a", "b"]]),
        groundedDoc([null]),
      ].map((d) => `data: ${JSON.stringify(d)}\r\n\r\n`).join(""),
    ),
    facts: { server_tool_uses: { grounded_prompts: 1, web_search_queries: 2 } },
  },
  {
    name: "Gemini stream without alt=sse (a JSON array): queries of every element, and modalities",
    adapter: geminiAdapter,
    info: info("/v1beta/models/gemini-2.5-flash:streamGenerateContent", json),
    body: doc([
      groundedDoc([["a", "b"]]),
      groundedDoc([["b", "c"]], { promptTokensDetails: [{ modality: "AUDIO", tokenCount: 4 }] }),
    ]),
    facts: {
      audio_input_tokens: 4,
      server_tool_uses: { grounded_prompts: 1, web_search_queries: 3 },
    },
  },
  {
    name: "Bedrock InvokeModel stream of Claude: Anthropic's facts through the event stream",
    adapter: bedrockAdapter,
    info: bedrockInfo(`/model/${sonnetPath}/invoke-with-response-stream`, eventStreamType),
    body: bytesOf([
      { type: "message_start", message: { model: "claude", usage: anthropicUsage } },
      { type: "message_delta", usage: { output_tokens: 50 } },
      { type: "message_stop" },
    ].map((e, i) => chunkMessage(e, i))),
    facts: anthropicFacts,
  },
  {
    name: "Bedrock Converse: cache writes by lifetime from cacheDetails, the tier from serviceTier",
    adapter: bedrockAdapter,
    info: bedrockInfo(conversePath, json),
    body: converseDoc(converseUsage(), {
      performanceConfig: { latency: "standard" },
      serviceTier: { type: "priority" },
    }),
    facts: { cache_write_by_ttl: { "1h": 200, "5m": 100 }, service_tier: "priority" },
  },
  {
    name: "Bedrock ConverseStream: the metadata event's cacheDetails and serviceTier",
    adapter: bedrockAdapter,
    info: bedrockInfo(`${conversePath}-stream`, eventStreamType),
    body: bytesOf(converseMessages([
      ["messageStart", { role: "assistant" }],
      ["contentBlockDelta", { contentBlockIndex: 0, delta: { text: "ok" } }],
      ["contentBlockStop", { contentBlockIndex: 0 }],
      ["messageStop", { stopReason: "end_turn" }],
      ["metadata", {
        usage: converseUsage(),
        metrics: { latencyMs: 420 },
        serviceTier: { type: "flex" },
      }],
    ])),
    facts: { cache_write_by_ttl: { "1h": 200, "5m": 100 }, service_tier: "flex" },
  },
  {
    name: "Bedrock Converse without cacheDetails or serviceTier: no facts",
    adapter: bedrockAdapter,
    info: bedrockInfo(conversePath, json),
    body: converseDoc({ inputTokens: 12, outputTokens: 5, totalTokens: 17 }),
    facts: undefined,
  },
  {
    name: "Bedrock Converse: the first 8 cacheDetails, summed by lifetime; odd ones left out",
    adapter: bedrockAdapter,
    info: bedrockInfo(conversePath, json),
    body: converseDoc(
      converseUsage([
        { ttl: "1h", inputTokens: 100 },
        { ttl: "1 hour", inputTokens: 7 },
        { ttl: "5m", inputTokens: -3 },
        { ttl: "5m", inputTokens: 40 },
        { ttl: 5, inputTokens: 9 },
        null,
        { ttl: "1h", inputTokens: 50 },
        { ttl: "x".repeat(41), inputTokens: 1 },
        { ttl: "5m", inputTokens: 1000 },
        { ttl: "12h", inputTokens: 1000 },
      ]),
      { serviceTier: "priority" },
    ),
    facts: { cache_write_by_ttl: { "1h": 150, "5m": 40 } },
  },
  {
    name: "Bedrock ConverseStream: zero writes are no lifetime; an odd tier name is left out",
    adapter: bedrockAdapter,
    info: bedrockInfo(`${conversePath}-stream`, eventStreamType),
    body: bytesOf(converseMessages([
      ["messageStop", { stopReason: "end_turn" }],
      ["metadata", {
        usage: converseUsage([{ ttl: "5m", inputTokens: 0 }, { ttl: "1h", inputTokens: 0 }]),
        metrics: { latencyMs: 1 },
        serviceTier: { type: "pri ority" },
      }],
    ])),
    facts: undefined,
  },
  {
    name: "hostile values are left out: long or odd names, negative or huge counts, many keys",
    adapter: anthropicAdapter,
    info: info("/v1/messages", json),
    body: doc({
      model: "claude-sonnet-4-5",
      usage: {
        input_tokens: 1,
        output_tokens: 1,
        service_tier: "x".repeat(41),
        inference_geo: "us\u001b[31m",
        cache_creation: { ephemeral_5m_input_tokens: -1, ephemeral_1h_input_tokens: 2 ** 60 },
        server_tool_use: Object.fromEntries(
          Array.from({ length: 20 }, (_, i) => [`tool${i}_requests`, 1]),
        ),
      },
    }),
    facts: {
      server_tool_uses: Object.fromEntries(
        Array.from({ length: 8 }, (_, i) => [`tool${i}_requests`, 1]),
      ),
    },
  },
];

for (const c of cases) {
  Deno.test(`billing facts: ${c.name}`, () => {
    for (const s of splittings(c.body)) {
      if (s.label.startsWith("split at") && !s.label.endsWith("7")) continue; // a sample
      const report = replay(c.adapter, c.info, s.pieces);
      assert.equal(report.status, "exact", s.label);
      assert.deepEqual(report.facts, c.facts, s.label);
    }
  });
}

Deno.test("billing facts: past 4096 output items the counts stop, and say so", () => {
  const body = responsesDoc(
    Array.from({ length: 5000 }, (_, i) => item(i % 2 ? "web_search_call" : "mcp_call")),
  );
  const want: BillingFacts = {
    server_tool_uses: { mcp_calls: 2048, web_search_calls: 2048 },
    server_tool_uses_partial: true,
  };
  const whole = replay(openAiAdapter, info("/v1/responses", json), [body]);
  assert.deepEqual(whole.facts, want, "read whole");
  for (const size of [1000, 65536]) {
    const pieces = [];
    for (let i = 0; i < body.length; i += size) pieces.push(body.subarray(i, i + size));
    const scanned = replay(openAiAdapter, info("/v1/responses", json), pieces);
    assert.equal(scanned.status, "exact");
    assert.deepEqual(scanned.facts, want, `scanned in ${size}-byte pieces`);
  }
});

Deno.test("billing facts: Gemini queries are bounded in number and length", () => {
  const many = Array.from({ length: 300 }, (_, i) => `query ${i}`);
  const long = [
    "x".repeat(300),
    "x".repeat(300),
    "x".repeat(256) + "y".repeat(44),
    "x".repeat(301),
  ];
  const r = replay(geminiAdapter, info(geminiPath, json), [doc(groundedDoc([many, long]))]);
  assert.deepEqual(r.facts, {
    server_tool_uses: { grounded_prompts: 1, web_search_queries: 256 },
    server_tool_uses_partial: true,
  });
  // Longer than 256 characters: compared by that prefix and the length.
  const r2 = replay(geminiAdapter, info(geminiPath, json), [doc(groundedDoc([long]))]);
  assert.deepEqual(r2.facts, { server_tool_uses: { grounded_prompts: 1, web_search_queries: 2 } });
});

Deno.test("billing facts: a stream cut short has no facts, as it has no usage", () => {
  const c = cases[1]!;
  const report = replay(c.adapter, c.info, [c.body.subarray(0, 200)], false);
  assert.equal(report.facts, undefined);
});

Deno.test("billing facts: the trace keeps them in metadata.usage_billing", () => {
  const base = traceFacts({});
  const reported = { service_tier: "priority", server_tool_uses: { web_search_requests: 2 } };
  const t = buildTrace({ ...base, report: { ...base.report, facts: reported } }, credentialHeaders);
  assert.deepEqual(t.metadata.usage_billing, reported);
  assert.equal("usage_billing" in buildTrace(base, credentialHeaders).metadata, false);
});

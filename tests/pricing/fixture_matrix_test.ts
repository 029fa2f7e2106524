/**
 * The fixture matrix: answers of each provider covering every billed dimension, whole and
 * streamed, read by the real usage parsers, priced from a price file in LiteLLM's format
 * (testdata/pricing/litellm_matrix.json), against costs worked out here from the file's own
 * per-token numbers, independently of the product's pricing code. Zero difference (to 1e-10 USD,
 * the unit costs are kept in).
 */
import { strictEqual } from "node:assert/strict";
import { createCostEstimator, parseLiteLlm } from "../../src/pricing/mod.ts";
import {
  anthropicAdapter,
  openAiAdapter,
  type ProviderAdapter,
  type ResponseInfo,
} from "../../src/providers/mod.ts";
import { geminiAdapter } from "../../src/providers/gemini.ts";
import { bedrockAdapter } from "../../src/providers/bedrock.ts";
import { vertexAdapter } from "../../src/providers/vertex.ts";
import { azureOpenAiAdapter } from "../../src/providers/azure_openai.ts";
import { bytesOf, converseMessages, eventStreamType } from "../providers/bedrock_fixtures.ts";
import { replay, responseInfo } from "../providers/replay.ts";

const file = JSON.parse(
  await Deno.readTextFile(new URL("../testdata/pricing/litellm_matrix.json", import.meta.url)),
);
const parsedFile = parseLiteLlm(file);
if ("error" in parsedFile) throw new Error(parsedFile.error);
const sources = { files: [{ name: "matrix", byProvider: parsedFile.byProvider }] };

/** The file's numbers, USD per token (or per query), as the test reads them itself. */
const claude = file["claude-matrix-1"];
const gpt = file["gpt-matrix-1"];
const gem = file["gemini/gemini-matrix-1"];
const bedrockClaude = file["bedrock/us.anthropic.claude-matrix-2-v1:0"];

const enc = (s: string) => new TextEncoder().encode(s);
const doc = (v: unknown) => enc(JSON.stringify(v));
const events = (...list: [string, unknown][]) =>
  enc(list.map(([n, d]) => `event: ${n}\ndata: ${JSON.stringify(d)}\n\n`).join(""));
const chunks = (...list: unknown[]) =>
  enc(list.map((d) => `data: ${JSON.stringify(d)}\n\n`).join("") + "data: [DONE]\n\n");

interface Case {
  name: string;
  kind: "anthropic" | "openai" | "gemini" | "bedrock" | "vertex" | "azure-openai";
  adapter: ProviderAdapter;
  info: ResponseInfo;
  body: Uint8Array;
  /** USD, from the file's per-token numbers. */
  usd: number;
}

const claudeUsage = (tier: string, geo: string) => ({
  input_tokens: 1200,
  cache_read_input_tokens: 50_000,
  cache_creation_input_tokens: 9000,
  cache_creation: { ephemeral_5m_input_tokens: 4000, ephemeral_1h_input_tokens: 5000 },
  output_tokens: 800,
  server_tool_use: { web_search_requests: 4, web_fetch_requests: 0 },
  service_tier: tier,
  inference_geo: geo,
});
// Standard tier, US-only inference: every token rate x1.1, the searches not.
const claudeUs = 1.1 *
    (1200 * claude.input_cost_per_token + 50_000 * claude.cache_read_input_token_cost +
      4000 * claude.cache_creation_input_token_cost +
      5000 * claude.cache_creation_input_token_cost_above_1hr +
      800 * claude.output_cost_per_token) +
  4 * claude.search_context_cost_per_query.search_context_size_medium;
// Batch: input and output at the file's batch prices; the cache rates scale as input does.
const batchRatio = claude.input_cost_per_token_batches / claude.input_cost_per_token;
const claudeBatch = 1200 * claude.input_cost_per_token_batches +
  50_000 * claude.cache_read_input_token_cost * batchRatio +
  4000 * claude.cache_creation_input_token_cost * batchRatio +
  5000 * claude.cache_creation_input_token_cost_above_1hr * batchRatio +
  800 * claude.output_cost_per_token_batches +
  4 * claude.search_context_cost_per_query.search_context_size_medium;

const openAiUsage = {
  prompt_tokens: 3000,
  completion_tokens: 900,
  prompt_tokens_details: { cached_tokens: 1000, audio_tokens: 400 },
  completion_tokens_details: { reasoning_tokens: 200, audio_tokens: 300 },
};
// Flex: uncached text 1,600 and the cache read at flex rates; audio scales as the tier's input
// and output do (the file has no flex audio price).
const flexIn = gpt.input_cost_per_token_flex / gpt.input_cost_per_token;
const flexOut = gpt.output_cost_per_token_flex / gpt.output_cost_per_token;
const gptFlex = 1600 * gpt.input_cost_per_token_flex +
  1000 * gpt.cache_read_input_token_cost_flex +
  400 * gpt.input_cost_per_audio_token * flexIn +
  400 * gpt.output_cost_per_token_flex + // text output: 900 - 200 reasoning - 300 audio
  200 * gpt.output_cost_per_token_flex + // reasoning at output
  300 * gpt.output_cost_per_audio_token * flexOut;
const gptDefault = 1600 * gpt.input_cost_per_token + 1000 * gpt.cache_read_input_token_cost +
  400 * gpt.input_cost_per_audio_token + 600 * gpt.output_cost_per_token +
  300 * gpt.output_cost_per_audio_token;

const geminiUsage = {
  promptTokenCount: 250_000,
  candidatesTokenCount: 1000,
  thoughtsTokenCount: 500,
  totalTokenCount: 251_500,
  promptTokensDetails: [{ modality: "TEXT", tokenCount: 240_000 }, {
    modality: "AUDIO",
    tokenCount: 10_000,
  }],
};
// Above 200,000 prompt tokens the whole request is at the tier; audio scales as the tier's input.
const tierIn = gem.input_cost_per_token_above_200k_tokens / gem.input_cost_per_token;
const geminiLong = 240_000 * gem.input_cost_per_token_above_200k_tokens +
  10_000 * gem.input_cost_per_audio_token * tierIn +
  1500 * gem.output_cost_per_token_above_200k_tokens;

/** A Responses answer: usage, and built-in tool calls billed per call (one failed: not billed). */
const responsesUsage = {
  input_tokens: 5000,
  input_tokens_details: { cached_tokens: 2000 },
  output_tokens: 400,
  output_tokens_details: { reasoning_tokens: 100 },
  total_tokens: 5400,
};
const responsesOutput = [
  { type: "web_search_call", id: "ws_1", status: "completed" },
  { type: "web_search_call", id: "ws_2", status: "completed" },
  { type: "web_search_call", id: "ws_3", status: "failed" },
  { type: "file_search_call", id: "fs_1", status: "completed", queries: ["q"] },
  { type: "message", id: "m_1", content: [{ type: "output_text", text: "done" }] },
];
const responsesDoc = {
  object: "response",
  model: "gpt-matrix-1",
  service_tier: "default",
  status: "completed",
  output: responsesOutput,
  usage: responsesUsage,
};
const gptTools = 3000 * gpt.input_cost_per_token + 2000 * gpt.cache_read_input_token_cost +
  400 * gpt.output_cost_per_token +
  2 * gpt.search_context_cost_per_query.search_context_size_medium +
  1 * gpt.file_search_cost_per_1k_calls / 1000;

// Bedrock Converse: inputTokens excludes cache reads and writes; cacheDetails splits the writes.
const bedrockConverse = 1500 * bedrockClaude.input_cost_per_token +
  20_000 * bedrockClaude.cache_read_input_token_cost +
  1000 * bedrockClaude.cache_creation_input_token_cost +
  3000 * bedrockClaude.cache_creation_input_token_cost_above_1hr +
  700 * bedrockClaude.output_cost_per_token;

const cases: Case[] = [
  {
    name: "Anthropic message, US-only, 1-hour writes and web searches",
    kind: "anthropic",
    adapter: anthropicAdapter,
    info: responseInfo("/v1/messages", "application/json"),
    body: doc({ model: "claude-matrix-1", type: "message", usage: claudeUsage("standard", "us") }),
    usd: claudeUs,
  },
  {
    name: "Anthropic stream: lifetimes, tier and region from message_start, counts from the end",
    kind: "anthropic",
    adapter: anthropicAdapter,
    info: responseInfo("/v1/messages", "text/event-stream"),
    body: events(
      ["message_start", {
        type: "message_start",
        message: {
          model: "claude-matrix-1",
          usage: { ...claudeUsage("batch", "global"), output_tokens: 1 },
        },
      }],
      ["message_delta", {
        type: "message_delta",
        delta: { stop_reason: "end_turn" },
        usage: {
          input_tokens: 1200,
          cache_read_input_tokens: 50_000,
          cache_creation_input_tokens: 9000,
          output_tokens: 800,
          server_tool_use: { web_search_requests: 4 },
        },
      }],
      ["message_stop", { type: "message_stop" }],
    ),
    usd: claudeBatch,
  },
  {
    name: "OpenAI chat, flex, audio in and out",
    kind: "openai",
    adapter: openAiAdapter,
    info: responseInfo("/v1/chat/completions", "application/json"),
    body: doc({ model: "gpt-matrix-1", service_tier: "flex", usage: openAiUsage }),
    usd: gptFlex,
  },
  {
    name: "OpenAI chat stream, default tier, the usage chunk",
    kind: "openai",
    adapter: openAiAdapter,
    info: responseInfo("/v1/chat/completions", "text/event-stream"),
    body: chunks(
      { model: "gpt-matrix-1", service_tier: "default", choices: [{ delta: { content: "a" } }] },
      { model: "gpt-matrix-1", service_tier: "default", choices: [], usage: openAiUsage },
    ),
    usd: gptDefault,
  },
  {
    name: "Gemini above 200k prompt tokens, audio input, thoughts",
    kind: "gemini",
    adapter: geminiAdapter,
    info: responseInfo("/v1beta/models/gemini-matrix-1:generateContent", "application/json"),
    body: doc({
      modelVersion: "gemini-matrix-1",
      candidates: [{ content: { parts: [{ text: "ok" }] }, finishReason: "STOP" }],
      usageMetadata: geminiUsage,
    }),
    usd: geminiLong,
  },
  {
    name: "Gemini stream: the last chunk's running figures",
    kind: "gemini",
    adapter: geminiAdapter,
    info: responseInfo(
      "/v1beta/models/gemini-matrix-1:streamGenerateContent",
      "text/event-stream",
    ),
    body: enc(
      [{ promptTokenCount: 250_000 }, geminiUsage].map((u, i) =>
        `data: ${
          JSON.stringify({
            modelVersion: "gemini-matrix-1",
            candidates: [{
              content: { parts: [{ text: "x" }] },
              ...(i === 1 ? { finishReason: "STOP" } : {}),
            }],
            usageMetadata: u,
          })
        }\r\n\r\n`
      ).join(""),
    ),
    usd: geminiLong,
  },
];

cases.push(
  {
    name: "OpenAI Responses: web and file search calls, a failed call not billed",
    kind: "openai",
    adapter: openAiAdapter,
    info: responseInfo("/v1/responses", "application/json"),
    body: doc(responsesDoc),
    usd: gptTools,
  },
  {
    name: "OpenAI Responses stream: the tool calls of response.completed",
    kind: "openai",
    adapter: openAiAdapter,
    info: responseInfo("/v1/responses", "text/event-stream"),
    body: events(
      ["response.created", { type: "response.created", response: { model: "gpt-matrix-1" } }],
      ["response.output_item.done", {
        type: "response.output_item.done",
        item: responsesOutput[0],
      }],
      ["response.completed", { type: "response.completed", response: responsesDoc }],
    ),
    usd: gptTools,
  },
  {
    name: "Bedrock Converse: 1-hour and 5-minute writes from cacheDetails",
    kind: "bedrock",
    adapter: bedrockAdapter,
    info: responseInfo("/model/us.anthropic.claude-matrix-2-v1%3A0/converse", "application/json"),
    body: doc({
      output: { message: { role: "assistant", content: [{ text: "ok" }] } },
      stopReason: "end_turn",
      usage: {
        inputTokens: 1500,
        outputTokens: 700,
        totalTokens: 25_200,
        cacheReadInputTokens: 20_000,
        cacheWriteInputTokens: 4000,
        cacheDetails: [{ ttl: "1h", inputTokens: 3000 }, { ttl: "5m", inputTokens: 1000 }],
      },
    }),
    usd: bedrockConverse,
  },
);

const converseUsage = {
  inputTokens: 1500,
  outputTokens: 700,
  totalTokens: 25_200,
  cacheReadInputTokens: 20_000,
  cacheWriteInputTokens: 4000,
  cacheDetails: [{ ttl: "1h", inputTokens: 3000 }, { ttl: "5m", inputTokens: 1000 }],
};
const azure = file["azure/gpt-matrix-1"];
// Azure: the OpenAI chat answer at the Azure row's prices (audio, cache reads, reasoning).
const azureDefault = 1600 * azure.input_cost_per_token + 1000 * azure.cache_read_input_token_cost +
  400 * azure.input_cost_per_audio_token + 600 * azure.output_cost_per_token +
  300 * azure.output_cost_per_audio_token;
const vertexGem = file["vertex_ai/gemini-matrix-1"];
const vertexLong = 240_000 * vertexGem.input_cost_per_token_above_200k_tokens +
  10_000 * vertexGem.input_cost_per_audio_token *
    (vertexGem.input_cost_per_token_above_200k_tokens / vertexGem.input_cost_per_token) +
  1500 * vertexGem.output_cost_per_token_above_200k_tokens;

cases.push(
  {
    name: "Bedrock ConverseStream: the metadata event's usage and cacheDetails",
    kind: "bedrock",
    adapter: bedrockAdapter,
    info: responseInfo(
      "/model/us.anthropic.claude-matrix-2-v1%3A0/converse-stream",
      eventStreamType,
    ),
    body: bytesOf(converseMessages([
      ["messageStart", { role: "assistant" }],
      ["contentBlockDelta", { contentBlockIndex: 0, delta: { text: "ok" } }],
      ["contentBlockStop", { contentBlockIndex: 0 }],
      ["messageStop", { stopReason: "end_turn" }],
      ["metadata", { usage: converseUsage, metrics: { latencyMs: 300 } }],
    ])),
    usd: bedrockConverse,
  },
  {
    name: "Azure OpenAI chat: a deployment's answer at the Azure row",
    kind: "azure-openai",
    adapter: azureOpenAiAdapter,
    info: responseInfo(
      "/openai/deployments/gpt-matrix-1/chat/completions?api-version=2024-10-21",
      "application/json",
    ),
    body: doc({ model: "gpt-matrix-1", usage: openAiUsage }),
    usd: azureDefault,
  },
  {
    name: "Vertex Gemini above 200k, audio input",
    kind: "vertex",
    adapter: vertexAdapter,
    info: responseInfo(
      "/v1/projects/p/locations/global/publishers/google/models/gemini-matrix-1:generateContent",
      "application/json",
    ),
    body: doc({
      modelVersion: "gemini-matrix-1",
      candidates: [{ content: { parts: [{ text: "ok" }] }, finishReason: "STOP" }],
      usageMetadata: geminiUsage,
    }),
    usd: vertexLong,
  },
);

Deno.test("fixture matrix: every dimension, whole and streamed, priced as the file says", () => {
  for (const c of cases) {
    const report = replay(c.adapter, c.info, [c.body]);
    const estimate = createCostEstimator(
      { kind: c.kind, id: c.kind, prices: {} },
      sources,
      c.adapter.priceKeyOf?.bind(c.adapter),
    );
    const cost = estimate(
      report.model,
      report,
      Date.parse("2026-12-07T00:00:00Z"),
      c.info.path.replace(/^\/model\/[^/]+/, ""),
    );
    strictEqual(cost.cost_status, "priced", `${c.name}: ${JSON.stringify(cost.cost_breakdown)}`);
    strictEqual(cost.cost_breakdown?.price_row.source, "matrix", c.name);
    strictEqual(
      Math.round(cost.estimated_cost_usd! * 1e10),
      Math.round(c.usd * 1e10),
      `${c.name}: ${JSON.stringify(cost.cost_breakdown?.lines)}`,
    );
  }
});

/**
 * The Bedrock rows of the usage fixture matrix (issue 20 plan section 11) and the formulas of plan
 * section 2, written out here independently of the code under test: Converse `TokenUsage` rows
 * and Anthropic-on-invoke rows, the streams that carry them, and a runner.
 */
import { createBedrockUsageParser } from "../../src/providers/bedrock_usage.ts";
import type { BedrockUsageReport } from "../../src/providers/bedrock_stream.ts";
import type { ResponseInfo } from "../../src/providers/types.ts";
import type { Usage } from "../../src/providers/usage.ts";
import { bytesOf, converseMessages } from "./bedrock_fixtures.ts";
export const enc = new TextEncoder();
export const sonnet = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
export const sonnetPath = "us.anthropic.claude-sonnet-4-5-20250929-v1%3A0";

export function run(
  info: ResponseInfo,
  pieces: Iterable<Uint8Array>,
  complete = true,
): BedrockUsageReport {
  const parser = createBedrockUsageParser(info);
  for (const p of pieces) parser.push(p);
  return parser.finish(complete);
}

export function usageOf(
  input: number,
  output: number,
  cached = 0,
  write = 0,
  reasoning = 0,
): Usage {
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    cached_input_tokens: cached,
    cache_write_tokens: write,
    reasoning_tokens: reasoning,
  };
}

// ---- Converse / ConverseStream ---------------------------------------------------------------

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** Plan section 2.2, written out independently of the code. */
export function converseExpected(u: TokenUsage): Usage {
  const read = u.cacheReadInputTokens ?? 0;
  const write = u.cacheWriteInputTokens ?? 0;
  return usageOf(u.inputTokens + read + write, u.outputTokens, read, write, 0);
}

export function tokenUsage(u: TokenUsage): Record<string, number> {
  const total = u.inputTokens + u.outputTokens + (u.cacheReadInputTokens ?? 0) +
    (u.cacheWriteInputTokens ?? 0);
  return { ...u, totalTokens: total };
}

export const textEvents: [string, Record<string, unknown>][] = [
  ["messageStart", { role: "assistant" }],
  ["contentBlockDelta", { delta: { text: "Hello" }, contentBlockIndex: 0 }],
  ["contentBlockDelta", { delta: { text: " world" }, contentBlockIndex: 0 }],
  ["contentBlockStop", { contentBlockIndex: 0 }],
  ["messageStop", { stopReason: "end_turn" }],
];
export const reasoningEvents: [string, Record<string, unknown>][] = [
  ["messageStart", { role: "assistant" }],
  ["contentBlockDelta", {
    delta: { reasoningContent: { text: "Let me think." } },
    contentBlockIndex: 0,
  }],
  ["contentBlockDelta", {
    delta: { reasoningContent: { signature: "sig" } },
    contentBlockIndex: 0,
  }],
  ["contentBlockStop", { contentBlockIndex: 0 }],
  ["contentBlockDelta", { delta: { text: "Answer." }, contentBlockIndex: 1 }],
  ["contentBlockStop", { contentBlockIndex: 1 }],
  ["messageStop", { stopReason: "end_turn" }],
];

export const converseRows: { name: string; usage: TokenUsage; events: typeof textEvents }[] = [
  { name: "no cache", usage: { inputTokens: 10, outputTokens: 5 }, events: textEvents },
  {
    name: "cache write",
    usage: {
      inputTokens: 12,
      outputTokens: 7,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 1500,
    },
    events: textEvents,
  },
  {
    name: "cache read",
    usage: {
      inputTokens: 14,
      outputTokens: 9,
      cacheReadInputTokens: 1500,
      cacheWriteInputTokens: 0,
    },
    events: textEvents,
  },
  {
    name: "thinking (reasoningContent, no separate count)",
    usage: { inputTokens: 16, outputTokens: 311 },
    events: reasoningEvents,
  },
];

export function converseStream(
  events: typeof textEvents,
  usage: Record<string, unknown>,
): Uint8Array {
  return bytesOf(
    converseMessages([...events, ["metadata", { usage, metrics: { latencyMs: 380 } }]]),
  );
}

// ---- InvokeModel / InvokeModelWithResponseStream (Anthropic family) --------------------------

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Plan section 2.3: as the Anthropic reader (input includes cache reads and writes). */
export function invokeExpected(u: AnthropicUsage): Usage {
  const input = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
  return usageOf(input, u.output_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens);
}

export function metricsOf(u: AnthropicUsage) {
  return {
    inputTokenCount: u.input_tokens,
    outputTokenCount: u.output_tokens,
    invocationLatency: 1307,
    firstByteLatency: 1100,
    ...(u.cache_read_input_tokens > 0 && { cacheReadInputTokenCount: u.cache_read_input_tokens }),
    ...(u.cache_creation_input_tokens > 0 &&
      { cacheWriteInputTokenCount: u.cache_creation_input_tokens }),
  };
}

export function anthropicEvents(u: AnthropicUsage, thinking: boolean, metrics = true): unknown[] {
  const blocks = thinking
    ? [
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "thinking_delta", thinking: "Hmm." },
      },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "s" } },
      { type: "content_block_stop", index: 0 },
    ]
    : [];
  const at = blocks.length / 4;
  return [
    {
      type: "message_start",
      message: {
        id: "msg_bdrk_01",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5-20250929",
        content: [],
        usage: { ...u, output_tokens: 1 },
      },
    },
    ...blocks,
    { type: "content_block_start", index: at, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: at, delta: { type: "text_delta", text: "Hi" } },
    { type: "content_block_stop", index: at },
    { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: u },
    metrics
      ? { type: "message_stop", "amazon-bedrock-invocationMetrics": metricsOf(u) }
      : { type: "message_stop" },
  ];
}

export const invokeRows: { name: string; usage: AnthropicUsage; thinking: boolean }[] = [
  {
    name: "no cache",
    usage: {
      input_tokens: 21,
      output_tokens: 45,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
    thinking: false,
  },
  {
    name: "cache write",
    usage: {
      input_tokens: 3,
      output_tokens: 47,
      cache_creation_input_tokens: 1502,
      cache_read_input_tokens: 0,
    },
    thinking: false,
  },
  {
    name: "cache read",
    usage: {
      input_tokens: 4,
      output_tokens: 49,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 1504,
    },
    thinking: false,
  },
  {
    name: "thinking",
    usage: {
      input_tokens: 23,
      output_tokens: 612,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
    thinking: true,
  },
];

/**
 * gpt-5.6 and later bill cache writes (1.25x input) and report them next to cache reads:
 * `usage.input_tokens_details.cache_write_tokens` (Responses) and
 * `usage.prompt_tokens_details.cache_write_tokens` (Chat Completions, Completions), as the
 * official `openai` SDK types them. They are part of the input count, like cached tokens.
 */
import { deepStrictEqual } from "node:assert/strict";
import { OpenAiUsageReader, readOpenAiUsage } from "../../src/providers/openai_usage.ts";
import { usage } from "./replay.ts";

const cases: [string, unknown, ReturnType<typeof usage> | null][] = [
  ["Responses: cache writes beside cache reads", {
    input_tokens: 10_000,
    input_tokens_details: {
      cached_tokens: 6000,
      cache_write_tokens: 3207,
      cache_write_tokens_details: { ttl_30m_tokens: 3207, ttl_12h_tokens: 0 },
    },
    output_tokens: 100,
    output_tokens_details: { reasoning_tokens: 40 },
    total_tokens: 10_100,
  }, usage(10_000, 100, { cached: 6000, write: 3207, reasoning: 40 })],
  ["Chat Completions: prompt_tokens_details.cache_write_tokens", {
    prompt_tokens: 2048,
    completion_tokens: 12,
    total_tokens: 2060,
    prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 1920 },
  }, usage(2048, 12, { write: 1920 })],
  ["older models report no cache writes", {
    input_tokens: 12_033,
    input_tokens_details: { cached_tokens: 11_904 },
    output_tokens: 44,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 12_077,
  }, usage(12_033, 44, { cached: 11_904 })],
  ["a malformed count is not reported rather than wrong", {
    input_tokens: 100,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: -5 },
    output_tokens: 1,
  }, usage(100, 1)],
];

for (const [name, raw, expected] of cases) {
  Deno.test(`readOpenAiUsage: ${name}`, () => {
    deepStrictEqual(readOpenAiUsage(raw), expected);
  });
}

Deno.test("OpenAiUsageReader: response.completed carries the cache writes", () => {
  const reader = new OpenAiUsageReader();
  reader.event({
    type: "response.completed",
    response: {
      model: "gpt-6.2-sol",
      usage: {
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 40, cache_write_tokens: 50 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 2 },
      },
    },
  }, "response.completed");
  deepStrictEqual(reader.result(true), {
    model: "gpt-6.2-sol",
    usage: usage(100, 7, { cached: 40, write: 50, reasoning: 2 }),
    final: true,
  });
});

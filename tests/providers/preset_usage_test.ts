/**
 * Usage shapes of the OpenAI-compatible presets that differ from OpenAI's, read by the one
 * OpenAI reader without naming a vendor:
 * - DeepSeek counts cache reads as `prompt_cache_hit_tokens` (+ `prompt_cache_miss_tokens` =
 *   `prompt_tokens`), api-docs.deepseek.com "Context Caching";
 * - xAI counts reasoning beside `completion_tokens` and inside `total_tokens` (docs.x.ai
 *   consumption-and-rate-limits; the example 32 + 9 + 94 = 135), billed as output;
 * - Mistral and Together report usage on their last content chunk unasked (no `choices: []`
 *   chunk), which a stream without `stream_options` must still yield.
 */
import { deepStrictEqual, equal } from "node:assert/strict";
import { OpenAiUsageReader, readOpenAiUsage } from "../../src/providers/openai_usage.ts";
import { usage } from "./replay.ts";

const cases: [string, unknown, ReturnType<typeof usage> | null][] = [
  ["DeepSeek: cache hits are the cached part of prompt_tokens", {
    prompt_tokens: 1500,
    completion_tokens: 80,
    total_tokens: 1580,
    prompt_cache_hit_tokens: 1024,
    prompt_cache_miss_tokens: 476,
  }, usage(1500, 80, { cached: 1024 })],
  ["DeepSeek reasoner: reasoning inside completion_tokens (total = prompt + completion)", {
    prompt_tokens: 20,
    completion_tokens: 300,
    total_tokens: 320,
    prompt_cache_hit_tokens: 0,
    prompt_cache_miss_tokens: 20,
    completion_tokens_details: { reasoning_tokens: 250 },
  }, usage(20, 300, { reasoning: 250 })],
  ["OpenAI's cached_tokens win over a hit count when both are sent", {
    prompt_tokens: 100,
    completion_tokens: 1,
    total_tokens: 101,
    prompt_tokens_details: { cached_tokens: 64 },
    prompt_cache_hit_tokens: 50,
  }, usage(100, 1, { cached: 64 })],
  ["xAI: reasoning beside completion_tokens is added to output", {
    prompt_tokens: 32,
    completion_tokens: 9,
    total_tokens: 135,
    prompt_tokens_details: { text_tokens: 32, cached_tokens: 6 },
    completion_tokens_details: { reasoning_tokens: 94 },
  }, usage(32, 103, { cached: 6, reasoning: 94 })],
  ["xAI: the Grok 4.20 shape of a gateway's bug report (10120 + 1499 + 2809 = 14428)", {
    prompt_tokens: 10120,
    completion_tokens: 1499,
    total_tokens: 14428,
    prompt_tokens_details: { cached_tokens: 128 },
    completion_tokens_details: { reasoning_tokens: 2809 },
  }, usage(10120, 4308, { cached: 128, reasoning: 2809 })],
  ["OpenAI: reasoning inside completion_tokens is never added twice", {
    prompt_tokens: 32,
    completion_tokens: 103,
    total_tokens: 135,
    completion_tokens_details: { reasoning_tokens: 94 },
  }, usage(32, 103, { reasoning: 94 })],
  ["no total_tokens: nothing is added", {
    prompt_tokens: 32,
    completion_tokens: 9,
    completion_tokens_details: { reasoning_tokens: 94 },
  }, usage(32, 9, { reasoning: 94 })],
  ["a total that matches neither reading adds nothing", {
    prompt_tokens: 32,
    completion_tokens: 9,
    total_tokens: 200,
    completion_tokens_details: { reasoning_tokens: 94 },
  }, usage(32, 9, { reasoning: 94 })],
  ["Responses shape (input/output tokens) is never adjusted", {
    input_tokens: 32,
    output_tokens: 9,
    total_tokens: 135,
    output_tokens_details: { reasoning_tokens: 94 },
  }, usage(32, 9, { reasoning: 94 })],
];

for (const [name, raw, expected] of cases) {
  Deno.test(`readOpenAiUsage: ${name}`, () => {
    deepStrictEqual(readOpenAiUsage(raw), expected);
  });
}

function chunk(delta: Record<string, unknown>, finish: string | null, extra = {}) {
  return {
    id: "x",
    object: "chat.completion.chunk",
    created: 1,
    model: "mistral-small-2506",
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  };
}

Deno.test("OpenAiUsageReader: usage on the last content chunk (Mistral, Together) is final", () => {
  const reader = new OpenAiUsageReader();
  reader.event(chunk({ role: "assistant", content: "Bon" }, null), undefined);
  reader.event(chunk({ content: "jour" }, null), undefined);
  reader.event(
    chunk({ content: "" }, "stop", {
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    }),
    undefined,
  );
  const r = reader.result(false);
  deepStrictEqual(r.usage, usage(7, 3));
  equal(r.final, true);
  equal(r.model, "mistral-small-2506");
});

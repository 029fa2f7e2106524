/** Model ids of both sides onto lines (exact, else by family without the date) and the gateway's token conversion. */
import assert from "node:assert/strict";
import { gatewayTokensFrom, modelLines, undated } from "../../src/reconcile/mod.ts";

Deno.test("undated: Anthropic and OpenAI date suffixes go, other digits stay", () => {
  const cases: [string, string][] = [
    ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["gpt-4o-2024-08-06", "gpt-4o"],
    ["claude-3-5-haiku-latest", "claude-3-5-haiku-latest"],
    ["gpt-4.1-mini", "gpt-4.1-mini"],
    ["o1-2024-12-17", "o1"],
    ["model-2025", "model-2025"],
  ];
  for (const [id, want] of cases) assert.equal(undated(id), want, id);
});

Deno.test("model lines: exact ids stay apart when both sides name the same ones; otherwise the family is one line", () => {
  const cases: [string, string[], string[], [string, string][], [string, string][]][] = [
    ["same ids", ["gpt-4o-2024-08-06"], ["gpt-4o-2024-08-06"], [[
      "gpt-4o-2024-08-06",
      "gpt-4o-2024-08-06",
    ]], [["gpt-4o-2024-08-06", "gpt-4o-2024-08-06"]]],
    ["alias vs snapshot", ["claude-sonnet-4-5"], ["claude-sonnet-4-5-20250929"], [[
      "claude-sonnet-4-5",
      "claude-sonnet-4-5",
    ]], [["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"]]],
    [
      "two snapshots on both sides stay apart",
      ["gpt-4o-2024-08-06", "gpt-4o-2024-11-20"],
      ["gpt-4o-2024-11-20", "gpt-4o-2024-08-06"],
      [["gpt-4o-2024-08-06", "gpt-4o-2024-08-06"], ["gpt-4o-2024-11-20", "gpt-4o-2024-11-20"]],
      [["gpt-4o-2024-11-20", "gpt-4o-2024-11-20"], ["gpt-4o-2024-08-06", "gpt-4o-2024-08-06"]],
    ],
    [
      "alias and snapshot in the gateway, snapshot in the report: one family line",
      ["gpt-4o", "gpt-4o-2024-08-06"],
      ["gpt-4o-2024-08-06"],
      [["gpt-4o", "gpt-4o"], ["gpt-4o-2024-08-06", "gpt-4o"]],
      [["gpt-4o-2024-08-06", "gpt-4o"]],
    ],
    ["one side only keeps its id", ["claude-opus-4-1-20250805"], [], [[
      "claude-opus-4-1-20250805",
      "claude-opus-4-1-20250805",
    ]], []],
  ];
  for (const [name, g, r, wantG, wantR] of cases) {
    const got = modelLines(g, r);
    assert.deepEqual([...got.gateway], wantG, name);
    assert.deepEqual([...got.report], wantR, name);
  }
});

Deno.test("gatewayTokensFrom: the trace's input includes cached and cache-write tokens; writes without a lifetime stay apart", () => {
  assert.deepEqual(
    gatewayTokensFrom({
      input_tokens: 3200,
      cached_input_tokens: 200,
      cache_write_tokens: 1500,
      output_tokens: 500,
      cache_write_1h: 1000,
      cache_write_5m: 500,
    }),
    {
      uncached_input: 1500,
      cache_read: 200,
      cache_write_5m: 500,
      cache_write_1h: 1000,
      cache_write_other: 0,
      output: 500,
    },
  );
  assert.deepEqual(
    gatewayTokensFrom({
      input_tokens: 1000,
      cached_input_tokens: 400,
      cache_write_tokens: 100,
      output_tokens: 500,
    }),
    {
      uncached_input: 500,
      cache_read: 400,
      cache_write_5m: 0,
      cache_write_1h: 0,
      cache_write_other: 100,
      output: 500,
    },
  );
  assert.deepEqual(
    gatewayTokensFrom({
      input_tokens: 10,
      cached_input_tokens: 20,
      cache_write_tokens: 5,
      output_tokens: 1,
      cache_write_5m: 2,
    }),
    {
      uncached_input: 0,
      cache_read: 20,
      cache_write_5m: 2,
      cache_write_1h: 0,
      cache_write_other: 3,
      output: 1,
    },
  );
});

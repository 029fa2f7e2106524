/**
 * The Vertex AI (publishers/google) rows of the usage fixture matrix (plan section 11): the same
 * answers as the Gemini rows with Vertex's members (`trafficType`, `createTime`), read on Vertex
 * paths, expected figures from the documented formula, `trafficType` kept for the price row.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { Usage } from "../../src/providers/usage.ts";
import { GeminiUsageReader } from "../../src/providers/gemini_usage.ts";
import { documentInfo, readUsage, streamInfo } from "./gemini_harness.ts";
import { fixture, splittings } from "./replay.ts";

const base = "/v1beta1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash";

/** Plan section 2.1, written out here. */
function expected(
  prompt: number,
  candidates: number,
  cached = 0,
  thoughts = 0,
  toolUse = 0,
): Usage {
  return {
    input_tokens: prompt + toolUse,
    output_tokens: candidates + thoughts,
    total_tokens: prompt + toolUse + candidates + thoughts,
    cached_input_tokens: cached,
    cache_write_tokens: 0,
    reasoning_tokens: thoughts,
  };
}

const rows: { name: string; usage: Usage; documentTraffic: string }[] = [
  { name: "no_cache", usage: expected(21, 445), documentTraffic: "ON_DEMAND" },
  { name: "cached_content", usage: expected(1844, 432, 901), documentTraffic: "ON_DEMAND" },
  // Provisioned throughput: exact tokens, billed by the hour (`perToken` false: unpriced).
  { name: "thinking", usage: expected(21, 445, 0, 213), documentTraffic: "PROVISIONED_THROUGHPUT" },
  {
    name: "tool_use_prompt",
    usage: expected(1844, 432, 901, 91, 1934),
    documentTraffic: "ON_DEMAND",
  },
];

Deno.test("Vertex usage matrix: documents and streams (every split) agree", () => {
  for (const row of rows) {
    const read = { model: "gemini-2.5-flash", usage: row.usage, status: "exact", parseErrors: 0 };
    const tier = row.documentTraffic;
    const want = { ...read, billing: { tier, perToken: tier !== "PROVISIONED_THROUGHPUT" } };
    const streamed = { ...read, billing: { tier: "ON_DEMAND", perToken: true } };
    const reader = new GeminiUsageReader();
    const doc = readUsage(
      documentInfo(`${base}:generateContent`),
      [fixture(`vertex/generate_content_${row.name}.json`)],
      true,
      reader,
    );
    deepStrictEqual(doc, want, row.name);
    strictEqual(reader.trafficType, row.documentTraffic, row.name);
    const info = streamInfo(`${base}:streamGenerateContent?alt=sse`);
    for (const { label, pieces } of splittings(fixture(`vertex/stream_${row.name}.sse`))) {
      const r = new GeminiUsageReader();
      deepStrictEqual(readUsage(info, pieces, true, r), streamed, `${row.name} ${label}`);
      strictEqual(r.trafficType, "ON_DEMAND");
    }
  }
});

Deno.test("Vertex usage matrix: cut streams are unknown", () => {
  const info = streamInfo(`${base}:streamGenerateContent?alt=sse`);
  for (const row of rows) {
    const bytes = fixture(`vertex/stream_${row.name}.sse`);
    for (let at = 0; at < bytes.length; at++) {
      const r = readUsage(info, [bytes.subarray(0, at)], false);
      deepStrictEqual([r.status, r.usage], ["unknown", null], `${row.name} cut at ${at}`);
    }
  }
});

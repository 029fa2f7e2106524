/**
 * The Gemini usage fixture matrix (plan section 11): stream and non-stream × no cache, cached
 * content, thinking, tool-use prompt, each expected row computed here from the documented formula
 * (plan section 2.1, docs/providers-gemini.md), never from the code under test. Streams are read
 * whole, split at every byte offset, one byte at a time, with LF, CRLF and CR line ends, and cut
 * at every offset (usage unknown, never the running count).
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { Usage } from "../../src/providers/usage.ts";
import { GeminiUsageReader, readGeminiUsage } from "../../src/providers/gemini_usage.ts";
import { documentInfo, feedWithUnframed, readUsage, streamInfo } from "./gemini_harness.ts";
import { fixture, lineEndingVariants, splittings } from "./replay.ts";

interface Figures {
  prompt: number;
  candidates: number;
  cached?: number;
  thoughts?: number;
  toolUse?: number;
}

/** Plan section 2.1, written out independently of gemini_usage.ts. */
function expected(f: Figures): Usage {
  const input = f.prompt + (f.toolUse ?? 0);
  const output = f.candidates + (f.thoughts ?? 0);
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    cached_input_tokens: f.cached ?? 0,
    cache_write_tokens: 0,
    reasoning_tokens: f.thoughts ?? 0,
  };
}

const matrix: { name: string; figures: Figures }[] = [
  { name: "no_cache", figures: { prompt: 21, candidates: 445 } },
  { name: "cached_content", figures: { prompt: 1844, candidates: 432, cached: 901 } },
  { name: "thinking", figures: { prompt: 21, candidates: 445, thoughts: 213 } },
  {
    name: "tool_use_prompt",
    figures: { prompt: 1844, candidates: 432, cached: 901, thoughts: 91, toolUse: 1934 },
  },
];

const enc = new TextEncoder();

Deno.test("usage matrix: generateContent documents", () => {
  for (const { name, figures } of matrix) {
    const report = readUsage(documentInfo(), [fixture(`gemini/generate_content_${name}.json`)]);
    deepStrictEqual(
      report,
      { model: "gemini-2.5-flash", usage: expected(figures), status: "exact", parseErrors: 0 },
      name,
    );
  }
});

Deno.test("usage matrix: a document read by the member scanner (several chunks) agrees", () => {
  for (const { name, figures } of matrix) {
    const bytes = fixture(`gemini/generate_content_${name}.json`);
    for (const { label, pieces } of splittings(bytes)) {
      if (label === "whole") continue;
      const report = readUsage(documentInfo(), pieces);
      deepStrictEqual(report.usage, expected(figures), `${name} ${label}`);
      strictEqual(report.status, "exact");
    }
  }
});

Deno.test("usage matrix: streams, every split and line end, agree with the documents", () => {
  for (const { name, figures } of matrix) {
    const want = {
      model: "gemini-2.5-flash",
      usage: expected(figures),
      status: "exact",
      parseErrors: 0,
    };
    for (const variant of lineEndingVariants(fixture(`gemini/stream_${name}.sse`))) {
      for (const { label, pieces } of splittings(variant.bytes)) {
        deepStrictEqual(readUsage(streamInfo(), pieces), want, `${name} ${variant.name} ${label}`);
      }
    }
  }
});

Deno.test("usage matrix: a stream cut at any offset has unknown usage", () => {
  for (const { name } of matrix) {
    const bytes = fixture(`gemini/stream_${name}.sse`);
    for (let at = 0; at < bytes.length; at++) {
      const report = readUsage(streamInfo(), [bytes.subarray(0, at)], false);
      deepStrictEqual([report.status, report.usage], ["unknown", null], `${name} cut at ${at}`);
    }
  }
});

/** Recorded streams (js-genai recordings @ 6e9b35c), the last chunk's figures as recorded. */
const recorded: {
  file: string;
  model: string;
  figures: Figures;
  total: number;
  billing?: { tier: string; perToken: boolean };
}[] = [
  {
    // Server-side MCP tools: a STOP chunk first, the stream goes on; tool-use prompt tokens.
    file: "gemini/stream_mcp_tool_use.sse",
    model: "gemini-2.5-flash",
    figures: { prompt: 21, candidates: 445, thoughts: 213, toolUse: 234 },
    total: 913,
  },
  {
    file: "gemini/stream_cached_tool_use.sse",
    model: "gemini-2.5-flash",
    figures: { prompt: 1844, candidates: 432, cached: 901, thoughts: 91, toolUse: 1934 },
    total: 4301,
  },
  {
    // Interim chunks report a prompt count of 12, the last one 11: the last one wins.
    file: "gemini/stream_interim_prompt.sse",
    model: "gemini-2.0-flash",
    figures: { prompt: 11, candidates: 132 },
    total: 143,
  },
  {
    // Vertex: interim chunks carry only `trafficType`, kept as the billing tier.
    file: "vertex/stream_traffic_type.sse",
    model: "gemini-2.0-flash",
    figures: { prompt: 6, candidates: 481 },
    total: 487,
    billing: { tier: "ON_DEMAND", perToken: true },
  },
];

Deno.test("recorded streams: the last chunk's figures, whatever the split", () => {
  for (const r of recorded) {
    const want = expected(r.figures);
    strictEqual(want.total_tokens, r.total, `${r.file}: the formula gives totalTokenCount`);
    for (const { label, pieces } of splittings(fixture(r.file))) {
      deepStrictEqual(
        readUsage(streamInfo(), pieces),
        {
          model: r.model,
          usage: want,
          status: "exact",
          parseErrors: 0,
          ...(r.billing === undefined ? {} : { billing: r.billing }),
        },
        `${r.file} ${label}`,
      );
    }
  }
});

Deno.test("recorded document with implicit caching and thoughts", () => {
  const report = readUsage(documentInfo(), [
    fixture("gemini/generate_content_implicit_cache.json"),
  ]);
  const want = expected({ prompt: 5, candidates: 238, cached: 3, thoughts: 41 });
  strictEqual(want.total_tokens, 284);
  deepStrictEqual(report, {
    model: "gemini-2.5-flash",
    usage: want,
    status: "exact",
    parseErrors: 0,
  });
});

Deno.test("Vertex trafficType is kept for the price tier", () => {
  const reader = new GeminiUsageReader();
  readUsage(streamInfo(), [fixture("vertex/stream_traffic_type.sse")], true, reader);
  strictEqual(reader.trafficType, "ON_DEMAND");
});

Deno.test("stream ends: finished, trailing usage, blocked prompt, no finish, errors", () => {
  const cases: { file: string; status: string; usage: Usage | null; streamError?: true }[] = [
    // A usage-only chunk after the finish is the final figure.
    { file: "stream_trailing_usage.sse", status: "exact", usage: expected(fig(21, 14)) },
    // A refused prompt: its prompt tokens, no output.
    { file: "stream_blocked.sse", status: "exact", usage: expected(fig(17, 0)) },
    // The body ended cleanly but the answer never finished: a running count is no total.
    { file: "stream_no_finish.sse", status: "unknown", usage: null },
    {
      file: "stream_data_error.sse",
      status: "unknown",
      usage: null,
      streamError: true,
    },
    // Unframed errors are dropped by today's SSE frame: no finish, so unknown all the same.
    { file: "stream_error_compact.sse", status: "unknown", usage: null },
    { file: "stream_error_pretty.sse", status: "unknown", usage: null },
  ];
  for (const c of cases) {
    for (const { label, pieces } of splittings(fixture(`gemini/${c.file}`))) {
      const r = readUsage(streamInfo(), pieces);
      deepStrictEqual(
        [r.status, r.usage, r.upstreamStreamError],
        [c.status, c.usage, c.streamError],
        `${c.file} ${label}`,
      );
    }
  }
});

function fig(prompt: number, candidates: number): Figures {
  return { prompt, candidates };
}

Deno.test("an unframed error after a finished answer makes its usage unknown (hook)", () => {
  // Content, a STOP, then Gemini's raw error object: the figures are not the final ones.
  const body = new TextDecoder().decode(fixture("gemini/stream_trailing_usage.sse")) +
    '{\n  "error": {\n    "code": 500,\n    "status": "INTERNAL"\n  }\n}\n';
  for (const { label, pieces } of splittings(enc.encode(body))) {
    const run = feedWithUnframed(pieces, true);
    strictEqual(run.reader.errored, true, label);
    strictEqual(run.reader.result(true).final, false, label);
  }
});

Deno.test("the unframed hook sees the raw error lines, and only them", () => {
  for (const file of ["stream_error_pretty.sse", "stream_error_compact.sse"]) {
    const bytes = fixture(`gemini/${file}`);
    for (const { label, pieces } of splittings(bytes)) {
      const run = feedWithUnframed(pieces, true);
      strictEqual(run.events, 2, `${file} ${label}`);
      strictEqual(run.reader.errored, true, `${file} ${label}`);
      const text = new TextDecoder().decode(bytes);
      const raw = text.slice(text.lastIndexOf("\r\n\r\n") + 4).split(/\r\n|\r|\n/);
      deepStrictEqual(run.unframedLines, raw.filter((l) => l !== ""), `${file} ${label}`);
    }
  }
});

Deno.test("totalTokenCount that disagrees is a parse error; the formula's figures stay", () => {
  const doc = {
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 99 },
    modelVersion: "gemini-2.5-flash",
  };
  const r = readUsage(documentInfo(), [enc.encode(JSON.stringify(doc))]);
  deepStrictEqual([r.usage, r.parseErrors], [expected(fig(10, 5)), 1]);
});

Deno.test("readGeminiUsage: hostile and partial figures", () => {
  const cases: [unknown, Usage | null][] = [
    [null, null],
    ["usage", null],
    [{}, null],
    [{ trafficType: "ON_DEMAND" }, null],
    [{ promptTokenCount: -1, candidatesTokenCount: 3 }, null],
    [{ promptTokenCount: "12", candidatesTokenCount: 3 }, null],
    [{ promptTokenCount: 1.5 }, null],
    // A prompt alone (an interim chunk): no output yet.
    [{ promptTokenCount: 12, totalTokenCount: 12 }, expected(fig(12, 0))],
    // Malformed parts count as not reported, the rest stands.
    [
      { promptTokenCount: 7, candidatesTokenCount: "x", thoughtsTokenCount: -2 },
      expected(fig(7, 0)),
    ],
    // Sums past the safe-integer range are not exact: unknown.
    [{ promptTokenCount: Number.MAX_SAFE_INTEGER, candidatesTokenCount: 2 }, null],
    [{ promptTokenCount: Number.MAX_SAFE_INTEGER, toolUsePromptTokenCount: 2 }, null],
  ];
  for (const [input, want] of cases) {
    deepStrictEqual(readGeminiUsage(input), want, JSON.stringify(input));
  }
});

// The document frame reads objects only: a JSON array body is unknown there, never zero (the
// adapter reads it with GeminiArrayUsageParser, gemini_array_stream_test.ts).
Deno.test("a JSON array read by the document frame: unknown, not zero", () => {
  const info = documentInfo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
  for (const { label, pieces } of splittings(fixture("gemini/stream_array.txt"))) {
    const r = readUsage(info, pieces);
    deepStrictEqual([r.status, r.usage, r.model], ["unknown", null, "gemini-2.5-flash"], label);
  }
});

Deno.test("the model is modelVersion, else the request's (the path's)", () => {
  const doc = { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4 } };
  const r = readUsage(documentInfo(), [enc.encode(JSON.stringify(doc))]);
  strictEqual(r.model, "gemini-2.5-flash");
  const dated = { ...doc, modelVersion: "gemini-2.0-flash-001" };
  strictEqual(
    readUsage(documentInfo(), [enc.encode(JSON.stringify(dated))]).model,
    "gemini-2.0-flash-001",
  );
});

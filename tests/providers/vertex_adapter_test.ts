/**
 * The `vertex` adapter, table by table: what it reads from a request (model and streaming from
 * the path, the output cap from the body of either publisher), usage of both publishers streamed
 * and not (Claude's cache reads and writes and thinking, Gemini's cached content and thoughts,
 * embeddings), the streams whole, in single bytes and split in two at every 7th (11th) offset; error facts of both shapes; `withModel`, the
 * operation names and `priceKeyOf` with the scope of the path's location. Expected usage is
 * written out from the documented formulas (docs/providers-vertex.md), never read from the code.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { vertexAdapter } from "../../src/providers/vertex.ts";
import type { ResponseInfo } from "../../src/providers/types.ts";
import type { BillingFacts } from "../../src/providers/billing_facts.ts";
import type { Usage } from "../../src/providers/usage.ts";
import { createCostEstimator, type PricedProvider } from "../../src/pricing/mod.ts";
import { fixture, replay, splittings } from "./replay.ts";

const project = "/v1/projects/my-proj/locations";
const claude = (loc: string, model: string, method: string) =>
  `${project}/${loc}/publishers/anthropic/models/${model}:${method}`;
const gemini = (loc: string, model: string, method: string) =>
  `/v1beta1/projects/my-proj/locations/${loc}/publishers/google/models/${model}:${method}`;
const enc = new TextEncoder();

const prepare = (path: string, body: unknown, method = "POST") =>
  vertexAdapter.prepareRequest({
    method,
    path,
    contentType: "application/json",
    body: body === null ? null : enc.encode(JSON.stringify(body)),
    streamUsage: true,
  });

Deno.test("vertex prepareRequest: model and streaming from the path, the cap from the body", () => {
  const cases: {
    path: string;
    body: unknown;
    model: string | null;
    streaming: boolean;
    maxTokens: number | null;
  }[] = [
    {
      path: claude("us-east5", "claude-sonnet-4-5@20250929", "rawPredict"),
      body: { anthropic_version: "vertex-2023-10-16", max_tokens: 1024, messages: [] },
      model: "claude-sonnet-4-5@20250929",
      streaming: false,
      maxTokens: 1024,
    },
    {
      // `stream: true` is in the body too; the method decides.
      path: claude("global", "claude-sonnet-4-5@20250929", "streamRawPredict"),
      body: { anthropic_version: "vertex-2023-10-16", max_tokens: 64, stream: true },
      model: "claude-sonnet-4-5@20250929",
      streaming: true,
      maxTokens: 64,
    },
    {
      // Claude's token counting names the model in the body.
      path: claude("us-east5", "count-tokens", "rawPredict"),
      body: { model: "claude-sonnet-4-5@20250929", messages: [] },
      model: "claude-sonnet-4-5@20250929",
      streaming: false,
      maxTokens: null,
    },
    {
      path: gemini("us-central1", "gemini-2.5-flash", "generateContent"),
      body: { contents: [], generationConfig: { maxOutputTokens: 300 } },
      model: "gemini-2.5-flash",
      streaming: false,
      maxTokens: 300,
    },
    {
      path: gemini("global", "gemini-2.5-flash", "streamGenerateContent?alt=sse"),
      body: { contents: [] },
      model: "gemini-2.5-flash",
      streaming: true,
      maxTokens: null,
    },
    {
      // Express mode (API key, no project).
      path: "/v1beta1/publishers/google/models/gemini-2.5-flash%40001:countTokens",
      body: { contents: [] },
      model: "gemini-2.5-flash@001",
      streaming: false,
      maxTokens: null,
    },
    {
      path: "/v1/projects/my-proj/locations/us-central1/endpoints/123:predict",
      body: {},
      model: null,
      streaming: false,
      maxTokens: null,
    },
  ];
  for (const c of cases) {
    const got = prepare(c.path, c.body);
    strictEqual(got.model, c.model, c.path);
    strictEqual(got.streaming, c.streaming, c.path);
    strictEqual(got.maxTokens, c.maxTokens, c.path);
    strictEqual(got.modelIn, "path", c.path);
    strictEqual(got.hideUsageEvent, false, c.path);
  }
});

function info(path: string, streamed: boolean, model: string): ResponseInfo {
  return {
    path,
    method: "POST",
    status: 200,
    contentType: streamed ? "text/event-stream" : "application/json",
    requestedStreaming: streamed,
    requestModel: model,
  };
}

/** Anthropic's usage: `input_tokens` excludes cache reads and writes; the trace's includes them. */
function anthropic(input: number, write: number, read: number, output: number): Usage {
  return {
    input_tokens: input + write + read,
    output_tokens: output,
    total_tokens: input + write + read + output,
    cached_input_tokens: read,
    cache_write_tokens: write,
    reasoning_tokens: 0,
  };
}

/** Gemini's `usageMetadata`: prompt + tool-use prompt in; candidates + thoughts out. */
function google(prompt: number, candidates: number, cached = 0, thoughts = 0, toolUse = 0): Usage {
  return {
    input_tokens: prompt + toolUse,
    output_tokens: candidates + thoughts,
    total_tokens: prompt + toolUse + candidates + thoughts,
    cached_input_tokens: cached,
    cache_write_tokens: 0,
    reasoning_tokens: thoughts,
  };
}

const claudeModel = "claude-sonnet-4-5@20250929";
const claudeRows: { name: string; usage: Usage; facts?: BillingFacts }[] = [
  { name: "no_cache", usage: anthropic(25, 0, 0, 57) },
  // Billing facts (issue 24): the write's lifetime, in both the document and message_start.
  {
    name: "cache_write",
    usage: anthropic(12, 2048, 0, 45),
    facts: { cache_write_by_ttl: { "5m": 2048 } },
  },
  { name: "cache_read", usage: anthropic(12, 0, 10240, 45) },
  // Claude reports thinking inside `output_tokens`, with no count of its own.
  { name: "thinking", usage: anthropic(40, 0, 0, 612) },
];

Deno.test("vertex usage (publisher anthropic): rawPredict and streamRawPredict agree", () => {
  for (const row of claudeRows) {
    const want = {
      model: "claude-sonnet-4-5-20250929",
      usage: row.usage,
      status: "exact",
      parseErrors: 0,
      ...(row.facts === undefined ? {} : { facts: row.facts }),
    };
    const doc = replay(
      vertexAdapter,
      info(claude("us-east5", claudeModel, "rawPredict"), false, claudeModel),
      [fixture(`vertex/claude_raw_predict_${row.name}.json`)],
    );
    deepStrictEqual(doc, want, row.name);
    const path = claude("us-east5", claudeModel, "streamRawPredict");
    const bytes = fixture(`vertex/claude_stream_${row.name}.sse`);
    for (const { label, pieces } of splittings(bytes)) {
      if (label.startsWith("split at") && Number(label.slice(9)) % 7 !== 0) continue;
      deepStrictEqual(replay(vertexAdapter, info(path, true, claudeModel), pieces), want, label);
    }
    // Cut before `message_delta`: the running count of `message_start` is no usage.
    const cutAt = new TextDecoder().decode(bytes).indexOf("event: message_delta");
    const cut = replay(vertexAdapter, info(path, true, claudeModel), [bytes.subarray(0, cutAt)]);
    strictEqual(cut.status, "unknown", row.name);
    strictEqual(cut.usage, null, row.name);
  }
});

const googleRows: { name: string; usage: Usage; tier?: string }[] = [
  { name: "no_cache", usage: google(21, 445) },
  { name: "cached_content", usage: google(1844, 432, 901) },
  // Paid by the hour: the billing tier says so (pricing leaves it unpriced).
  { name: "thinking", usage: google(21, 445, 0, 213), tier: "PROVISIONED_THROUGHPUT" },
  { name: "tool_use_prompt", usage: google(1844, 432, 901, 91, 1934) },
];
const onDemand = { tier: "ON_DEMAND", perToken: true };

Deno.test("vertex usage (publisher google): generateContent and the SSE stream agree", () => {
  const model = "gemini-2.5-flash";
  for (const row of googleRows) {
    const read = { model, usage: row.usage, status: "exact", parseErrors: 0 };
    const billing = row.tier === undefined ? onDemand : { tier: row.tier, perToken: false };
    const want = { ...read, billing: onDemand };
    const doc = replay(
      vertexAdapter,
      info(gemini("us-central1", model, "generateContent"), false, model),
      [fixture(`vertex/generate_content_${row.name}.json`)],
    );
    deepStrictEqual(doc, { ...read, billing }, row.name);
    const path = gemini("us-central1", model, "streamGenerateContent?alt=sse");
    const bytes = fixture(`vertex/stream_${row.name}.sse`);
    for (const { label, pieces } of splittings(bytes)) {
      if (label.startsWith("split at") && Number(label.slice(9)) % 11 !== 0) continue;
      deepStrictEqual(replay(vertexAdapter, info(path, true, model), pieces), want, label);
    }
    const cut = replay(vertexAdapter, info(path, true, model), [bytes], false);
    strictEqual(cut.status, "unknown", `${row.name} cut`);
  }
});

Deno.test("vertex usage: embeddings are input tokens; token counting is unbilled", () => {
  const rows: { path: string; file: string; model: string; usage: Usage | null; status: string }[] =
    [
      {
        // text-embedding-*: `:predict`, one `statistics.token_count` per instance (7 + 5).
        path: gemini("us-central1", "text-embedding-005", "predict"),
        file: "vertex/predict_text_embedding.json",
        model: "text-embedding-005",
        usage: google(12, 0),
        status: "exact",
      },
      {
        // gemini-embedding-*: `:embedContent`, `usageMetadata.promptTokenCount`.
        path: gemini("global", "gemini-embedding-001", "embedContent"),
        file: "vertex/embed_content_gemini_embedding.json",
        model: "gemini-embedding-001",
        usage: google(9, 0),
        status: "exact",
      },
      {
        path: gemini("global", "gemini-2.5-flash", "countTokens"),
        file: "vertex/embed_content_gemini_embedding.json",
        model: "gemini-2.5-flash",
        usage: null,
        status: "none",
      },
      {
        path: claude("us-east5", "count-tokens", "rawPredict"),
        file: "anthropic/count_tokens.json",
        model: claudeModel,
        usage: null,
        status: "none",
      },
    ];
  for (const r of rows) {
    const got = replay(vertexAdapter, info(r.path, false, r.model), [fixture(r.file)]);
    deepStrictEqual(got.usage, r.usage, r.path);
    strictEqual(got.status, r.status, r.path);
    strictEqual(got.model, r.model, r.path);
  }
  // A `predict` answer without token counts (an image model) reports none, never zero.
  const image = replay(
    vertexAdapter,
    info(gemini("us-central1", "imagen-4.0-generate-001", "predict"), false, "imagen"),
    [enc.encode('{"predictions":[{"bytesBase64Encoded":"AAAA","mimeType":"image/png"}]}')],
  );
  strictEqual(image.status, "none");
  strictEqual(image.usage, null);
});

Deno.test("vertex commit scanner: by publisher, only for streamed generation", () => {
  const scanner = (path: string, streamed = true) =>
    vertexAdapter.createCommitScanner!(info(path, streamed, "m"), {
      mode: "first_content",
      maxHeldBytes: 65536,
    });
  const anthropicScanner = scanner(claude("us-east5", claudeModel, "streamRawPredict"));
  const googleScanner = scanner(gemini("global", "gemini-2.5-flash", "streamGenerateContent"));
  ok(anthropicScanner !== null && googleScanner !== null);
  // Each protocol's own termination: Anthropic's `event: error`, Gemini's raw JSON error object.
  ok(anthropicScanner.termination("cut").includes("event: error"));
  ok(googleScanner.termination("cut").startsWith('{"error"'));
  strictEqual(scanner(claude("us-east5", claudeModel, "rawPredict")), null);
  strictEqual(scanner(gemini("global", "gemini-2.5-flash", "generateContent")), null);
  strictEqual(scanner(claude("us-east5", claudeModel, "streamRawPredict"), false), null);
});

Deno.test("vertex errorFacts: google.rpc and Anthropic shapes", () => {
  const rows: { file: string; status: number; category: string }[] = [
    { file: "vertex/error_429_quota.json", status: 429, category: "rate_limited" },
    { file: "vertex/error_401_token.json", status: 401, category: "auth" },
    { file: "vertex/error_anthropic_overloaded.json", status: 529, category: "overloaded" },
    { file: "vertex/error_anthropic_context.json", status: 400, category: "context_length" },
  ];
  for (const r of rows) {
    const body = new TextDecoder().decode(fixture(r.file));
    const facts = vertexAdapter.errorFacts!(r.status, body);
    strictEqual(facts.category, r.category, r.file);
    ok(facts.message !== null && facts.message.length > 0, r.file);
  }
  strictEqual(vertexAdapter.errorFacts!(503, "<html>unavailable</html>").category, "overloaded");
});

Deno.test("vertex withModel: the path's model changes, publisher, location and query stay", () => {
  const rows: [string, string, string][] = [
    [
      claude("us-east5", claudeModel, "streamRawPredict"),
      "claude-opus-4-5@20251101",
      claude("us-east5", "claude-opus-4-5@20251101", "streamRawPredict"),
    ],
    [
      gemini("global", "gemini-2.5-flash", "streamGenerateContent?alt=sse"),
      "gemini-2.5-pro",
      gemini("global", "gemini-2.5-pro", "streamGenerateContent?alt=sse"),
    ],
    // No model in the path: left as it is.
    [
      claude("us-east5", "count-tokens", "rawPredict"),
      "x",
      claude("us-east5", "count-tokens", "rawPredict"),
    ],
    // A model id outside the grammar cannot leave its segment.
    [
      gemini("global", "gemini-2.5-flash", "generateContent"),
      "../x/y",
      gemini("global", "..%2Fx%2Fy", "generateContent"),
    ],
  ];
  const body = enc.encode("{}");
  for (const [path, model, want] of rows) {
    const got = vertexAdapter.withModel!({ path, body }, model);
    strictEqual(got.path, want, `${path} -> ${model}`);
    strictEqual(got.body, body);
  }
});

Deno.test("vertex operationOf: by publisher and method", () => {
  const op = (p: string) => vertexAdapter.operationOf!(p);
  strictEqual(op(claude("global", claudeModel, "rawPredict")), "chat");
  strictEqual(op(claude("global", claudeModel, "streamRawPredict")), "chat");
  strictEqual(op(claude("global", "count-tokens", "rawPredict")), null);
  strictEqual(op(gemini("global", "gemini-2.5-flash", "generateContent")), "generate_content");
  strictEqual(op(gemini("global", "text-embedding-005", "predict")), "embeddings");
  strictEqual(op(gemini("global", "gemini-embedding-001", "embedContent")), "embeddings");
  strictEqual(op(gemini("global", "gemini-2.5-flash", "countTokens")), null);
  strictEqual(op("/v1/projects/p/locations/l/cachedContents"), null);
});

Deno.test("vertex priceKeyOf: @version and resource names go; the scope is the path's location", () => {
  const rows: [string, string | undefined, string, string | null][] = [
    [claudeModel, claude("global", claudeModel, "rawPredict"), "claude-sonnet-4-5", "global"],
    [claudeModel, claude("us-east5", claudeModel, "rawPredict"), "claude-sonnet-4-5", "regional"],
    // Multi-region endpoints (`us`, `eu`) bill as regional.
    [claudeModel, claude("eu", claudeModel, "rawPredict"), "claude-sonnet-4-5", "regional"],
    // The answer's dated id: the price lookup strips the date.
    [
      "claude-sonnet-4-5-20250929",
      claude("us-east5", claudeModel, "streamRawPredict"),
      "claude-sonnet-4-5-20250929",
      "regional",
    ],
    [
      "projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro@001",
      undefined,
      "gemini-2.5-pro",
      null,
    ],
    [
      "gemini-2.5-flash",
      "/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent",
      "gemini-2.5-flash",
      null,
    ],
  ];
  for (const [model, path, key, scope] of rows) {
    deepStrictEqual(
      vertexAdapter.priceKeyOf!(model, path),
      { model: key, scope },
      `${model} ${path}`,
    );
  }
});

Deno.test("vertex cost: Claude on a regional endpoint is 1.1x the global price (price data)", () => {
  const provider = { kind: "vertex", prices: {} } as PricedProvider;
  const estimate = createCostEstimator(provider, undefined, vertexAdapter.priceKeyOf!);
  const u = anthropic(12, 2048, 10240, 45);
  const report = { status: "exact" as const, usage: u };
  const at = Date.parse("2026-12-06T12:00:00Z");
  // claude-sonnet-4-5 global: 3 in, 0.30 cache read, 3.75 cache write, 15 out (USD per 1M).
  const global = (12 * 3 + 10240 * 0.3 + 2048 * 3.75 + 45 * 15) / 1e6;
  const g = estimate(claudeModel, report, at, claude("global", claudeModel, "rawPredict"));
  const r = estimate(claudeModel, report, at, claude("us-east5", claudeModel, "rawPredict"));
  const none = estimate(claudeModel, report, at);
  ok(Math.abs(g.estimated_cost_usd! - global) < 1e-10, `${g.estimated_cost_usd} vs ${global}`);
  ok(Math.abs(r.estimated_cost_usd! - global * 1.1) < 1e-10, `${r.estimated_cost_usd}`);
  // No path known: no scope, priced at 1x.
  ok(Math.abs(none.estimated_cost_usd! - global) < 1e-10);
});

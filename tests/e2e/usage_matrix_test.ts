/**
 * The usage fixture matrix end to end (issue 20 "Done when", plan sections 2 and 11): one `serve`
 * subprocess with a provider of each cloud kind, one loopback upstream answering every cell with
 * the recorded shapes (tests/support/matrix_stub.ts), requests with plain `fetch`, and for every
 * cell the trace's tokens and `estimated_cost_usd` compared with the documented formulas
 * (docs/providers-{gemini,vertex,bedrock,azure}.md, docs/pricing.md) applied HERE to the raw
 * figures the fixture sends and to the price rows written out below (not read from src/pricing).
 * Stream and non-stream of each (row, case) must give the same trace figures.
 *
 * | row: path after the prefix (scope)                                 | no cache       | cache write                    | cache read                 | thinking                              |
 * | ------------------------------------------------------------------- | -------------- | ------------------------------ | -------------------------- | ------------------------------------- |
 * | gemini `v1beta/models/gemini-2.5-flash:{generate,streamGenerate}…`  | prompt 21      | none on Gemini: asserted 0     | cached 901, toolUse 1934   | thoughts 213: output and reasoning    |
 * | vertex-gemini `…/locations/us-central1/…/gemini-2.5-flash` (none)   | as gemini      | as gemini: asserted 0          | as gemini                  | as gemini (document: PROVISIONED_…)   |
 * | vertex-claude `…/locations/us-east5/…/claude-sonnet-4-5@…` (x1.1)   | input 25       | cache_creation 2048            | cache_read 10240           | in output_tokens; reasoning 0         |
 * | vertex-claude-global `…/locations/global/…` (x1)                    | as above       | as above                       | as above                   | as above                              |
 * | bedrock-converse `us.anthropic.claude-sonnet-4-5-…` (geo, x1.1)     | inputTokens 10 | cacheWriteInputTokens 1500     | cacheReadInputTokens 1500  | reasoningContent; no count: 0         |
 * | bedrock-converse-global `global.anthropic.…` (x1)                   | as above       | as above                       | as above                   | as above                              |
 * | bedrock-invoke `anthropic.claude-sonnet-4-5-…` (in-Region, x1.1)    | input 21       | cache_creation 1502            | cache_read 1504            | thinking block; reasoning 0           |
 * | azure-chat `openai/deployments/{d}/chat/completions` (x1)           | gpt-4o, 317    | gpt-5.6-sol, cache_write 1792  | gpt-4o, cached 1024        | o4-mini, reasoning 640 of 900         |
 * | azure-v1-chat `openai/v1/chat/completions`, deployment in `model`   | as above       | as above                       | as above                   | as above                              |
 *
 * Each cell is sent twice, streamed (`streamGenerateContent?alt=sse`, `streamRawPredict`,
 * `converse-stream`, `invoke-with-response-stream`, `stream: true`) and not.
 * Vertex Gemini has no regional uplift (docs/providers-vertex.md "Pricing"). Its non-streamed
 * thinking fixture says `trafficType: PROVISIONED_THROUGHPUT`: reserved capacity paid by the hour,
 * so that answer is `unpriced` (docs/pricing.md), its tier in `metadata.usage_tier`; its tokens
 * still match the streamed answer's. Costs are compared to 1e-10 USD, the gateway's documented
 * rounding.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, startServer } from "../support/process.ts";
import {
  azureCells,
  type Case,
  caseHeader,
  cases,
  claudeFixture,
  converseUsageOf,
  geminiFixture,
  invokeUsageOf,
  startMatrixStub,
} from "../support/matrix_stub.ts";

/** A price row in USD per million tokens (docs/pricing.md); absent cache prices are `input`. */
interface Price {
  input: number;
  cached_input?: number;
  cache_write?: number;
  output: number;
}

// The list prices the docs cite (docs/pricing-table.md, docs/providers-*.md), written out.
const flash: Price = { input: 0.3, cached_input: 0.03, output: 2.5 };
const sonnet45: Price = { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 };
const azurePrices: Record<string, Price> = {
  "gpt-4o": { input: 2.5, cached_input: 1.25, output: 10 },
  "gpt-5.6-sol": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 30 },
  "o4-mini": { input: 1.1, cached_input: 0.275, output: 4.4 },
};

interface Figures {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
}
const fields = [
  "input_tokens",
  "output_tokens",
  "cached_input_tokens",
  "cache_write_tokens",
  "reasoning_tokens",
] as const;

/** docs/pricing.md "to check a trace by hand", times the scope multiplier on every rate. */
function costOf(f: Figures, p: Price, k: number): number {
  const uncached = f.input_tokens - f.cached_input_tokens - f.cache_write_tokens;
  return (uncached * p.input * k + f.cached_input_tokens * (p.cached_input ?? p.input) * k +
    f.cache_write_tokens * (p.cache_write ?? p.input) * k + f.output_tokens * p.output * k) / 1e6;
}

// ---- the documented formulas, on the raw figures -------------------------------------------

const dec = new TextDecoder();
// deno-lint-ignore no-explicit-any
type Json = any;

/** The final `usageMetadata`: the document's, or the last `data:` event's (docs: streams). */
function usageMetadataOf(bytes: Uint8Array, stream: boolean): Json {
  const text = dec.decode(bytes);
  if (!stream) return JSON.parse(text).usageMetadata;
  const events = text.split(/\r?\n\r?\n/).filter((e) => e.startsWith("data: "));
  return JSON.parse(events.at(-1)!.slice(6)).usageMetadata;
}

/** docs/providers-gemini.md "Token usage". */
function geminiFormula(u: Json): Figures {
  const thoughts = u.thoughtsTokenCount ?? 0;
  return {
    input_tokens: u.promptTokenCount + (u.toolUsePromptTokenCount ?? 0),
    cached_input_tokens: u.cachedContentTokenCount ?? 0,
    cache_write_tokens: 0,
    output_tokens: (u.candidatesTokenCount ?? 0) + thoughts,
    reasoning_tokens: thoughts,
  };
}

/** Claude's `usage`: the document's, or `message_start`'s with `message_delta`'s output. */
function claudeUsageOf(bytes: Uint8Array, stream: boolean): Json {
  const text = dec.decode(bytes);
  if (!stream) return JSON.parse(text).usage;
  const events = text.split("\n").filter((l) => l.startsWith("data: ")).map((l) =>
    JSON.parse(l.slice(6))
  );
  const start = events.find((e) => e.type === "message_start").message.usage;
  const delta = events.findLast((e) => e.type === "message_delta").usage;
  return { ...start, output_tokens: delta.output_tokens };
}

/** docs/providers-vertex.md "Claude models" and providers-bedrock.md InvokeModel (body first). */
function anthropicFormula(u: Json): Figures {
  const read = u.cache_read_input_tokens ?? 0;
  const written = u.cache_creation_input_tokens ?? 0;
  return {
    input_tokens: u.input_tokens + read + written,
    cached_input_tokens: read,
    cache_write_tokens: written,
    output_tokens: u.output_tokens,
    reasoning_tokens: 0,
  };
}

/** docs/providers-bedrock.md "Converse and ConverseStream". */
function converseFormula(u: Json): Figures {
  const read = u.cacheReadInputTokens ?? 0;
  const written = u.cacheWriteInputTokens ?? 0;
  return {
    input_tokens: u.inputTokens + read + written,
    cached_input_tokens: read,
    cache_write_tokens: written,
    output_tokens: u.outputTokens,
    reasoning_tokens: 0,
  };
}

/** docs/providers-azure.md "Usage and cost". */
function azureFormula(u: Json): Figures {
  return {
    input_tokens: u.prompt_tokens,
    cached_input_tokens: u.prompt_tokens_details?.cached_tokens ?? 0,
    cache_write_tokens: u.prompt_tokens_details?.cache_write_tokens ?? 0,
    output_tokens: u.completion_tokens,
    reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

// ---- the rows -----------------------------------------------------------------------------

interface Cell {
  /** Request path under the gateway. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
  provider: string;
  /** The trace's model. */
  model: string;
  expected: Figures;
  price: Price;
  scope: number;
  /** The answer's billing tier has no per-token price (Vertex provisioned throughput). */
  provisioned?: boolean;
}

interface Row {
  name: string;
  cell(c: Case, stream: boolean): Cell;
}

const geminiKey = "AIzaSyMatrix0123456789abcdefghijklmnop";
const vertexToken = "ya29.matrix-token";
const bedrockKey = "ABSKQmVkcm9ja0FQSUtleS1tYXRyaXg=";
const azureKey = "0123456789abcdef0123456789abcdef";
const geminiBody = { contents: [{ role: "user", parts: [{ text: "Hi" }] }] };
const vertexGemini = "/vertex/v1/projects/matrix/locations/us-central1/publishers/google/models";
const converseId = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const converseGlobalId = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
const invokeId = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const userTurn = [{ role: "user", content: "Hi" }];

/** gemini-2.5-flash on the Gemini API (`gemini`) or Vertex (`vertex-gemini`): no scope. */
function geminiRow(name: string, models: string, headers: Record<string, string>): Row {
  const dir = name === "gemini" ? "gemini" : "vertex";
  return {
    name,
    cell: (c, stream) => {
      const usage = usageMetadataOf(geminiFixture(dir, c, stream), stream);
      return {
        path: `${models}/gemini-2.5-flash:` +
          (stream ? "streamGenerateContent?alt=sse" : "generateContent"),
        headers,
        body: geminiBody,
        provider: dir,
        model: "gemini-2.5-flash",
        expected: geminiFormula(usage),
        price: flash,
        scope: 1,
        provisioned: usage.trafficType === "PROVISIONED_THROUGHPUT",
      };
    },
  };
}

/** Claude on Vertex at `location`: regional locations cost `scope` times the global price. */
function vertexClaudeRow(name: string, location: string, scope: number): Row {
  const models = `/vertex/v1/projects/matrix/locations/${location}/publishers/anthropic/models`;
  return {
    name,
    cell: (c, stream) => ({
      path: `${models}/claude-sonnet-4-5@20250929:${stream ? "streamRawPredict" : "rawPredict"}`,
      headers: { authorization: `Bearer ${vertexToken}` },
      body: { anthropic_version: "vertex-2023-10-16", max_tokens: 256, messages: userTurn, stream },
      provider: "vertex",
      model: "claude-sonnet-4-5-20250929",
      expected: anthropicFormula(claudeUsageOf(claudeFixture(c, stream), stream)),
      price: sonnet45,
      scope,
    }),
  };
}

/** Converse on Bedrock model id `id` (its profile prefix decides the scope). */
function converseRow(name: string, id: string, scope: number): Row {
  return {
    name,
    cell: (c, stream) => ({
      path: `/bedrock/model/${encodeURIComponent(id)}/${stream ? "converse-stream" : "converse"}`,
      headers: { authorization: `Bearer ${bedrockKey}` },
      body: { messages: [{ role: "user", content: [{ text: "Hi" }] }] },
      provider: "bedrock",
      model: id,
      expected: converseFormula(converseUsageOf(c)),
      price: sonnet45,
      scope,
    }),
  };
}

/** The config's Azure deployments: the trace's model is the mapped one. */
const azureDeployments: Record<string, string> = {
  "prod-4o": "gpt-4o",
  sol: "gpt-5.6-sol",
  reasoner: "o4-mini",
};

/** Azure chat completions: the deployment in the path (`api-version`) or, v1 API, in the body. */
function azureRow(name: string, v1: boolean): Row {
  return {
    name,
    cell: (c, stream) => {
      const cell = azureCells[c];
      const model = azureDeployments[cell.deployment]!;
      return {
        path: v1
          ? "/azure/openai/v1/chat/completions"
          : `/azure/openai/deployments/${cell.deployment}/chat/completions?api-version=2024-10-21`,
        headers: { "api-key": azureKey },
        body: {
          ...(v1 && { model: cell.deployment }),
          messages: userTurn,
          // A stream without `include_usage`: the gateway asks Azure for the usage chunk (and
          // keeps it from the client); the stub sends it only when asked.
          ...(stream && { stream: true }),
        },
        provider: "azure",
        model,
        expected: azureFormula(cell.usage),
        price: azurePrices[model]!,
        scope: 1,
      };
    },
  };
}

const rows: Row[] = [
  geminiRow("gemini", "/gemini/v1beta/models", { "x-goog-api-key": geminiKey }),
  geminiRow("vertex-gemini", vertexGemini, { authorization: `Bearer ${vertexToken}` }),
  vertexClaudeRow("vertex-claude", "us-east5", 1.1),
  vertexClaudeRow("vertex-claude-global", "global", 1),
  converseRow("bedrock-converse", converseId, 1.1),
  converseRow("bedrock-converse-global", converseGlobalId, 1),
  {
    name: "bedrock-invoke",
    cell: (c, stream) => ({
      path: `/bedrock/model/${encodeURIComponent(invokeId)}/` +
        (stream ? "invoke-with-response-stream" : "invoke"),
      headers: { authorization: `Bearer ${bedrockKey}` },
      body: { anthropic_version: "bedrock-2023-05-31", max_tokens: 256, messages: userTurn },
      provider: "bedrock",
      model: invokeId,
      expected: anthropicFormula(invokeUsageOf(c)),
      price: sonnet45,
      scope: 1.1,
    }),
  },
  azureRow("azure-chat", false),
  azureRow("azure-v1-chat", true),
];

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    gemini: { kind: "gemini", upstream: "${upstream}" },
    vertex: { kind: "vertex", upstream: "${upstream}" },
    bedrock: { kind: "bedrock", upstream: "${upstream}" },
    azure: {
      kind: "azure-openai",
      upstream: "${upstream}",
      deployments: ${JSON.stringify(azureDeployments)},
    },
  },
  tracing: { flush_interval_ms: 10 },
});
`;

const idOf = (row: string, c: Case, stream: boolean) =>
  `matrix.${row}.${c}.${stream ? "stream" : "doc"}`;

// deno-lint-ignore no-explicit-any
async function tracesById(origin: string, n: number): Promise<Map<string, any>> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const page = await (await fetch(`${origin}/api/traces?limit=200`)).json();
    if (page.items.length >= n) {
      return new Map(page.items.map((t: { correlation_id: string }) => [t.correlation_id, t]));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${n} traces appeared`);
}

Deno.test("e2e usage matrix: every provider x {stream, non-stream} x {no cache, cache write, cache read, thinking} matches the documented formulas", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-matrix-" }));
  const stub = startMatrixStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  try {
    const all = rows.flatMap((row) =>
      cases.flatMap((c) =>
        [false, true].map((stream) => ({ id: idOf(row.name, c, stream), ...row.cell(c, stream) }))
      )
    );
    await Promise.all(all.map(async (cell) => {
      const res = await fetch(`${server.origin}${cell.path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [caseHeader]: cell.id.split(".")[2]!,
          "x-ongoingai-correlation-id": cell.id,
          ...cell.headers,
        },
        body: JSON.stringify(cell.body),
      });
      const body = await res.arrayBuffer();
      assert.equal(res.status, 200, `${cell.id}: ${dec.decode(body)}`);
      if (cell.provider === "azure" && cell.id.endsWith(".stream")) {
        assert.ok(!dec.decode(body).includes('"prompt_tokens"'), `${cell.id}: usage chunk relayed`);
      }
    }));
    assert.deepEqual(stub.unmatched, []);

    const traces = await tracesById(server.origin, all.length);
    for (const cell of all) {
      const t = traces.get(cell.id);
      assert.ok(t, `${cell.id}: no trace`);
      const where = `${cell.id} (${cell.path})`;
      assert.equal(t.provider, cell.provider, where);
      assert.equal(t.model, cell.model, where);
      assert.equal(t.streaming, cell.id.endsWith(".stream"), where);
      assert.equal(t.usage_status, "exact", where);
      for (const f of fields) assert.equal(t[f], cell.expected[f], `${where} ${f}`);
      assert.equal(t.total_tokens, cell.expected.input_tokens + cell.expected.output_tokens, where);
      if (cell.provisioned) {
        assert.equal(t.cost_status, "unpriced", where);
        assert.equal(t.estimated_cost_usd, null, where);
        const detail = await (await fetch(`${server.origin}/api/traces/${t.id}`)).json();
        assert.equal(detail.metadata.usage_tier, "PROVISIONED_THROUGHPUT", where);
        continue;
      }
      assert.equal(t.cost_status, "priced", where);
      const want = costOf(cell.expected, cell.price, cell.scope);
      assert.ok(
        Math.abs(t.estimated_cost_usd - want) < 1e-10,
        `${where}: cost ${t.estimated_cost_usd}, the formula gives ${want}`,
      );
    }

    // Cells a provider does not have are asserted as documented, not skipped.
    for (const row of ["gemini", "vertex-gemini"]) {
      for (const c of cases) {
        assert.equal(traces.get(idOf(row, c, true)).cache_write_tokens, 0, `${row} ${c}`);
      }
    }
    for (const row of ["vertex-claude", "bedrock-converse", "bedrock-invoke"]) {
      const think = traces.get(idOf(row, "thinking", false));
      assert.equal(think.reasoning_tokens, 0, `${row}: no separate reasoning count`);
      assert.ok(think.output_tokens > traces.get(idOf(row, "no_cache", false)).output_tokens);
    }

    // Stream and non-stream agree for each (row, case).
    for (const row of rows) {
      for (const c of cases) {
        const [doc, stream] = [
          traces.get(idOf(row.name, c, false)),
          traces.get(idOf(row.name, c, true)),
        ];
        const priced = !row.cell(c, false).provisioned;
        for (const f of [...fields, ...(priced ? ["estimated_cost_usd"] : [])]) {
          assert.equal(stream[f], doc[f], `${row.name} ${c} ${f}: stream vs non-stream`);
        }
      }
    }
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});

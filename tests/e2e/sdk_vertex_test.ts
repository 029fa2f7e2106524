/**
 * End to end for the `vertex` kind: `src/main.ts serve` as a subprocess (one gateway for the whole
 * file), a loopback Vertex AI (tests/support/vertex_stub.ts, the recorded shapes), and the two
 * official clients pointed at the gateway's `/vertex` prefix:
 *
 * - `@google/genai` in Vertex mode (`vertexai: true`, project, location, `httpOptions.baseUrl`),
 *   its access token from a fixed auth client (`googleAuthOptions.authClient`: google-auth-library
 *   then asks that client for headers and fetches nothing): generateContent,
 *   generateContentStream, countTokens, and embedContent on a text-embedding model (`:predict`)
 *   and on a Gemini embedding model (`:embedContent`);
 * - `@anthropic-ai/vertex-sdk` (`AnthropicVertex`, `baseURL` at `<gateway>/vertex/v1`, a fixed
 *   `authClient`): messages.create not streamed and streamed on a regional endpoint, once on the
 *   global endpoint, and countTokens; then streamed through a route whose first target is
 *   overloaded (Claude's 529): the path is rewritten per target, the publisher and location kept.
 *
 * Each trace has the exact tokens and the cost computed here: the list prices written out, times
 * the scope multiplier read from the built-in Vertex price table as data (regional Claude 1.1x,
 * global 1x); streamed and not-streamed calls agree. The bearer token reaches the upstream as
 * sent, is fingerprinted, and is stored nowhere.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { GoogleGenAI } from "@google/genai";
import { AnthropicVertex } from "@anthropic-ai/vertex-sdk";
import type { ModelPrice } from "../../src/config/mod.ts";
import { vertexPrices } from "../../src/pricing/builtin_cloud_prices.ts";
import { tracesAt } from "../support/trace_poll.ts";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import { startVertexStub, type VertexStub } from "../support/vertex_stub.ts";

const accessToken = "ya29.a0AfB_e2eVertexAccessToken0123456789abcdefWXYZ";
const project = "my-proj";
const perM = (tokens: number, usd: number) => (tokens * usd) / 1e6;

/**
 * A google-auth-library `AuthClient` as both SDKs use one: they ask it for the request headers
 * (and the Anthropic SDK for `projectId`). A fixed token, so that no token is fetched.
 */
const authClient = {
  projectId: project,
  getRequestHeaders: () => Promise.resolve(new Headers({ authorization: `Bearer ${accessToken}` })),
} as never;

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    vertex: {
      kind: "vertex",
      upstream: "${upstream}",
      // Not in the built-in list (no primary source for the embedding price): priced by config.
      prices: { "gemini-embedding-001": { input: 0.15, output: 0 } },
    },
  },
  routes: {
    // The first target is always overloaded (the stub's 529): the route fails over.
    "claude-fast": {
      targets: [
        { provider: "vertex", model: "claude-overloaded@20250101" },
        { provider: "vertex", model: "claude-sonnet-4-5@20250929" },
      ],
      retry: { attempts: 1 },
    },
  },
  tracing: { flush_interval_ms: 10, capture_bodies: true },
});
`;

interface Shared {
  dir: string;
  stub: VertexStub;
  server: ServerProcess;
}

let shared: Shared | null = null;

/** The file's one gateway, started by the first test that needs it. */
async function gateway(): Promise<Shared> {
  if (shared !== null) return shared;
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-vertex-" }));
  const stub = startVertexStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  try {
    const server = await startServer([], { cwd: dir, port });
    shared = { dir, stub, server };
    return shared;
  } catch (err) {
    await stub.close();
    throw err;
  }
}

// deno-lint-ignore no-explicit-any
type Trace = any;

function near(got: number | null, want: number, what: string) {
  assert.ok(got !== null && Math.abs(got - want) < 1e-10, `${what}: got ${got}, want ${want}`);
}

function assertKey(t: Trace, where: string) {
  assert.equal(t.api_key_last4, accessToken.slice(-4), where);
  assert.equal(typeof t.api_key_hash, "string", where);
}

/** The built-in Vertex row's `regional` multiplier (a single row: no dated history). */
function regional(model: string): number {
  const row = vertexPrices.models[model];
  assert.ok(row !== undefined && row !== null && !Array.isArray(row), model);
  return (row as ModelPrice).scope_multipliers?.regional ?? 1;
}

Deno.test("e2e vertex: @google/genai in Vertex mode, Gemini usage and cost exact", async () => {
  const { server, stub } = await gateway();
  const ai = new GoogleGenAI({
    vertexai: true,
    project,
    location: "us-central1",
    googleAuthOptions: { authClient },
    httpOptions: { baseUrl: `${server.origin}/vertex` },
  });
  const model = "gemini-2.5-flash";
  const contents = "What is the answer?";

  const whole = await ai.models.generateContent({ model, contents });
  assert.equal(whole.text, 'The answer is "finishReason": 42.');
  let streamed = "";
  for await (const chunk of await ai.models.generateContentStream({ model, contents })) {
    streamed += chunk.text ?? "";
  }
  assert.equal(streamed, whole.text);
  assert.equal((await ai.models.countTokens({ model, contents })).totalTokens, 31);
  const predicted = await ai.models.embedContent({
    model: "text-embedding-005",
    contents: ["first text", "second"],
  });
  assert.equal(predicted.embeddings?.length, 2);
  assert.equal(predicted.embeddings?.[0]?.statistics?.tokenCount, 7);
  const embedded = await ai.models.embedContent({ model: "gemini-embedding-001", contents });
  assert.equal(embedded.embeddings?.length, 1);

  const google = stub.seen.filter((s) => s.path.includes("/publishers/google/"));
  assert.deepEqual(google.map((s) => s.path.split(":").pop()), [
    "generateContent",
    "streamGenerateContent",
    "countTokens",
    "predict",
    "embedContent",
  ]);
  for (const s of google) {
    assert.match(
      s.path,
      /^\/v1beta1\/projects\/my-proj\/locations\/us-central1\/publishers\/google/,
    );
    assert.equal(s.authorization, `Bearer ${accessToken}`);
  }
  assert.match(google[1]!.search, /alt=sse/);

  const traces = await tracesAt(server.origin, "/publishers/google/", 5);
  const [doc, sse, count, predict, embed] = traces;
  // usageMetadata: prompt 1844 + tool-use prompt 1934 in, 901 of them cached; candidates 432 +
  // thoughts 91 out. gemini-2.5-flash: 0.30 in, 0.03 cached, 2.50 out; Gemini has no regional
  // multiplier in the table (1x).
  const input = 1844 + 1934, cached = 901, output = 432 + 91;
  const cost = (perM(input - cached, 0.3) + perM(cached, 0.03) + perM(output, 2.5)) *
    regional(model);
  for (const [t, streaming] of [[doc, false], [sse, true]] as const) {
    const where = `${t.request_path} streaming=${streaming}`;
    assert.equal(t.provider, "vertex", where);
    assert.equal(t.streaming, streaming, where);
    assert.equal(t.response_status, 200, where);
    assert.equal(t.usage_status, "exact", where);
    assert.equal(t.model, model, where);
    assert.equal(t.input_tokens, input, where);
    assert.equal(t.cached_input_tokens, cached, where);
    assert.equal(t.cache_write_tokens, 0, where);
    assert.equal(t.output_tokens, output, where);
    assert.equal(t.reasoning_tokens, 91, where);
    assert.equal(t.total_tokens, 4301, where);
    assert.equal(t.cost_status, "priced", where);
    near(t.estimated_cost_usd, cost, where);
    assertKey(t, where);
  }
  assert.equal(doc.estimated_cost_usd, sse.estimated_cost_usd);
  assert.match(count.request_path, /:countTokens$/);
  assert.equal(count.usage_status, "none");
  assert.equal(count.estimated_cost_usd, null);
  // text-embedding-005: 7 + 5 tokens, billed per character on Vertex: no built-in price.
  assert.equal(predict.usage_status, "exact");
  assert.equal(predict.input_tokens, 12);
  assert.equal(predict.output_tokens, 0);
  assert.equal(predict.cost_status, "unpriced");
  // gemini-embedding-001: promptTokenCount 9 at the config's 0.15.
  assert.equal(embed.usage_status, "exact");
  assert.equal(embed.input_tokens, 9);
  near(embed.estimated_cost_usd, perM(9, 0.15), "embedContent");
});

Deno.test("e2e vertex: @anthropic-ai/vertex-sdk, Claude usage and regional/global cost", async () => {
  const { server, stub } = await gateway();
  const client = (region: string) =>
    new AnthropicVertex({
      region,
      projectId: project,
      authClient,
      baseURL: `${server.origin}/vertex/v1`,
      maxRetries: 0,
    });
  const model = "claude-sonnet-4-5@20250929";
  const messages = [{ role: "user" as const, content: "Summarise the termination clause." }];
  const text = "The termination clause allows either party to exit with 30 days' notice.";

  const regionalClient = client("us-east5");
  const whole = await regionalClient.messages.create({ model, max_tokens: 256, messages });
  assert.deepEqual(whole.content.map((b) => b.type === "text" ? b.text : ""), [text]);
  const stream = regionalClient.messages.stream({ model, max_tokens: 256, messages });
  const final = await stream.finalMessage();
  assert.deepEqual(final.content.map((b) => b.type === "text" ? b.text : ""), [text]);
  assert.equal(final.usage.cache_read_input_tokens, 10240);
  const globalDoc = await client("global").messages.create({ model, max_tokens: 256, messages });
  assert.equal(globalDoc.usage.cache_creation_input_tokens, 2048);
  const counted = await regionalClient.messages.countTokens({ model, messages });
  assert.equal(counted.input_tokens, 2095);

  const claude = stub.seen.filter((s) => s.path.includes("/publishers/anthropic/"));
  assert.deepEqual(claude.map((s) => s.path), [
    `/v1/projects/${project}/locations/us-east5/publishers/anthropic/models/${model}:rawPredict`,
    `/v1/projects/${project}/locations/us-east5/publishers/anthropic/models/${model}:streamRawPredict`,
    `/v1/projects/${project}/locations/global/publishers/anthropic/models/${model}:rawPredict`,
    `/v1/projects/${project}/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict`,
  ]);
  for (const s of claude) {
    assert.equal(s.authorization, `Bearer ${accessToken}`);
    assert.equal(typeof s.body?.anthropic_version, "string");
  }
  // The body as the SDK wrote it: no `model` on the generation paths (the gateway adds none).
  assert.equal("model" in claude[0]!.body!, false);
  assert.equal(claude[1]!.body!.stream, true);

  const [doc, sse, global, count] = await tracesAt(server.origin, "/publishers/anthropic/", 4);
  // claude-sonnet-4-5 list prices: 3 in, 0.30 cache read, 3.75 cache write, 15 out (USD / 1M).
  const base = "claude-sonnet-4-5";
  const regionalCost = (perM(12, 3) + perM(10240, 0.3) + perM(45, 15)) * regional(base);
  assert.ok(regional(base) > 1, "the table's regional multiplier applies to Claude");
  for (const [t, streaming] of [[doc, false], [sse, true]] as const) {
    const where = `${t.request_path} streaming=${streaming}`;
    assert.equal(t.provider, "vertex", where);
    assert.equal(t.streaming, streaming, where);
    assert.equal(t.usage_status, "exact", where);
    assert.equal(t.model, "claude-sonnet-4-5-20250929", where);
    assert.equal(t.input_tokens, 12 + 10240, where);
    assert.equal(t.cached_input_tokens, 10240, where);
    assert.equal(t.cache_write_tokens, 0, where);
    assert.equal(t.output_tokens, 45, where);
    assert.equal(t.total_tokens, 12 + 10240 + 45, where);
    assert.equal(t.cost_status, "priced", where);
    near(t.estimated_cost_usd, regionalCost, where);
    assertKey(t, where);
  }
  assert.equal(doc.estimated_cost_usd, sse.estimated_cost_usd);
  // The global endpoint: 1x, cache write at 3.75.
  assert.equal(global.input_tokens, 12 + 2048);
  assert.equal(global.cache_write_tokens, 2048);
  near(global.estimated_cost_usd, perM(12, 3) + perM(2048, 3.75) + perM(45, 15), "global");
  assert.equal(count.usage_status, "none");
  assert.equal(count.estimated_cost_usd, null);
});

Deno.test("e2e vertex: a route aims Claude on Vertex at its targets' models, path rewritten", async () => {
  const { server, stub } = await gateway();
  const client = new AnthropicVertex({
    region: "us-east5",
    projectId: project,
    authClient,
    baseURL: `${server.origin}/vertex/v1`,
    maxRetries: 0,
  });
  const from = stub.seen.length;
  const stream = client.messages.stream({
    model: "claude-fast",
    max_tokens: 256,
    messages: [{ role: "user", content: "Summarise the termination clause." }],
  });
  const final = await stream.finalMessage();
  assert.equal(final.usage.cache_read_input_tokens, 10240);
  const base = `/v1/projects/${project}/locations/us-east5/publishers/anthropic/models`;
  assert.deepEqual(stub.seen.slice(from).map((s) => s.path), [
    `${base}/claude-overloaded@20250101:streamRawPredict`,
    `${base}/claude-sonnet-4-5@20250929:streamRawPredict`,
  ]);
  const [t] = await tracesAt(server.origin, "/models/claude-fast:", 1);
  const detail = await (await fetch(`${server.origin}/api/traces/${t.id}`)).json();
  assert.equal(detail.route, "claude-fast");
  assert.deepEqual(
    detail.attempts.map((a: { model: string; status: number }) => [a.model, a.status]),
    [["claude-overloaded@20250101", 529], ["claude-sonnet-4-5@20250929", 200]],
  );
  assert.equal(t.usage_status, "exact");
  assert.equal(t.input_tokens, 12 + 10240);
  // Priced by the answering attempt's path: us-east5, regional.
  const cost = (perM(12, 3) + perM(10240, 0.3) + perM(45, 15)) * regional("claude-sonnet-4-5");
  near(t.estimated_cost_usd, cost, "routed");
});

Deno.test("e2e vertex: the access token is stored nowhere; the gateway stops cleanly", async () => {
  const { dir, server, stub } = await gateway();
  try {
    const stopped = await server.stop("SIGTERM");
    assert.equal(stopped.code, 0, stopped.logs);
    assert.equal(stopped.logs.includes(accessToken), false);
    for await (const entry of Deno.readDir(join(dir, "data"))) {
      const bytes = new TextDecoder("latin1").decode(
        await Deno.readFile(join(dir, "data", entry.name)),
      );
      assert.equal(bytes.includes(accessToken.slice(0, -4)), false, `${entry.name} holds it`);
    }
  } finally {
    shared = null;
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});

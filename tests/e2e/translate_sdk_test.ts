/**
 * The translation matrix end to end with the official SDKs (issue 21, "Done when"): one real
 * `serve` (SQLite) over HTTP, four loopback upstreams that speak their wire formats exactly, and
 * every translated cell the SDKs can drive, streamed and not, each one tool loop
 * (translate_sdk_clients.ts):
 *
 * - clients: `openai` Chat Completions and Responses (`/openai/v1`), `@anthropic-ai/sdk` Messages
 *   (`/anthropic`), each naming a route;
 * - targets: an OpenAI-compatible server (translate_chat_stub.ts; reached by the Anthropic client
 *   only, OpenAI clients pass through to it untranslated), Anthropic (translate_anthropic_stub.ts),
 *   Gemini (`:generateContent`, `:streamGenerateContent?alt=sse`; translate_gemini_stub.ts, its
 *   call without an id so the gateway makes one up) and Bedrock Converse (Converse and
 *   ConverseStream as AWS event streams; translate_bedrock_stub.ts behind sigv4_stub.ts, which
 *   verifies the gateway's own `aws` signature by recomputing it as AWS does).
 *
 * Each cell checks what the upstream received (the target's path and model, the pool key or the
 * gateway's signature, nothing of the client's credentials, the call and its result paired by
 * one id on the second turn), what the SDK got (the call once, the final text, usage equal to the
 * upstream's in the client's terms), and one trace per request with the target's provider and
 * model, exact tokens, and the cost at the target's prices.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import { type AwsKey, type SigV4Stub, startSigV4Stub } from "../support/sigv4_stub.ts";
import { type ChatStub, startChatStub } from "../support/translate_chat_stub.ts";
import { type AnthropicStub, startAnthropicStub } from "../support/translate_anthropic_stub.ts";
import { type GeminiStub, startGeminiStub } from "../support/translate_gemini_stub.ts";
import { converseAnswerOf } from "../support/translate_bedrock_stub.ts";
import { type ClientName, type SeenUsage, toolLoop, toolOutput } from "./translate_sdk_clients.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const keys = {
  vllm: "sk-local-vllm-pool-0123456789abcdefghij",
  anthropic: "sk-ant-api03-translate-sdk-pool-0123456789abcdef",
  gemini: "AIzaSyTRANSLATE-e2e-pool-key-000000000",
};
const gatewayAws: AwsKey = {
  accessKeyId: "AKIATRANSLATEE2E0001",
  secretAccessKey: "translateE2eGatewaySecret/0123456789abcdefEXAMPLE",
  sessionToken: null,
};
const args = { city: "Paris", unit: "celsius" };
const answer = ["It is 18", " °C in Paris", " today."];
const usd = (x: number) => Math.round(x * 1e10);

/** Usage as the trace counts it: every prompt token in `input`, reasoning inside `output`. */
interface Canon {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

type Protocol = "openai.chat" | "anthropic.messages" | "gemini.generate" | "bedrock.converse";

interface Target {
  route: string;
  provider: string;
  model: string;
  protocol: Protocol;
  /** The id the upstream gives its call (null: none, the gateway makes one). */
  callId: string | null;
  usage: [Canon, Canon];
  /** USD per token count, at the target's published prices. */
  cost(u: Canon): number;
}

const chatUsage = [
  { prompt: 512, completion: 30, cached: 0 },
  { prompt: 560, completion: 11, cached: 512 },
];
const anthropicUsage = [
  { input: 420, cacheRead: 0, cacheWrite: 1024, output: 52 },
  { input: 35, cacheRead: 1024, cacheWrite: 0, output: 14 },
];
const geminiUsage = [
  { prompt: 312, cached: 0, candidates: 21, thoughts: 40 },
  { prompt: 377, cached: 256, candidates: 11, thoughts: 0 },
];
const converseUsage = [
  { input: 380, cacheRead: 0, cacheWrite: 900, output: 47 },
  { input: 29, cacheRead: 900, cacheWrite: 0, output: 13 },
];
const fromAnthropic = (u: typeof anthropicUsage[number]): Canon => ({
  input: u.input + u.cacheRead + u.cacheWrite,
  cached: u.cacheRead,
  cacheWrite: u.cacheWrite,
  output: u.output,
  reasoning: 0,
});
const pair = <T>(xs: T[], f: (x: T) => Canon): [Canon, Canon] => [f(xs[0]!), f(xs[1]!)];

/** The config's price of the local model (USD per 1M tokens). */
const localPrice = { input: 0.5, cached_input: 0.05, output: 2 };
const perMillion = (u: Canon, p: { input: number; cached: number; write: number; out: number }) =>
  ((u.input - u.cached - u.cacheWrite) * p.input + u.cached * p.cached + u.cacheWrite * p.write +
    u.output * p.out) / 1e6;

const targets: Target[] = [
  {
    route: "local",
    provider: "vllm",
    model: "qwen3-coder-30b",
    protocol: "openai.chat",
    callId: "call_weather_0001",
    usage: pair(chatUsage, (u) => ({
      input: u.prompt,
      cached: u.cached,
      cacheWrite: 0,
      output: u.completion,
      reasoning: 0,
    })),
    cost: (u) => perMillion(u, { input: 0.5, cached: 0.05, write: 0.5, out: localPrice.output }),
  },
  {
    route: "haiku",
    provider: "anthropic",
    model: "claude-haiku-4-5",
    protocol: "anthropic.messages",
    callId: "toolu_01WeatherCall0001",
    usage: pair(anthropicUsage, fromAnthropic),
    // Anthropic's list prices: input 1, cache read 0.10, 5-minute write 1.25, output 5.
    cost: (u) => perMillion(u, { input: 1, cached: 0.1, write: 1.25, out: 5 }),
  },
  {
    route: "flash",
    provider: "gemini",
    model: "gemini-2.5-flash",
    protocol: "gemini.generate",
    callId: null,
    // Gemini's prompt count includes its cached part; thinking tokens are output.
    usage: pair(geminiUsage, (u) => ({
      input: u.prompt,
      cached: u.cached,
      cacheWrite: 0,
      output: u.candidates + u.thoughts,
      reasoning: u.thoughts,
    })),
    // Gemini API list prices: input 0.30, cached 0.03, output 2.50.
    cost: (u) => perMillion(u, { input: 0.3, cached: 0.03, write: 0.3, out: 2.5 }),
  },
  {
    route: "sonnet",
    provider: "bedrock",
    model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    protocol: "bedrock.converse",
    callId: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
    usage: pair(converseUsage, fromAnthropic),
    // Claude Sonnet 4.5's list prices, plus AWS's 10% on a geographic (`us.`) profile.
    cost: (u) => 1.1 * perMillion(u, { input: 3, cached: 0.3, write: 3.75, out: 15 }),
  },
];

interface Stubs {
  chat: ChatStub;
  anthropic: AnthropicStub;
  gemini: GeminiStub;
  bedrock: SigV4Stub;
}

async function startStubs(): Promise<Stubs> {
  const json = JSON.stringify(args);
  const chat = await startChatStub({
    turns: [
      {
        calls: [{ id: targets[0]!.callId!, name: "get_weather", arguments: json, pieces: 3 }],
        usage: chatUsage[0]!,
      },
      { text: answer, usage: chatUsage[1]! },
    ],
  });
  const anthropic = await startAnthropicStub({
    call: { id: targets[1]!.callId!, name: "get_weather", input: json, pieces: 3 },
    answer,
    usage: { tool: anthropicUsage[0]!, final: anthropicUsage[1]! },
  });
  const gemini = await startGeminiStub({
    key: keys.gemini,
    call: { id: null, name: "get_weather", args },
    answer,
    usage: { tool: geminiUsage[0]!, final: geminiUsage[1]! },
  });
  const converse = {
    call: { id: targets[3]!.callId!, name: "get_weather", input: json, pieces: 3 },
    answer,
    usage: { tool: converseUsage[0]!, final: converseUsage[1]! },
  };
  const bedrock = startSigV4Stub({
    keys: [gatewayAws],
    region: "us-east-1",
    answer: (req) => converseAnswerOf(converse, req),
  });
  return { chat, anthropic, gemini, bedrock };
}

function configText(port: number, s: Stubs): string {
  const routes = targets.map((t) =>
    `    ${t.route}: { targets: [{ provider: "${t.provider}", model: "${t.model}" }] },`
  ).join("\n");
  return `import { defineConfig, env } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { path: "./data/gateway.db" },
  tracing: { flush_interval_ms: 10 },
  providers: {
    openai: { upstream: "${s.chat.url}" },
    anthropic: { upstream: "${s.anthropic.url}", keys: [{ id: "a1", key: env("ANTHROPIC_POOL_KEY") }] },
    vllm: {
      kind: "openai-compatible",
      upstream: "${s.chat.url}",
      keys: [{ id: "v1", key: env("VLLM_POOL_KEY") }],
      prices: { "qwen3-coder-30b": ${JSON.stringify(localPrice)} },
    },
    gemini: { kind: "gemini", upstream: "${s.gemini.url}", keys: [{ id: "g1", key: env("GEMINI_POOL_KEY") }] },
    bedrock: {
      kind: "bedrock",
      upstream: "${s.bedrock.url}",
      aws: {
        region: "us-east-1",
        access_key_id: env("GW_AWS_ACCESS_KEY_ID"),
        secret_access_key: env("GW_AWS_SECRET_ACCESS_KEY"),
      },
    },
  },
  routes: {
${routes}
  },
});
`;
}

interface Gateway {
  origin: string;
  stubs: Stubs;
  seenTraces: Set<string>;
  close(): Promise<void>;
}

async function startGateway(): Promise<Gateway> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-translate-sdk-" }));
  const stubs = await startStubs();
  const closeStubs = () =>
    Promise.all([stubs.chat, stubs.anthropic, stubs.gemini, stubs.bedrock].map((s) => s.close()));
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), configText(port, stubs));
  let server: ServerProcess;
  try {
    server = await startServer([], {
      cwd: dir,
      port,
      env: {
        ANTHROPIC_POOL_KEY: keys.anthropic,
        VLLM_POOL_KEY: keys.vllm,
        GEMINI_POOL_KEY: keys.gemini,
        GW_AWS_ACCESS_KEY_ID: gatewayAws.accessKeyId,
        GW_AWS_SECRET_ACCESS_KEY: gatewayAws.secretAccessKey,
      },
    });
  } catch (err) {
    await closeStubs();
    await Deno.remove(dir, { recursive: true });
    throw err;
  }
  return {
    origin: server.origin,
    stubs,
    seenTraces: new Set(),
    async close() {
      await server.kill();
      await closeStubs();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** An upstream request as the checks read it, whatever its stub. */
interface Upstream {
  target: string;
  headers: Headers;
  body: Json;
  /** The target's own credential: the pool key in its header, or a verified signature. */
  credentialOk: boolean;
}

function upstreamRequests(s: Stubs, t: Target): Upstream[] {
  const keyed = (seen: ChatStub["seen"], ok: (h: Headers) => boolean) =>
    seen.map((q) => ({
      target: `${q.path}${q.search}`,
      headers: q.headers,
      body: q.body,
      credentialOk: ok(q.headers),
    }));
  switch (t.protocol) {
    case "openai.chat":
      return keyed(s.chat.seen, (h) => h.get("authorization") === `Bearer ${keys.vllm}`);
    case "anthropic.messages":
      return keyed(s.anthropic.seen, (h) => h.get("x-api-key") === keys.anthropic);
    case "gemini.generate":
      return keyed(s.gemini.seen, (h) => h.get("x-goog-api-key") === keys.gemini);
    case "bedrock.converse":
      return s.bedrock.seen.map((q) => ({
        target: `${q.path}${q.search}`,
        headers: q.headers,
        body: JSON.parse(new TextDecoder().decode(q.body)),
        credentialOk: q.verdict.ok && q.verdict.accessKeyId === gatewayAws.accessKeyId,
      }));
  }
}

function expectedTarget(t: Target, streaming: boolean): string {
  switch (t.protocol) {
    case "openai.chat":
      return "/v1/chat/completions";
    case "anthropic.messages":
      return "/v1/messages";
    case "gemini.generate":
      return streaming
        ? `/v1beta/models/${t.model}:streamGenerateContent?alt=sse`
        : `/v1beta/models/${t.model}:generateContent`;
    case "bedrock.converse":
      return `/model/${encodeURIComponent(t.model)}/${streaming ? "converse-stream" : "converse"}`;
  }
}

/** The second turn's call and result as the upstream got them: [call id, result id, result]. */
function pairing(t: Target, body: Json): [unknown, unknown, string] {
  const all = (xs: Json[], key: string) => xs.flatMap((x) => (x[key] ?? []) as Json[]);
  switch (t.protocol) {
    case "openai.chat": {
      const call = all(body.messages, "tool_calls")[0];
      const result = (body.messages as Json[]).find((m) => m.role === "tool");
      return [call?.id, result?.tool_call_id, JSON.stringify(result?.content)];
    }
    case "anthropic.messages": {
      const blocks = all(body.messages, "content");
      const result = blocks.find((b) => b.type === "tool_result");
      return [
        blocks.find((b) => b.type === "tool_use")?.id,
        result?.tool_use_id,
        JSON.stringify(result?.content),
      ];
    }
    case "gemini.generate": {
      const parts = all(body.contents, "parts");
      const result = parts.find((p) => p.functionResponse)?.functionResponse;
      return [
        parts.find((p) => p.functionCall)?.functionCall.id,
        result?.id,
        JSON.stringify(result),
      ];
    }
    case "bedrock.converse": {
      const blocks = all(body.messages, "content");
      const result = blocks.find((b) => b.toolResult)?.toolResult;
      return [
        blocks.find((b) => b.toolUse)?.toolUse.toolUseId,
        result?.toolUseId,
        JSON.stringify(result?.content),
      ];
    }
  }
}

/** What the client read of `u`, field by field where its protocol has the field. */
function clientUsage(seen: SeenUsage, u: Canon): void {
  assert.equal(seen.input, u.input, "input");
  assert.equal(seen.output, u.output, "output");
  if (seen.cached !== null) assert.equal(seen.cached, u.cached, "cached");
  if (seen.cacheWrite !== null) assert.equal(seen.cacheWrite, u.cacheWrite, "cache write");
  if (seen.reasoning !== null) assert.equal(seen.reasoning, u.reasoning, "reasoning");
}

const clientPaths: Record<ClientName, string> = {
  "openai.chat": "/openai/v1/chat/completions",
  "openai.responses": "/openai/v1/responses",
  "anthropic.messages": "/anthropic/v1/messages",
};

async function newTraces(gw: Gateway, n: number): Promise<Json[]> {
  const fresh = await poll(`${n} new trace(s)`, async () => {
    const page = await (await fetch(`${gw.origin}/api/traces?limit=200`)).json() as Json;
    const items = (page.items as Json[]).filter((t) => !gw.seenTraces.has(t.id));
    return items.length >= n ? items : undefined;
  });
  assert.equal(fresh.length, n, "one trace per request");
  for (const t of fresh) gw.seenTraces.add(t.id);
  return fresh.reverse();
}

async function cell(gw: Gateway, client: ClientName, t: Target, streaming: boolean) {
  const before = upstreamRequests(gw.stubs, t).length;
  const got = await toolLoop(client, gw.origin, t.route, streaming);
  assert.deepStrictEqual([got.call.name, got.call.args], ["get_weather", args]);
  if (t.callId !== null) assert.equal(got.call.id, t.callId);
  assert.equal(got.text, answer.join(""));
  got.usage.forEach((u, i) => clientUsage(u, t.usage[i]!));

  const sent = upstreamRequests(gw.stubs, t).slice(before);
  assert.deepStrictEqual(sent.map((q) => q.target), Array(2).fill(expectedTarget(t, streaming)));
  for (const q of sent) {
    assert.ok(q.credentialOk, `the target's own credential: ${q.target}`);
    assert.doesNotMatch(JSON.stringify([...q.headers]), /never-forwarded/);
    if (t.protocol !== "gemini.generate" && t.protocol !== "bedrock.converse") {
      assert.equal(q.body.model, t.model);
    }
  }
  const [callId, resultId, result] = pairing(t, sent[1]!.body);
  assert.deepStrictEqual([callId, resultId], [got.call.id, got.call.id]);
  assert.ok(result.includes(toolOutput), result);

  const traces = await newTraces(gw, 2);
  traces.forEach((trace, i) => {
    const u = t.usage[i]!;
    assert.deepStrictEqual(
      [trace.provider, trace.model, trace.request_path, trace.response_status, trace.streaming],
      [t.provider, t.model, clientPaths[client], 200, streaming],
    );
    assert.equal(trace.usage_status, "exact");
    assert.deepStrictEqual(
      ["input", "cached_input", "cache_write", "output", "reasoning"].map((n) =>
        trace[`${n}_tokens`]
      ),
      [u.input, u.cached, u.cacheWrite, u.output, u.reasoning],
    );
    assert.equal(trace.cost_status, "priced");
    assert.equal(usd(trace.estimated_cost_usd), usd(t.cost(u)));
  });
}

/** The translated cells: a client on a target of another wire format. */
const cells: [ClientName, Target][] = [];
for (const client of ["openai.chat", "openai.responses", "anthropic.messages"] as const) {
  for (const t of targets) {
    const openaiClient = client !== "anthropic.messages";
    if (openaiClient ? t.protocol === "openai.chat" : t.protocol === "anthropic.messages") continue;
    cells.push([client, t]);
  }
}

Deno.test("e2e translate: the official SDKs on every translated cell (Chat, Responses, Messages on OpenAI-compatible, Anthropic, Gemini, Bedrock Converse targets), a tool loop each, streamed and not", async (t) => {
  const gw = await startGateway();
  try {
    for (const [client, target] of cells) {
      for (const streaming of [false, true]) {
        await t.step(
          `${client} -> ${target.protocol} (${target.provider}/${target.model}), ${
            streaming ? "streamed" : "not streamed"
          }`,
          () => cell(gw, client, target, streaming),
        );
      }
    }
  } finally {
    await gw.close();
  }
});

/**
 * The targets of the SDK matrix (translate_sdk_test.ts): four loopback upstreams speaking their
 * wire formats exactly, the routes to them, the usage each answers with (two turns of a tool
 * loop) as the trace counts it, their published prices, and how each stub's requests read (the
 * path, the target's own credential, the second turn's call and result ids).
 */
import { join } from "node:path";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import { type AwsKey, type SigV4Stub, startSigV4Stub } from "../support/sigv4_stub.ts";
import {
  chatBusyMessage,
  chatBusyModel,
  type ChatStub,
  startChatStub,
} from "../support/translate_chat_stub.ts";
import {
  anthropicBusyMessage,
  anthropicBusyModel,
  type AnthropicStub,
  startAnthropicStub,
} from "../support/translate_anthropic_stub.ts";
import {
  geminiBusyMessage,
  geminiBusyModel,
  geminiLimitedModel,
  type GeminiStub,
  startGeminiStub,
} from "../support/translate_gemini_stub.ts";
import {
  bedrockBusyMessage,
  bedrockBusyModel,
  converseAnswerOf,
} from "../support/translate_bedrock_stub.ts";

// deno-lint-ignore no-explicit-any
export type Json = Record<string, any>;

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
export const args = { city: "Paris", unit: "celsius" };
export const answer = ["It is 18", " °C in Paris", " today."];

/** Usage as the trace counts it: every prompt token in `input`, reasoning inside `output`. */
export interface Canon {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export type Protocol =
  | "openai.chat"
  | "anthropic.messages"
  | "gemini.generate"
  | "bedrock.converse";

export interface Target {
  route: string;
  provider: string;
  model: string;
  protocol: Protocol;
  /** The id the upstream gives its call (null: none, the gateway makes one). */
  callId: string | null;
  usage: [Canon, Canon];
  /** USD per token count, at the target's published prices. */
  cost(u: Canon): number;
  /** A route to a model the stub refuses (retried by no one), and what the refusal is. */
  busy: Busy;
}

export interface Busy {
  route: string;
  model: string;
  /** The upstream's own status and (a part of) its message, which the client must see. */
  status: number;
  message: string;
  /** `retry-after` seconds the upstream named (header or Gemini `RetryInfo`); null: none. */
  retryAfter: number | null;
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

export const targets: Target[] = [
  {
    route: "local",
    provider: "vllm",
    model: "qwen3-coder-30b",
    protocol: "openai.chat",
    callId: "call_weather_0001",
    busy: {
      route: "local-busy",
      model: chatBusyModel,
      status: 503,
      message: chatBusyMessage,
      retryAfter: null,
    },
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
    busy: {
      route: "haiku-busy",
      model: anthropicBusyModel,
      status: 529,
      message: anthropicBusyMessage,
      retryAfter: null,
    },
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
    busy: {
      route: "flash-busy",
      model: geminiBusyModel,
      status: 503,
      message: geminiBusyMessage,
      retryAfter: null,
    },
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
    busy: {
      route: "sonnet-busy",
      model: bedrockBusyModel,
      status: 503,
      message: bedrockBusyMessage,
      retryAfter: null,
    },
    usage: pair(converseUsage, fromAnthropic),
    // Claude Sonnet 4.5's list prices, plus AWS's 10% on a geographic (`us.`) profile.
    cost: (u) => 1.1 * perMillion(u, { input: 3, cached: 0.3, write: 3.75, out: 15 }),
  },
];

export interface Stubs {
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
  const routes = targets.flatMap((t) => [
    `    ${t.route}: { targets: [{ provider: "${t.provider}", model: "${t.model}" }] },`,
    `    "${t.busy.route}": {`,
    `      targets: [{ provider: "${t.provider}", model: "${t.busy.model}" }],`,
    `      retry: { attempts: 1 },`,
    `      circuit_breaker: false,`,
    `    },`,
  ]).join("\n");
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
    // Its own pool for the 429 case, whose cooldown must not reach the other routes.
    "gemini-limited": { kind: "gemini", upstream: "${s.gemini.url}", keys: [{ id: "g2", key: env("GEMINI_POOL_KEY") }] },
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
    "flash-limited": {
      targets: [{ provider: "gemini-limited", model: "${geminiLimitedModel}" }],
      retry: { attempts: 1 },
    },
  },
});
`;
}

export interface Gateway {
  origin: string;
  stubs: Stubs;
  seenTraces: Set<string>;
  close(): Promise<void>;
}

export async function startGateway(): Promise<Gateway> {
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

export function upstreamRequests(s: Stubs, t: Target): Upstream[] {
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

export function expectedTarget(t: Target, streaming: boolean): string {
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
export function pairing(t: Target, body: Json): [unknown, unknown, string] {
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

/**
 * The gateway of the SDK matrix (translate_sdk_test.ts): the four loopback upstreams scripted
 * from translate_sdk_targets.ts, one real `serve` (SQLite) with a route per target (and per
 * target's refused model), the pool keys and the gateway's own AWS credentials, and each stub's
 * requests read alike (path, body, whether the target's own credential came with it).
 */
import { join } from "node:path";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import { type AwsKey, type SigV4Stub, startSigV4Stub } from "../support/sigv4_stub.ts";
import { type ChatStub, startChatStub } from "../support/translate_chat_stub.ts";
import { type AnthropicStub, startAnthropicStub } from "../support/translate_anthropic_stub.ts";
import {
  geminiLimitedModel,
  type GeminiStub,
  startGeminiStub,
} from "../support/translate_gemini_stub.ts";
import { converseAnswers } from "../support/translate_bedrock_stub.ts";
import {
  answer,
  anthropicUsage,
  args,
  chatUsage,
  converseUsage,
  geminiUsage,
  type Json,
  localPrice,
  type Target,
  targets,
} from "./translate_sdk_targets.ts";

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
    thinking: "Paris weather: call the tool.",
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
    thinking: "Paris weather: call the tool.",
    call: { id: targets[3]!.callId!, name: "get_weather", input: json, pieces: 3 },
    answer,
    usage: { tool: converseUsage[0]!, final: converseUsage[1]! },
  };
  const bedrock = startSigV4Stub({
    keys: [gatewayAws],
    region: "us-east-1",
    answer: converseAnswers(converse),
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

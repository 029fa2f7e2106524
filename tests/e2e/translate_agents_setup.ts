/**
 * The setting of translate_agents_test.ts: the scripts of its loopback upstreams (an
 * OpenAI-compatible server, Anthropic, Gemini, a SigV4-verifying Bedrock runtime, and an OpenAI
 * Responses WebSocket upstream), their token figures and the targets' prices, and one real `serve`
 * (SQLite) with the routes to them, the pool keys and the gateway's own AWS key.
 */
import { join } from "node:path";
import assert from "node:assert/strict";
import { type AgentSandbox, agentSandbox, runWrap } from "../support/agents.ts";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import {
  type ChatScript,
  type ChatStub,
  type ChatToolCall,
  startChatStub,
} from "../support/translate_chat_stub.ts";
import {
  type AnthropicScript,
  type AnthropicStub,
  startAnthropicStub,
} from "../support/translate_anthropic_stub.ts";
import { type ResponsesWsStub, startResponsesWsStub } from "../support/responses_ws_stub.ts";
import {
  type GeminiScript,
  type GeminiStub,
  startGeminiStub,
} from "../support/translate_gemini_stub.ts";
import { type AwsKey, type SigV4Stub, startSigV4Stub } from "../support/sigv4_stub.ts";
import { converseAnswers, type ConverseScript } from "../support/translate_bedrock_stub.ts";
import { getJson, type Json, jsonLines, ran } from "./agents_support.ts";

export const chatPoolKey = "sk-local-vllm-pool-0123456789abcdefghij";
export const anthropicPoolKey = "sk-ant-api03-translate-agents-pool-0123456789abcdef";
export const geminiPoolKey = "AIzaSyTRANSLATE-agents-pool-key-0000000";
export const geminiModel = "gemini-3-flash-preview";
/** Gemini API list prices of 3 Flash (preview): input 0.50, cached 0.05, output (thinking too) 3. */
export const flashPrice = { input: 0.5, cached: 0.05, output: 3 };
/** The gateway's own AWS key for its Bedrock provider (the stub verifies its signatures). */
export const gatewayAws: AwsKey = {
  accessKeyId: "AKIATRANSLATEAGENTS01",
  secretAccessKey: "translateAgentsGatewaySecret/0123456789abcdEXAMPLE",
  sessionToken: null,
};
export const bedrockModel = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
/** Claude Sonnet 4.5's list prices, plus AWS's 10% on a geographic (`us.`) profile. */
export const sonnetPrice = { input: 3, cacheRead: 0.3, cacheWrite: 3.75, output: 15, geo: 1.1 };
export const clientAnthropicKey = "sk-ant-api03-claude-code-own-key-0123456789abcdef";
export const clientOpenaiKey = "sk-proj-codex-own-key-0123456789abcdefghijklmnop";
/** The target models and the prices the config gives them (USD per 1M tokens). */
export const localModel = "qwen3-coder-30b";
export const localPrice = { input: 0.5, cached_input: 0.05, output: 2 };
export const claudeTarget = "claude-haiku-4-5";
/** Anthropic's list prices of Claude Haiku 4.5: input 1, cache read 0.10, 5-minute write 1.25, out 5. */
export const haikuPrice = { input: 1, cacheRead: 0.1, cacheWrite: 1.25, output: 5 };
export const usd = (x: number) => Math.round(x * 1e10);

/** The files Claude Code reads: one call, then two in parallel. */
export const files = {
  "note.txt": "The launch code is TANGERINE-42.",
  "alpha.txt": "Alpha says: bring snacks.",
  "beta.txt": "Beta says: bring maps.",
};
export const answer = ["Code TANGERINE", "-42; bring snacks", " and maps."];

function read(id: string, cwd: string, file: keyof typeof files): ChatToolCall {
  return { id, name: "Read", arguments: JSON.stringify({ file_path: join(cwd, file) }), pieces: 4 };
}

/** Three turns: Read note.txt; Read alpha.txt and beta.txt in parallel; the answer. */
export function chatTurns(cwd: string) {
  return [
    {
      calls: [read("call_read_0001", cwd, "note.txt")],
      usage: { prompt: 1834, completion: 41, cached: 1024 },
    },
    {
      calls: [read("call_read_0002", cwd, "alpha.txt"), read("call_read_0003", cwd, "beta.txt")],
      usage: { prompt: 1921, completion: 77, cached: 1792 },
    },
    { text: answer, usage: { prompt: 2050, completion: 12, cached: 1920 } },
  ] as const;
}

function chatScript(cwd: string): ChatScript {
  return { turns: chatTurns(cwd) };
}

export const shellCallId = "toolu_01ShellEchoCall0001";
export const anthropicScript: AnthropicScript = {
  thinking: "The user wants the tool run first; echo is harmless.",
  call: {
    id: shellCallId,
    name: "exec_command",
    input: JSON.stringify({ cmd: "echo hi-from-tool" }),
    pieces: 3,
  },
  answer: ["The tool", " said hi", "."],
  usage: {
    tool: { input: 2210, cacheRead: 0, cacheWrite: 1800, output: 55 },
    final: { input: 96, cacheRead: 4010, cacheWrite: 0, output: 9 },
  },
};

/** The pool keys' variables; wrap reads the same config, so its runs get them too. */
export const poolEnv = {
  ANTHROPIC_POOL_KEY: anthropicPoolKey,
  VLLM_POOL_KEY: chatPoolKey,
  GEMINI_POOL_KEY: geminiPoolKey,
  GW_AWS_ACCESS_KEY_ID: gatewayAws.accessKeyId,
  GW_AWS_SECRET_ACCESS_KEY: gatewayAws.secretAccessKey,
};

/** The Bedrock (Converse) target's script: Claude Code's `Read` of note.txt, then the answer. */
export function converseScript(cwd: string): ConverseScript {
  return {
    thinking: "The user wants note.txt read first.",
    call: {
      id: "tooluse_ReadNote0001",
      name: "Read",
      input: JSON.stringify({ file_path: join(cwd, "note.txt") }),
      pieces: 3,
    },
    answer: ["Bedrock read", " it: TANGERINE", "-42."],
    usage: {
      tool: { input: 3100, cacheRead: 0, cacheWrite: 2048, output: 88 },
      final: { input: 140, cacheRead: 2048, cacheWrite: 0, output: 15 },
    },
  };
}

/**
 * The Gemini target's script, for both agents: a call of Claude Code's `Read` or of Codex's
 * `exec_command` (whichever the request declares), without an id as the Gemini API sends it.
 */
export function geminiScript(cwd: string): GeminiScript {
  return {
    key: geminiPoolKey,
    call: (body) => {
      const declared = JSON.stringify(body.tools ?? []);
      return declared.includes('"exec_command"')
        ? { id: null, name: "exec_command", args: { cmd: "echo hi-from-tool" } }
        : { id: null, name: "Read", args: { file_path: join(cwd, "note.txt") } };
    },
    answer: ["Gemini read", " it: TANGERINE", "-42."],
    usage: {
      tool: { prompt: 2600, cached: 0, candidates: 25, thoughts: 60 },
      final: { prompt: 2700, cached: 2048, candidates: 9, thoughts: 0 },
    },
  };
}

export interface Gateway {
  sandbox: AgentSandbox;
  config: string;
  origin: string;
  chat: ChatStub;
  anthropic: AnthropicStub;
  ws: ResponsesWsStub;
  gemini: GeminiStub;
  bedrock: SigV4Stub;
  server: ServerProcess;
  close(): Promise<void>;
}

export async function startGateway(): Promise<Gateway> {
  const sandbox = await agentSandbox();
  const chat = await startChatStub(chatScript(sandbox.cwd));
  const anthropic = await startAnthropicStub(anthropicScript);
  const ws = await startResponsesWsStub();
  const gemini = await startGeminiStub(geminiScript(sandbox.cwd));
  const bedrock = startSigV4Stub({
    keys: [gatewayAws],
    region: "us-east-1",
    answer: converseAnswers(converseScript(sandbox.cwd)),
  });
  const stubs = [chat, anthropic, ws, gemini, bedrock];
  const port = freePort();
  const config = join(sandbox.files, "gateway.config.ts");
  await Deno.writeTextFile(
    config,
    `import { defineConfig, env } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { path: "./data/gateway.db" },
  tracing: { flush_interval_ms: 10 },
  providers: {
    // Speaks the Responses API's WebSocket mode, as OpenAI does (for the ignored step below).
    openai: { upstream: "${ws.url}" },
    anthropic: {
      upstream: "${anthropic.url}",
      keys: [{ id: "ant-pool", key: env("ANTHROPIC_POOL_KEY") }],
    },
    vllm: {
      kind: "openai-compatible",
      upstream: "${chat.url}",
      keys: [{ id: "vllm-pool", key: env("VLLM_POOL_KEY") }],
      prices: { "${localModel}": ${JSON.stringify(localPrice)} },
    },
    gemini: {
      kind: "gemini",
      upstream: "${gemini.url}",
      keys: [{ id: "gemini-pool", key: env("GEMINI_POOL_KEY") }],
    },
    bedrock: {
      kind: "bedrock",
      upstream: "${bedrock.url}",
      aws: {
        region: "us-east-1",
        access_key_id: env("GW_AWS_ACCESS_KEY_ID"),
        secret_access_key: env("GW_AWS_SECRET_ACCESS_KEY"),
      },
    },
  },
  routes: {
    "local-coder": { targets: [{ provider: "vllm", model: "${localModel}" }] },
    "claude-coder": { targets: [{ provider: "anthropic", model: "${claudeTarget}" }] },
    "gemini-coder": { targets: [{ provider: "gemini", model: "${geminiModel}" }] },
    "bedrock-coder": { targets: [{ provider: "bedrock", model: "${bedrockModel}" }] },
  },
});
`,
  );
  const server = await startServer(["--config", config], {
    cwd: sandbox.files,
    port,
    env: poolEnv,
  }).catch(async (err) => {
    await Promise.all(stubs.map((stub) => stub.close()));
    await sandbox.remove();
    throw err;
  });
  return {
    sandbox,
    config,
    origin: server.origin,
    chat,
    anthropic,
    ws,
    gemini,
    bedrock,
    server,
    async close() {
      await server.kill();
      await Promise.all(stubs.map((stub) => stub.close()));
      await sandbox.remove();
    },
  };
}

/** The POST traces whose path is `path`, once `n` of them are written, oldest first. */
export async function tracesAt(origin: string, path: string, n: number): Promise<Json[]> {
  return await poll(`${n} trace(s) of ${path}`, async () => {
    const page = await getJson(origin, "/api/traces?limit=200");
    const found = (page.items as Json[]).filter((t) =>
      t.request_path === path && t.request_method === "POST"
    );
    return found.length >= n ? found.reverse() : undefined;
  });
}

/**
 * Only function tools. With its defaults Codex 0.171.0 also sends a `namespace` tool
 * (`multi_agent_v1`, its sub-agent functions) and the hosted `web_search`, which the Responses
 * decoder refuses (400 `translation_unsupported`, `tools[4].type`): see the ignored step in
 * translate_agents_test.ts and research/issue21_plan.md, "T11".
 */
export const onlyFunctionTools = ["-c", "features.multi_agent=false", "-c", "web_search=disabled"];

/**
 * `codex exec --json -m <model>` under wrap. `tools`: Codex's flags choosing its tools (its
 * defaults when empty); `websockets`: leave wrap's `supports_websockets=true` (else HTTP SSE
 * only: the WebSocket mode is not translated yet, part T9). One attempt, no retries.
 */
export async function runCodex(
  gw: Gateway,
  path: string,
  model: string,
  tools: string[],
  websockets = false,
): Promise<{ events: Json[]; stdout: string }> {
  const r = await runWrap(gw.sandbox, ["--config", gw.config], [
    path,
    "exec",
    ...(websockets ? [] : ["-c", "model_providers.ongoingai.supports_websockets=false"]),
    "-c",
    "model_providers.ongoingai.stream_max_retries=0",
    ...tools,
    "--json",
    "--skip-git-repo-check",
    "-m",
    model,
    "use the tool, then say hi",
  ], { env: { ...poolEnv, OPENAI_API_KEY: clientOpenaiKey } });
  ran(r);
  return { events: jsonLines(r.stdout), stdout: r.stdout };
}

/** `claude -p --output-format json --model <model>` under wrap; its JSON result. */
export async function runClaude(gw: Gateway, path: string, model: string, prompt: string) {
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(gw.sandbox.cwd, name), `${text}\n`);
  }
  const r = await runWrap(gw.sandbox, ["--config", gw.config], [
    path,
    "-p",
    "--output-format",
    "json",
    "--model",
    model,
    prompt,
  ], {
    env: { ...poolEnv, ANTHROPIC_API_KEY: clientAnthropicKey, CLAUDE_CODE_MAX_RETRIES: "0" },
  });
  ran(r);
  const out = JSON.parse(r.stdout) as Json;
  assert.equal(out.is_error, false, r.stdout);
  return out;
}

/** The POST traces at `path` written after the first `before`, once `n` more are there. */
export async function tracesAfter(
  gw: Gateway,
  path: string,
  before: number,
  n: number,
): Promise<Json[]> {
  const all = await tracesAt(gw.origin, path, before + n);
  assert.equal(all.length, before + n, "one trace per request");
  return all.slice(before);
}

/** How many POST traces at `path` there are now (earlier steps waited for theirs). */
export async function tracesSoFar(gw: Gateway, path: string): Promise<number> {
  const page = await getJson(gw.origin, "/api/traces?limit=200");
  return (page.items as Json[]).filter((t) =>
    t.request_path === path && t.request_method === "POST"
  )
    .length;
}

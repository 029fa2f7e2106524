/**
 * The setting of translate_agents_test.ts: the scripts of its two loopback upstreams (an
 * OpenAI-compatible server for Claude Code, an Anthropic one for Codex), their token figures and
 * the targets' prices, and one real `serve` (SQLite) with the routes to them and the pool keys.
 */
import { join } from "node:path";
import { type AgentSandbox, agentSandbox } from "../support/agents.ts";
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
import { getJson, type Json } from "./agents_support.ts";

export const chatPoolKey = "sk-local-vllm-pool-0123456789abcdefghij";
export const anthropicPoolKey = "sk-ant-api03-translate-agents-pool-0123456789abcdef";
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
export const poolEnv = { ANTHROPIC_POOL_KEY: anthropicPoolKey, VLLM_POOL_KEY: chatPoolKey };

export interface Gateway {
  sandbox: AgentSandbox;
  config: string;
  origin: string;
  chat: ChatStub;
  anthropic: AnthropicStub;
  ws: ResponsesWsStub;
  server: ServerProcess;
  close(): Promise<void>;
}

export async function startGateway(): Promise<Gateway> {
  const sandbox = await agentSandbox();
  const chat = await startChatStub(chatScript(sandbox.cwd));
  const anthropic = await startAnthropicStub(anthropicScript);
  const ws = await startResponsesWsStub();
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
  },
  routes: {
    "local-coder": { targets: [{ provider: "vllm", model: "${localModel}" }] },
    "claude-coder": { targets: [{ provider: "anthropic", model: "${claudeTarget}" }] },
  },
});
`,
  );
  const server = await startServer(["--config", config], {
    cwd: sandbox.files,
    port,
    env: poolEnv,
  }).catch(async (err) => {
    await chat.close();
    await anthropic.close();
    await ws.close();
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
    server,
    async close() {
      await server.kill();
      await chat.close();
      await anthropic.close();
      await ws.close();
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

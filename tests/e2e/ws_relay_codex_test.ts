/**
 * The real `serve` (SQLite store) with the real Codex binary (`supports_websockets=true`) against
 * the Responses WebSocket stub: relayed, Codex's prewarm and turn go over one socket and leave
 * a trace each (the prewarm as kind prewarm) with exact usage, read back through `/api/traces`; with relaying switched off, Codex
 * gets 426 once and falls back to HTTPS at once (one trace, no junk). And shutdown: relays are
 * closed with 1001, a response in progress is traced `shutdown`, the server exits cleanly.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { agentBinary } from "../support/agents.ts";
import { freePort, poll, startServer } from "../support/process.ts";
import {
  prewarmUsage,
  startResponsesWsStub,
  wsStubAnswer,
  wsStubUsage,
} from "../support/responses_ws_stub.ts";
import { connectWs } from "../support/ws_gateway.ts";

const codex = await agentBinary("codex");
const ignore = codex === null;
if (ignore) console.warn("ws relay codex e2e: no Codex binary (tests/support/agents.ts): ignored");

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

async function serveWith(stubUrl: string, openai: string, cwd?: string) {
  cwd ??= await Deno.makeTempDir({ prefix: "ongoingai-ws-e2e-" });
  const port = freePort();
  await Deno.writeTextFile(
    join(cwd, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 3000 }
storage: { path: ./data/gw.db }
providers:
  openai: { upstream: "${stubUrl}"${openai} }
  anthropic: { upstream: "${stubUrl}" }
tracing: { flush_interval_ms: 10 }
`,
  );
  return await startServer([], { cwd, port });
}

async function runCodex(
  origin: string,
  prompt = "say hi",
): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = await Deno.makeTempDir({ prefix: "ongoingai-codex-home-" });
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-codex-cwd-" });
  const provider = `model_providers.ongoingai={name="ongoingai", base_url="${origin}/openai/v1", ` +
    `env_key="OPENAI_API_KEY", wire_api="responses", supports_websockets=true}`;
  const out = await new Deno.Command(codex!, {
    args: [
      "exec",
      "--skip-git-repo-check",
      "-m",
      "gpt-5.5",
      "-c",
      "model_provider=ongoingai",
      "-c",
      provider,
      prompt,
    ],
    env: {
      CODEX_HOME: home,
      HOME: home,
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      OPENAI_API_KEY: "sk-proj-codex-ws-e2e-00000000000000000",
    },
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

async function tracesOf(origin: string, n: number): Promise<Json[]> {
  return await poll(`${n} trace(s)`, async () => {
    const res = await fetch(`${origin}/api/traces?limit=50`);
    const page = await res.json() as Json;
    return page.items.length >= n ? page.items as Json[] : undefined;
  });
}

Deno.test({
  name:
    "codex e2e: WebSocket mode relayed through serve; prewarm and turn traced with exact usage in SQLite",
  ignore,
  async fn() {
    const stub = await startResponsesWsStub();
    const server = await serveWith(stub.url, "");
    try {
      const run = await runCodex(server.origin);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(wsStubAnswer));
      assert.equal(stub.handshakes.length, 1, "one socket");
      assert.equal(stub.frames.length, 2, "Codex's prewarm and its turn");
      assert.equal(stub.posts.length, 0, "no fallback to HTTPS");
      await tracesOf(server.origin, 2);
      await new Promise((r) => setTimeout(r, 100));
      const all = await tracesOf(server.origin, 2);
      assert.equal(all.length, 2, "the prewarm and the turn");
      // The prewarm: traced with its own reported usage, as kind "prewarm" (limited like any
      // create); Codex's own count leaves it out, the provider's bill does not.
      const p = all.find((x) => x.agent_request_kind === "prewarm")!;
      assert.equal(p.input_tokens, prewarmUsage.input);
      assert.equal(p.model, "gpt-5.5");
      const t = all.find((x) => x.agent_request_kind !== "prewarm");
      assert.equal(t!.model, "gpt-5.5");
      assert.equal(t!.usage_status, "exact");
      assert.equal(t!.input_tokens, wsStubUsage.input);
      assert.equal(t!.cached_input_tokens, wsStubUsage.cached);
      assert.equal(t!.output_tokens, wsStubUsage.output);
      assert.equal(t!.reasoning_tokens, wsStubUsage.reasoning);
      assert.equal(t!.error_code, null);
      const detail = await (await fetch(`${server.origin}/api/traces/${t!.id}`)).json() as Json;
      assert.equal(detail.metadata.transport, "websocket");
      assert.match(detail.request_headers.originator[0], /^codex_exec$/);
      // Attribution: the session from the handshake, the turn and its kind from the turn's frame
      // (the handshake carried the prewarm's metadata, with an empty turn and kind "prewarm").
      const turnFrame = JSON.parse(stub.frames[1]!);
      const turnId = turnFrame.client_metadata.turn_id;
      assert.match(turnId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        [t!.agent, t!.session_id, t!.agent_turn_id, t!.agent_request_kind],
        ["codex", turnFrame.client_metadata.session_id, turnId, "turn"],
      );
    } finally {
      await server.stop();
      await stub.close();
    }
  },
});

Deno.test({
  name:
    "codex e2e: a turn with a tool call: three creates on one socket, two turn traces and the prewarm's, the follow-up chained",
  ignore,
  async fn() {
    const stub = await startResponsesWsStub();
    const server = await serveWith(stub.url, "");
    try {
      const run = await runCodex(server.origin, "use the tool, then say hi");
      assert.equal(run.code, 0, run.stderr);
      assert.equal(stub.handshakes.length, 1, "one socket");
      const creates = stub.frames.map((f) => JSON.parse(f));
      assert.equal(creates.length, 3, "prewarm, the turn, the turn after the tool ran");
      assert.equal(creates[0].generate, false);
      // Codex ran the tool (or tried to, under its sandbox) and sends only the new items.
      assert.deepEqual(creates[2].input.map((i: Json) => i.type), ["function_call_output"]);
      assert.equal(creates[2].previous_response_id, "resp_2");
      await tracesOf(server.origin, 3);
      await new Promise((r) => setTimeout(r, 100));
      const all = await tracesOf(server.origin, 3);
      assert.equal(all.length, 3, "the prewarm and the two responses of the turn");
      const traces = all.filter((t) => t.agent_request_kind !== "prewarm");
      assert.equal(traces.length, 2);
      for (const t of traces) {
        assert.equal(t.usage_status, "exact");
        assert.equal(t.input_tokens, wsStubUsage.input);
        assert.equal(t.error_code, null);
      }
      // Both responses belong to the one turn of one session.
      const turn = creates[1].client_metadata;
      assert.deepEqual(
        traces.map((t) => [t.session_id, t.agent_turn_id, t.agent_request_kind]),
        [[turn.session_id, turn.turn_id, "turn"], [turn.session_id, turn.turn_id, "turn"]],
      );
    } finally {
      await server.stop();
      await stub.close();
    }
  },
});

Deno.test({
  name: "codex e2e: relaying switched off: one 426, Codex falls back to HTTPS at once, one trace",
  ignore,
  async fn() {
    const stub = await startResponsesWsStub();
    const server = await serveWith(stub.url, ", websockets: false");
    try {
      const run = await runCodex(server.origin);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(wsStubAnswer));
      assert.equal(stub.handshakes.length, 0, "the upstream is not dialed");
      assert.equal(stub.posts.length, 1, "one POST after the fallback");
      assert.doesNotMatch(run.stderr, /Reconnecting/);
      const traces = await tracesOf(server.origin, 1);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await tracesOf(server.origin, 1)).length, 1, "no junk trace of the upgrade");
      assert.equal(traces[0]!.usage_status, "exact");
      assert.equal(traces[0]!.request_method, "POST");
    } finally {
      await server.stop();
      await stub.close();
    }
  },
});

Deno.test("serve e2e: shutdown closes an idle relay with 1001 and exits 0", async () => {
  const stub = await startResponsesWsStub();
  const server = await serveWith(stub.url, "");
  let stopped = false;
  try {
    const c = await connectWs(`${server.origin.replace("http:", "ws:")}/openai/v1/responses`, {
      authorization: "Bearer sk-proj-shutdown-0000000000000000",
    });
    const result = server.stop();
    stopped = true;
    const closed = await c.closed;
    assert.equal(closed.code, 1001);
    assert.match(closed.reason, /shutting down/);
    assert.equal((await result).code, 0);
  } finally {
    if (!stopped) await server.stop();
    await stub.close();
  }
});

Deno.test("serve e2e: SIGTERM with a response in progress: the client gets 1001, the trace records shutdown", async () => {
  const stub = await startResponsesWsStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-ws-e2e-" });
  const server = await serveWith(stub.url, "", cwd);
  let stopped = false;
  try {
    const c = await connectWs(`${server.origin.replace("http:", "ws:")}/openai/v1/responses`, {
      authorization: "Bearer sk-proj-shutdown-0000000000000000",
    });
    c.socket.send(JSON.stringify({ type: "response.create", model: "stub-silent", input: [] }));
    while (c.received.length === 0) await new Promise((r) => setTimeout(r, 10));
    const result = server.stop();
    stopped = true;
    assert.equal((await c.closed).code, 1001);
    assert.equal((await result).code, 0);
    // Written before the process exited: read the store the gateway left behind.
    const db = new DatabaseSync(join(cwd, "data/gw.db"), { readOnly: true });
    const rows = db.prepare("SELECT model, error_code, usage_status FROM traces").all();
    db.close();
    assert.deepEqual(rows.map((r) => ({ ...r })), [
      { model: "stub-silent", error_code: "shutdown", usage_status: "unknown" },
    ]);
  } finally {
    if (!stopped) await server.stop();
    await stub.close();
  }
});

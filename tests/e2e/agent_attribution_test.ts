/**
 * Attribution through a real `serve` process (issue 18, items 3 and 4), with the header sets
 * Codex 0.171.0 and Claude Code 2.1.332 sent, captured verbatim
 * (tests/testdata/agents/identity_headers.json): each trace names its agent, version, session,
 * thread, turn and developer; the sessions view and `report --by session` say what each session
 * cost; Claude Code's start-up probe is traced and counted but never ranked as a model; in team
 * mode the gateway key, not a claimed X-OngoingAI-User, is the developer.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, runCliProcess, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import captured from "../testdata/agents/identity_headers.json" with { type: "json" };

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/** Headers the client's HTTP stack sets itself (fetch here, as Codex's and Bun's did). */
const transport = new Set(["host", "connection", "content-length", "accept-encoding"]);

function sent(name: keyof typeof captured, extra: Record<string, string> = {}): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(captured[name].headers as Record<string, string>)) {
    if (!transport.has(k)) out.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) out.set(k, v);
  return out;
}

const codexBody = JSON.stringify({
  model: "gpt-6.2-sol",
  stream: true,
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "say hi" }] }],
});
const claudeBody = JSON.stringify({
  model: "claude-opus-5-5",
  max_tokens: 128000,
  stream: true,
  messages: [{ role: "user", content: "say hi" }],
});

async function send(origin: string, path: string, init: RequestInit): Promise<void> {
  const res = await fetch(`${origin}${path}`, init);
  await res.arrayBuffer();
  assert.ok(res.status < 500, `${path}: ${res.status}`);
}

const yaml = (port: number, upstream: string) =>
  `server: { host: 127.0.0.1, port: ${port} }
storage: { path: ./traces.db }
providers:
  openai: { upstream: "${upstream}" }
  anthropic: { upstream: "${upstream}" }
tracing: { flush_interval_ms: 10 }
`;

Deno.test("e2e: Codex and Claude Code traffic is attributed by agent, session and developer", async () => {
  const stub = await startUpstreamStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-attrib-e2e-" });
  const port = freePort();
  await Deno.writeTextFile(join(cwd, "ongoingai.yaml"), yaml(port, stub.url));
  const server = await startServer([], { cwd, port });
  try {
    const o = server.origin;
    await send(o, "/openai/v1/responses", {
      method: "POST",
      headers: sent("codex_http_turn"),
      body: codexBody,
    });
    await send(o, "/anthropic/api/hello", { method: "HEAD", headers: sent("claude_probe") });
    await send(o, "/anthropic/v1/messages?beta=true", {
      method: "POST",
      headers: sent("claude_custom_headers"),
      body: claudeBody,
    });
    const get = async (path: string): Promise<Json> => {
      const res = await fetch(`${o}${path}`);
      assert.equal(res.status, 200, path);
      return await res.json();
    };
    const traces = await poll("three traces", async () => {
      const page = await get("/api/traces?limit=10");
      return page.items.length === 3 ? page.items as Json[] : undefined;
    });
    const pick = (t: Json) => [
      t.request_method,
      t.model,
      t.agent,
      t.agent_version,
      t.session_id,
      t.agent_thread_id,
      t.agent_turn_id,
      t.agent_request_kind,
      t.developer,
    ];
    const codexSession = "01a24c4c-221f-7292-8afe-3e9679c05007";
    const claudeSession = "3e0a0cd6-6aef-4826-a097-29d60e07a421";
    // The stub answers OpenAI requests with a dated model name, as OpenAI does.
    const codexModel = "gpt-6.2-sol-2024-07-18";
    assert.deepStrictEqual(traces.map(pick), [
      [
        "POST",
        "claude-opus-5-5",
        "claude-code",
        "2.1.332",
        claudeSession,
        null,
        null,
        null,
        "alice",
      ],
      ["HEAD", "unknown", null, null, null, null, null, null, null],
      [
        "POST",
        codexModel,
        "codex",
        "0.171.0",
        codexSession,
        codexSession,
        "01a24c4c-2241-7801-8305-bde9c6c7c4c4",
        "turn",
        null,
      ],
    ]);
    // Exact usage and cost came through as for any request.
    assert.equal(traces[0]!.usage_status, "exact");
    assert.equal(traces[2]!.usage_status, "exact");

    const sessions = (await get("/api/analytics/sessions")).items as Json[];
    assert.deepStrictEqual(sessions.map((s) => [s.session_id, s.agent, s.developer, s.models]), [
      [claudeSession, "claude-code", "alice", [{ model: "claude-opus-5-5", request_count: 1 }]],
      [codexSession, "codex", null, [{ model: codexModel, request_count: 1 }]],
    ]);
    const models = await get("/api/analytics/models");
    assert.deepStrictEqual(models.items.map((m: Json) => m.model).sort(), [
      "claude-opus-5-5",
      codexModel,
    ]);
    assert.equal(models.non_generation.request_count, 1);
    const summary = await get("/api/analytics/summary");
    assert.equal(summary.total_requests, 3);
    assert.notEqual(summary.top_model, "unknown");

    const r = await runCliProcess(["report", "--by", "session", "--format", "json"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepStrictEqual(
      doc.sessions.map((s: Json) => [s.session_id, s.request_count, s.total_cost_usd === 0]),
      sessions.map((s) => [s.session_id, s.request_count, s.total_cost_usd === 0]),
    );
    const text = await runCliProcess(["report"], { cwd });
    assert.doesNotMatch(text.stdout, /Top model\s+unknown/);
    assert.match(text.stdout, /Not ranked: 1 request\(s\) named no model/);
  } finally {
    await server.stop();
    await stub.close();
  }
});

const teamConfig = (port: number, upstream: string) =>
  `import { defineConfig, env } from "ongoingai";
export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { driver: "sqlite", path: "./traces.db" },
  providers: { openai: { upstream: "${upstream}" }, anthropic: { upstream: "${upstream}" } },
  tracing: { flush_interval_ms: 10 },
  auth: { enabled: true, keys: [{ id: "dev-alice", token: env("ALICE_KEY"), role: "developer" }] },
});
`;

Deno.test("e2e team mode: the gateway key is the developer; a claimed X-OngoingAI-User is kept apart", async () => {
  const stub = await startUpstreamStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-attrib-team-e2e-" });
  const port = freePort();
  const key = "ogk_alice_e2e_secret_000000000000";
  await Deno.writeTextFile(join(cwd, "gateway.config.ts"), teamConfig(port, stub.url));
  const server = await startServer([], { cwd, port, env: { ALICE_KEY: key } });
  try {
    const headers = sent("claude_custom_headers", {
      "x-ongoingai-user": "mallory",
      "x-ongoingai-gateway-key": key,
    });
    await send(server.origin, "/anthropic/v1/messages?beta=true", {
      method: "POST",
      headers,
      body: claudeBody,
    });
    const auth = { headers: { "x-ongoingai-gateway-key": key } };
    const [trace] = await poll("the trace", async () => {
      const page = await (await fetch(`${server.origin}/api/traces`, auth)).json();
      return page.items.length === 1 ? page.items as Json[] : undefined;
    });
    assert.equal(trace!.developer, "dev-alice");
    const detail = await (await fetch(`${server.origin}/api/traces/${trace!.id}`, auth)).json();
    assert.equal(detail.metadata.claimed_user, "mallory");
    const byDev = await (await fetch(
      `${server.origin}/api/analytics/cost?group_by=developer`,
      auth,
    )).json();
    assert.deepStrictEqual(byDev.items.map((i: Json) => i.group), ["dev-alice"]);
  } finally {
    await server.stop();
    await stub.close();
  }
});

/**
 * Team mode through a real `serve` process: keys from the environment by reference, 401 before
 * anything is forwarded, the key never forwarded upstream, never in the log or a stored trace,
 * and each team's traces and analytics confined to it.
 */
import assert from "node:assert/strict";
import { freePort, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";

const keyA = "ogk_team_a_e2e_secret_000000000000";
const keyB = "ogk_team_b_e2e_secret_111111111111";

const config = (port: number, upstream: string) =>
  `import { defineConfig, env } from "ongoingai";
export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { driver: "sqlite", path: "./traces.db" },
  providers: { openai: { upstream: "${upstream}" }, anthropic: { upstream: "${upstream}" } },
  tracing: { flush_interval_ms: 10 },
  auth: {
    enabled: true,
    keys: [
      { id: "team-a", token: env("TEAM_A_KEY"), workspace_id: "a", role: "developer" },
      { id: "team-b", token: env("TEAM_B_KEY"), workspace_id: "b", role: "viewer", permissions: ["proxy:write"] },
    ],
  },
});
`;

const chat = (key: string | null) => ({
  method: "POST",
  headers: {
    "content-type": "application/json",
    authorization: "Bearer sk-proj-e2e-provider-key-000000000000",
    ...(key === null ? {} : { "x-ongoingai-gateway-key": key }),
  },
  body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
});

Deno.test("e2e auth: serve in team mode with keys from the environment", async () => {
  const stub = await startUpstreamStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-auth-e2e-" });
  const port = freePort();
  await Deno.writeTextFile(`${cwd}/gateway.config.ts`, config(port, stub.url));
  const server = await startServer([], {
    cwd,
    port,
    env: { TEAM_A_KEY: keyA, TEAM_B_KEY: keyB },
  });
  try {
    const url = `${server.origin}/openai/v1/chat/completions`;
    const refused = await fetch(url, chat(null));
    assert.equal(refused.status, 401);
    assert.equal((await refused.json()).error.code, "missing_gateway_key");
    const wrong = await fetch(url, chat("ogk_not_a_key"));
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    assert.equal(stub.requests.length, 0, "nothing reaches the provider before auth passes");

    for (const [key, n] of [[keyA, 3], [keyB, 2]] as const) {
      for (let i = 0; i < n; i++) {
        const res = await fetch(url, chat(key));
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
    }
    assert.equal(stub.requests.length, 5);
    for (const r of stub.requests) {
      const forwarded = JSON.stringify(r);
      assert.ok(!forwarded.includes(keyA) && !forwarded.includes(keyB), "key forwarded upstream");
    }

    const as = (key: string) => ({ headers: { "x-ongoingai-gateway-key": key } });
    // The writer flushes every 10 ms; wait for the five traces.
    let seenA: { items: Record<string, unknown>[] } = { items: [] };
    for (let i = 0; i < 100 && seenA.items.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 20));
      seenA = await (await fetch(`${server.origin}/api/traces?limit=50`, as(keyA))).json();
    }
    assert.equal(seenA.items.length, 3, "team a sees its own three traces");
    assert.ok(seenA.items.every((t) => t.gateway_key_id === "team-a" && t.workspace_id === "a"));
    const detail =
      await (await fetch(`${server.origin}/api/traces/${seenA.items[0]!.id}`, as(keyA)))
        .json();
    assert.ok(!JSON.stringify(detail).includes(keyA), "key stored in the trace");

    const fromB = await fetch(`${server.origin}/api/traces/${seenA.items[0]!.id}`, as(keyB));
    assert.equal(fromB.status, 404, "another team's trace is not found");
    await fromB.body?.cancel();
    const summaryB = await (await fetch(`${server.origin}/api/analytics/summary`, as(keyB))).json();
    assert.equal(summaryB.total_requests, 2);
  } finally {
    const { code, logs } = await server.stop();
    await stub.close();
    assert.equal(code, 0);
    assert.ok(!logs.includes(keyA) && !logs.includes(keyB), "key in the gateway log");
  }
});

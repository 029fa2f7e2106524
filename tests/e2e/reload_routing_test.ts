/**
 * A config reload (SIGHUP) against the real `serve` process keeps routing's counts: a pool key
 * that sent its rpm before the reload is refused for the rest of the minute after it, and a
 * raised rpm grants only the difference. Before the fix, every reload gave each key a fresh
 * window. The upstream is the loopback stub in the OpenAI wire format.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { startLiveServer } from "./lifecycle_support.ts";

const poolKey = "sk-proj-RELOADE2EPOOL0123456789abcdefgh";

const config = (port: number, upstream: string, rpm: number) =>
  `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { path: ./data/gw.db }
providers:
  openai:
    upstream: "${upstream}"
    keys: [{ id: ka, key: ${poolKey}, rpm: ${rpm} }]
routes:
  gpt-main:
    targets: [{ provider: openai, model: gpt-4o-mini }]
    # No waiting for the key: a saturated pool answers at once.
    retry: { attempts: 1, max_retry_after_ms: 0 }
`;

/** A routed request without a client key: the pool's key is used, if one is usable. */
async function chat(origin: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${origin}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-main", messages: [{ role: "user", content: "hi" }] }),
  });
  return { status: res.status, text: await res.text() };
}

Deno.test("reload: SIGHUP keeps a pool key's rpm window; a raised rpm grants the difference", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-reload-routing-" });
  const stub = await startUpstreamStub();
  const port = freePort();
  const file = join(dir, "ongoingai.yaml");
  await Deno.writeTextFile(file, config(port, stub.url, 2));
  const server = await startLiveServer(dir, port);
  try {
    const statuses = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = await chat(server.origin);
        if (r.status !== 200) assert.match(r.text, /no_target_left/, "refused, not attempted");
        out.push(r.status);
      }
      return out;
    };
    assert.deepEqual(await statuses(2), [200, 200]);

    await Deno.writeTextFile(file, config(port, stub.url, 2) + "# reloaded once\n");
    server.signal("SIGHUP");
    await server.waitForLog(/config reloaded/);
    assert.deepEqual(await statuses(1), [502], "the key's minute is not over");

    await Deno.writeTextFile(file, config(port, stub.url, 3));
    server.signal("SIGHUP");
    await server.waitForLog(/config reloaded/, 2);
    assert.deepEqual(await statuses(2), [200, 502], "rpm 3: one more this minute, not three");

    assert.equal(stub.requests.length, 3, "only three requests reached the upstream");
    assert.ok(stub.requests.every((r) => r.headers["authorization"] === `Bearer ${poolKey}`));
    server.signal("SIGTERM");
    assert.equal(await server.exited, 0, server.logs());
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});

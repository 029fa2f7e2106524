/**
 * Two gateway processes on one PostgreSQL database share their limit counters: together they let
 * through exactly the configured requests per minute, and refuse the rest with 429.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { freshDatabase, postgresAvailable } from "../support/postgres.ts";

const available = postgresAvailable();
const skip = "skip" in available ? available.skip : null;
const testName = "e2e postgres: two instances hold combined traffic to a shared limit";
if (skip !== null) console.warn(`SKIPPED ${testName}: ${skip}`);

const token = "gw-e2e-limits-0123456789abcdef";
const limit = 10;
const perInstance = 15;

const config = (port: number, upstream: string, dsn: string) =>
  `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { driver: postgres, dsn: "${dsn}" }
providers:
  openai: { upstream: "${upstream}" }
  anthropic: { upstream: "${upstream}" }
tracing: { flush_interval_ms: 10, key_hash_secret: "e2e-shared-secret-0123456789" }
auth:
  enabled: true
  keys: [{ id: team-key, token: "${token}", org_id: org, workspace_id: ws }]
limits:
  per_workspace: { requests_per_minute: ${limit} }
`;

async function send(origin: string): Promise<number> {
  const res = await fetch(`${origin}/openai/v1/chat/completions`, {
    method: "POST",
    headers: {
      "X-OngoingAI-Gateway-Key": token,
      authorization: "Bearer sk-proj-AAAAAAAAAAAAAAAAAAAAaaaa",
      "content-type": "application/json",
    },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
  });
  await res.body?.cancel();
  if (res.status === 429) assert.ok(Number(res.headers.get("retry-after")) >= 1);
  return res.status;
}

Deno.test({
  name: skip === null ? testName : `${testName} (skipped: ${skip})`,
  ignore: skip !== null,
  async fn() {
    const db = await freshDatabase();
    const stub = await startUpstreamStub();
    const dir = await Deno.makeTempDir({ prefix: "ongoingai-pglimits-" });
    const servers: ServerProcess[] = [];
    try {
      for (const name of ["a", "b"]) {
        const cwd = join(dir, name);
        await Deno.mkdir(cwd);
        const port = freePort();
        await Deno.writeTextFile(join(cwd, "ongoingai.yaml"), config(port, stub.url, db.dsn));
        servers.push(await startServer([], { cwd, port }));
      }
      // Fixed one-minute windows: keep the burst inside one of them.
      const second = new Date().getUTCSeconds();
      if (second > 45) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
      const statuses = (await Promise.all(
        servers.flatMap((s) => Array.from({ length: perInstance }, () => send(s.origin))),
      )).sort();
      assert.equal(statuses.filter((s) => s === 200).length, limit);
      assert.equal(statuses.filter((s) => s === 429).length, 2 * perInstance - limit);
      assert.equal(stub.requests.length, limit, "refused requests are not forwarded");
    } finally {
      for (const s of servers) await s.stop("SIGTERM").catch(() => s.kill());
      await stub.close();
      await Deno.remove(dir, { recursive: true });
      await db.drop();
    }
  },
});

/**
 * Two gateway processes on one PostgreSQL database, under concurrent load: every trace of both
 * is listed once by either instance, every correlation id a client got back is stored once, and
 * the analytics views agree whichever instance answers.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { freshDatabase, postgresAvailable } from "../support/postgres.ts";
import { allTraces, getJson, sendMany, waitDrained } from "../support/gateway_load.ts";

const available = postgresAvailable();
const skip = "skip" in available ? available.skip : null;
const testName =
  "e2e postgres: two instances on one database see every trace once and agree on analytics";
if (skip !== null) console.warn(`SKIPPED ${testName}: ${skip}`);
const perInstance = 400;
const concurrency = 12;

const config = (port: number, upstream: string, dsn: string) =>
  `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { driver: postgres, dsn: "${dsn}" }
providers:
  openai: { upstream: "${upstream}" }
  anthropic: { upstream: "${upstream}" }
tracing: { flush_interval_ms: 10, key_hash_secret: "e2e-shared-secret-0123456789" }
`;

Deno.test({
  name: skip === null ? testName : `${testName} (skipped: ${skip})`,
  ignore: skip !== null,
  async fn() {
    const db = await freshDatabase();
    const stub = await startUpstreamStub();
    const dir = await Deno.makeTempDir({ prefix: "ongoingai-pg2-" });
    const servers: ServerProcess[] = [];
    try {
      for (const name of ["a", "b"]) {
        const cwd = join(dir, name);
        await Deno.mkdir(cwd);
        const port = freePort();
        await Deno.writeTextFile(join(cwd, "ongoingai.yaml"), config(port, stub.url, db.dsn));
        servers.push(await startServer([], { cwd, port }));
      }
      const [a, b] = servers as [ServerProcess, ServerProcess];

      const sent = (await Promise.all([
        sendMany(a.origin, { total: perInstance, concurrency }),
        sendMany(b.origin, { total: perInstance, concurrency, first: perInstance }),
      ])).flat();
      const total = 2 * perInstance;
      assert.equal(sent.length, total);
      assert.deepEqual(sent.filter((s) => s.status !== 200), []);
      const correlationIds = sent.map((s) => s.correlationId);
      assert.ok(correlationIds.every((id) => typeof id === "string" && id.length > 0));
      assert.equal(new Set(correlationIds).size, total, "each response has its own correlation id");

      for (const s of servers) {
        const q = await waitDrained(s.origin, perInstance);
        assert.deepEqual({ accepted: q.accepted, written: q.written, dropped: q.dropped }, {
          accepted: perInstance,
          written: perInstance,
          dropped: 0,
        });
      }

      const fromA = await allTraces(a.origin);
      const fromB = await allTraces(b.origin);
      for (const [name, traces] of [["A", fromA], ["B", fromB]] as const) {
        const ids = traces.map((t) => t.id);
        assert.equal(ids.length, total, `instance ${name} lists every trace`);
        assert.equal(new Set(ids).size, total, `instance ${name} lists each trace once`);
        const correlations = traces.map((t) => t.correlation_id).sort();
        assert.deepEqual(correlations, [...(correlationIds as string[])].sort());
        assert.ok(traces.every((t) => t.response_status === 200));
      }
      assert.deepEqual(fromA.map((t) => t.id).sort(), fromB.map((t) => t.id).sort());
      const byKind = (traces: typeof fromA) =>
        Object.groupBy(traces, (t) => `${t.provider}/${t.streaming ? "stream" : "plain"}`);
      for (const group of Object.values(byKind(fromA))) assert.equal(group!.length, total / 4);

      const views = [
        "/api/analytics/summary",
        "/api/analytics/usage?group_by=provider&bucket=day",
        "/api/analytics/models",
        "/api/analytics/latency?group_by=model",
      ];
      for (const view of views) {
        const [va, vb] = await Promise.all([getJson(a.origin, view), getJson(b.origin, view)]);
        assert.deepStrictEqual(va, vb, `${view} is the same from either instance`);
      }
      const summary = await getJson(a.origin, "/api/analytics/summary") as {
        total_requests: number;
      };
      assert.equal(summary.total_requests, total);
      const models = await getJson(a.origin, "/api/analytics/models") as {
        items: { request_count: number }[];
      };
      assert.equal(models.items.reduce((n, m) => n + m.request_count, 0), total);
      const usage = await getJson(a.origin, views[1]!) as {
        items: { group: string; request_count: number }[];
      };
      assert.deepEqual(
        usage.items.map((i) => [i.group, i.request_count]).sort(),
        [["anthropic", total / 2], ["openai", total / 2]],
      );

      for (const s of servers.splice(0)) {
        const { code, logs } = await s.stop("SIGTERM");
        assert.equal(code, 0, logs);
        assert.match(logs, /trace queue flushed/);
      }
    } finally {
      for (const s of servers) await s.kill();
      await stub.close();
      await Deno.remove(dir, { recursive: true });
      await db.drop();
    }
  },
});

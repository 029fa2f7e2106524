/**
 * PostgreSQL stopped and started again while a real `serve` process is under load: every
 * proxied request still succeeds (the proxy path never waits for the store), traces wait in the
 * queue while writes fail with class `connection`, and once the server is back they are all
 * written, none dropped. The cluster is a private one: stopping the shared one would break every
 * other PostgreSQL test running in parallel.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import postgres from "postgres";
import { findPostgresBin, startCluster } from "../../scripts/test/cluster.ts";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { allTraces, continuousLoad, getJson, waitDrained } from "../support/gateway_load.ts";

const tools = await findPostgresBin();
const skip = "missing" in tools ? `no PostgreSQL server binaries: ${tools.missing}` : null;
const testName =
  "e2e postgres: stopped and restarted under load, requests flow, queued traces are written after";
if (skip !== null) console.warn(`SKIPPED ${testName}: ${skip}`);

const downMs = 2_000;
const clients = 4;

interface Diagnostics {
  store_state: "ok" | "degraded";
  enqueue_accepted_total: number;
  written_total: number;
  total_dropped_total: number;
  dropped_by_reason: Record<string, number>;
  write_failures_total: number;
  write_failures_by_class: Record<string, number>;
}

const diagnostics = async (origin: string) =>
  ((await getJson(origin, "/api/diagnostics/trace-pipeline")) as { diagnostics: Diagnostics })
    .diagnostics;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test({
  name: skip === null ? testName : `${testName} (skipped: ${skip})`,
  ignore: skip !== null,
  async fn() {
    const cluster = await startCluster();
    if ("failed" in cluster) {
      throw new Error(`could not start a private cluster: ${cluster.failed}`);
    }
    const stub = await startUpstreamStub();
    const dir = await Deno.makeTempDir({ prefix: "ongoingai-pgrestart-" });
    let server: ServerProcess | null = null;
    let load: ReturnType<typeof continuousLoad> | null = null;
    try {
      const port = freePort();
      await Deno.writeTextFile(
        join(dir, "ongoingai.yaml"),
        `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { driver: postgres }
providers:
  openai: { upstream: "${stub.url}" }
  anthropic: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10 }
`,
      );
      // The DSN through the environment, as a deployment would pass a secret.
      server = await startServer([], {
        cwd: dir,
        port,
        env: { ONGOINGAI_STORAGE_DSN: cluster.dsn },
      });
      const origin = server.origin;

      load = continuousLoad(origin, clients);
      await poll("traces written before the outage", async () => {
        const d = await diagnostics(origin);
        return d.written_total >= 100 ? true : undefined;
      });
      const before = await diagnostics(origin);
      assert.equal(before.write_failures_total, 0);

      await cluster.pause();
      const sentAtPause = load.sent();
      const t0 = Date.now();
      const down = await poll(
        "a connection-class write failure while PostgreSQL is down",
        async () => {
          const d = await diagnostics(origin);
          return d.write_failures_by_class.connection! > 0 && d.store_state === "degraded"
            ? d
            : undefined;
        },
      );
      assert.equal(down.total_dropped_total, 0);
      await sleep(Math.max(0, downMs - (Date.now() - t0)));
      const duringOutage = load.sent() - sentAtPause;
      const stalled = await diagnostics(origin);
      assert.ok(duringOutage >= 20, `requests kept flowing while down (${duringOutage} answered)`);
      assert.ok(
        stalled.enqueue_accepted_total - stalled.written_total >= duringOutage / 2,
        "traces of the outage wait in the queue",
      );
      assert.equal(stalled.store_state, "degraded");

      await cluster.resume();
      const sent = await load.stop();
      load = null;
      assert.deepEqual(
        sent.filter((s) => s.status !== 200).map((s) => `${s.status} ${s.error ?? ""}`),
        [],
        "every proxied request succeeded",
      );

      await waitDrained(origin, sent.length);
      const after = await diagnostics(origin);
      assert.equal(after.store_state, "ok");
      assert.equal(after.enqueue_accepted_total, sent.length);
      assert.equal(after.written_total + after.total_dropped_total, after.enqueue_accepted_total);
      assert.equal(after.total_dropped_total, 0, JSON.stringify(after.dropped_by_reason));
      assert.ok(after.write_failures_by_class.connection! > 0);
      assert.equal(
        after.write_failures_total,
        Object.values(after.write_failures_by_class).reduce((a, b) => a + b, 0),
      );

      const sql = postgres(cluster.dsn, { max: 1, onnotice: () => {} });
      try {
        const [row] =
          await sql`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM traces`;
        assert.deepEqual({ n: row!.n, ids: row!.ids }, { n: sent.length, ids: sent.length });
      } finally {
        await sql.end();
      }
      const listed = await allTraces(origin);
      assert.deepEqual(
        listed.map((t) => t.correlation_id).sort(),
        sent.map((s) => s.correlationId).sort(),
      );

      const stopped = await server.stop("SIGTERM");
      server = null;
      assert.equal(stopped.code, 0, stopped.logs);
      const degraded = stopped.logs.search(
        /WARN +trace store write failed; traces kept queued for a retry .*error_class=connection/,
      );
      const writable = stopped.logs.search(/INFO +trace store writable again/);
      assert.ok(degraded >= 0, `the store was logged as failing:\n${stopped.logs}`);
      assert.ok(writable > degraded, `then as writable again:\n${stopped.logs}`);
      assert.doesNotMatch(stopped.logs, /dropped trace records/);
    } finally {
      await load?.stop().catch(() => {});
      await server?.kill();
      await stub.close();
      await Deno.remove(dir, { recursive: true });
      await cluster.stop();
    }
  },
});

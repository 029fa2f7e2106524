/**
 * `server.workers: 2` end to end: one `serve` subprocess (the main isolate and one serving
 * worker on one port) in front of the local OpenAI stub, shared by every step. Requests come
 * over many connections, so the kernel hands them to both isolates; what must stay exact across
 * them is checked: a trace per request, the queue figures, the request counter of `/metrics`, a
 * per-minute request limit, and the drain on SIGTERM.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { withFiles } from "../config/temp_files.ts";
import {
  freePort,
  poll,
  runCliProcess,
  type ServerProcess,
  startServer,
} from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { freshDatabase, postgresAvailable } from "../support/postgres.ts";
import postgres from "postgres";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";

const admin = "gk-workers-admin-0123456789abcdef";
const dev = "gk-workers-dev-0123456789abcdef01";
const limited = "gk-workers-lim-0123456789abcdef01";
const late = "gk-workers-late-0123456789abcdef0";
const limit = 7;

/** Where the gateway keeps its traces, and how the test counts them after it stopped. */
interface Storage {
  yaml: string[];
  rows(dir: string): Promise<number>;
}

const sqlite: Storage = {
  yaml: ["storage:", "  path: data/traces.db"],
  rows(dir) {
    const db = new DatabaseSync(join(dir, "data", "traces.db"), { readOnly: true });
    try {
      return Promise.resolve(
        (db.prepare("SELECT count(*) AS n FROM traces").get() as { n: number }).n,
      );
    } finally {
      db.close();
    }
  },
};

function postgresStorage(dsn: string): Storage {
  return {
    yaml: ["storage:", "  driver: postgres", `  dsn: ${JSON.stringify(dsn)}`],
    async rows() {
      const sql = postgres(dsn, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from traces`;
        return row?.n ?? -1;
      } finally {
        await sql.end();
      }
    },
  };
}

function configYaml(port: number, upstream: string, storage: Storage, extraKey = ""): string {
  return [
    "server:",
    "  host: 127.0.0.1",
    `  port: ${port}`,
    "  workers: 2",
    ...storage.yaml,
    "providers:",
    "  openai:",
    `    upstream: ${upstream}`,
    "observability:",
    "  prometheus:",
    "    enabled: true",
    "auth:",
    "  enabled: true",
    "  keys:",
    `    - { id: admin, token: ${admin}, org_id: o, workspace_id: w, role: owner, permissions: [diagnostics:read] }`,
    `    - { id: dev, token: ${dev}, org_id: o, workspace_id: w, role: developer }`,
    `    - id: limited`,
    `      token: ${limited}`,
    "      org_id: o",
    "      workspace_id: w",
    "      role: developer",
    `      limits: { requests_per_minute: ${limit} }`,
    extraKey,
    "",
  ].join("\n");
}

const chatBody = JSON.stringify({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "hi" }],
});

/** One chat request on a connection of its own (a fresh client), so both isolates get some. */
async function chat(origin: string, key: string): Promise<number> {
  const client = Deno.createHttpClient({});
  try {
    const res = await fetch(`${origin}/openai/v1/chat/completions`, {
      method: "POST",
      client,
      body: chatBody,
      headers: {
        "content-type": "application/json",
        authorization: "Bearer sk-proj-AAAAAAAAAAAAAAAAAAAAaaaa",
        "x-ongoingai-gateway-key": key,
      },
    });
    await res.arrayBuffer();
    return res.status;
  } finally {
    client.close();
  }
}

async function getText(origin: string, path: string): Promise<string> {
  const res = await fetch(`${origin}${path}`, { headers: { "x-ongoingai-gateway-key": admin } });
  const text = await res.text();
  assert.equal(res.status, 200, `${path}: ${text}`);
  return text;
}

/** The sum of every series of a counter in a Prometheus text. */
function counterSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return sum;
}

/** Waits (without a clock assert) until the current UTC minute has room for a burst. */
async function awayFromMinuteEdge(): Promise<void> {
  while (new Date().getUTCSeconds() >= 50) await new Promise((r) => setTimeout(r, 500));
}

Deno.test("server.workers 2 on SQLite: traces, limits, metrics, reload and drain stay exact", (t) =>
  scenario(t, sqlite));

const pg = postgresAvailable();
Deno.test({
  name: "server.workers 2 on PostgreSQL: the same, through the main isolate's pool",
  ignore: "skip" in pg,
  async fn(t) {
    const db = await freshDatabase();
    try {
      await scenario(t, postgresStorage(db.dsn));
    } finally {
      await db.drop();
    }
  },
});

async function scenario(t: Deno.TestContext, storage: Storage): Promise<void> {
  const stub = await startUpstreamStub();
  const receiver = startOtlpReceiver<OtlpMetricsDoc>();
  const port = freePort();
  // The push interval is longer than the test: what the collector gets is the shutdown push.
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_METRIC_EXPORT_INTERVAL: "3600000",
    OTEL_TRACES_EXPORTER: "none",
  };
  try {
    await withFiles({ "ongoingai.yaml": configYaml(port, stub.url, storage) }, async (dir) => {
      let server: ServerProcess | null = null;
      try {
        server = await startServer([], { cwd: dir, port, env });
        const { origin } = server;
        const parallel = 12;
        const perConnection = 20;
        let sent = 0;

        await t.step("every request over many connections is answered", async () => {
          const statuses = await Promise.all(
            Array.from({ length: parallel }, async () => {
              const out: number[] = [];
              for (let i = 0; i < perConnection; i++) out.push(await chat(origin, dev));
              return out;
            }),
          );
          sent += parallel * perConnection;
          assert.deepEqual(statuses.flat().filter((s) => s !== 200), []);
        });

        await t.step(
          "a second gateway on the same port is refused, not run beside it",
          async () => {
            // Both would set reusePort; the kernel would split the connections between them.
            // (Without the OTLP endpoint: its pushes would count in the last step.)
            const second = await runCliProcess(["serve"], { cwd: dir });
            assert.equal(second.code, 1, second.stderr);
            assert.match(second.stderr, new RegExp(`port ${port} is already in use`));
            assert.equal(await chat(origin, dev), 200, "the first one serves on");
            sent += 1;
          },
        );

        await t.step(`a limit of ${limit} requests a minute admits exactly ${limit}`, async () => {
          await awayFromMinuteEdge();
          const before = Math.floor(Date.now() / 60_000);
          const statuses = await Promise.all(
            Array.from({ length: 20 }, () => chat(origin, limited)),
          );
          sent += statuses.length;
          const sameMinute = Math.floor(Date.now() / 60_000) === before;
          assert.ok(sameMinute, "the burst crossed a minute boundary; run again");
          assert.equal(statuses.filter((s) => s === 200).length, limit);
          assert.equal(statuses.filter((s) => s === 429).length, 20 - limit);
        });

        await t.step(
          "a key created or revoked through the API holds on every isolate at once",
          async () => {
            const res = await fetch(`${origin}/api/gateway-keys`, {
              method: "POST",
              headers: { "x-ongoingai-gateway-key": admin, "content-type": "application/json" },
              body: JSON.stringify({ name: "made-here", role: "developer" }),
            });
            const created = await res.json();
            assert.equal(res.status, 201, JSON.stringify(created));
            // 40 fresh connections right after the answer: whichever isolate takes them knows it.
            const accepted = await Promise.all(
              Array.from({ length: 40 }, () => chat(origin, created.token)),
            );
            sent += accepted.length;
            assert.deepEqual(accepted.filter((s) => s !== 200), []);
            const revoked = await fetch(`${origin}/api/gateway-keys/${created.id}`, {
              method: "DELETE",
              headers: { "x-ongoingai-gateway-key": admin },
            });
            await revoked.body?.cancel();
            assert.equal(revoked.status, 204);
            const refused = await Promise.all(
              Array.from({ length: 40 }, () => chat(origin, created.token)),
            );
            // Refused before anything is traced.
            assert.deepEqual(refused.filter((s) => s !== 401), []);
          },
        );

        await t.step("/metrics counts the requests of every isolate", async () => {
          // A trace is recorded once its answer has ended, a moment after the client read it.
          const text = await poll("every trace recorded in /metrics", async () => {
            const t = await getText(origin, "/metrics");
            return counterSum(t, "ongoingai_trace_written_total") >= sent ? t : undefined;
          });
          assert.equal(counterSum(text, "ongoingai_proxy_request_total"), sent);
          assert.equal(counterSum(text, "ongoingai_trace_enqueued_total"), sent);
          // Both isolates were handed requests (240 connections spread by the kernel).
          for (const isolate of ["0", "1"]) {
            const line = text.split("\n").find((l) =>
              l.startsWith(`ongoingai_server_isolate_requests_total{isolate="${isolate}"}`)
            );
            assert.ok(line !== undefined && Number(line.split(" ").at(-1)) > 0, text);
          }
        });

        await t.step("the trace pipeline's figures count every isolate and add up", async () => {
          const health = JSON.parse(await getText(origin, "/api/health"));
          assert.equal(health.status, "ok");
          const body = await poll("every trace written", async () => {
            const b = JSON.parse(await getText(origin, "/api/diagnostics/trace-pipeline"));
            return b.diagnostics.written_total >= sent ? b : undefined;
          });
          const q = body.diagnostics;
          assert.equal(q.enqueue_accepted_total, sent);
          assert.equal(q.written_total, sent);
          assert.equal(q.queue_depth, 0);
          assert.equal(q.total_dropped_total, 0);
        });

        await t.step(
          "SIGHUP reloads every isolate: a key added to the file works on all",
          async () => {
            const key =
              `    - { id: late, token: ${late}, org_id: o, workspace_id: w, role: developer }`;
            await Deno.writeTextFile(
              join(dir, "ongoingai.yaml"),
              configYaml(port, stub.url, storage, key),
            );
            Deno.kill(server!.pid, "SIGHUP");
            // Each isolate reloads on its own; 40 fresh connections in a row accepted means all did.
            await poll("the new key accepted by every isolate", async () => {
              const statuses = await Promise.all(
                Array.from({ length: 40 }, () => chat(origin, late)),
              );
              // A key not known yet is refused before anything is traced (401, no trace).
              assert.deepEqual(statuses.filter((s) => s !== 200 && s !== 401), []);
              sent += statuses.filter((s) => s === 200).length;
              return statuses.every((s) => s === 200) ? true : undefined;
            });
          },
        );

        await t.step("SIGTERM drains every isolate and writes every trace", async () => {
          const stopped = await server!.stop("SIGTERM");
          server = null;
          assert.equal(stopped.code, 0, stopped.logs);
          assert.match(stopped.logs, new RegExp(`trace queue flushed written=${sent} dropped=0`));
          assert.equal(await storage.rows(dir), sent);
        });

        await t.step("the OTLP metric push counts every isolate's requests", () => {
          const pushes = receiver.received.filter((r) => r.path === "/v1/metrics");
          // The generation the reload retired pushed its last snapshot; the shutdown push is last.
          assert.equal(pushes.length, 2, "one push at the reload, one at shutdown");
          const points = (pushes.at(-1)!.body.resourceMetrics ?? []).flatMap((rm) =>
            rm.scopeMetrics.flatMap((sm) =>
              sm.metrics.filter((m) => m.name === "ongoingai_proxy_request_total")
                .flatMap((m) => m.sum?.dataPoints ?? [])
            )
          );
          const total = points.reduce((a, p) => a + Number(p.asDouble ?? p.asInt ?? 0), 0);
          assert.equal(total, sent);
        });
      } finally {
        await server?.kill();
      }
    });
  } finally {
    await receiver.close();
    await stub.close();
  }
}

interface OtlpMetricsDoc {
  resourceMetrics?: {
    scopeMetrics: {
      metrics: {
        name: string;
        sum?: { dataPoints: { asDouble?: number; asInt?: number | string }[] };
      }[];
    }[];
  }[];
}

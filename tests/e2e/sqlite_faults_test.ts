/**
 * SQLite storage faults against a real `serve` process (reliability F9, F10): the database locked
 * by another connection, full, made read-only, and unavailable for longer than the queue holds.
 * In every case requests keep flowing (the proxy path never waits for the store); traces wait in
 * the queue and are written once the store recovers, or are refused with a counted reason; the
 * ledger `accepted = written + dropped + queued` holds; and `PRAGMA integrity_check` is ok.
 *
 * The faults are made from the test's own `node:sqlite` connection to the same file, as another
 * process (a backup, a second gateway, an operator's shell) would make them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import {
  continuousLoad,
  getJson,
  pipelineDiagnostics,
  sendMany,
  type Sent,
  waitDrained,
} from "../support/gateway_load.ts";
import { assertLedger } from "../support/ledger.ts";
import type { TraceDiagnostics } from "../../src/api/diagnostics.ts";
import type { WriteErrorClass } from "../../src/traces/write_errors.ts";
import { sqliteMaxPageCountVariable } from "../../src/store/sqlite_fault_injection.ts";

const clients = 4;
/** Requests answered while the fault lasts, before it is lifted: enough to fill several batches. */
const duringFault = 40;

const health = async (origin: string) =>
  (await getJson(origin, "/api/health")) as { status: string; trace_store?: string };

interface Gateway {
  server: ServerProcess;
  origin: string;
  dbPath: string;
  dir: string;
}

/** `serve` on a SQLite file in a temporary directory, with the loopback stub as both upstreams. */
async function withGateway(
  opts: { tracing?: string; env?: Record<string, string> },
  fn: (g: Gateway) => Promise<void>,
): Promise<void> {
  const stub = await startUpstreamStub();
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-sqlite-faults-" });
  let server: ServerProcess | null = null;
  try {
    const port = freePort();
    await Deno.writeTextFile(
      join(dir, "ongoingai.yaml"),
      `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { driver: sqlite, path: ./data/traces.db }
providers:
  openai: { upstream: "${stub.url}" }
  anthropic: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10${opts.tracing ?? ""} }
`,
    );
    server = await startServer([], { cwd: dir, port, env: opts.env ?? {} });
    await fn({ server, origin: server.origin, dbPath: join(dir, "data", "traces.db"), dir });
  } finally {
    await server?.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Another connection to the gateway's file; waits (blocking) up to 10 s for the write lock. */
const otherConnection = (path: string) => new DatabaseSync(path, { timeout: 10_000 });

function storedRows(path: string): { rows: number; ids: number; integrity: string } {
  const db = otherConnection(path);
  try {
    const counts = db.prepare("SELECT count(*) AS n, count(DISTINCT id) AS ids FROM traces")
      .get() as { n: number; ids: number };
    const check = db.prepare("PRAGMA integrity_check").get() as { integrity_check: string };
    return { rows: counts.n, ids: counts.ids, integrity: check.integrity_check };
  } finally {
    db.close();
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** p50 / p99 / max of request latencies, for the log. */
function latency(sent: Sent[]): { p50: number; p99: number; max: number; n: number } {
  const ms = sent.map((s) => s.ms).sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    p50: round(pct(ms, 50)),
    p99: round(pct(ms, 99)),
    max: round(ms.at(-1) ?? NaN),
    n: ms.length,
  };
}

/**
 * Load while `fault.start()` holds and until `duringFault` more requests were answered, then
 * `fault.end()`; checks that requests flowed with no errors and every trace was written once.
 */
async function survivesFault(
  g: Gateway,
  fault: {
    name: string;
    start(): void;
    /** Resolves with the diagnostics that show the fault reached the writer (or did not). */
    observed(origin: string): Promise<TraceDiagnostics>;
    end(): void;
  },
): Promise<{ during: TraceDiagnostics; after: TraceDiagnostics; logs: string }> {
  const load = continuousLoad(g.origin, clients);
  let faulted = false;
  try {
    await poll("traces written before the fault", async () => {
      const d = await pipelineDiagnostics(g.origin);
      return d.written_total >= 20 ? true : undefined;
    });
    assert.equal((await pipelineDiagnostics(g.origin)).write_failures_total, 0);

    const sentBefore = load.sent();
    fault.start();
    faulted = true;
    const during = await fault.observed(g.origin);
    const sentAtObserved = load.sent();
    await poll(
      `${duringFault} requests answered during the fault`,
      () => Promise.resolve(load.sent() - sentAtObserved >= duringFault ? true : undefined),
    );
    const sentAtEnd = load.sent();
    fault.end();
    faulted = false;

    const sent = await load.stop();
    assert.deepEqual(
      sent.filter((s) => s.status !== 200).map((s) => `${s.status} ${s.error ?? ""}`),
      [],
      `every proxied request succeeded (${fault.name})`,
    );
    console.log(
      `${fault.name}: request latency before ${
        JSON.stringify(latency(sent.slice(0, sentBefore)))
      }, ` +
        `during ${JSON.stringify(latency(sent.slice(sentAtObserved, sentAtEnd)))} (ms)`,
    );
    // Generous: the proxy path must not wait for the store (the lock lasts seconds).
    assert.ok(latency(sent.slice(sentAtObserved, sentAtEnd)).p99 < 2_000);

    await waitDrained(g.origin, sent.length);
    const after = await pipelineDiagnostics(g.origin);
    assert.equal(after.store_state, "ok");
    assert.equal(after.enqueue_accepted_total, sent.length);
    assert.equal(after.written_total, sent.length);
    assert.equal(after.total_dropped_total, 0, JSON.stringify(after.dropped_by_reason));
    assert.deepEqual(storedRows(g.dbPath), {
      rows: sent.length,
      ids: sent.length,
      integrity: "ok",
    });
    await assertLedger(g.origin);

    const stopped = await g.server.stop("SIGTERM");
    assert.equal(stopped.code, 0, stopped.logs);
    assert.doesNotMatch(stopped.logs, /dropped trace records/);
    return { during, after, logs: stopped.logs };
  } finally {
    if (faulted) fault.end();
    await load.stop().catch(() => {});
  }
}

/** The store reported degraded with failures of `cls`, and nothing dropped. */
function degradedWith(cls: WriteErrorClass) {
  return (origin: string) =>
    poll(`store_state degraded with a ${cls} write failure`, async () => {
      const d = await pipelineDiagnostics(origin);
      if (d.store_state !== "degraded" || !(d.write_failures_by_class[cls] > 0)) return undefined;
      const h = await health(origin);
      assert.equal(h.status, "ok");
      assert.equal(h.trace_store, "degraded");
      assert.equal(d.total_dropped_total, 0);
      return d;
    });
}

/** The writer logged the failure as kept for a retry, then the store as writable again. */
function assertRecoveryLogged(logs: string, cls: WriteErrorClass): void {
  const failing = logs.search(
    new RegExp(
      `WARN +trace store write failed; traces kept queued for a retry .*error_class=${cls}`,
    ),
  );
  const writable = logs.search(/INFO +trace store writable again/);
  assert.ok(failing >= 0, `the store was logged as failing (${cls}):\n${logs}`);
  assert.ok(writable > failing, `then as writable again:\n${logs}`);
}

Deno.test("e2e sqlite: locked by another connection, requests flow, traces written after release", async () => {
  await withGateway({}, async (g) => {
    let lock: DatabaseSync | null = null;
    const { during, logs } = await survivesFault(g, {
      name: "BEGIN EXCLUSIVE",
      start() {
        lock = otherConnection(g.dbPath);
        lock.exec("BEGIN EXCLUSIVE");
      },
      observed: degradedWith("contention"),
      end() {
        lock?.exec("COMMIT");
        lock?.close();
        lock = null;
      },
    });
    assert.ok(during.queue_depth > 0, "traces wait in the queue while the file is locked");
    assertRecoveryLogged(logs, "contention");
  });
});

/** 4 MiB at SQLite's default 4 KiB page: room for the schema and the first traces. */
const pageLimit = 1024;

Deno.test("e2e sqlite: disk full (max_page_count), requests flow, traces written once space is freed", async () => {
  await withGateway({ env: { [sqliteMaxPageCountVariable]: String(pageLimit) } }, async (g) => {
    const { logs } = await survivesFault(g, {
      name: "max_page_count reached",
      start() {
        // The test's connection has no limit: it fills the file up to the gateway's.
        const db = otherConnection(g.dbPath);
        try {
          db.exec("CREATE TABLE fault_filler (b BLOB)");
          const insert = db.prepare("INSERT INTO fault_filler VALUES (zeroblob(3500))");
          const pages = db.prepare("PRAGMA page_count");
          while ((pages.get() as { page_count: number }).page_count < pageLimit) {
            db.exec("BEGIN IMMEDIATE");
            for (let i = 0; i < 64; i++) insert.run();
            db.exec("COMMIT");
          }
        } finally {
          db.close();
        }
      },
      observed: degradedWith("storage"),
      end() {
        // The filler's pages go to the freelist, where the gateway's inserts find them.
        const db = otherConnection(g.dbPath);
        try {
          db.exec("DROP TABLE IF EXISTS fault_filler");
        } finally {
          db.close();
        }
      },
    });
    assertRecoveryLogged(logs, "storage");
  });
});

Deno.test("e2e sqlite: database files made read-only while serving, then writable again", async () => {
  await withGateway({}, async (g) => {
    const files = [g.dbPath, `${g.dbPath}-wal`, `${g.dbPath}-shm`];
    const dataDir = join(g.dir, "data");
    let writtenAtChmod = 0;
    const { during } = await survivesFault(g, {
      name: "chmod read-only",
      start() {
        for (const f of files) Deno.chmodSync(f, 0o400);
        Deno.chmodSync(dataDir, 0o500);
      },
      // The gateway's open descriptors keep the access they were opened with, and root ignores
      // permission bits: whichever of "writes go on" or "writes fail and wait" happens here is
      // fine, as long as nothing is lost. Either one is observed before the files are restored.
      observed: (origin) =>
        poll("traces written, or a storage failure, after the chmod", async () => {
          const d = await pipelineDiagnostics(origin);
          if (writtenAtChmod === 0) writtenAtChmod = d.written_total;
          const failing = d.write_failures_by_class.storage > 0;
          return failing || d.written_total >= writtenAtChmod + 20 ? d : undefined;
        }),
      end() {
        Deno.chmodSync(dataDir, 0o700);
        for (const f of files) Deno.chmodSync(f, 0o600);
      },
    });
    console.log(
      `chmod read-only (uid ${Deno.uid()}): storage write failures ${during.write_failures_by_class.storage}, written ${
        during.written_total - writtenAtChmod
      } traces after the chmod`,
    );
  });
});

Deno.test("e2e sqlite: store locked longer than the queue holds, refusals counted as queue_full", async () => {
  const queueSize = 16;
  await withGateway(
    { tracing: `, queue_size: ${queueSize}, batch_size: 4` },
    async (g) => {
      const warmUp = await sendMany(g.origin, { total: 8, concurrency: 2 });
      assert.ok(warmUp.every((s) => s.status === 200));
      await waitDrained(g.origin, warmUp.length);

      const lock = otherConnection(g.dbPath);
      let locked = true;
      try {
        lock.exec("BEGIN EXCLUSIVE");
        const burst = 80;
        const sent = await sendMany(g.origin, { total: burst, concurrency: clients, first: 8 });
        assert.deepEqual(sent.filter((s) => s.status !== 200).map((s) => s.status), []);
        const offered = warmUp.length + burst;
        const during = await poll("every trace of the burst accepted or refused", async () => {
          const d = await pipelineDiagnostics(g.origin);
          return d.enqueue_accepted_total + d.enqueue_dropped_total >= offered ? d : undefined;
        });
        assert.equal(during.queue_depth, queueSize, "the queue grew to its bound, no further");
        assert.equal(during.dropped_by_reason.queue_full, offered - during.enqueue_accepted_total);
        assert.ok(during.dropped_by_reason.queue_full > 0);
        assert.equal(during.total_dropped_total, during.dropped_by_reason.queue_full);
        await assertLedger(g.origin);
        assert.equal((await health(g.origin)).status, "ok", "the process stays healthy");
        console.log(
          `queue_size ${queueSize}: ${during.enqueue_accepted_total} accepted, ${during.dropped_by_reason.queue_full} refused (queue_full) of ${offered}`,
        );

        lock.exec("COMMIT");
        locked = false;
        const drained = await waitDrained(g.origin, offered);
        assert.equal(drained.written, drained.accepted);
        assert.equal(drained.refused, during.dropped_by_reason.queue_full);
        const after = await pipelineDiagnostics(g.origin);
        assert.equal(after.store_state, "ok");
        assert.deepEqual(storedRows(g.dbPath), {
          rows: after.enqueue_accepted_total,
          ids: after.enqueue_accepted_total,
          integrity: "ok",
        });
        await assertLedger(g.origin);

        // Healthy afterwards: new requests are traced again.
        const more = await sendMany(g.origin, { total: 8, concurrency: 2, first: 100 });
        assert.ok(more.every((s) => s.status === 200));
        const last = await waitDrained(g.origin, offered + more.length);
        assert.equal(last.written, after.written_total + more.length);
        await assertLedger(g.origin);

        const stopped = await g.server.stop("SIGTERM");
        assert.equal(stopped.code, 0, stopped.logs);
        assert.match(stopped.logs, /trace queue is full; traces dropped and counted/);
      } finally {
        if (locked) lock.exec("ROLLBACK");
        lock.close();
      }
    },
  );
});

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { isSqliteBusy, openSqliteStore } from "../../src/store/mod.ts";
import { withStore } from "./conformance.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

function lockedDatabase(): { path: string; other: DatabaseSync } {
  const path = join(Deno.makeTempDirSync(), "busy.db");
  return { path, other: new DatabaseSync(path) };
}

Deno.test("sqlite store: SQLITE_BUSY is retried asynchronously until the lock is released", async () => {
  const { path, other } = lockedDatabase();
  let sleeps = 0;
  const open = () =>
    openSqliteStore({
      path,
      busyTimeoutMs: 1,
      busyRetry: {
        sleep: () => {
          sleeps++;
          if (sleeps === 3) other.exec("COMMIT");
          return Promise.resolve();
        },
      },
    });
  await withStore(open, async (store) => {
    other.exec("BEGIN IMMEDIATE");
    const trace = makeTrace();
    await store.writeBatch([trace]);
    assert.equal(sleeps, 3);
    assert.equal((await store.getTrace(trace.id))?.id, trace.id);
  });
  other.close();
});

Deno.test("sqlite store: SQLITE_BUSY surfaces after the retries, and writes nothing", async () => {
  const { path, other } = lockedDatabase();
  const delays: number[] = [];
  const open = () =>
    openSqliteStore({
      path,
      busyTimeoutMs: 1,
      busyRetry: {
        retries: 6,
        initialDelayMs: 5,
        maxDelayMs: 40,
        sleep: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
      },
    });
  await withStore(open, async (store) => {
    other.exec("BEGIN IMMEDIATE");
    const err = await store.writeBatch([makeTrace()]).catch((e) => e);
    assert.ok(isSqliteBusy(err), String(err));
    assert.deepStrictEqual(delays, [5, 10, 20, 40, 40, 40]);
    other.exec("ROLLBACK");
    assert.equal(await store.countTraces(), 0);
  });
  other.close();
});

Deno.test("isSqliteBusy: recognizes lock errors only", () => {
  const cases: [unknown, boolean][] = [
    [new Error("database is locked"), true],
    [new Error("database table is locked"), true],
    [new Error("SQLITE_BUSY: x"), true],
    [new Error("UNIQUE constraint failed: traces.id"), false],
    [new Error("database or disk is full"), false],
    ["database is locked", true],
  ];
  for (const [err, want] of cases) assert.equal(isSqliteBusy(err), want, String(err));
});

Deno.test("sqlite store: calls after close are rejected", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  await store.close();
  await store.close();
  await assert.rejects(store.writeBatch([makeTrace()]), /closed/);
  await assert.rejects(store.listTraces({ limit: 1 }), /closed/);
});

Deno.test("sqlite store: write throughput in batches of 512 (logged, not asserted)", async () => {
  const path = join(Deno.makeTempDirSync(), "perf.db");
  const batchSize = 512;
  const batches = 40;
  const start = Date.UTC(2026, 0, 1);
  const data = Array.from(
    { length: batches },
    (_, b) =>
      Array.from({ length: batchSize }, (_, i) =>
        makeTrace({
          created_at: new Date(start + b * batchSize + i).toISOString(),
          metadata: i % 4 === 0
            ? { lineage_thread_id: `thread-${i % 7}`, lineage_run_id: "run-1" }
            : { stream_chunks: 3, redaction_mode: "off" },
        })),
  );
  await withStore(() => openSqliteStore({ path }), async (store) => {
    const t0 = performance.now();
    for (const batch of data) await store.writeBatch(batch);
    const seconds = (performance.now() - t0) / 1000;
    const perSecond = Math.round((batchSize * batches) / seconds);
    const msPerBatch = ((seconds * 1000) / batches).toFixed(1);
    console.log(`sqlite writeBatch: ${perSecond} traces/s, ${msPerBatch} ms per batch of 512`);
    assert.equal(await store.countTraces(), batchSize * batches);
  });
});

Deno.test("sqlite store: writers on two threads contend for the lock and lose no rows", async () => {
  const path = join(Deno.makeTempDirSync(), "concurrent.db");
  await (await openSqliteStore({ path })).close();
  const job = { path, batches: 30, batchSize: 200 };
  const results = await Promise.all(["w1", "w2"].map((prefix) => {
    const worker = new Worker(new URL("./concurrent_writer_worker.ts", import.meta.url), {
      type: "module",
    });
    return new Promise<{ ok: boolean; error?: string }>((resolve) => {
      worker.onmessage = (e) => {
        worker.terminate();
        resolve(e.data);
      };
      worker.postMessage({ ...job, prefix });
    });
  }));
  assert.deepStrictEqual(results, [{ ok: true }, { ok: true }]);
  await withStore(() => openSqliteStore({ path }), async (store) => {
    assert.equal(await store.countTraces(), 2 * job.batches * job.batchSize);
  });
});

Deno.test("sqlite store: opening waits for a write lock held by another connection", async () => {
  const { path, other } = lockedDatabase();
  other.exec("BEGIN IMMEDIATE");
  let sleeps = 0;
  const open = () =>
    openSqliteStore({
      path,
      busyTimeoutMs: 1,
      busyRetry: {
        sleep: () => {
          if (++sleeps === 2) other.exec("COMMIT");
          return Promise.resolve();
        },
      },
    });
  await withStore(open, async (store) => {
    assert.equal(sleeps, 2);
    assert.equal(await store.countTraces(), 0);
  });
  other.close();
});

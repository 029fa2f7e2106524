import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { openSqliteStore, openStore, sqliteMigrations } from "../../src/store/mod.ts";
import { runTraceStoreConformance, withStore } from "./conformance.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

runTraceStoreConformance("sqlite", () => openSqliteStore({ path: tempDbPath() }));
runTraceStoreConformance("sqlite in memory", () => openSqliteStore({ path: ":memory:" }));

function tempDbPath(): string {
  return join(Deno.makeTempDirSync({ prefix: "ongoingai-store-" }), "nested", "traces.db");
}

function inspect<T>(path: string, fn: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

Deno.test("sqlite store: opens in WAL mode with the schema, indexes and migration records", async () => {
  const path = tempDbPath();
  await withStore(() => openSqliteStore({ path }), async (store) => {
    await store.writeBatch([makeTrace()]);
    inspect(path, (db) => {
      assert.deepStrictEqual({ ...db.prepare("PRAGMA journal_mode").get() }, {
        journal_mode: "wal",
      });
      const indexes = db.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'traces' AND sql IS NOT NULL ORDER BY name",
      ).all().map((r) => r.name);
      assert.deepStrictEqual(indexes, [
        "idx_traces_api_key_hash",
        "idx_traces_gateway_key_id",
        "idx_traces_id",
        "idx_traces_lineage_run_id",
        "idx_traces_lineage_thread_id",
        "idx_traces_model",
        "idx_traces_org_workspace",
        "idx_traces_org_workspace_timestamp",
        "idx_traces_provider",
        "idx_traces_response_status",
        "idx_traces_route",
        "idx_traces_session_id",
        "idx_traces_timestamp",
        "idx_traces_trace_group_id",
      ]);
      const names = db.prepare("SELECT name FROM schema_migrations ORDER BY name").all();
      assert.deepStrictEqual(names.map((r) => r.name), sqliteMigrations.map((m) => m.name));
    });
  });
});

/** List pages in seq order that an index serves completely: the filter and the order, no sort. */
const sortFreeIndexScans: [where: string, index: string, bounds: string][] = [
  ["provider = ?", "idx_traces_provider", "provider=?"],
  ["model = ?", "idx_traces_model", "model=?"],
  ["response_status = ?", "idx_traces_response_status", "response_status=?"],
  ["api_key_hash = ?", "idx_traces_api_key_hash", "api_key_hash=?"],
  ["trace_group_id = ?", "idx_traces_trace_group_id", "trace_group_id=?"],
  ["lineage_thread_id = ?", "idx_traces_lineage_thread_id", "lineage_thread_id=?"],
  ["lineage_run_id = ?", "idx_traces_lineage_run_id", "lineage_run_id=?"],
  ["gateway_key_id = ?", "idx_traces_gateway_key_id", "gateway_key_id=?"],
  ["session_id = ?", "idx_traces_session_id", "session_id=?"],
  ["route = ?", "idx_traces_route", "route=?"],
  ["org_id = ? AND workspace_id = ?", "idx_traces_org_workspace", "org_id=? AND workspace_id=?"],
];

function queryPlan(db: DatabaseSync, where: string): string {
  const params = Array((where.match(/\?/g) ?? []).length).fill("x");
  return db.prepare(
    `EXPLAIN QUERY PLAN SELECT seq, id FROM traces WHERE ${where} ORDER BY seq DESC LIMIT 51`,
  ).all(...params).map((r) => String(r.detail)).join("; ");
}

Deno.test("sqlite store: each equality filter is an index range in seq order, cursor included", async () => {
  const path = tempDbPath();
  await (await openSqliteStore({ path })).close();
  inspect(path, (db) => {
    for (const [where, index, bounds] of sortFreeIndexScans) {
      assert.equal(queryPlan(db, where), `SEARCH traces USING INDEX ${index} (${bounds})`, where);
      assert.equal(
        queryPlan(db, `${where} AND seq < ?`),
        `SEARCH traces USING INDEX ${index} (${bounds} AND rowid<?)`,
        `${where} after a cursor`,
      );
    }
    assert.equal(queryPlan(db, "seq < ?"), "SEARCH traces USING INTEGER PRIMARY KEY (rowid<?)");
  });
});

Deno.test("sqlite store: date bounds use a timestamp index or walk in seq order, never sort it all", async () => {
  const path = tempDbPath();
  await (await openSqliteStore({ path })).close();
  // Which one is cheaper depends on how many rows match, which the planner estimates from the
  // statistics `PRAGMA optimize` keeps. A walk in seq order needs no sort and stops after a page.
  const walk = /^(SCAN traces|SEARCH traces USING INTEGER PRIMARY KEY \(rowid<\?\))$/;
  const cases: [where: string, index: string][] = [
    ["timestamp >= ?", "idx_traces_timestamp"],
    ["timestamp <= ? AND seq < ?", "idx_traces_timestamp"],
    ["timestamp >= ? AND timestamp <= ?", "idx_traces_timestamp"],
    [
      "org_id = ? AND workspace_id = ? AND timestamp >= ? AND timestamp <= ?",
      "idx_traces_org_workspace_timestamp",
    ],
  ];
  inspect(path, (db) => {
    for (const [where, index] of cases) {
      const plan = queryPlan(db, where);
      assert.ok(plan.startsWith(`SEARCH traces USING INDEX ${index} (`) || walk.test(plan), plan);
    }
  });
});

Deno.test("sqlite store: reopening applies no migration twice and keeps the data", async () => {
  const path = tempDbPath();
  const trace = makeTrace();
  await withStore(() => openSqliteStore({ path }), (s) => s.writeBatch([trace]));
  await withStore(() => openSqliteStore({ path }), async (s) => {
    assert.equal((await s.getTrace(trace.id))?.id, trace.id);
  });
  const rows = inspect(
    path,
    (db) => db.prepare("SELECT COUNT(*) AS n FROM schema_migrations").get(),
  );
  assert.equal(rows?.n, sqliteMigrations.length);
});

Deno.test("sqlite store: a database with traces and no rollups gets them rebuilt on open", async () => {
  const path = tempDbPath();
  const traces = [makeTrace({ latency_ms: 100 }), makeTrace({ latency_ms: 300 })];
  await withStore(() => openSqliteStore({ path }), (s) => s.writeBatch(traces));
  const read = async () => {
    const s = await openSqliteStore({ path });
    try {
      return [await s.aggregate({ group_by: "model" }), await s.percentiles({})];
    } finally {
      await s.close();
    }
  };
  const before = await read();
  // As a database written before migration 002: traces, but empty rollups.
  const db = new DatabaseSync(path);
  db.exec("DELETE FROM rollup_hourly; DELETE FROM rollup_daily_keys; DELETE FROM rollup_daily;");
  db.close();
  const after = await read();
  assert.deepStrictEqual(after, before);
  assert.equal((after[0] as { request_count: number }[])[0]?.request_count, 2);
});

Deno.test("sqlite store: a failing migration rolls back and names itself", async () => {
  const path = tempDbPath();
  const migrations = [
    ...sqliteMigrations,
    { name: "sqlite/999_broken.sql", sql: "CREATE TABLE half (x); SELECT * FROM missing_table;" },
  ];
  await assert.rejects(openSqliteStore({ path, migrations }), /sqlite\/999_broken\.sql/);
  inspect(path, (db) => {
    const half = db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get();
    assert.equal(half, undefined);
    const names = db.prepare("SELECT name FROM schema_migrations").all().map((r) => r.name);
    assert.deepStrictEqual(names, sqliteMigrations.map((m) => m.name));
  });
});

Deno.test("sqlite store: every file in migrations/sqlite is embedded, in order", () => {
  const dir = new URL("../../migrations/sqlite/", import.meta.url);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".sql"));
  assert.deepStrictEqual(
    sqliteMigrations.map((m) => m.name),
    files.sort().map((f) => `sqlite/${f}`),
  );
  // The file's text first; the rollup tables' SQL (sqlite_rollup_sql.ts) may follow it.
  for (const m of sqliteMigrations) {
    const file = Deno.readTextFileSync(new URL(m.name.slice("sqlite/".length), dir));
    assert.equal(m.sql.slice(0, file.length), file);
  }
});

Deno.test({
  name: "sqlite store: database, WAL and shared-memory files are 0600, the new directory 0700",
  ignore: Deno.build.os === "windows",
  async fn() {
    const path = tempDbPath();
    await withStore(() => openSqliteStore({ path }), async (store) => {
      await store.writeBatch([makeTrace()]);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        assert.equal((Deno.statSync(file).mode ?? 0) & 0o777, 0o600, file);
      }
      assert.equal((Deno.statSync(join(path, "..")).mode ?? 0) & 0o777, 0o700);
    });
  },
});

Deno.test("sqlite store: stats counts the main file and the WAL", async () => {
  const path = tempDbPath();
  await withStore(() => openSqliteStore({ path }), async (store) => {
    await store.writeBatch([makeTrace()]);
    const stats = await store.stats();
    const expected = Deno.statSync(path).size + Deno.statSync(`${path}-wal`).size;
    assert.deepStrictEqual(stats, { driver: "sqlite", db_size_bytes: expected });
  });
  await withStore(() => openSqliteStore({ path: ":memory:" }), async (store) => {
    assert.deepStrictEqual(await store.stats(), { driver: "sqlite", db_size_bytes: null });
  });
});

Deno.test("openStore: resolves a relative sqlite path against cwd", async () => {
  const cwd = Deno.makeTempDirSync();
  const config = { driver: "sqlite" as const, path: "./data/ongoingai.db" };
  await withStore(() => openStore(config, { cwd }), async (store) => {
    assert.equal(store.driver, "sqlite");
    assert.equal(await store.countTraces(), 0);
    assert.ok(Deno.statSync(join(cwd, "data", "ongoingai.db")).isFile);
  });
});

Deno.test("openStore: postgres without a reachable server fails naming the server", async () => {
  const config = {
    driver: "postgres" as const,
    path: "unused",
    dsn: "postgres://u:pw-secret@127.0.0.1:1/x",
  };
  await assert.rejects(openStore(config), (err: Error) => {
    assert.match(err.message, /PostgreSQL trace store at 127\.0\.0\.1:1\/x/);
    assert.doesNotMatch(err.message, /pw-secret/);
    return true;
  });
});

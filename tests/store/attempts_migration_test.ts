/**
 * Migrations sqlite/006 and postgres/008 (issue 19) on a database that already holds traces: the
 * older traces read as unrouted (route null, one attempt, no records), their analytics answer as
 * before, and routed traces are written and read beside them.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import {
  openSqliteStore,
  postgresMigrations,
  sqliteMigrations,
  type TraceStore,
} from "../../src/store/mod.ts";
import { openPostgresStore } from "../../src/store/pg_store.ts";
import { applySqliteMigrations } from "../../src/store/sqlite_migrations.ts";
import {
  encodeRollup,
  rollupColumns,
  rollupDimensions,
  rollupsOf,
} from "../../src/store/rollups.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { routedAttempts } from "./conformance_attempts.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";

const upTo = (list: typeof sqliteMigrations, name: string) =>
  list.slice(0, list.findIndex((m) => m.name.includes(name)));

const old = makeTrace({ timestamp: "2026-03-02T10:05:00.000Z", estimated_cost_usd: 0.5 });

/** The old trace as a schema without the route columns stores it (the store's own columns). */
const insertOld = `INSERT INTO traces (id, timestamp, created_at, provider, model, request_method,
    request_path, response_status, usage_status, latency_ms, cost_status, correlation_id,
    estimated_cost_usd, total_tokens)
  VALUES ($1, $2, $3, 'openai', 'gpt-4o-mini', 'POST', '/openai/v1/chat/completions', 200,
    'exact', 100, 'priced', 'corr-1', 0.5, 42)`;

/** [group, requests, cost] per route name. */
async function byRoute(store: TraceStore) {
  return (await store.aggregate({ group_by: "route_name" })).map((r) => [
    r.group,
    r.request_count,
    r.total_cost_usd,
  ]);
}

async function checkAfter(store: TraceStore, rollups: boolean): Promise<void> {
  const read = await store.getTrace(old.id);
  assert.equal(read?.route, null);
  assert.equal(read?.attempt_count, 1);
  assert.equal(read?.attempts, null);
  assert.equal(read?.total_tokens, 42);
  assert.deepStrictEqual(await store.failovers({ limit: 10 }), []);
  const routed = makeTrace({
    timestamp: "2026-03-02T10:06:00.000Z",
    route: "gpt-main",
    attempt_count: 3,
    attempts: routedAttempts(),
  });
  await store.writeBatch([routed]);
  assert.deepStrictEqual(await store.getTrace(routed.id), routed);
  // The old trace is in the unrouted group (kept by the rollup rebuild where there were rollups).
  const unrouted = rollups ? [[null, 1, 0.5]] : [];
  // Equal counts: the null group first, as every group listing orders them.
  assert.deepStrictEqual(await byRoute(store), [
    ...unrouted,
    ["gpt-main", 1, routed.estimated_cost_usd],
  ]);
  assert.equal(await store.countTraces({}), 2);
  assert.equal((await store.failovers({ limit: 10 }))[0]?.failover_count, 1);
  assert.equal(await store.countTraces({ route: "gpt-main" }), 1);
}

Deno.test("sqlite migration 006 on a database with traces: older traces read as unrouted", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/old.db`;
  try {
    const db = new DatabaseSync(path);
    applySqliteMigrations(db, upTo(sqliteMigrations, "006_attempts"));
    db.prepare(insertOld.replaceAll(/\$\d/g, "?")).run(old.id, old.timestamp, old.created_at);
    // Its rollup rows as the old tables keep them (no route_name).
    for (const [table, rows] of rollupsOf([old])) {
      for (const r of rows.values()) {
        const values = encodeRollup(r);
        // Nor partial_count (009), which comes after every dimension.
        values.splice(rollupColumns.indexOf("partial_count"), 1);
        values.splice(rollupDimensions.indexOf("route_name"), 1);
        db.prepare(`INSERT INTO ${table} VALUES (${values.map(() => "?").join(", ")})`)
          .run(...values);
      }
    }
    db.close();
    const store = await openSqliteStore({ path });
    try {
      await checkAfter(store, true);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "postgres migration 008 on a database with traces: older traces read as unrouted",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const db = await createTestDatabase("ongoingai_pgattempts");
    try {
      const older = upTo(postgresMigrations, "008_attempts");
      await (await openPostgresStore({ dsn: db.dsn, migrations: older })).close();
      const sql = postgres(db.dsn, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(insertOld, [old.id, old.timestamp, old.created_at]);
      } finally {
        await sql.end();
      }
      const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
      try {
        // Raw traces only (no rollup rows were written for the old trace here).
        await checkAfter(store, false);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  },
});

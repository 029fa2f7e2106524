/**
 * Migration 005 (SQLite): the rollups gain `developer` and `agent` dimensions by a table rebuild.
 * A database written before it keeps every rollup figure, its traces read with null attribution,
 * and analytics over it answer as before.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openSqliteStore, sqliteMigrations } from "../../src/store/mod.ts";
import { applySqliteMigrations } from "../../src/store/sqlite_migrations.ts";
import { encodeRollup, rollupColumns, rollupsOf } from "../../src/store/rollups.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

// Every migration before 005 (later ones, such as 006, were written after it).
const before = sqliteMigrations.slice(
  0,
  sqliteMigrations.findIndex((m) => m.name.includes("005_attribution")),
);

Deno.test("sqlite migration 005 keeps the rollups and traces of an older database", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/old.db`;
  try {
    const db = new DatabaseSync(path);
    applySqliteMigrations(db, before);
    const trace = makeTrace({ timestamp: "2026-03-02T10:05:00.000Z", estimated_cost_usd: 0.5 });
    // The trace as the old schema stores it (no attribution columns), and its old rollup rows.
    db.prepare(
      `INSERT INTO traces (id, timestamp, created_at, provider, model, request_method,
        request_path, response_status, usage_status, latency_ms, cost_status, correlation_id,
        estimated_cost_usd, total_tokens)
       VALUES (?, ?, ?, 'openai', 'gpt-4o-mini', 'POST', '/openai/v1/chat/completions', 200,
        'exact', 100, 'priced', 'corr-1', 0.5, 42)`,
    ).run(trace.id, trace.timestamp, trace.created_at);
    for (const [table, rows] of rollupsOf([trace])) {
      for (const r of rows.values()) {
        const values = encodeRollup(r);
        // The old tables have no developer, agent (005) and route_name (006): drop those three
        // values (positions 8 to 10), nor partial_count (009, after every dimension).
        values.splice(rollupColumns.indexOf("partial_count"), 1);
        values.splice(8, 3);
        db.prepare(`INSERT INTO ${table} VALUES (${values.map(() => "?").join(", ")})`)
          .run(...values);
      }
    }
    db.close();

    const store = await openSqliteStore({ path });
    try {
      const [all] = await store.aggregate({ group_by: "developer" });
      assert.equal(all?.group, null);
      assert.equal(all?.request_count, 1);
      assert.equal(all?.total_cost_usd, 0.5);
      const [read] = (await store.listTraces({ limit: 1 })).items;
      assert.equal(read?.developer, null);
      assert.equal(read?.session_id, null);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Every SQLite upgrade path at once: a database left at each earlier version, holding data (traces,
 * their rollups where that version had them, gateway keys and their audit log), opened by the
 * store, which applies the rest. Each ends with the schema of a fresh database, byte for byte as
 * SQLite records it, and with the rows a fresh database holds for the same data. The fresh schema
 * itself is pinned in testdata/sqlite_schema.txt, so a change to an old migration (or to what
 * builds its SQL) that alters any database's schema fails here. A new migration changes it on
 * purpose: write the schema the failure shows into that file, and review the diff.
 */
import assert from "node:assert/strict";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { openSqliteStore, sqliteMigrations } from "../../src/store/mod.ts";
import { applySqliteMigrations } from "../../src/store/sqlite_migrations.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const schemaFile = new URL("./testdata/sqlite_schema.txt", import.meta.url);

/**
 * Traces whose newer columns hold what an older database's rows get (no attribution, unrouted):
 * two hours, two keys, an error, one without usage, so the rollups have several rows of each.
 */
const traces = [
  makeTrace({ timestamp: "2026-03-02T10:05:00.000Z", estimated_cost_usd: 0.5 }),
  makeTrace({
    timestamp: "2026-03-02T10:35:00.000Z",
    response_status: 503,
    error_code: "upstream_unreachable",
  }),
  makeTrace({
    timestamp: "2026-03-02T11:01:00.000Z",
    api_key_hash: "hmac-sha256:aa",
    api_key_last4: "abcd",
    input_tokens: null,
    output_tokens: null,
    total_tokens: null,
    usage_status: "unknown",
    estimated_cost_usd: null,
    cost_status: "unknown_usage",
    time_to_first_token_ms: null,
    time_to_first_token_us: null,
  }),
];

/** Rows written by hand: keys made on the host (`cli`), which the provenance migration keeps. */
const keySql = `
  INSERT INTO gateway_keys (id, token_digest, org_id, workspace_id, name, role, created_by, created_at)
    VALUES ('k1', 'digest-1', 'default', 'default', 'ci', 'owner', 'cli', '2026-01-01T00:00:00.000Z');
  INSERT INTO gateway_key_events (id, key_id, event, actor_key_id, org_id, workspace_id, at)
    VALUES (1, 'k1', 'created', 'cli', 'default', 'default', '2026-01-01T00:00:00.000Z');
  INSERT INTO gateway_key_events (id, key_id, event, actor_key_id, org_id, workspace_id, at)
    VALUES (2, 'k1', 'rotated', 'cli', 'default', 'default', '2026-01-02T00:00:00.000Z');`;

type Row = Record<string, SQLInputValue>;

function schemaOf(db: DatabaseSync): string {
  const rows = db.prepare(
    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
  ).all() as { sql: string }[];
  return rows.map((r) => `${r.sql};\n`).join("\n");
}

function tablesOf(db: DatabaseSync): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
    name: string;
  }[]).map((r) => r.name);
}

/**
 * Every row of every table, in a stable order, but the migration log (its times differ) and
 * SQLite's own tables (the planner's statistics depend on when the store last optimised).
 */
function rowsOf(db: DatabaseSync): Record<string, Row[]> {
  const out: Record<string, Row[]> = {};
  for (const table of tablesOf(db)) {
    if (table === "schema_migrations" || table.startsWith("sqlite_")) continue;
    const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
      .map((c) => c.name);
    out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY ${columns.join(", ")}`).all() as Row[];
  }
  return out;
}

function withDb<T>(path: string, fn: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** A fresh database with the data: the rows every upgraded one must end with. */
async function fresh(path: string): Promise<{ schema: string; rows: Record<string, Row[]> }> {
  const store = await openSqliteStore({ path });
  await store.writeBatch(traces);
  await store.close();
  withDb(path, (db) => db.exec(keySql));
  return withDb(path, (db) => ({ schema: schemaOf(db), rows: rowsOf(db) }));
}

/**
 * The fresh rows as the first `count` migrations stored them: only the tables and columns that
 * version had. The rollups of a version before them are left empty: the store rebuilds them from
 * the traces when it opens the database. Returns the tables that version had.
 */
function seedOlder(path: string, count: number, rows: Record<string, Row[]>): string[] {
  return withDb(path, (db) => {
    applySqliteMigrations(db, sqliteMigrations.slice(0, count));
    const tables = new Set(tablesOf(db));
    for (const [table, list] of Object.entries(rows)) {
      if (!tables.has(table)) continue;
      const columns = new Set(
        (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name),
      );
      for (const row of list) {
        const names = Object.keys(row).filter((c) => columns.has(c));
        db.prepare(
          `INSERT INTO ${table} (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
        ).run(...names.map((n) => row[n]!));
      }
    }
    return [...tables];
  });
}

Deno.test("sqlite upgrade: a fresh database has the pinned schema", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { schema, rows } = await fresh(`${dir}/fresh.db`);
    assert.equal(schema, Deno.readTextFileSync(schemaFile));
    assert.equal(rows.traces?.length, traces.length);
    assert.ok((rows.rollup_hourly?.length ?? 0) >= 2);
    assert.ok((rows.rollup_daily_keys?.length ?? 0) >= 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (let count = 1; count < sqliteMigrations.length; count++) {
  const last = sqliteMigrations[count - 1]!.name;
  Deno.test(`sqlite upgrade: from ${last} with data to the latest schema and the same rows`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const want = await fresh(`${dir}/fresh.db`);
      const path = `${dir}/old.db`;
      const had = seedOlder(path, count, want.rows);
      await (await openSqliteStore({ path })).close();
      // A table the older version did not have (gateway keys before 003) starts empty; but the
      // rollups, which the store rebuilds from the traces (before 002).
      const derived = (t: string) => t.startsWith("rollup_");
      const rows = Object.fromEntries(
        Object.entries(want.rows).map(([t, r]) => [t, had.includes(t) || derived(t) ? r : []]),
      );
      withDb(path, (db) => {
        assert.equal(schemaOf(db), want.schema);
        assert.deepStrictEqual(rowsOf(db), rows);
        const names = db.prepare("SELECT name FROM schema_migrations ORDER BY name").all();
        assert.deepStrictEqual(names.map((r) => r.name), sqliteMigrations.map((m) => m.name));
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

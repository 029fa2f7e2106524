/**
 * Review L4: instances of two versions sharing one database. After PostgreSQL migration 006 (the
 * rollups' primary key gained developer and agent) an older instance's ON CONFLICT fails, so
 * every write it makes is lost. An instance now refuses, at start, a database that records a
 * migration it does not know, saying to upgrade it. SQLite (a file shared, or downgraded) alike.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import postgres from "postgres";
import { DatabaseSync } from "node:sqlite";
import { openPostgresStore } from "../../src/store/pg_store.ts";
import { newerSchemaError } from "../../src/store/migration_guard.ts";
import { openSqliteStore, postgresMigrations, sqliteMigrations } from "../../src/store/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";

const newer =
  /this database was migrated by a newer gateway \(version (\d+|unknown);.*upgrade this instance.*stop or upgrade all of them together/;

Deno.test("newerSchemaError: only names this build lacks count, and the highest is named", () => {
  const known = sqliteMigrations.slice(0, 4);
  const table: [string[], string | null][] = [
    [[], null],
    [known.map((m) => m.name), null],
    [known.slice(0, 2).map((m) => m.name), null], // older: pending, not newer
    [[...known.map((m) => m.name), "sqlite/005_attribution.sql"], "version 5;"],
    [["sqlite/007_b.sql", "sqlite/006_a.sql"], "version 7;"],
    [["sqlite/no_number.sql"], "version unknown;"],
  ];
  for (const [applied, expected] of table) {
    const err = newerSchemaError(applied, known);
    if (expected === null) assert.equal(err, null, applied.join());
    else {
      assert.ok(err !== null && err.message.includes(expected), err?.message);
      assert.match(err!.message, newer);
      assert.match(err!.message, /this build knows up to 4/);
    }
  }
});

Deno.test("sqlite: an older build refuses a file a newer one migrated, and changes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-newer-" });
  try {
    const path = join(dir, "traces.db");
    const current = await openSqliteStore({ path });
    await current.writeBatch([makeTrace({ id: "t1" })]);
    await current.close();
    const older = sqliteMigrations.filter((m) => m.name !== "sqlite/005_attribution.sql");
    await assert.rejects(openSqliteStore({ path, migrations: older }), newer);
    await assert.rejects(openSqliteStore({ path, migrations: older }), /version 5;/);
    await assert.rejects(openSqliteStore({ path, migrations: older, readOnly: true }), newer);
    const db = new DatabaseSync(path, { readOnly: true });
    const names = db.prepare("SELECT name FROM schema_migrations").all().map((r) => r.name);
    db.close();
    assert.equal(names.length, sqliteMigrations.length);
    // The build that knows every migration still opens it.
    const again = await openSqliteStore({ path });
    assert.equal(await again.countTraces(), 1);
    await again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "postgres: an older instance refuses a database a newer one migrated (006), saying why",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const db = await createTestDatabase("ongoingai_newer");
    try {
      const current = await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
      await current.writeBatch([makeTrace({ id: "t1" })]);
      const older = postgresMigrations.filter((m) => m.name !== "postgres/006_attribution.sql");
      for (const readOnly of [false, true]) {
        const err = await openPostgresStore({
          dsn: db.dsn,
          maxConnections: 2,
          migrations: older,
          readOnly,
        })
          .then(() => null, (e: Error) => e);
        assert.ok(err !== null, `readOnly ${readOnly}: opened`);
        assert.match(err.message, newer);
        assert.match(err.message, /version 6;.*not postgres\/006_attribution\.sql/);
        // Not dressed up as a connection problem.
        assert.doesNotMatch(err.message, /check storage\.dsn/);
      }
      // Nothing was applied or removed; the current instance keeps working.
      const sql = postgres(db.dsn, { max: 1, onnotice: () => {} });
      const [n] = await sql`SELECT count(*)::int AS n FROM schema_migrations`;
      await sql.end();
      assert.equal(n!.n, postgresMigrations.length);
      await current.writeBatch([makeTrace({ id: "t2" })]);
      assert.equal(await current.countTraces(), 2);
      await current.close();
    } finally {
      await db.drop();
    }
  },
});

/**
 * Keys already in a database from before the provenance migration (sqlite/004, postgres/005):
 * those whose creator is `system` were made over the API with auth off, so they come out
 * flagged and refused in team mode until confirmed; `cli` and key-made ones do not. The audit
 * log keeps its rows and ids, and takes the new `confirmed` event.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import {
  openPostgresStore,
  openSqliteStore,
  postgresMigrations,
  sqliteMigrations,
} from "../../src/store/mod.ts";
import { applySqliteMigrations } from "../../src/store/sqlite_migrations.ts";
import { applyPostgresMigrations } from "../../src/store/pg_migrations.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";

const rows = [
  ["k-system", "system"],
  ["k-cli", "cli"],
  ["k-key", "mgr-a"],
] as const;

const flagged = async (
  store: { activeKeyDigests(): Promise<{ id: string; unconfirmed: boolean }[]> },
) => (await store.activeKeyDigests()).filter((k) => k.unconfirmed).map((k) => k.id);

Deno.test("sqlite: keys created by `system` before the provenance migration are flagged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-keymig-" });
  const path = `${dir}/t.db`;
  try {
    const before = sqliteMigrations.findIndex((m) => m.name === "sqlite/004_key_provenance.sql");
    assert.ok(before > 0);
    const db = new DatabaseSync(path);
    applySqliteMigrations(db, sqliteMigrations.slice(0, before));
    for (const [id, by] of rows) {
      db.prepare(
        `INSERT INTO gateway_keys (id, token_digest, org_id, workspace_id, role, created_by, created_at)
         VALUES (?, ?, 'default', 'default', 'owner', ?, '2026-01-01T00:00:00.000Z')`,
      ).run(id, `digest-${id}`, by);
      db.prepare(
        `INSERT INTO gateway_key_events (key_id, event, actor_key_id, org_id, workspace_id, at)
         VALUES (?, 'created', ?, 'default', 'default', '2026-01-01T00:00:00.000Z')`,
      ).run(id, by);
    }
    db.close();
    const store = await openSqliteStore({ path });
    try {
      assert.deepStrictEqual(await flagged(store), ["k-system"]);
      await store.confirmKey("k-system", "cli", "2026-01-02T00:00:00.000Z");
      assert.deepStrictEqual(await flagged(store), []);
      const events = await store.listKeyEvents(undefined, 10);
      assert.deepStrictEqual(events.map((e) => [e.id, e.key_id, e.event]), [
        [4, "k-system", "confirmed"],
        [3, "k-key", "created"],
        [2, "k-cli", "created"],
        [1, "k-system", "created"],
      ]);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "postgres: keys created by `system` before the provenance migration are flagged",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    const db = await createTestDatabase("ongoingai_keymig");
    try {
      const before = postgresMigrations.findIndex((m) =>
        m.name === "postgres/005_key_provenance.sql"
      );
      assert.ok(before > 0);
      const sql = postgres(db.dsn, { max: 1, onnotice: () => {} });
      try {
        await applyPostgresMigrations(sql, postgresMigrations.slice(0, before));
        for (const [id, by] of rows) {
          await sql`INSERT INTO gateway_keys (id, token_digest, org_id, workspace_id, role,
            created_by, created_at) VALUES (${id}, ${`digest-${id}`}, 'default', 'default',
            'owner', ${by}, '2026-01-01T00:00:00.000Z')`;
        }
      } finally {
        await sql.end();
      }
      const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 1 });
      try {
        assert.deepStrictEqual((await flagged(store)).sort(), ["k-system"]);
        await store.confirmKey("k-system", "cli", "2026-01-02T00:00:00.000Z");
        assert.deepStrictEqual(await flagged(store), []);
        const [event] = await store.listKeyEvents(undefined, 1);
        assert.equal(event?.event, "confirmed");
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  },
});

/**
 * Review of issue 16, item 4: before the fix, `POST /api/gateway-keys/:id/rotate` worked with
 * auth off too, so anyone who reached the port while team mode was off could rotate an existing
 * key (made by the CLI or by another key, so not flagged by its creator) and hold its new token,
 * which woke up with team mode. The audit log names such a rotate's actor `system`: the
 * provenance migration flags those keys as well.
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

/** id, creator, and who rotated it (null: never). */
const rows = [
  ["k-cli-rotated-by-system", "cli", "system"],
  ["k-key-rotated-by-system", "mgr-a", "system"],
  ["k-cli-rotated-by-cli", "cli", "cli"],
  ["k-key-rotated-by-key", "mgr-a", "mgr-a"],
  ["k-cli", "cli", null],
] as const;
const wanted = ["k-cli-rotated-by-system", "k-key-rotated-by-system"];

const flagged = async (
  store: { activeKeyDigests(): Promise<{ id: string; unconfirmed: boolean }[]> },
) => (await store.activeKeyDigests()).filter((k) => k.unconfirmed).map((k) => k.id).sort();

Deno.test("sqlite: keys rotated by `system` before the provenance migration are flagged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-keymig-rot-" });
  const path = `${dir}/t.db`;
  try {
    const before = sqliteMigrations.findIndex((m) => m.name === "sqlite/004_key_provenance.sql");
    assert.ok(before > 0);
    const db = new DatabaseSync(path);
    applySqliteMigrations(db, sqliteMigrations.slice(0, before));
    const event = db.prepare(
      `INSERT INTO gateway_key_events (key_id, event, actor_key_id, org_id, workspace_id, at)
       VALUES (?, ?, ?, 'default', 'default', '2026-01-01T00:00:00.000Z')`,
    );
    for (const [id, by, rotatedBy] of rows) {
      db.prepare(
        `INSERT INTO gateway_keys (id, token_digest, org_id, workspace_id, role, created_by, created_at)
         VALUES (?, ?, 'default', 'default', 'owner', ?, '2026-01-01T00:00:00.000Z')`,
      ).run(id, `digest-${id}`, by);
      event.run(id, "created", by);
      if (rotatedBy !== null) event.run(id, "rotated", rotatedBy);
    }
    db.close();
    const store = await openSqliteStore({ path });
    try {
      assert.deepStrictEqual(await flagged(store), wanted);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "postgres: keys rotated by `system` before the provenance migration are flagged",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    const db = await createTestDatabase("ongoingai_keymig_rot");
    try {
      const before = postgresMigrations.findIndex((m) =>
        m.name === "postgres/005_key_provenance.sql"
      );
      assert.ok(before > 0);
      const sql = postgres(db.dsn, { max: 1, onnotice: () => {} });
      try {
        await applyPostgresMigrations(sql, postgresMigrations.slice(0, before));
        for (const [id, by, rotatedBy] of rows) {
          await sql`INSERT INTO gateway_keys (id, token_digest, org_id, workspace_id, role,
            created_by, created_at) VALUES (${id}, ${`digest-${id}`}, 'default', 'default',
            'owner', ${by}, '2026-01-01T00:00:00.000Z')`;
          for (const [ev, actor] of [["created", by], ["rotated", rotatedBy]] as const) {
            if (actor === null) continue;
            await sql`INSERT INTO gateway_key_events (key_id, event, actor_key_id, org_id,
              workspace_id, at) VALUES (${id}, ${ev}, ${actor}, 'default', 'default',
              '2026-01-01T00:00:00.000Z')`;
          }
        }
      } finally {
        await sql.end();
      }
      const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 1 });
      try {
        assert.deepStrictEqual(await flagged(store), wanted);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  },
});

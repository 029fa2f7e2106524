/**
 * Databases as they were before the key provenance migration (sqlite/004, postgres/005), seeded
 * with keys and their audit events, for the tests of what that migration flags.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import { postgresMigrations, sqliteMigrations } from "../../src/store/mod.ts";
import { applySqliteMigrations } from "../../src/store/sqlite_migrations.ts";
import { applyPostgresMigrations } from "../../src/store/pg_migrations.ts";

/** A key row of the old schema: its creator and its audit events as `[event, actor]`. */
export interface OldKey {
  id: string;
  createdBy: string;
  events: readonly (readonly [event: string, actor: string])[];
}

const at = "2026-01-01T00:00:00.000Z";

function migrationsBefore<M extends { name: string }>(all: readonly M[], name: string): M[] {
  const before = all.findIndex((m) => m.name === name);
  assert.ok(before > 0, `${name} is among the migrations`);
  return all.slice(0, before);
}

export function seedSqliteBeforeProvenance(path: string, keys: readonly OldKey[]): void {
  const db = new DatabaseSync(path);
  try {
    applySqliteMigrations(db, migrationsBefore(sqliteMigrations, "sqlite/004_key_provenance.sql"));
    const key = db.prepare(
      `INSERT INTO gateway_keys (id, token_digest, org_id, workspace_id, role, created_by, created_at)
       VALUES (?, ?, 'default', 'default', 'owner', ?, ?)`,
    );
    const event = db.prepare(
      `INSERT INTO gateway_key_events (key_id, event, actor_key_id, org_id, workspace_id, at)
       VALUES (?, ?, ?, 'default', 'default', ?)`,
    );
    for (const k of keys) {
      key.run(k.id, `digest-${k.id}`, k.createdBy, at);
      for (const [name, actor] of k.events) event.run(k.id, name, actor, at);
    }
  } finally {
    db.close();
  }
}

export async function seedPostgresBeforeProvenance(
  dsn: string,
  keys: readonly OldKey[],
): Promise<void> {
  const sql = postgres(dsn, { max: 1, onnotice: () => {} });
  try {
    await applyPostgresMigrations(
      sql,
      migrationsBefore(postgresMigrations, "postgres/005_key_provenance.sql"),
    );
    for (const k of keys) {
      await sql`INSERT INTO gateway_keys (id, token_digest, org_id, workspace_id, role,
        created_by, created_at) VALUES (${k.id}, ${`digest-${k.id}`}, 'default', 'default',
        'owner', ${k.createdBy}, ${at})`;
      for (const [name, actor] of k.events) {
        await sql`INSERT INTO gateway_key_events (key_id, event, actor_key_id, org_id,
          workspace_id, at) VALUES (${k.id}, ${name}, ${actor}, 'default', 'default', ${at})`;
      }
    }
  } finally {
    await sql.end();
  }
}

/** The ids of the store's active keys that are flagged, in id order. */
export async function flaggedKeys(
  store: { activeKeyDigests(): Promise<{ id: string; unconfirmed: boolean }[]> },
): Promise<string[]> {
  return (await store.activeKeyDigests()).filter((k) => k.unconfirmed).map((k) => k.id).sort();
}

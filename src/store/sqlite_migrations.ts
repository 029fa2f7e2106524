/**
 * SQLite schema migrations. The SQL files are imported as text so they are embedded in the bundle
 * and the compiled binary: nothing is read from the project directory at run time.
 */
import type { DatabaseSync } from "node:sqlite";
import init from "../../migrations/sqlite/001_init.sql" with { type: "text" };
import rollups from "../../migrations/sqlite/002_rollups.sql" with { type: "text" };
import gatewayKeys from "../../migrations/sqlite/003_gateway_keys.sql" with { type: "text" };
import keyProvenance from "../../migrations/sqlite/004_key_provenance.sql" with { type: "text" };
import attribution from "../../migrations/sqlite/005_attribution.sql" with { type: "text" };
import attempts from "../../migrations/sqlite/006_attempts.sql" with { type: "text" };
import responseStates from "../../migrations/sqlite/007_response_states.sql" with { type: "text" };
import auditLog from "../../migrations/sqlite/008_audit_log.sql" with { type: "text" };
import costBreakdown from "../../migrations/sqlite/009_cost_breakdown.sql" with { type: "text" };
import dailyRollups from "../../migrations/sqlite/010_daily_rollups.sql" with { type: "text" };
import { newerSchemaError } from "./migration_guard.ts";
import { createRollupTablesSql, rebuildRollupTablesSql } from "./sqlite_rollup_sql.ts";

export interface Migration {
  /** Recorded in `schema_migrations`; `sqlite/NNN_name.sql`, as the original recorded them. */
  name: string;
  sql: string;
}

/**
 * In apply order. A new file in migrations/sqlite/ must be added here (a test checks it). The
 * rollup tables' SQL, the same columns created and rebuilt three times, is written by
 * sqlite_rollup_sql.ts after the file's own text (which says so).
 */
export const sqliteMigrations: readonly Migration[] = [
  { name: "sqlite/001_init.sql", sql: init },
  { name: "sqlite/002_rollups.sql", sql: rollups + createRollupTablesSql() },
  { name: "sqlite/003_gateway_keys.sql", sql: gatewayKeys },
  { name: "sqlite/004_key_provenance.sql", sql: keyProvenance },
  {
    name: "sqlite/005_attribution.sql",
    sql: attribution + rebuildRollupTablesSql([], ["developer", "agent"]),
  },
  {
    name: "sqlite/006_attempts.sql",
    sql: attempts + rebuildRollupTablesSql(["developer", "agent"], ["route_name"]),
  },
  { name: "sqlite/007_response_states.sql", sql: responseStates },
  { name: "sqlite/008_audit_log.sql", sql: auditLog },
  { name: "sqlite/009_cost_breakdown.sql", sql: costBreakdown },
  { name: "sqlite/010_daily_rollups.sql", sql: dailyRollups },
];

/**
 * Applies every migration not yet recorded, each in its own `BEGIN IMMEDIATE` transaction with
 * its `schema_migrations` row, so two processes starting at once cannot both apply one, and a
 * failed migration leaves no half-applied schema. Returns the names applied now. Throws, changing
 * nothing, when the file records a migration this build does not know (a newer gateway's).
 */
export function applySqliteMigrations(
  db: DatabaseSync,
  migrations: readonly Migration[] = sqliteMigrations,
  now: () => Date = () => new Date(),
): string[] {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)",
  );
  const isApplied = db.prepare("SELECT 1 AS applied FROM schema_migrations WHERE name = ?");
  const record = db.prepare("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)");
  // A database file shared with (or left by) a newer gateway: its schema is not ours to write.
  const recorded = db.prepare("SELECT name FROM schema_migrations").all() as { name: string }[];
  const newer = newerSchemaError(recorded.map((r) => r.name), migrations);
  if (newer !== null) throw newer;
  const applied: string[] = [];
  for (const migration of migrations) {
    db.exec("BEGIN IMMEDIATE");
    try {
      if (isApplied.get(migration.name) === undefined) {
        db.exec(migration.sql);
        record.run(migration.name, now().toISOString());
        applied.push(migration.name);
      }
      db.exec("COMMIT");
    } catch (err) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw new Error(
        `applying migration ${migration.name} failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  return applied;
}

/** Migrations this build has that the database does not record (all, when it has none). */
export function pendingMigrations(db: DatabaseSync, migrations: readonly Migration[]): string[] {
  const table = db.prepare(
    "SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
  ).get();
  if (table === undefined) return migrations.map((m) => m.name);
  const names = (db.prepare("SELECT name FROM schema_migrations").all() as { name: string }[])
    .map((r) => r.name);
  const newer = newerSchemaError(names, migrations);
  if (newer !== null) throw newer;
  const applied = new Set(names);
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

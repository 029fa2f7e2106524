/**
 * PostgreSQL schema migrations, embedded as text like the SQLite ones. Each is applied in its own
 * transaction holding an advisory lock, so instances starting together apply each exactly once:
 * the second waits for the first, then finds it recorded.
 */
import init from "../../migrations/postgres/001_init.sql" with { type: "text" };
import rollups from "../../migrations/postgres/002_rollups.sql" with { type: "text" };
import gatewayKeys from "../../migrations/postgres/003_gateway_keys.sql" with { type: "text" };
import limitCounters from "../../migrations/postgres/004_limit_counters.sql" with { type: "text" };
import keyProvenance from "../../migrations/postgres/005_key_provenance.sql" with { type: "text" };
import attribution from "../../migrations/postgres/006_attribution.sql" with { type: "text" };
import routingState from "../../migrations/postgres/007_routing_state.sql" with { type: "text" };
import attempts from "../../migrations/postgres/008_attempts.sql" with { type: "text" };
import responseStates from "../../migrations/postgres/009_response_states.sql" with {
  type: "text",
};
import auditLog from "../../migrations/postgres/010_audit_log.sql" with { type: "text" };
import costBreakdown from "../../migrations/postgres/011_cost_breakdown.sql" with {
  type: "text",
};
import dailyRollups from "../../migrations/postgres/012_daily_rollups.sql" with {
  type: "text",
};
import { newerSchemaError } from "./migration_guard.ts";
import type { Migration } from "./sqlite_migrations.ts";
import type { Sql } from "./pg_connect.ts";

/** In apply order. A new file in migrations/postgres/ must be added here. */
export const postgresMigrations: readonly Migration[] = [
  { name: "postgres/001_init.sql", sql: init },
  { name: "postgres/002_rollups.sql", sql: rollups },
  { name: "postgres/003_gateway_keys.sql", sql: gatewayKeys },
  { name: "postgres/004_limit_counters.sql", sql: limitCounters },
  { name: "postgres/005_key_provenance.sql", sql: keyProvenance },
  { name: "postgres/006_attribution.sql", sql: attribution },
  { name: "postgres/007_routing_state.sql", sql: routingState },
  { name: "postgres/008_attempts.sql", sql: attempts },
  { name: "postgres/009_response_states.sql", sql: responseStates },
  { name: "postgres/010_audit_log.sql", sql: auditLog },
  { name: "postgres/011_cost_breakdown.sql", sql: costBreakdown },
  { name: "postgres/012_daily_rollups.sql", sql: dailyRollups },
];

/** Advisory lock keys of this store (first half: "onga"). */
export const lockKeys = { migrate: [0x6f6e6761, 1], write: [0x6f6e6761, 2] } as const;

export async function applyPostgresMigrations(
  sql: Sql,
  migrations: readonly Migration[] = postgresMigrations,
): Promise<string[]> {
  const newer = newerSchemaError(await appliedPostgresMigrations(sql), migrations);
  if (newer !== null) throw newer;
  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${lockKeys.migrate[0]}, ${lockKeys.migrate[1]})`;
      await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
      const [done] = await tx`SELECT 1 AS x FROM schema_migrations WHERE name = ${migration.name}`;
      if (done !== undefined) return false;
      try {
        await tx.unsafe(migration.sql);
      } catch (err) {
        throw new Error(
          `applying migration ${migration.name} failed: ${(err as Error).message}`,
          { cause: err },
        );
      }
      await tx`INSERT INTO schema_migrations (name) VALUES (${migration.name})`;
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}

/** Names the database records as applied; none when it has no `schema_migrations` yet. */
async function appliedPostgresMigrations(sql: Sql): Promise<string[]> {
  const [table] = await sql`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`;
  if (!table?.present) return [];
  const rows = await sql`SELECT name FROM schema_migrations`;
  return rows.map((r) => r.name as string);
}

/**
 * Migrations this build has that the database does not record (all, when it has none). Throws
 * when the database records one this build does not know (migrated by a newer gateway).
 */
export async function pendingPostgresMigrations(
  sql: Sql,
  migrations: readonly Migration[] = postgresMigrations,
): Promise<string[]> {
  const names = await appliedPostgresMigrations(sql);
  const newer = newerSchemaError(names, migrations);
  if (newer !== null) throw newer;
  const applied = new Set(names);
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

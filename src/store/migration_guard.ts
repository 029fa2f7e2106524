/**
 * Refusing a database migrated by a newer gateway. Migrations only go forward and change what
 * older code relies on (006 on PostgreSQL replaced the rollups' primary key: an older instance's
 * ON CONFLICT then fails its whole write), so an instance that finds a migration it does not know
 * recorded stops at start with what to do, rather than running and losing every write.
 */
import type { Migration } from "./sqlite_migrations.ts";

/** `postgres/006_attribution.sql` is 6; NaN for a name without a number. */
const versionOf = (name: string) => Number(/(?:^|\/)(\d+)_[^/]*$/.exec(name)?.[1] ?? NaN);

/** Not a connection problem: the message says what to do, and callers pass it on unchanged. */
export class NewerSchemaError extends Error {
  override name = "NewerSchemaError";
}

/** The error to stop with when `applied` records migrations `known` lacks; null when none. */
export function newerSchemaError(
  applied: Iterable<string>,
  known: readonly Migration[],
): NewerSchemaError | null {
  const knownNames = new Set(known.map((m) => m.name));
  const unknown = [...new Set(applied)].filter((name) => !knownNames.has(name)).sort();
  if (unknown.length === 0) return null;
  const numbers = unknown.map(versionOf).filter((v) => !Number.isNaN(v));
  const ours = Math.max(0, ...known.map((m) => versionOf(m.name)).filter((v) => !Number.isNaN(v)));
  const version = numbers.length === 0 ? "unknown" : String(Math.max(...numbers));
  return new NewerSchemaError(
    `this database was migrated by a newer gateway (version ${version}; this build knows up to ` +
      `${ours}, and not ${unknown.join(", ")}); upgrade this instance. Instances sharing a ` +
      "database must run one version: stop or upgrade all of them together (docs/storage.md)",
  );
}

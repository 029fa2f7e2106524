/**
 * PostgreSQL for tests: `deno task test` starts a throwaway cluster and passes its address as
 * ONGOINGAI_TEST_POSTGRES_DSN (scripts/test.ts). Each test file takes a database of its own, so
 * files running in parallel never see each other's tables.
 */
import postgres from "postgres";

export const postgresDsnVariable = "ONGOINGAI_TEST_POSTGRES_DSN";

/** The server's address, or why PostgreSQL tests must be skipped (for `ignore:` names). */
export function postgresAvailable(): { dsn: string } | { skip: string } {
  const dsn = Deno.env.get(postgresDsnVariable);
  if (dsn) return { dsn };
  // Set by scripts/test.ts when it could not start a cluster.
  const why = Deno.env.get("ONGOINGAI_TEST_POSTGRES_SKIPPED");
  if (why) return { skip: `no PostgreSQL: ${why}` };
  return {
    skip: `${postgresDsnVariable} is not set; run the tests via \`deno task test\`, which starts ` +
      "a throwaway PostgreSQL cluster (and says why when it cannot)",
  };
}

let counter = 0;

function uniqueName(): string {
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  return `ongoingai_test_${Date.now().toString(36)}_${Deno.pid}_${counter++}_${random}`;
}

/** The same server and credentials, another database. */
export function withDatabase(dsn: string, database: string): string {
  const url = new URL(dsn);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(dsn: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(dsn, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

/** A new empty database on the test server; `drop()` removes it, closing any open connections. */
export async function freshDatabase(): Promise<{ dsn: string; drop(): Promise<void> }> {
  const available = postgresAvailable();
  if ("skip" in available) throw new Error(available.skip);
  const name = uniqueName();
  await admin(available.dsn, (sql) => sql`create database ${sql(name)}`);
  return {
    dsn: withDatabase(available.dsn, name),
    drop: () =>
      admin(available.dsn, (sql) => sql`drop database if exists ${sql(name)} with (force)`).then(
        () => {},
      ),
  };
}

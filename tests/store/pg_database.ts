/**
 * A throwaway database per test file on the server `ONGOINGAI_TEST_POSTGRES_DSN` names, so test
 * files running in parallel never see each other's traces. Without the variable, `skipReason`
 * says why the PostgreSQL tests are ignored.
 */
import postgres from "postgres";

export const testDsn: string | undefined = Deno.env.get("ONGOINGAI_TEST_POSTGRES_DSN") ||
  undefined;

export const skipReason: string | undefined = testDsn === undefined
  ? "ONGOINGAI_TEST_POSTGRES_DSN is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres); " +
    "PostgreSQL store tests NOT RUN"
  : undefined;

let counter = 0;

/** Creates a uniquely named database; returns its DSN and a function that drops it. */
export async function createTestDatabase(
  prefix = "ongoingai_test",
): Promise<{ dsn: string; drop: () => Promise<void> }> {
  if (testDsn === undefined) throw new Error(skipReason);
  const name = `${prefix}_${Deno.pid}_${Date.now().toString(36)}_${counter++}_${
    crypto.randomUUID().slice(0, 8)
  }`.replace(/[^a-z0-9_]/g, "_");
  const admin = postgres(testDsn, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(testDsn);
  url.pathname = `/${name}`;
  return {
    dsn: url.toString(),
    drop: async () => {
      const a = postgres(testDsn!, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

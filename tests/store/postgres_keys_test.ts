import { openPostgresStore } from "../../src/store/mod.ts";
import { runKeyStoreConformance } from "./key_conformance.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";

const databases: (() => Promise<void>)[] = [];

runKeyStoreConformance(
  "postgres",
  async () => {
    const db = await createTestDatabase("ongoingai_keys");
    databases.push(db.drop);
    return await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
  },
  skipReason === undefined ? {} : { ignore: skipReason },
);

Deno.test({
  name: "postgres key store: drop the test databases",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    for (const drop of databases.splice(0)) await drop();
  },
});

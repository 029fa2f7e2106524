/**
 * The Responses store on PostgreSQL: the conformance suite (whose concurrent puts race on two
 * pool connections), and puts of one id from several instances sharing one database.
 */
import assert from "node:assert/strict";
import { openPostgresStore } from "../../src/store/mod.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";
import {
  isStateError,
  newState,
  runResponseStateConformance,
  tenantA,
} from "./response_state_conformance.ts";

const databases: (() => Promise<void>)[] = [];
const ignore = skipReason === undefined ? {} : { ignore: skipReason };

runResponseStateConformance("postgres", async () => {
  const db = await createTestDatabase("ongoingai_responses");
  databases.push(db.drop);
  return await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
}, ignore);

Deno.test({
  name: "postgres response store: instances sharing a database put one id: one wins",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    const db = await createTestDatabase("ongoingai_responses_race");
    databases.push(db.drop);
    const stores = await Promise.all(
      [1, 2, 3].map(() => openPostgresStore({ dsn: db.dsn, maxConnections: 2 })),
    );
    try {
      for (let round = 0; round < 20; round++) {
        const id = `race${round}`;
        const results = await Promise.allSettled(
          stores.map((s, i) => s.putResponseState(newState(id, { state: { by: i } }))),
        );
        const won = results.flatMap((r, i) => r.status === "fulfilled" ? [i] : []);
        assert.equal(won.length, 1);
        for (const r of results) {
          if (r.status === "rejected") assert.ok(isStateError("duplicate_id")(r.reason), r.reason);
        }
        assert.deepStrictEqual((await stores[2]!.getResponseState(tenantA, id))?.state, {
          by: won[0],
        });
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  },
});

Deno.test({
  name: "postgres response store: drop the test databases",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    for (const drop of databases.splice(0)) await drop();
  },
});

/**
 * The PostgreSQL routing state's cache and its own writes in flight: a refresh whose read reached
 * the database before a write this instance made already (on another pooled connection) must not
 * replace what the cache knows with the older rows, or an instance would forget the breaker it
 * just opened, or the key it just disabled, until its write lands and the next refresh (a race
 * tests/e2e/routes_shared_pg_test.ts could hit when `GET /api/routes` follows a request at once).
 * The write is held back deterministically by a table lock another session takes; reads are not
 * blocked by that lock.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { openPostgresStore } from "../../src/store/mod.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";

const T0 = 1_800_000_000_000;

Deno.test({
  name: "postgres routing state: a refresh racing this instance's own write keeps the write",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    const db = await createTestDatabase("ongoingai_routing_race");
    const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 4 });
    const locker = postgres(db.dsn, { max: 1, onnotice: () => {} });
    const state = store.routingState;
    const key = { kind: "key" as const, provider: "openai", id: "k1" };
    let release = () => {};
    try {
      await state.refresh(T0);
      // SHARE conflicts with the row-exclusive lock of INSERT/UPDATE/DELETE, not with SELECT.
      const released = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const holder = locker.begin(async (sql) => {
        await sql`LOCK TABLE routing_breakers, routing_key_blocks IN SHARE MODE`;
        locked();
        await released;
      });
      await isLocked;
      const writes = [
        state.openBreaker("openai/gpt-main", T0 + 1, T0 + 60_000),
        state.disableKey(key, T0 + 1, "status_401_auth"),
      ];
      // The writes wait for the lock; a refresh reads the tables without them.
      await state.refresh(T0 + 2);
      assert.equal(
        state.breaker("openai/gpt-main", T0 + 3)?.openUntil,
        T0 + 60_000,
        "the breaker this instance opened",
      );
      assert.equal(state.blocked(key, T0 + 3)?.state, "disabled", "the key it disabled");
      const snap = await state.snapshot(T0 + 3);
      assert.equal(snap.breakers.length, 1);
      assert.equal(snap.blocks.length, 1);
      release();
      await holder;
      await Promise.all(writes);
      // Once the writes landed, a refresh reads them back.
      await state.refresh(T0 + 4);
      assert.equal(state.breaker("openai/gpt-main", T0 + 5)?.openUntil, T0 + 60_000);
      assert.equal(state.blocked(key, T0 + 5)?.state, "disabled");
    } finally {
      release();
      await state.settled();
      await locker.end();
      await store.close();
      await db.drop();
    }
  },
});

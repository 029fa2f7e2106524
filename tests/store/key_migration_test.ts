/**
 * Keys already in a database from before the provenance migration (sqlite/004, postgres/005):
 * those whose creator is `system` were made over the API with auth off, so they come out
 * flagged and refused in team mode until confirmed; `cli` and key-made ones do not. The audit
 * log keeps its rows and ids, and takes the new `confirmed` event.
 */
import assert from "node:assert/strict";
import { openPostgresStore, openSqliteStore } from "../../src/store/mod.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";
import {
  flaggedKeys as flagged,
  type OldKey,
  seedPostgresBeforeProvenance,
  seedSqliteBeforeProvenance,
} from "./key_provenance_fixture.ts";

const rows = [
  ["k-system", "system"],
  ["k-cli", "cli"],
  ["k-key", "mgr-a"],
] as const;
const withCreatedEvents: OldKey[] = rows.map(([id, by]) => ({
  id,
  createdBy: by,
  events: [["created", by]],
}));
const withoutEvents: OldKey[] = rows.map(([id, by]) => ({ id, createdBy: by, events: [] }));

Deno.test("sqlite: keys created by `system` before the provenance migration are flagged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-keymig-" });
  const path = `${dir}/t.db`;
  try {
    seedSqliteBeforeProvenance(path, withCreatedEvents);
    const store = await openSqliteStore({ path });
    try {
      assert.deepStrictEqual(await flagged(store), ["k-system"]);
      await store.confirmKey("k-system", "cli", "2026-01-02T00:00:00.000Z");
      assert.deepStrictEqual(await flagged(store), []);
      const events = await store.listKeyEvents(undefined, 10);
      assert.deepStrictEqual(events.map((e) => [e.id, e.key_id, e.event]), [
        [4, "k-system", "confirmed"],
        [3, "k-key", "created"],
        [2, "k-cli", "created"],
        [1, "k-system", "created"],
      ]);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "postgres: keys created by `system` before the provenance migration are flagged",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    const db = await createTestDatabase("ongoingai_keymig");
    try {
      await seedPostgresBeforeProvenance(db.dsn, withoutEvents);
      const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 1 });
      try {
        assert.deepStrictEqual(await flagged(store), ["k-system"]);
        await store.confirmKey("k-system", "cli", "2026-01-02T00:00:00.000Z");
        assert.deepStrictEqual(await flagged(store), []);
        const [event] = await store.listKeyEvents(undefined, 1);
        assert.equal(event?.event, "confirmed");
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  },
});

/**
 * Review of issue 16, item 4: before the fix, `POST /api/gateway-keys/:id/rotate` worked with
 * auth off too, so anyone who reached the port while team mode was off could rotate an existing
 * key (made by the CLI or by another key, so not flagged by its creator) and hold its new token,
 * which woke up with team mode. The audit log names such a rotate's actor `system`: the
 * provenance migration flags those keys as well.
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

/** id, creator, and who rotated it (null: never). */
const rows = [
  ["k-cli-rotated-by-system", "cli", "system"],
  ["k-key-rotated-by-system", "mgr-a", "system"],
  ["k-cli-rotated-by-cli", "cli", "cli"],
  ["k-key-rotated-by-key", "mgr-a", "mgr-a"],
  ["k-cli", "cli", null],
] as const;
const keys: OldKey[] = rows.map(([id, by, rotatedBy]) => ({
  id,
  createdBy: by,
  events: rotatedBy === null ? [["created", by]] : [["created", by], ["rotated", rotatedBy]],
}));
const wanted = ["k-cli-rotated-by-system", "k-key-rotated-by-system"];

Deno.test("sqlite: keys rotated by `system` before the provenance migration are flagged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-keymig-rot-" });
  const path = `${dir}/t.db`;
  try {
    seedSqliteBeforeProvenance(path, keys);
    const store = await openSqliteStore({ path });
    try {
      assert.deepStrictEqual(await flagged(store), wanted);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "postgres: keys rotated by `system` before the provenance migration are flagged",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    const db = await createTestDatabase("ongoingai_keymig_rot");
    try {
      await seedPostgresBeforeProvenance(db.dsn, keys);
      const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 1 });
      try {
        assert.deepStrictEqual(await flagged(store), wanted);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  },
});

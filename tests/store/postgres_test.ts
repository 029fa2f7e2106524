import assert from "node:assert/strict";
import postgres from "postgres";
import { openPostgresStore } from "../../src/store/pg_store.ts";
import { chargesFor, type CounterStore, settlement } from "../../src/limits/mod.ts";
import type { TraceStore } from "../../src/store/mod.ts";
import { runTraceStoreConformance, withStore } from "./conformance.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const opened: TraceStore[] = [];
const databases: (() => Promise<void>)[] = [];

/** Each conformance case gets a fresh database, dropped when the file's tests end. */
async function freshStore(): Promise<TraceStore> {
  const db = await createTestDatabase("ongoingai_pgstore");
  databases.push(db.drop);
  const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 4 });
  opened.push(store);
  return store;
}

runTraceStoreConformance(
  "postgres",
  freshStore,
  skipReason === undefined ? {} : { ignore: skipReason },
);

const pgTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: skipReason !== undefined, sanitizeResources: false, fn });

pgTest("postgres store: migrations are applied once by instances starting together", async () => {
  const db = await createTestDatabase("ongoingai_pgmig");
  try {
    const stores = await Promise.all(
      [1, 2, 3, 4].map(() => openPostgresStore({ dsn: db.dsn, maxConnections: 2 })),
    );
    const sql = postgres(db.dsn, { max: 1 });
    const rows = await sql`SELECT name FROM schema_migrations ORDER BY name`;
    await sql.end();
    assert.deepStrictEqual(rows.map((r) => r.name), [
      "postgres/001_init.sql",
      "postgres/002_rollups.sql",
      "postgres/003_gateway_keys.sql",
      "postgres/004_limit_counters.sql",
      "postgres/005_key_provenance.sql",
      "postgres/006_attribution.sql",
      "postgres/007_routing_state.sql",
      "postgres/008_attempts.sql",
      "postgres/009_response_states.sql",
      "postgres/010_audit_log.sql",
      "postgres/011_cost_breakdown.sql",
      "postgres/012_daily_rollups.sql",
    ]);
    await Promise.all(stores.map((s) => s.close()));
  } finally {
    await db.drop();
  }
});

pgTest("postgres store: concurrent writers list in visibility order and count once", async () => {
  const db = await createTestDatabase("ongoingai_pgconc");
  try {
    const stores = await Promise.all(
      [1, 2, 3].map(() => openPostgresStore({ dsn: db.dsn, maxConnections: 3 })),
    );
    const batches = Array.from(
      { length: 12 },
      (_, b) => Array.from({ length: 20 }, (_, i) => makeTrace({ id: `t-${b}-${i}` })),
    );
    await Promise.all(batches.map((batch, i) => stores[i % 3]!.writeBatch(batch)));
    // Replays count nothing twice.
    await Promise.all(batches.map((batch, i) => stores[(i + 1) % 3]!.writeBatch(batch)));
    await withStore(() => Promise.resolve(stores[0]!), async (store) => {
      assert.equal(await store.countTraces(), 240);
      const [all] = await store.aggregate({});
      assert.equal(all?.request_count, 240);
      // Within each batch, list order is reverse batch order.
      const page = await store.listTraces({ limit: 1000 });
      for (const batch of batches) {
        const ids = batch.map((t) => t.id).reverse();
        const positions = ids.map((id) => page.items.findIndex((t) => t.id === id));
        assert.deepStrictEqual([...positions].sort((a, b) => a - b), positions);
        assert.equal(positions.at(-1)! - positions[0]!, 19, "a batch is contiguous");
      }
    });
    await Promise.all(stores.slice(1).map((s) => s.close()));
  } finally {
    await db.drop();
  }
});

pgTest(
  "postgres store: an unreachable server fails the open naming the host, not the password",
  async () => {
    const dsn = "postgres://alice:s3cr3t-pw@127.0.0.1:1/traces";
    const err = await openPostgresStore({ dsn, connectTimeoutSeconds: 2 }).then(
      () => null,
      (e: Error) => e,
    );
    assert.ok(err instanceof Error);
    assert.match(err.message, /127\.0\.0\.1:1\/traces/);
    assert.doesNotMatch(err.message, /s3cr3t/);
  },
);

Deno.test({
  name: "postgres store: test databases are dropped",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    for (const s of opened) await s.close().catch(() => {});
    for (const drop of databases) await drop();
  },
});

pgTest("postgres store: limit counters are shared by instances and settle", async () => {
  const db = await createTestDatabase("ongoingai_pglimits");
  const stores = [
    await openPostgresStore({ dsn: db.dsn, maxConnections: 2 }),
    await openPostgresStore({ dsn: db.dsn, maxConnections: 2 }),
  ];
  try {
    const now = Date.UTC(2025, 0, 2, 10, 0, 0);
    const subjects = [{
      scope: "key" as const,
      id: "o|k",
      limits: {
        requests_per_minute: 0,
        tokens_per_minute: 100,
        tokens_per_day: 0,
        cost_usd_per_day: 0,
      },
    }];
    const [a, b] = stores.map((s) => s.limitCounters) as [CounterStore, CounterStore];
    const charges = chargesFor(subjects, { tokens: 60, costUsd: 0 }, now);
    assert.equal(await a.reserve(charges, now), null);
    assert.equal((await b.reserve(charges, now))?.name, "tokens_per_minute");
    await a.adjust(settlement(charges, { tokens: 10, costUsd: null }));
    assert.equal(await b.reserve(charges, now), null);
    assert.equal((await a.reserve(charges, now))?.name, "tokens_per_minute");
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await db.drop();
  }
});

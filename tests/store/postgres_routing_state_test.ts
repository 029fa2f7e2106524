/**
 * The routing state conformance suite on PostgreSQL: each case gets a fresh database and two
 * stores on it (two gateway instances), so the shared cases see each other's writes.
 */
import { openPostgresStore } from "../../src/store/mod.ts";
import assert from "node:assert/strict";
import { runRoutingStateConformance, T0 } from "../routing/state_conformance.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";

const databases: (() => Promise<void>)[] = [];

runRoutingStateConformance(
  "postgres",
  async () => {
    const db = await createTestDatabase("ongoingai_routing");
    databases.push(db.drop);
    const a = await openPostgresStore({ dsn: db.dsn, maxConnections: 4 });
    const b = await openPostgresStore({ dsn: db.dsn, maxConnections: 4 });
    return {
      state: a.routingState,
      peer: {
        state: b.routingState,
        sync: (now) => b.routingState.refresh(now),
        settled: () => b.routingState.settled(),
      },
      close: async () => {
        await a.close();
        await b.close();
      },
    };
  },
  skipReason === undefined ? {} : { ignore: skipReason },
);

Deno.test({
  name: "postgres routing state: without its database it goes on with what it knows",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    const db = await createTestDatabase("ongoingai_routing");
    databases.push(db.drop);
    const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
    const state = store.routingState;
    const key = { kind: "key" as const, provider: "openai", id: "k1" };
    await state.coolDown(key, T0, T0 + 30_000, "status_429_rate_limited");
    await state.openBreaker("openai/gpt-main", T0, T0 + 1000);
    await store.close();
    await assert.rejects(state.coolDown(key, T0 + 1, T0 + 60_000, "x"), /closed/);
    assert.equal(state.blocked(key, T0 + 5000)?.until, T0 + 60_000, "the cache has it");
    assert.equal(await state.claimProbe("openai/gpt-main", T0 + 2000, 500), "probe", "local");
    assert.equal(await state.claimProbe("openai/gpt-main", T0 + 2001, 500), "busy");
    const snap = await state.snapshot(T0 + 3000);
    assert.match(snap.lastError ?? "", /routing state on PostgreSQL: .*closed/);
    assert.equal(snap.blocks.length, 1);
  },
});

Deno.test({
  name: "postgres routing state: drop the test databases",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    for (const drop of databases.splice(0)) await drop();
  },
});

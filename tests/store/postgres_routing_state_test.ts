/**
 * The routing state conformance suite on PostgreSQL: each case gets a fresh database and two
 * stores on it (two gateway instances), so the shared cases see each other's writes.
 */
import { openPostgresStore } from "../../src/store/mod.ts";
import { KeyPool, type ResolvedRoute, Router } from "../../src/routing/mod.ts";
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
  name:
    "postgres routing state: two gateways route around each other's cooled key and open breaker",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  fn: async () => {
    const db = await createTestDatabase("ongoingai_routing");
    databases.push(db.drop);
    const stores = await Promise.all(
      [1, 2].map(() => openPostgresStore({ dsn: db.dsn, maxConnections: 2 })),
    );
    try {
      const keys = [{ id: "a", weight: 1 }, { id: "b", weight: 1 }];
      const [one, two] = stores.map((s) =>
        new Router(s.routingState, [new KeyPool("openai", keys)])
      );
      const r: ResolvedRoute = {
        name: "gpt-main",
        strategy: "fallback",
        targets: [
          { provider: "openai", model: "gpt-main", weight: 1 },
          { provider: "azure", model: "gpt-main", weight: 1 },
        ],
        retry: { attempts: 1, backoffMs: 250, maxBackoffMs: 8000, maxRetryAfterMs: 10_000 },
        timeouts: {
          connectMs: null,
          firstByteMs: null,
          firstTokenMs: null,
          idleMs: null,
          totalMs: null,
        },
        breaker: { failures: 1, openMs: 30_000 },
        streamCommit: "first_content",
        maxBufferBytes: 1 << 20,
      };
      const opts = { now: T0, random: () => 0, session: null, usePools: true };
      // Gateway one: key a answers 429 for 60 s.
      const run1 = one!.start(r, opts);
      const first = await run1.next(T0);
      assert.equal(first.kind === "attempt" && first.keyId, "a");
      run1.report({
        kind: "status",
        status: 429,
        headers: new Headers({ "retry-after": "60" }),
        error: { category: "rate_limited", message: null },
      }, T0);
      await stores[0]!.routingState.settled();
      await stores[1]!.routingState.refresh(T0 + 1);
      // Gateway two picks key b (a random draw of 0 would have picked a).
      const run2 = two!.start(r, { ...opts, now: T0 + 1 });
      const second = await run2.next(T0 + 1);
      assert.equal(second.kind === "attempt" && second.keyId, "b");
      // Key b's target then fails: the breaker opens, and gateway one sends the next request to azure.
      run2.report({ kind: "connect_failed", detail: "refused" }, T0 + 2);
      await stores[1]!.routingState.settled();
      await stores[0]!.routingState.refresh(T0 + 3);
      const third = await one!.start(r, { ...opts, now: T0 + 3 }).next(T0 + 3);
      assert.equal(third.kind === "attempt" && third.targetId, "azure/gpt-main");
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
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

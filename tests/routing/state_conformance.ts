/**
 * The `RoutingState` conformance suite, run against the in-process implementation
 * (memory_state_test.ts) and PostgreSQL (tests/store/postgres_routing_state_test.ts). The
 * PostgreSQL run also opens a second instance on the same database ("peer") and checks that
 * instances see each other's breakers, cooldowns and disabled keys, and share one probe.
 */
import assert from "node:assert/strict";
import type { KeyScope, RoutingState } from "../../src/routing/mod.ts";

export interface StateFixture {
  state: RoutingState;
  /** A second instance on the same shared state, and how to make it read the shared state now. */
  peer?: {
    state: RoutingState;
    /** Reads the shared state now. */
    sync: (now: number) => Promise<void>;
    /** Waits for background refreshes. */
    settled: () => Promise<void>;
  };
  close: () => Promise<void>;
}

/** A fixed fake clock: every time in the suite is T0 plus a few seconds. */
export const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const target = "openai/gpt-main";
const key1: KeyScope = { kind: "key", provider: "openai", id: "k1" };
const key2: KeyScope = { kind: "key", provider: "openai", id: "k2" };
const group: KeyScope = { kind: "group", provider: "openai", id: "k1" };

/** A peer that reads the database sees what the writer's own view says (SQL merge = TS merge). */
async function peerAgrees(f: StateFixture, now: number): Promise<void> {
  if (f.peer === undefined) return;
  await f.peer.sync(now);
  for (const s of [key1, key2, group]) {
    assert.deepEqual(f.peer.state.blocked(s, now), f.state.blocked(s, now), `${s.kind} ${s.id}`);
  }
  assert.deepEqual(f.peer.state.breaker(target, now), f.state.breaker(target, now));
}

export function runRoutingStateConformance(
  label: string,
  open: () => Promise<StateFixture>,
  options: { ignore?: string } = {},
): void {
  const test = (name: string, fn: (f: StateFixture) => Promise<void>, peerOnly = false) =>
    Deno.test({
      name: `${label} routing state: ${name}`,
      ignore: options.ignore !== undefined,
      sanitizeResources: false,
      fn: async (t) => {
        const f = await open();
        try {
          if (peerOnly && f.peer === undefined) {
            // Not shared (in-process): the case does not apply; say so in the output.
            await t.step({ name: "not shared: nothing to check", ignore: true, fn: () => {} });
            return;
          }
          await fn(f);
        } finally {
          await f.close();
        }
      },
    });

  test("a closed breaker has no record; open, half-open, one probe, close", async ({ state }) => {
    assert.equal(state.breaker(target, T0), null);
    assert.equal(await state.claimProbe(target, T0, 1000), "closed");
    await state.openBreaker(target, T0, T0 + 10_000);
    const open = state.breaker(target, T0);
    assert.deepEqual(open, { target, openedAt: T0, openUntil: T0 + 10_000, probeUntil: null });
    assert.equal(await state.claimProbe(target, T0 + 9_999, 1000), "busy", "still open");
    assert.equal(await state.claimProbe(target, T0 + 10_000, 1000), "probe");
    assert.equal(state.breaker(target, T0 + 10_000)?.probeUntil, T0 + 11_000);
    assert.equal(await state.claimProbe(target, T0 + 10_500, 1000), "busy", "probe taken");
    assert.equal(await state.claimProbe(target, T0 + 11_000, 1000), "probe", "lease over");
    await state.releaseProbe(target, T0 + 11_100);
    assert.equal(await state.claimProbe(target, T0 + 11_200, 1000), "probe", "released");
    await state.closeBreaker(target, T0 + 11_300);
    assert.equal(state.breaker(target, T0 + 11_300), null);
    assert.equal(await state.claimProbe(target, T0 + 11_400, 1000), "closed");
  });

  test("re-opening keeps the later end and ends a claimed probe", async (f) => {
    const { state } = f;
    await state.openBreaker(target, T0, T0 + 10_000);
    await state.openBreaker(target, T0 + 1000, T0 + 5_000);
    assert.equal(state.breaker(target, T0 + 1000)?.openUntil, T0 + 10_000);
    assert.equal(await state.claimProbe(target, T0 + 10_000, 60_000), "probe");
    await state.openBreaker(target, T0 + 10_100, T0 + 20_100);
    const b = state.breaker(target, T0 + 10_100);
    assert.equal(b?.openUntil, T0 + 20_100);
    assert.equal(b?.probeUntil, null);
    await peerAgrees(f, T0 + 10_100);
  });

  test("concurrent probe claims: exactly one wins", async ({ state }) => {
    await state.openBreaker(target, T0, T0 + 1000);
    const claims = await Promise.all(
      Array.from({ length: 12 }, () => state.claimProbe(target, T0 + 2000, 5000)),
    );
    assert.equal(claims.filter((c) => c === "probe").length, 1);
    assert.equal(claims.filter((c) => c === "busy").length, 11);
  });

  test("cooldowns: until a deadline, the later deadline kept, expired replaced", async (f) => {
    const { state } = f;
    assert.equal(state.blocked(key1, T0), null);
    await state.coolDown(key1, T0, T0 + 30_000, "status_429_rate_limited");
    assert.deepEqual(state.blocked(key1, T0 + 1), {
      scope: key1,
      state: "cooling",
      since: T0,
      until: T0 + 30_000,
      reason: "status_429_rate_limited",
    });
    assert.equal(state.blocked(key2, T0 + 1), null, "another key is not touched");
    assert.equal(state.blocked(group, T0 + 1), null, "a group of the same id is another scope");
    await state.coolDown(key1, T0 + 1000, T0 + 5_000, "shorter");
    assert.equal(state.blocked(key1, T0 + 1000)?.until, T0 + 30_000, "never shortened");
    assert.equal(state.blocked(key1, T0 + 1000)?.reason, "status_429_rate_limited");
    await state.coolDown(key1, T0 + 2000, T0 + 60_000, "longer");
    assert.equal(state.blocked(key1, T0 + 2000)?.until, T0 + 60_000, "extended");
    assert.equal(state.blocked(key1, T0 + 2000)?.since, T0, "one cooldown, extended");
    await peerAgrees(f, T0 + 2000);
    assert.equal(state.blocked(key1, T0 + 60_000), null, "over at its deadline");
    await state.coolDown(key1, T0 + 70_000, T0 + 71_000, "again");
    assert.deepEqual(state.blocked(key1, T0 + 70_000), {
      scope: key1,
      state: "cooling",
      since: T0 + 70_000,
      until: T0 + 71_000,
      reason: "again",
    });
    await peerAgrees(f, T0 + 70_000);
  });

  test("disabled until enabled; a cooldown never lifts or shortens it", async (f) => {
    const { state } = f;
    await state.disableKey(key1, T0, "status_401_auth");
    await state.coolDown(key1, T0 + 1, T0 + 10, "status_429");
    const b = state.blocked(key1, T0 + 10 * 86_400_000);
    assert.deepEqual(b, {
      scope: key1,
      state: "disabled",
      since: T0,
      until: null,
      reason: "status_401_auth",
    });
    await peerAgrees(f, T0 + 50);
    assert.equal(await state.enableKey(key1, T0 + 100), true);
    assert.equal(state.blocked(key1, T0 + 100), null);
    assert.equal(await state.enableKey(key1, T0 + 200), false, "nothing to enable");
    await state.coolDown(key2, T0, T0 + 1000, "status_429");
    await state.disableKey(key2, T0 + 10, "status_403");
    assert.equal(state.blocked(key2, T0 + 2000)?.state, "disabled", "disable overrides a cooldown");
    await peerAgrees(f, T0 + 2000);
  });

  test("snapshot: what is in force, reasons bounded", async ({ state }) => {
    await state.openBreaker(target, T0, T0 + 10_000);
    await state.coolDown(key1, T0, T0 + 1000, "status_429_rate_limited");
    await state.coolDown(group, T0, T0 + 9000, "x".repeat(500));
    await state.disableKey(key2, T0, "status 401: Incorrect API key provided");
    const snap = await state.snapshot(T0 + 2000);
    assert.deepEqual(snap.breakers.map((b) => b.target), [target]);
    const blocks = snap.blocks.map((b) => `${b.scope.kind}:${b.scope.id}:${b.state}`).sort();
    assert.deepEqual(
      blocks,
      ["group:k1:cooling", "key:k2:disabled"],
      "the expired cooldown is gone",
    );
    const long = snap.blocks.find((b) => b.scope.kind === "group")!;
    assert.equal(long.reason.length, 120);
    const disabled = snap.blocks.find((b) => b.state === "disabled")!;
    assert.equal(disabled.reason, "status_401:_Incorrect_API_key_provided");
    assert.equal(snap.lastError, null);
  });

  test("two instances see each other's cooldowns and disabled keys", async ({ state, peer }) => {
    await state.coolDown(key1, T0, T0 + 30_000, "status_429_rate_limited");
    await state.disableKey(key2, T0, "status_401_auth");
    await peer!.sync(T0 + 100);
    assert.equal(peer!.state.blocked(key1, T0 + 100)?.until, T0 + 30_000);
    assert.equal(peer!.state.blocked(key2, T0 + 100)?.state, "disabled");
    // The peer extends the cooldown and an operator re-enables the key there.
    await peer!.state.coolDown(key1, T0 + 200, T0 + 90_000, "status_429_rate_limited");
    assert.equal(await peer!.state.enableKey(key2, T0 + 300), true);
    const seen = await state.snapshot(T0 + 400);
    assert.equal(seen.blocks.length, 1);
    assert.equal(state.blocked(key1, T0 + 400)?.until, T0 + 90_000);
    assert.equal(state.blocked(key2, T0 + 400), null);
  }, true);

  test("a read of a stale cache refreshes it in the background", async ({ state, peer }) => {
    await peer!.sync(T0);
    await state.coolDown(key1, T0, T0 + 30_000, "status_429_rate_limited");
    assert.equal(peer!.state.blocked(key1, T0 + 10), null, "within the refresh interval: cached");
    await peer!.settled();
    assert.equal(peer!.state.blocked(key1, T0 + 10), null, "no refresh was due");
    assert.equal(peer!.state.blocked(key1, T0 + 5000), null, "stale: answers the cache, refreshes");
    await peer!.settled();
    assert.equal(peer!.state.blocked(key1, T0 + 5001)?.until, T0 + 30_000);
  }, true);

  test("two instances share breakers and exactly one probe", async ({ state, peer }) => {
    await state.openBreaker(target, T0, T0 + 10_000);
    await peer!.sync(T0 + 1);
    assert.equal(peer!.state.breaker(target, T0 + 1)?.openUntil, T0 + 10_000);
    const claims = await Promise.all(
      Array.from(
        { length: 8 },
        (_, i) => (i % 2 === 0 ? state : peer!.state).claimProbe(target, T0 + 10_000, 5000),
      ),
    );
    assert.equal(claims.filter((c) => c === "probe").length, 1);
    await peer!.state.closeBreaker(target, T0 + 11_000);
    assert.equal(await state.claimProbe(target, T0 + 11_001, 5000), "closed");
    assert.equal(state.breaker(target, T0 + 11_001), null, "the claim's answer updates the cache");
  }, true);
}

/**
 * The route run as the route loop will drive it: next() -> (attempt) -> report(), with a fake
 * clock, injected randomness and the in-process state. Every scenario of the issue that the
 * policy core decides, end to end through breakers, pools and affinity.
 */
import assert from "node:assert/strict";
import {
  type AttemptTicket,
  KeyPool,
  MemoryRoutingState,
  type NextAttempt,
  type ResolvedRoute,
  Router,
  type RouteRun,
} from "../../src/routing/mod.ts";
import { headerTimeout, ok, randoms, refused, route, status, T0 } from "./fixtures.ts";

function attempt(n: NextAttempt): AttemptTicket {
  assert.equal(n.kind, "attempt", JSON.stringify(n));
  return n as AttemptTicket;
}

const start = (
  router: Router,
  r: ResolvedRoute,
  now = T0,
  over: Partial<{ session: string | null; usePools: boolean }> = {},
) => router.start(r, { now, random: randoms(0.5), session: null, usePools: true, ...over });

Deno.test("fallback: retries with backoff on the first target, then the next one answers", async () => {
  const router = new Router(new MemoryRoutingState(), []);
  const run = start(router, route([{}, {}], { breaker: null }));
  const seen: string[] = [];
  let now = T0;
  for (;;) {
    const a = attempt(await run.next(now));
    seen.push(`${a.number}:${a.targetId}:${a.last}`);
    const d = run.report(a.targetIndex === 0 ? refused : ok, now);
    if (d.kind === "answer") break;
    assert.ok(d.kind === "retry" || d.kind === "next", d.kind);
    now += d.kind === "retry" ? d.waitMs : 0;
  }
  // On the last target nothing can fail over from the attempt: its failover limits are lifted.
  assert.deepEqual(seen, ["1:p0/m:false", "2:p0/m:false", "3:p0/m:false", "4:p1/m:true"]);
  assert.equal(now - T0, 125 + 250, "full jitter at random 0.5: 125 then 250 ms");
});

Deno.test("silent upstream: one header timeout on the only target ends the request", async () => {
  const router = new Router(new MemoryRoutingState(), []);
  const run = start(router, route([{}], { breaker: null }));
  const a = attempt(await run.next(T0));
  // Retries remain, but a header timeout is never retried on the same target: cutting this
  // attempt at 30 s could only end the request, so it gets the whole budget instead.
  assert.equal(a.last, true, "no other target: the failover timeouts are lifted");
  assert.equal(a.timeouts.firstByteMs, 120_000);
  assert.equal(a.timeouts.firstTokenMs, 120_000);
  const d = run.report(headerTimeout, T0 + 30_000);
  assert.equal(d.kind, "give_up");
  assert.deepEqual(await run.next(T0 + 30_000), { kind: "give_up", reason: "no_target_left" });
});

Deno.test("a header timeout fails over while another target can follow, not on the last one", async () => {
  const router = new Router(new MemoryRoutingState(), []);
  const run = start(router, route([{}, {}], { breaker: null }));
  const first = attempt(await run.next(T0));
  assert.deepEqual([first.targetIndex, first.last, first.timeouts.firstByteMs], [0, false, 30_000]);
  const d = run.report(headerTimeout, T0 + 30_000);
  assert.deepEqual(d, { kind: "next", target: 1, reason: "timeout_first_byte" });
  const second = attempt(await run.next(T0 + 30_000));
  assert.deepEqual([second.targetIndex, second.last], [1, true]);
  assert.equal(second.timeouts.firstByteMs, 90_000, "the budget left, not the 30 s limit");
  assert.equal(second.timeouts.connectMs, 5000, "the connect limit stays");
  assert.equal(second.timeouts.idleMs, 10_000, "the idle limit stays (it ends a stalled stream)");
});

Deno.test("the last possible attempt is not cut by a failover timeout", async () => {
  const router = new Router(new MemoryRoutingState(), []);
  const r = route([{}, {}], { breaker: null, retry: { ...route([]).retry, attempts: 1 } });
  const run = start(router, r);
  const first = attempt(await run.next(T0));
  assert.equal(first.last, false);
  run.report(status(503), T0 + 1000);
  const second = attempt(await run.next(T0 + 1000));
  assert.equal(second.last, true);
  assert.deepEqual(second.timeouts, {
    connectMs: 5000,
    firstByteMs: 119_000,
    firstTokenMs: 119_000,
    idleMs: 10_000,
    totalMs: 119_000,
  });
  assert.deepEqual(await start(router, r, T0).next(T0 + 120_000), {
    kind: "give_up",
    reason: "total_budget_spent",
  });
});

Deno.test("breaker: opens after 3 failures, traffic goes elsewhere, exactly one probe, closes", async () => {
  const state = new MemoryRoutingState();
  const router = new Router(state, []);
  const r = route([{}, {}]);
  const run1 = start(router, r);
  for (let i = 0; i < 3; i++) {
    const a = attempt(await run1.next(T0));
    assert.equal(a.targetIndex, 0);
    const d = run1.report(status(502), T0);
    if (i < 2) assert.equal(d.kind, "retry");
    else {assert.deepEqual(
        d,
        { kind: "next", target: 1, reason: "status_502" },
        "open: next at once",
      );}
  }
  assert.equal(state.breaker("p0/m", T0)?.openUntil, T0 + 10_000);
  // While open: no attempt on p0.
  const run2 = start(router, r, T0 + 5000);
  assert.equal(attempt(await run2.next(T0 + 5000)).targetId, "p1/m");
  // Half-open: the first request probes, a concurrent one goes elsewhere.
  const probe = start(router, r, T0 + 10_000);
  const concurrent = start(router, r, T0 + 10_001);
  const p = attempt(await probe.next(T0 + 10_000));
  assert.deepEqual([p.targetId, p.probe], ["p0/m", true]);
  const c = attempt(await concurrent.next(T0 + 10_001));
  assert.deepEqual([c.targetId, c.probe], ["p1/m", false]);
  assert.equal(probe.report(ok, T0 + 10_500).kind, "answer");
  assert.equal(state.breaker("p0/m", T0 + 10_500), null, "closed");
  assert.equal(attempt(await start(router, r, T0 + 11_000).next(T0 + 11_000)).targetId, "p0/m");
});

Deno.test("breaker: a failed probe re-opens at once; a probe without verdict is released", async () => {
  const state = new MemoryRoutingState();
  const router = new Router(state, []);
  const r = route([{}, {}]);
  await state.openBreaker("p0/m", T0, T0 + 1000);
  const run = start(router, r, T0 + 1000);
  const p = attempt(await run.next(T0 + 1000));
  assert.equal(p.probe, true);
  assert.deepEqual(run.report(refused, T0 + 1100), {
    kind: "next",
    target: 1,
    reason: "connect_failed",
  });
  assert.equal(state.breaker("p0/m", T0 + 1100)?.openUntil, T0 + 11_100);
  const later = start(router, r, T0 + 11_100);
  assert.equal(attempt(await later.next(T0 + 11_100)).probe, true);
  later.report(status(429), T0 + 11_200); // a rate limit says nothing about health
  assert.equal(state.breaker("p0/m", T0 + 11_200)?.probeUntil, null, "released for another probe");
  // A client that leaves mid-probe: the route loop reports a spent budget, which releases it too.
  const left = start(router, r, T0 + 11_300);
  assert.equal(attempt(await left.next(T0 + 11_300)).probe, true);
  assert.equal(left.report({ kind: "timeout", phase: "total" }, T0 + 11_400).kind, "give_up");
  assert.equal(
    state.breaker("p0/m", T0 + 11_400)?.probeUntil,
    null,
    "released when the client left",
  );
});

Deno.test("two routers (instances) on one state: a breaker opened by one is skipped by the other", async () => {
  const state = new MemoryRoutingState();
  const a = new Router(state, []);
  const b = new Router(state, []);
  const r = route([{}, {}], {
    retry: { ...route([]).retry, attempts: 1 },
    breaker: { failures: 1, openMs: 5000 },
  });
  const run = start(a, r);
  attempt(await run.next(T0));
  run.report(status(500), T0);
  assert.equal(attempt(await start(b, r, T0 + 1).next(T0 + 1)).targetId, "p1/m");
});

Deno.test("key pool: 429 rotates to another key at once and cools the key and its group", async () => {
  const state = new MemoryRoutingState();
  const pool = new KeyPool("p0", [
    { id: "a", weight: 1, group: "org" },
    { id: "b", weight: 1, group: "org" },
    { id: "c", weight: 1 },
  ]);
  const router = new Router(state, [pool]);
  const r = route([{}, {}]);
  const run = router.start(r, { now: T0, random: () => 0, session: null, usePools: true });
  const first = attempt(await run.next(T0));
  assert.deepEqual([first.targetId, first.keyId], ["p0/m", "a"]);
  const d = run.report(status(429, { "retry-after": "20" }), T0);
  assert.deepEqual(d, {
    kind: "retry",
    target: 0,
    waitMs: 0,
    rotateKey: true,
    reason: "status_429",
  });
  assert.equal(state.blocked({ kind: "key", provider: "p0", id: "a" }, T0)?.until, T0 + 20_000);
  assert.equal(state.blocked({ kind: "group", provider: "p0", id: "org" }, T0)?.until, T0 + 20_000);
  const second = attempt(await run.next(T0));
  assert.deepEqual([second.keyId, second.number], ["c", 2], "b shares a's quota: skipped");
  assert.deepEqual(run.plan.attempts, [1, 0], "a key rotation is not a retry of the target");
  // 401 on c: disabled; no usable key left on p0: the next target.
  assert.deepEqual(run.report(status(401, {}, "auth"), T0), {
    kind: "next",
    target: 1,
    reason: "status_401_auth",
  });
  assert.equal(
    state.blocked({ kind: "key", provider: "p0", id: "c" }, T0 + 86_400_000)?.state,
    "disabled",
  );
  const third = attempt(await run.next(T0));
  assert.deepEqual(
    [third.targetId, third.keyId],
    ["p1/m", null],
    "p1 has no pool: the provider's key",
  );
  // After the cooldown, a and b serve again; c waits for an operator.
  const later = router.start(r, {
    now: T0 + 20_000,
    random: () => 0.99,
    session: null,
    usePools: true,
  });
  assert.equal(attempt(await later.next(T0 + 20_000)).keyId, "b");
  await state.enableKey({ kind: "key", provider: "p0", id: "c" }, T0 + 20_000);
  assert.equal(
    pool.stateOf(pool.keys[2]!, T0 + 20_000, (s) => state.blocked(s, T0 + 20_000)?.state ?? null),
    "usable",
  );
});

Deno.test("key pool: a 429 with no hint cools for the default; none longer than the cap", async () => {
  const state = new MemoryRoutingState();
  const pool = new KeyPool("p0", [{ id: "a", weight: 1 }, { id: "b", weight: 1 }]);
  const router = new Router(state, [pool], { defaultCooldownMs: 15_000, maxCooldownMs: 60_000 });
  const run = router.start(route([{}]), {
    now: T0,
    random: () => 0,
    session: null,
    usePools: true,
  });
  attempt(await run.next(T0));
  run.report(status(429), T0);
  assert.equal(state.blocked({ kind: "key", provider: "p0", id: "a" }, T0)?.until, T0 + 15_000);
  attempt(await run.next(T0));
  run.report(status(429, { "retry-after": "86400" }), T0);
  assert.equal(state.blocked({ kind: "key", provider: "p0", id: "b" }, T0)?.until, T0 + 60_000);
  assert.deepEqual(await run.next(T0), { kind: "give_up", reason: "no_target_left" });
});

Deno.test("without pools (the client's own key) a 401 is the client's answer", async () => {
  const pool = new KeyPool("p0", [{ id: "a", weight: 1 }]);
  const router = new Router(new MemoryRoutingState(), [pool]);
  const run = start(router, route([{}, {}]), T0, { usePools: false });
  assert.equal(attempt(await run.next(T0)).keyId, null);
  assert.equal(run.report(status(401, {}, "auth"), T0).kind, "answer");
});

Deno.test("session affinity: the same target and key while healthy, rebound when not", async () => {
  const state = new MemoryRoutingState();
  const pool = new KeyPool("p1", ["a", "b", "c"].map((id) => ({ id, weight: 1 })));
  const router = new Router(state, [pool]);
  const r: ResolvedRoute = { ...route([{}, {}]), strategy: "weighted" };
  const go = async (now: number, rnd: number, outcome = ok) => {
    const run: RouteRun = router.start(r, {
      now,
      random: () => rnd,
      session: "t1:s1",
      usePools: true,
    });
    const a = attempt(await run.next(now));
    run.report(outcome, now, { latencyMs: 100 });
    return `${a.targetId}#${a.keyId}`;
  };
  assert.equal(await go(T0, 0.99), "p1/m#c");
  assert.equal(await go(T0 + 1, 0.01), "p1/m#c", "a random draw that would pick p0 and key a");
  await state.coolDown({ kind: "key", provider: "p1", id: "c" }, T0 + 2, T0 + 60_000, "status_429");
  assert.equal(await go(T0 + 3, 0.01), "p1/m#a", "c cools: another key, same target");
  assert.equal(await go(T0 + 4, 0.99), "p1/m#a", "rebound to a");
  assert.equal(router.affinity.get("t1:s1", T0 + 5)?.keyId, "a");
  assert.equal(await go(T0 + 5, 0.99, status(500)), "p1/m#a");
  assert.equal(router.affinity.get("t1:s1", T0 + 6), null, "a failure forgets the binding");
});

Deno.test("context length goes to the larger-context target only", async () => {
  const router = new Router(new MemoryRoutingState(), []);
  const r = route([{ contextWindow: 128_000 }, { contextWindow: 128_000 }, {
    contextWindow: 1_000_000,
  }]);
  const run = start(router, r);
  attempt(await run.next(T0));
  const d = run.report(status(400, {}, "context_length"), T0);
  assert.deepEqual(d, { kind: "next", target: 2, reason: "status_400_context_length" });
  assert.equal(attempt(await run.next(T0)).targetId, "p2/m");
  assert.equal(run.report(status(400, {}, "context_length"), T0).kind, "answer", "none larger");
});

Deno.test("report without an attempt is a programming error", () => {
  const run = start(new Router(new MemoryRoutingState(), []), route([{}]));
  assert.throws(() => run.report(ok, T0), /without an attempt/);
});

Deno.test("the view for the API: breakers, recent failures, latency and every pool key", async () => {
  const state = new MemoryRoutingState();
  const pool = new KeyPool("p0", [
    { id: "a", weight: 1, group: "org", rpm: 5 },
    { id: "b", weight: 1, group: "org" },
    { id: "c", weight: 1 },
  ]);
  const router = new Router(state, [pool]);
  const r = route([{}, {}], { breaker: { failures: 1, openMs: 10_000 } });
  const run = router.start(r, { now: T0, random: () => 0, session: null, usePools: true });
  attempt(await run.next(T0));
  run.report(status(429, { "retry-after": "20" }), T0); // a: cools with its group
  attempt(await run.next(T0));
  run.report(status(500), T0); // c: target p0 fails once, breaker opens
  attempt(await run.next(T0));
  run.report(ok, T0 + 50, { latencyMs: 50 });
  await state.disableKey({ kind: "key", provider: "p0", id: "b" }, T0, "status_401_auth");
  const view = await router.view([r], T0 + 100);
  assert.deepEqual(view.targets, [
    {
      target: "p0/m",
      breaker: "open",
      openUntil: T0 + 10_000,
      probeInFlight: false,
      consecutiveFailures: 0,
      attemptsLastMinute: 2,
      failuresLastMinute: 1,
      latencyMs: null,
    },
    {
      target: "p1/m",
      breaker: "closed",
      openUntil: null,
      probeInFlight: false,
      consecutiveFailures: 0,
      attemptsLastMinute: 1,
      failuresLastMinute: 0,
      latencyMs: 50,
    },
  ]);
  assert.deepEqual(
    view.keys.map((k) => [k.id, k.state, k.until, k.reason, k.requestsLastMinute, k.rpm]),
    [
      ["a", "cooling", T0 + 20_000, "status_429", 1, 5],
      ["b", "disabled", null, "status_401_auth", 0, null],
      ["c", "usable", null, null, 1, null],
    ],
  );
  assert.deepEqual([view.shared, view.lastError], [false, null]);
});

Deno.test("every key cooling or at its rpm: wait for the soonest one rather than fail", async () => {
  const pool = new KeyPool("p0", [{ id: "a", weight: 1, rpm: 2 }, { id: "b", weight: 1, rpm: 2 }]);
  const router = new Router(new MemoryRoutingState(), [pool]);
  const r = route([{}], { retry: { ...route([]).retry, maxRetryAfterMs: 60_000 } });
  const opts = { random: () => 0, session: null, usePools: true };
  for (let i = 0; i < 4; i++) {
    const run = router.start(r, { ...opts, now: T0 + i * 1000 });
    attempt(await run.next(T0 + i * 1000));
    run.report(ok, T0 + i * 1000);
  }
  // Both keys sent 2 in the last minute; the first slot frees when a's first request is a minute old.
  const run = router.start(r, { ...opts, now: T0 + 5000 });
  assert.deepEqual(await run.next(T0 + 5000), {
    kind: "wait",
    waitMs: 55_000,
    reason: "pool_keys_unavailable",
  });
  const strict = router.start(route([{}]), { ...opts, now: T0 + 5000 });
  assert.deepEqual(
    await strict.next(T0 + 5000),
    { kind: "give_up", reason: "no_target_left" },
    "beyond max_retry_after_ms",
  );
});

Deno.test("a 429 on the only key: wait for its Retry-After, then the same key again", async () => {
  const state = new MemoryRoutingState();
  const router = new Router(state, [new KeyPool("p0", [{ id: "a", weight: 1 }])]);
  const run = router.start(route([{}]), {
    now: T0,
    random: () => 0.5,
    session: null,
    usePools: true,
  });
  assert.equal(attempt(await run.next(T0)).keyId, "a");
  const d = run.report(status(429, { "retry-after": "2" }), T0);
  assert.deepEqual(d, {
    kind: "retry",
    target: 0,
    waitMs: 2000,
    rotateKey: true,
    reason: "status_429_wait_for_key",
  });
  const again = attempt(await run.next(T0 + 2000));
  assert.deepEqual([again.keyId, again.number], ["a", 2]);
  assert.deepEqual(run.plan.attempts, [1], "a wait for a key is not a retry of the target");
  // A Retry-After beyond max_retry_after_ms: no wait, the client gets the answer at once.
  const d2 = run.report(status(429, { "retry-after": "30" }), T0 + 2000);
  assert.equal(d2.kind, "give_up");
});

Deno.test("rpm saturation at the start of a request: a short wait, then an attempt", async () => {
  const pool = new KeyPool("p0", [{ id: "a", weight: 1, rpm: 1 }]);
  const router = new Router(new MemoryRoutingState(), [pool]);
  const r = route([{}]);
  const first = router.start(r, { now: T0, random: () => 0, session: null, usePools: true });
  attempt(await first.next(T0));
  first.report(ok, T0);
  const run = router.start(r, { now: T0 + 55_000, random: () => 0, session: null, usePools: true });
  const w = await run.next(T0 + 55_000);
  assert.deepEqual(w, { kind: "wait", waitMs: 5000, reason: "pool_keys_unavailable" });
  assert.equal(attempt(await run.next(T0 + 60_000)).keyId, "a");
});

import assert from "node:assert/strict";
import {
  AffinityCache,
  KeyPool,
  type KeyScope,
  LatencyTracker,
  orderTargets,
  pickWeighted,
  SlidingCount,
  SlidingLog,
} from "../../src/routing/mod.ts";
import { randoms, route, T0 } from "./fixtures.ts";

const none = () => null;

Deno.test("weighted pick: proportional, zero weights only when all are zero", () => {
  const items = ["a", "b", "c"];
  const w = { a: 1, b: 3, c: 0 } as Record<string, number>;
  const cases: [number, string][] = [[0, "a"], [0.24, "a"], [0.25, "b"], [0.99, "b"], [1, "b"]];
  for (const [r, want] of cases) {
    assert.equal(pickWeighted(items, (i) => w[i]!, () => r), want, `r=${r}`);
  }
  assert.equal(pickWeighted(["x", "y"], () => 0, () => 0.9), "x");
  assert.equal(pickWeighted([], () => 1, () => 0.5), null);
  assert.equal(pickWeighted(["x", "y"], () => Number.NaN, () => 0.9), "x");
});

Deno.test("sliding count: the previous minute fades out as the current one fills", () => {
  const c = new SlidingCount();
  const m = Math.floor(T0 / 60_000) * 60_000;
  c.add(10, m + 30_000);
  assert.equal(c.estimate(m + 59_999), 10);
  assert.equal(c.estimate(m + 60_000), 10, "new window: all of the previous still overlaps");
  assert.equal(c.estimate(m + 90_000), 5, "half of it");
  c.add(2, m + 90_000);
  assert.equal(c.estimate(m + 90_000), 7);
  assert.equal(c.estimate(m + 180_000), 0, "two windows later: nothing");
});

Deno.test("key pool: weights, rpm, cooldowns and disabled keys, groups, exclusions", () => {
  const pool = new KeyPool("openai", [
    { id: "a", weight: 1, rpm: 2 },
    { id: "b", weight: 1, group: "org1" },
    { id: "c", weight: 2, group: "org1" },
  ]);
  const blocks = new Map<string, "cooling" | "disabled">();
  const blocked = (s: KeyScope) => blocks.get(`${s.kind}:${s.id}`) ?? null;
  assert.equal(pool.pick(T0, () => 0, blocked)?.id, "a");
  assert.equal(pool.pick(T0, () => 0.5, blocked)?.id, "c");
  assert.equal(pool.pick(T0, () => 0, blocked)?.id, "a");
  assert.equal(pool.stateOf(pool.keys[0]!, T0, blocked), "saturated", "rpm 2 reached");
  assert.equal(pool.pick(T0, () => 0, blocked)?.id, "b", "a is saturated");
  blocks.set("group:org1", "cooling");
  assert.equal(pool.pick(T0, () => 0, blocked), null, "a saturated, b and c cool with their group");
  assert.equal(pool.stateOf(pool.keys[1]!, T0, blocked), "cooling");
  blocks.clear();
  blocks.set("key:c", "disabled");
  assert.equal(pool.pick(T0, () => 0.99, blocked, new Set(["b"])), null, "b excluded, c disabled");
  assert.equal(pool.pick(T0, () => 0.99, blocked, new Set(), "b")?.id, "b", "preferred (affinity)");
  assert.equal(pool.pick(T0, () => 0, blocked, new Set(), "c")?.id, "b", "preferred unusable");
});

Deno.test("key pool: tpm counts tokens recorded after the answer", () => {
  const pool = new KeyPool("p", [{ id: "a", weight: 1, tpm: 1000 }]);
  assert.equal(pool.pick(T0, () => 0, none)?.id, "a");
  pool.recordTokens("a", 999, T0);
  assert.equal(pool.stateOf(pool.keys[0]!, T0, none), "usable");
  pool.recordTokens("a", 1, T0);
  assert.equal(pool.stateOf(pool.keys[0]!, T0, none), "saturated");
  assert.equal(pool.pick(T0, () => 0, none), null);
  assert.deepEqual(pool.usage("a", T0), { requests: 1, tokens: 1000 });
});

Deno.test("three keys at 10 rpm each sustain 30 requests a minute, never an 11th on one key", () => {
  const pool = new KeyPool("p", ["a", "b", "c"].map((id) => ({ id, weight: 1, rpm: 10 })));
  const per = new Map<string, number>();
  const start = Math.floor(T0 / 60_000) * 60_000;
  const rnd = randoms(0.1, 0.5, 0.9, 0.3, 0.7);
  for (let i = 0; i < 30; i++) {
    const k = pool.pick(start + i * 2000, rnd, none);
    assert.ok(k !== null, `request ${i} got a key`);
    per.set(k.id, (per.get(k.id) ?? 0) + 1);
  }
  assert.deepEqual([...per.values()].sort(), [10, 10, 10]);
  assert.equal(pool.pick(start + 59_999, rnd, none), null, "a 31st within the minute: none");
});

Deno.test("target order per strategy", () => {
  const latency = new LatencyTracker();
  const base = { now: T0, latency, sticky: null };
  const r3 = route([{ weight: 1 }, { weight: 0 }, { weight: 3 }]);
  assert.deepEqual(orderTargets(r3, { ...base, random: () => 0.5 }), [0, 1, 2], "fallback");
  const weighted = { ...r3, strategy: "weighted" as const };
  assert.deepEqual(orderTargets(weighted, { ...base, random: () => 0.5 }), [2, 0, 1]);
  assert.deepEqual(orderTargets(weighted, { ...base, random: () => 0.1 }), [0, 2, 1]);
  assert.deepEqual(orderTargets(r3, { ...base, random: () => 0.5, sticky: 2 }), [2, 0, 1]);
  const fast = { ...r3, strategy: "least_latency" as const };
  latency.record("p0/m", 900, T0);
  latency.record("p1/m", 100, T0);
  latency.record("p2/m", 400, T0);
  assert.deepEqual(orderTargets(fast, { ...base, random: () => 0.5 }), [1, 2, 0]);
  assert.deepEqual(
    orderTargets(fast, { ...base, random: randoms(0.01, 0.9) }),
    [0, 1, 2],
    "exploration: a random target first",
  );
  assert.deepEqual(
    orderTargets(fast, { ...base, now: T0 + 61_000, random: () => 0.5 }),
    [0, 1, 2],
    "stale estimates: every target is measured again",
  );
  latency.record("p1/m", 100, T0 + 61_000);
  assert.deepEqual(
    orderTargets(fast, { ...base, now: T0 + 61_000, random: () => 0.5 }),
    [0, 2, 1],
    "unmeasured before measured",
  );
});

Deno.test("latency EWMA", () => {
  const l = new LatencyTracker({ alpha: 0.5 });
  l.record("t", 100, T0);
  l.record("t", 300, T0);
  assert.equal(l.estimate("t", T0), 200);
  l.record("t", Number.NaN, T0);
  assert.equal(l.estimate("t", T0), 200);
  assert.equal(l.estimate("t", T0 + 60_001), null);
});

Deno.test("affinity: bounded LRU with an idle TTL", () => {
  const a = new AffinityCache({ maxEntries: 2, ttlMs: 1000 });
  a.set("s1", { target: "p/m", keyId: "k1" }, T0);
  a.set("s2", { target: "p/m", keyId: "k2" }, T0);
  assert.deepEqual(a.get("s1", T0 + 1), { target: "p/m", keyId: "k1" });
  a.set("s3", { target: "p/m", keyId: null }, T0 + 2);
  assert.equal(a.get("s2", T0 + 3), null, "least recently used went");
  assert.equal(a.get("s1", T0 + 1000), null, "idle past its TTL");
  a.set("x".repeat(513), { target: "p/m", keyId: null }, T0);
  assert.equal(a.size, 1, "an oversized session key is not kept");
});

Deno.test("sliding log: exact count of the last minute, bounded by its capacity", () => {
  const log = new SlidingLog(3);
  log.add(T0);
  log.add(T0 + 1000);
  assert.equal(log.count(T0 + 1000), 2);
  assert.equal(log.count(T0 + 60_000), 1, "the one at T0 is a minute old: out");
  log.add(T0 + 60_000);
  log.add(T0 + 60_001);
  log.add(T0 + 60_002);
  assert.equal(log.count(T0 + 60_002), 3, "capacity: the oldest was dropped");
});

Deno.test("three keys at 10 rpm each sustain 30 evenly spaced requests a minute for ten minutes", () => {
  const pool = new KeyPool("p", ["a", "b", "c"].map((id) => ({ id, weight: 1, rpm: 10 })));
  const sent = new Map<string, number[]>();
  const rnd = randoms(0.1, 0.5, 0.9, 0.3, 0.7, 0.2);
  for (let i = 0; i < 300; i++) {
    const now = T0 + i * 2000;
    const k = pool.pick(now, rnd, none);
    assert.ok(k !== null, `request ${i} got a key`);
    const times = sent.get(k.id) ?? [];
    times.push(now);
    sent.set(k.id, times);
    // What an upstream counting the last minute per key sees: never more than 10.
    assert.ok(times.filter((t) => t > now - 60_000).length <= 10, `${k.id} at ${i}`);
  }
});

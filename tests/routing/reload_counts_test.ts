/**
 * What a config reload must not reset: a key pool rebuilt over the same `KeyUsage` (as every
 * config generation is) continues the keys' rpm/tpm windows; a key the new config drops loses
 * its counts; a key whose rpm changed keeps its window under the new limit. And a `Router`
 * rebuilt over the same failure counts opens a breaker on failures spread over two generations.
 */
import assert from "node:assert/strict";
import {
  FailureCounts,
  KeyPool,
  type KeyScope,
  KeyUsage,
  MemoryRoutingState,
  type PoolKey,
  RecentOutcomes,
  Router,
} from "../../src/routing/mod.ts";
import { randoms, route, status, T0 } from "./fixtures.ts";

const none = (_: KeyScope) => null;
/** 20 s into a minute, so the reload falls in the middle of one. */
const t = T0 + 20_000;

interface Case {
  name: string;
  before: PoolKey[];
  /** Requests picked (and counted) before the reload. */
  sent: number;
  after: PoolKey[];
  /** How many more picks of key "a" the new generation grants within the same minute. */
  more: number;
  /** When "a" is free again (default: a minute after the requests before the reload). */
  freeAt?: number;
}

const cases: Case[] = [
  {
    name: "same key and rpm: the window continues, no request past the rpm",
    before: [{ id: "a", weight: 1, rpm: 3 }],
    sent: 3,
    after: [{ id: "a", weight: 1, rpm: 3 }],
    more: 0,
  },
  {
    name: "same key, part of the minute used: only the rest is left",
    before: [{ id: "a", weight: 1, rpm: 5 }],
    sent: 2,
    after: [{ id: "a", weight: 1, rpm: 5 }],
    more: 3,
  },
  {
    name: "rpm raised: the new limit over the requests already counted",
    before: [{ id: "a", weight: 1, rpm: 3 }],
    sent: 3,
    after: [{ id: "a", weight: 1, rpm: 5 }],
    more: 2,
  },
  {
    name: "rpm lowered under what was sent: nothing more this minute",
    before: [{ id: "a", weight: 1, rpm: 5 }],
    sent: 4,
    after: [{ id: "a", weight: 1, rpm: 2 }],
    more: 0,
  },
  {
    name: "rpm set where there was none: the requests counted so far count",
    before: [{ id: "a", weight: 1 }],
    sent: 4,
    after: [{ id: "a", weight: 1, rpm: 6 }],
    more: 2,
    // Their times were not kept (an estimate): they count from the first moment asked, the safe
    // side.
    freeAt: t + 70_000,
  },
  {
    name: "another key added: key a keeps its window",
    before: [{ id: "a", weight: 1, rpm: 2 }],
    sent: 2,
    after: [{ id: "a", weight: 1, rpm: 2 }, { id: "b", weight: 0, rpm: 2 }],
    more: 0,
  },
];

/** Picks of key "a" until the pool refuses it (bounded). */
function picksOfA(pool: KeyPool, now: number): number {
  let n = 0;
  const others = new Set(pool.keys.filter((k) => k.id !== "a").map((k) => k.id));
  for (let i = 0; i < 100; i++) {
    const k = pool.pick(now, () => 0, none, others);
    if (k === null) return n;
    assert.equal(k.id, "a");
    n++;
  }
  return n;
}

for (const c of cases) {
  Deno.test(`reload, key pool: ${c.name}`, () => {
    const usage = new KeyUsage();
    const first = new KeyPool("openai", c.before, usage);
    for (let i = 0; i < c.sent; i++) assert.equal(first.pick(t, () => 0, none)?.id, "a");
    const second = new KeyPool("openai", c.after, usage);
    usage.retain([second]);
    assert.equal(picksOfA(second, t + 10_000), c.more);
    const a = second.keys.find((k) => k.id === "a")!;
    if (a.rpm !== undefined) {
      assert.equal(second.stateOf(a, t + 10_000, none), "saturated");
      assert.equal(
        second.availableAt(a, t + 10_000, () => null),
        c.freeAt ?? t + 60_000,
        "free again when the first request of the minute is a minute old",
      );
    }
    assert.equal(second.usage("a", t + 10_000)?.requests, c.sent + c.more);
  });
}

Deno.test("reload, key pool: without the shared usage a rebuilt pool forgets (the bug this fixes)", () => {
  const keys = [{ id: "a", weight: 1, rpm: 3 }];
  const first = new KeyPool("openai", keys);
  for (let i = 0; i < 3; i++) first.pick(t, () => 0, none);
  assert.equal(picksOfA(new KeyPool("openai", keys), t + 10_000), 3);
});

Deno.test("reload, key pool: a key the new config drops loses its counts; tokens continue", () => {
  const usage = new KeyUsage();
  const keys: PoolKey[] = [{ id: "a", weight: 1, rpm: 2, tpm: 1000 }, { id: "b", weight: 1 }];
  const first = new KeyPool("openai", keys, usage);
  first.pick(t, () => 0, none);
  first.recordTokens("a", 600, t);
  first.pick(t, () => 0.99, none);
  assert.equal(usage.size, 2);

  const onlyA = new KeyPool("openai", [keys[0]!], usage);
  usage.retain([onlyA]);
  assert.equal(usage.size, 1, "b dropped");
  assert.equal(onlyA.usage("a", t)?.tokens, 600, "a's tokens continue");
  onlyA.recordTokens("a", 500, t + 1000);
  assert.equal(onlyA.stateOf(onlyA.keys[0]!, t + 1000, none), "saturated", "at its tpm");

  const back = new KeyPool("openai", keys, usage);
  usage.retain([back]);
  assert.deepEqual(back.usage("b", t + 1000), { requests: 0, tokens: 0 }, "b starts afresh");
  assert.equal(back.usage("a", t + 1000)?.tokens, 1100);
});

Deno.test("reload, key pool: keys of different providers with one id are counted apart", () => {
  const usage = new KeyUsage();
  const key = { id: "a", weight: 1, rpm: 1 };
  const openai = new KeyPool("openai", [key], usage);
  const azure = new KeyPool("azure", [key], usage);
  assert.equal(openai.pick(t, () => 0, none)?.id, "a");
  assert.equal(azure.pick(t, () => 0, none)?.id, "a");
  assert.equal(openai.pick(t, () => 0, none), null);
});

Deno.test("reload, key pool: a generation whose counts a refused reload dropped keeps counting", () => {
  const usage = new KeyUsage();
  const running = new KeyPool("openai", [{ id: "a", weight: 1, rpm: 2 }], usage);
  running.pick(t, () => 0, none);
  // A new config without "a" was built, then refused (the running generation serves on).
  usage.retain([new KeyPool("openai", [{ id: "z", weight: 1 }], usage)]);
  running.pick(t, () => 0, none);
  running.pick(t, () => 0, none);
  assert.equal(running.usage("a", t)?.requests, 2, "counted again from the refusal on");
  assert.equal(running.pick(t, () => 0, none), null, "and held to its rpm");
});

Deno.test("reload, key pool: rpm moved from exact to estimated keeps the count", () => {
  const usage = new KeyUsage();
  const small = new KeyPool("openai", [{ id: "a", weight: 1, rpm: 5 }], usage);
  for (let i = 0; i < 5; i++) small.pick(t, () => 0, none);
  const big = new KeyPool("openai", [{ id: "a", weight: 1, rpm: 20_000 }], usage);
  assert.equal(big.usage("a", t + 1000)?.requests, 5);
  big.pick(t + 1000, () => 0, none);
  assert.equal(big.usage("a", t + 1000)?.requests, 6);
});

Deno.test("reload, key pool: a refused config of another rpm regime leaves the running limit", () => {
  const usage = new KeyUsage();
  const running = new KeyPool("openai", [{ id: "a", weight: 1, rpm: 3 }], usage);
  running.pick(t, () => 0, none);
  // Built, then refused: its rpm made the counter an estimate.
  new KeyPool("openai", [{ id: "a", weight: 1, rpm: 50_000 }], usage);
  assert.equal(picksOfA(running, t + 1000), 2, "the running pool's rpm 3 still holds");
});

Deno.test("reload, key pool: rpm moved between estimated (above 10000) and exact", () => {
  const usage = new KeyUsage();
  const big = new KeyPool("openai", [{ id: "a", weight: 1, rpm: 20_000 }], usage);
  for (let i = 0; i < 4; i++) big.pick(t, () => 0, none);
  const small = new KeyPool("openai", [{ id: "a", weight: 1, rpm: 5 }], usage);
  assert.equal(picksOfA(small, t + 1000), 1, "the estimate's 4 requests count against 5");
  assert.equal(small.availableAt(small.keys[0]!, t + 1000, () => null), t + 61_000);
});

Deno.test("reload, router: failures counted by one generation and the next open the breaker", async () => {
  const state = new MemoryRoutingState();
  const failures = new FailureCounts();
  const recent = new RecentOutcomes();
  const r = route([{ provider: "p0" }, { provider: "p1" }], {
    retry: { attempts: 1, backoffMs: 0, maxBackoffMs: 0, maxRetryAfterMs: 0 },
    breaker: { failures: 3, openMs: 10_000 },
  });
  const fail = async (router: Router, now: number) => {
    const run = router.start(r, { now, random: randoms(0.5), session: null, usePools: false });
    const a = await run.next(now);
    assert.equal(a.kind === "attempt" && a.targetId, "p0/m");
    run.report(status(503), now);
  };
  const gen1 = new Router(state, [], { failures, recent });
  await fail(gen1, t);
  await fail(gen1, t + 1);
  const gen2 = new Router(state, [], { failures, recent });
  assert.equal(gen2.failures.get("p0/m"), 2);
  await fail(gen2, t + 2);
  assert.equal(state.breaker("p0/m", t + 2)?.openUntil, t + 2 + 10_000, "third failure opens it");
  const view = await gen2.view([r], t + 3);
  assert.equal(view.targets.find((v) => v.target === "p0/m")?.attemptsLastMinute, 3);
});

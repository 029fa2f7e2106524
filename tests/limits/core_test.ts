import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  chargesFor,
  type Estimate,
  Limiter,
  type LimitSet,
  MemoryCounters,
} from "../../src/limits/mod.ts";

const none: LimitSet = {
  requests_per_minute: 0,
  tokens_per_minute: 0,
  tokens_per_day: 0,
  cost_usd_per_day: 0,
};
const t0 = Date.UTC(2025, 0, 2, 10, 0, 0); // a minute and a day boundary
const est = (tokens: number, costUsd = 0): Estimate => ({ tokens, costUsd });

type Step = [atMs: number, estimate: Estimate, expect: string];

const cases: { name: string; limits: Partial<LimitSet>; steps: Step[] }[] = [
  {
    name: "requests per minute: the limit-th request passes, the next waits for the minute",
    limits: { requests_per_minute: 2 },
    steps: [
      [0, est(0), "ok"],
      [1_000, est(0), "ok"],
      [20_500, est(0), "requests_per_minute 40"],
      [60_000, est(0), "ok"],
    ],
  },
  {
    name: "tokens per minute: an estimate that would cross the limit is refused",
    limits: { tokens_per_minute: 1000 },
    steps: [
      [0, est(600), "ok"],
      [0, est(500), "tokens_per_minute 60"],
      [0, est(400), "ok"],
      [59_001, est(1), "tokens_per_minute 1"],
      [60_000, est(1000), "ok"],
    ],
  },
  {
    name: "an estimate bigger than the whole limit still fits an empty window",
    limits: { tokens_per_minute: 100 },
    steps: [[0, est(5000), "ok"], [0, est(1), "tokens_per_minute 60"]],
  },
  {
    name: "cost per UTC day: retry after midnight",
    limits: { cost_usd_per_day: 0.01 },
    steps: [
      [0, est(0, 0.006), "ok"],
      [0, est(0, 0.004), "ok"],
      [0, est(0, 0), "cost_usd_per_day 50400"],
      [14 * 3_600_000, est(0, 0.01), "ok"],
    ],
  },
  {
    name: "tokens per day",
    limits: { tokens_per_day: 10 },
    steps: [[0, est(10), "ok"], [3_600_000, est(1), "tokens_per_day 46800"]],
  },
];

for (const c of cases) {
  Deno.test(`limits core: ${c.name}`, () => {
    const counters = new MemoryCounters();
    const limits = { ...none, ...c.limits };
    for (const [at, e, expect] of c.steps) {
      const charges = chargesFor([{ scope: "key", id: "o|k", limits }], e, t0 + at);
      const hit = counters.reserveNow(charges, t0 + at);
      const got = hit === null
        ? "ok"
        : `${hit.name} ${Math.max(1, Math.ceil((hit.windowEnd - t0 - at) / 1000))}`;
      strictEqual(got, expect, `at +${at}ms`);
    }
  });
}

Deno.test("limits: settling replaces the estimate with real usage; unknown keeps it", async () => {
  const counters = new MemoryCounters();
  const limiter = new Limiter(
    { per_key: { tokens_per_minute: 1000, cost_usd_per_day: 1 }, per_workspace: {} },
    counters,
  );
  const who = { orgId: "o", workspaceId: "w", keyId: "k" };
  const a = await limiter.admit(who, est(900, 0.5), t0);
  strictEqual(a.ok, true);
  const b = await limiter.admit(who, est(200), t0);
  deepStrictEqual(b, {
    ok: false,
    hit: { scope: "key", limit: "tokens_per_minute", max: 1000, retryAfterS: 60 },
  });
  if (a.ok) a.reservation.settle({ tokens: 100, costUsd: null });
  const c = await limiter.admit(who, est(800), t0);
  strictEqual(c.ok, true);
  strictEqual(counters.value(`key|o|k|tokens_per_minute|${t0}`), 900);
  const day = Math.floor(t0 / 86_400_000) * 86_400_000;
  strictEqual(counters.value(`key|o|k|cost_usd_per_day|${day}`), 500_000);
});

Deno.test("limits: a key's own limits replace per_key; workspace counts every key", async () => {
  const limiter = new Limiter(
    { per_key: { requests_per_minute: 1 }, per_workspace: { requests_per_minute: 3 } },
    new MemoryCounters(),
  );
  const k1 = { orgId: "o", workspaceId: "w", keyId: "k1", keyLimits: { requests_per_minute: 5 } };
  const k2 = { orgId: "o", workspaceId: "w", keyId: "k2" };
  const results = [];
  for (const who of [k2, k2, k1, k1, k1]) {
    const r = await limiter.admit(who, est(0), t0);
    results.push(r.ok ? "ok" : `${r.hit.scope}:${r.hit.limit}`);
  }
  deepStrictEqual(results, [
    "ok",
    "key:requests_per_minute",
    "ok",
    "ok",
    "workspace:requests_per_minute",
  ]);
});

Deno.test("limits: a refused request adds to no counter", () => {
  const counters = new MemoryCounters();
  const subjects = [
    { scope: "key" as const, id: "k", limits: { ...none, requests_per_minute: 5 } },
    { scope: "workspace" as const, id: "w", limits: { ...none, requests_per_minute: 1 } },
  ];
  strictEqual(counters.reserveNow(chargesFor(subjects, est(0), t0), t0), null);
  strictEqual(counters.reserveNow(chargesFor(subjects, est(0), t0), t0)?.scope, "workspace");
  strictEqual(counters.value(`key|k|requests_per_minute|${t0}`), 1);
});

import assert from "node:assert/strict";
import {
  type AttemptOutcome,
  type AttemptPlanState,
  attemptTimeouts,
  canFailOver,
  decide,
  type Decision,
  isLastPossible,
  newPlan,
} from "../../src/routing/mod.ts";
import { headerTimeout, ok, randoms, refused, route, status, T0 } from "./fixtures.ts";

interface Case {
  name: string;
  plan: AttemptPlanState;
  outcome: AttemptOutcome;
  now?: number;
  want: Decision | Decision["kind"];
}

const two = route([{}, {}]);
const at = (
  r = two,
  over: Partial<AttemptPlanState> = {},
): AttemptPlanState => ({ ...newPlan(r, r.targets.map((_, i) => i), T0), ...over });
const attempts = (...n: number[]) => ({ attempts: n });

const cases: Case[] = [
  { name: "success is the answer", plan: at(two, attempts(1, 0)), outcome: ok, want: "answer" },
  {
    name: "500: same target after full jitter (first retry: [0, 250))",
    plan: at(two, attempts(1, 0)),
    outcome: status(500),
    want: { kind: "retry", target: 0, waitMs: 125, rotateKey: false, reason: "status_500" },
  },
  {
    name: "500 on the 2nd attempt: ceiling 500",
    plan: at(two, attempts(2, 0)),
    outcome: status(500),
    want: { kind: "retry", target: 0, waitMs: 250, rotateKey: false, reason: "status_500" },
  },
  {
    name: "500 with no attempt left: next target",
    plan: at(two, attempts(3, 0)),
    outcome: status(500),
    want: { kind: "next", target: 1, reason: "status_500" },
  },
  {
    name: "500 everywhere: give up with the last outcome",
    plan: at(two, { ...attempts(3, 3), position: 1 }),
    outcome: status(500),
    want: "give_up",
  },
  {
    name: "429 Retry-After 2 s: honoured (longer than the jitter)",
    plan: at(two, attempts(1, 0)),
    outcome: status(429, { "retry-after": "2" }),
    want: { kind: "retry", target: 0, waitMs: 2000, rotateKey: false, reason: "status_429" },
  },
  {
    name: "429 Retry-After beyond max_retry_after_ms: next target at once",
    plan: at(two, attempts(1, 0)),
    outcome: status(429, { "retry-after": "11" }),
    want: {
      kind: "next",
      target: 1,
      reason: "status_429_wait_beyond_max_retry_after",
    },
  },
  {
    name: "503 whose wait ends after the total budget: not waited for, next target",
    plan: at(two, attempts(1, 0)),
    outcome: status(503, { "retry-after": "5" }),
    now: T0 + 116_000,
    want: { kind: "next", target: 1, reason: "status_503_wait_beyond_budget" },
  },
  {
    name: "a retry that cannot get its usual time to first byte in the budget left: next",
    plan: at(two, { ...attempts(1, 0), expectedMs: [4000, 500] }),
    outcome: status(500),
    now: T0 + 116_000,
    want: { kind: "next", target: 1, reason: "status_500_wait_beyond_budget" },
  },
  {
    name: "no target can beat the budget left: give up now rather than start a doomed attempt",
    plan: at(two, { ...attempts(3, 0), expectedMs: [null, 5000] }),
    outcome: status(500),
    now: T0 + 116_000,
    want: "give_up",
  },
  {
    name: "unknown expectations never block an attempt",
    plan: at(two, { ...attempts(3, 0), expectedMs: [null, null] }),
    outcome: status(500),
    now: T0 + 119_999,
    want: { kind: "next", target: 1, reason: "status_500" },
  },
  {
    name: "total budget spent: give up",
    plan: at(two, attempts(1, 0)),
    outcome: status(500),
    now: T0 + 120_000,
    want: "give_up",
  },
  {
    name: "header timeout: next target, never the same (attempts left)",
    plan: at(two, attempts(1, 0)),
    outcome: headerTimeout,
    want: { kind: "next", target: 1, reason: "timeout_first_byte" },
  },
  {
    name: "header timeout on the only target: give up, no retry on it",
    plan: at(route([{}]), attempts(1)),
    outcome: headerTimeout,
    want: "give_up",
  },
  {
    name: "connection refused: retried on the same target",
    plan: at(two, attempts(1, 0)),
    outcome: refused,
    want: { kind: "retry", target: 0, waitMs: 125, rotateKey: false, reason: "connect_failed" },
  },
  {
    name: "breaker open on the current target: next, even with attempts left",
    plan: at(two, { ...attempts(1, 0), unavailable: new Set([0]) }),
    outcome: refused,
    want: { kind: "next", target: 1, reason: "connect_failed" },
  },
  {
    name: "unavailable later targets are skipped",
    plan: at(route([{}, {}, {}]), { ...attempts(3, 0, 0), unavailable: new Set([1]) }),
    outcome: status(502),
    want: { kind: "next", target: 2, reason: "status_502" },
  },
  {
    name: "400 context length, no larger target: the provider's error is the answer",
    plan: at(two, attempts(1, 0)),
    outcome: status(400, {}, "context_length"),
    want: "answer",
  },
  {
    name: "400 context length to the next larger-context target",
    plan: at(
      route([{ contextWindow: 128_000 }, { contextWindow: 64_000 }, { contextWindow: 200_000 }]),
      attempts(1, 0, 0),
    ),
    outcome: status(400, {}, "context_length"),
    want: { kind: "next", target: 2, reason: "status_400_context_length" },
  },
  {
    name: "context length at an unmarked target: any marked target",
    plan: at(route([{}, {}, { contextWindow: 1_000_000 }]), attempts(1, 0, 0)),
    outcome: status(400, {}, "context_length"),
    want: { kind: "next", target: 2, reason: "status_400_context_length" },
  },
  {
    name: "content policy: never retried, never failed over",
    plan: at(two, attempts(1, 0)),
    outcome: status(400, {}, "content_policy"),
    want: "answer",
  },
  {
    name: "pool key 429: another key of the same target now, not counted",
    plan: at(two, { ...attempts(1, 0), pooled: true }),
    outcome: status(429, { "retry-after": "30" }),
    want: { kind: "retry", target: 0, waitMs: 0, rotateKey: true, reason: "status_429" },
  },
  {
    name: "pool key 401 and no usable key left: next target",
    plan: at(two, { ...attempts(1, 0), pooled: true, unavailable: new Set([0]) }),
    outcome: status(401, {}, "auth"),
    want: { kind: "next", target: 1, reason: "status_401_auth" },
  },
  {
    name: "client's own key 401: passed through",
    plan: at(two, attempts(1, 0)),
    outcome: status(401, {}, "auth"),
    want: "answer",
  },
];

Deno.test("decide: one table of the issue's rules", () => {
  for (const c of cases) {
    const d = decide(c.plan, c.outcome, c.now ?? T0 + 1000, randoms(0.5));
    if (typeof c.want === "string") assert.equal(d.kind, c.want, c.name);
    else assert.deepEqual(d, c.want, c.name);
    if (d.kind === "give_up") assert.equal(d.last, c.outcome, `${c.name}: last outcome kept`);
  }
});

Deno.test("decide: the upstream's hint is the floor of the wait, the jitter its spread", () => {
  // Across the whole random range the wait stays in [hint, max(hint, ceiling)).
  for (const r of [0, 0.25, 0.5, 0.9999]) {
    const d = decide(at(two, attempts(2, 0)), status(503, { "retry-after": "0.3" }), T0, () => r);
    assert.equal(d.kind, "retry");
    if (d.kind === "retry") assert.ok(d.waitMs >= 300 && d.waitMs < 500, `r=${r}: ${d.waitMs}`);
  }
});

Deno.test("last possible attempt: failover timeouts lifted, bounded by what is left", () => {
  const single = route([{}], { retry: { ...two.retry, attempts: 1 } });
  const plan = at(single);
  assert.equal(isLastPossible(plan), true);
  assert.deepEqual(attemptTimeouts(plan, T0 + 20_000, true), {
    connectMs: 5000,
    firstByteMs: 100_000,
    firstTokenMs: 100_000,
    idleMs: 10_000,
    totalMs: 100_000,
  });
  const first = at(two);
  assert.equal(isLastPossible(first), false, "retries and a fallback remain");
  assert.equal(isLastPossible(at(two, { ...attempts(2, 3), position: 0 })), true);
  assert.equal(
    isLastPossible(at(two, { ...attempts(2, 0), unavailable: new Set([1]) })),
    true,
    "the fallback is unavailable",
  );
  assert.deepEqual(attemptTimeouts(first, T0 + 115_000, false), {
    connectMs: 5000,
    firstByteMs: 5000,
    firstTokenMs: 5000,
    idleMs: 5000,
    totalMs: 5000,
  }, "every phase clipped to the budget left");
  // No total budget to lift them to: the phase limits stay (never an unbounded wait).
  const unlimited = route([{}], { timeouts: { ...two.timeouts, totalMs: null } });
  assert.deepEqual(attemptTimeouts(at(unlimited), T0, true), {
    connectMs: 5000,
    firstByteMs: 30_000,
    firstTokenMs: 10_000,
    idleMs: 10_000,
    totalMs: null,
  });
});

Deno.test("canFailOver: only another target counts, not retries left on the same one", () => {
  const cases: { name: string; plan: AttemptPlanState; now?: number; want: boolean }[] = [
    { name: "a fallback with attempts left", plan: at(two), want: true },
    {
      name: "the only target, retries left (a header timeout is never retried there)",
      plan: at(route([{}])),
      want: false,
    },
    { name: "on the last target", plan: at(two, { position: 1 }), want: false },
    {
      name: "the fallback's attempts are spent",
      plan: at(two, { ...attempts(1, 3), position: 0 }),
      want: false,
    },
    {
      name: "the fallback is unavailable (breaker open, no key)",
      plan: at(two, { unavailable: new Set([1]) }),
      want: false,
    },
    {
      name: "the fallback cannot get its expected time within the budget left",
      plan: at(two, { expectedMs: [null, 10_000] }),
      now: T0 + 115_000,
      want: false,
    },
    {
      name: "it can",
      plan: at(two, { expectedMs: [null, 1000] }),
      now: T0 + 115_000,
      want: true,
    },
  ];
  for (const c of cases) assert.equal(canFailOver(c.plan, c.now), c.want, c.name);
});

/**
 * A routed request's attempt records as the trace stores them (traces/attempts.ts): the count
 * of every attempt, at most `maxStoredAttempts` records (the first ones and the last), every
 * string through the stored scrubber and bounded, times as whole non-negative milliseconds.
 */
import assert from "node:assert/strict";
import {
  type AttemptRecord,
  buildTrace,
  credentialHeaders,
  maxAttemptStringLength,
  maxRouteNameLength,
  maxStoredAttempts,
  storedAttempts,
} from "../../src/traces/mod.ts";
import { createStoredScrubber, credentialRedacted as R } from "../../src/secrets/mod.ts";
import { facts } from "./facts_fixture.ts";

const record = (over: Partial<AttemptRecord> = {}): AttemptRecord => ({
  n: 1,
  provider: "openai",
  model: "gpt-main",
  key_id: "k1",
  outcome: "success",
  status: 200,
  reason: null,
  timeout_phase: null,
  waited_ms: 0,
  started_ms: 0,
  first_byte_ms: 80,
  duration_ms: 700,
  committed: true,
  ...over,
});

const many = (count: number) =>
  Array.from({ length: count }, (_, i) => record({ n: i + 1, committed: i === count - 1 }));

const secret = "team-alpha-shared-password-42";
const scrubber = createStoredScrubber([secret]);
const providerKey = "sk-" + "proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";

const cases: {
  name: string;
  route?: string | null;
  attempts?: readonly AttemptRecord[] | null;
  want: (s: ReturnType<typeof storedAttempts>) => void;
}[] = [
  {
    name: "unrouted (fields absent): no route, one attempt, no records",
    want: (s) => assert.deepStrictEqual(s, { route: null, attempt_count: 1, attempts: null }),
  },
  {
    name: "unrouted (null): the same",
    route: null,
    attempts: null,
    want: (s) => assert.deepStrictEqual(s, { route: null, attempt_count: 1, attempts: null }),
  },
  {
    name: "one attempt that answered is kept as written",
    route: "gpt-main",
    attempts: [record()],
    want: (s) =>
      assert.deepStrictEqual(s, { route: "gpt-main", attempt_count: 1, attempts: [record()] }),
  },
  {
    name: "a routed request with no attempt at all (every target skipped) counts 0",
    route: "gpt-main",
    attempts: [],
    want: (s) => assert.deepStrictEqual(s, { route: "gpt-main", attempt_count: 0, attempts: [] }),
  },
  {
    name: "exactly the bound: all kept",
    route: "r",
    attempts: many(maxStoredAttempts),
    want: (s) => {
      assert.equal(s.attempt_count, maxStoredAttempts);
      assert.deepStrictEqual(s.attempts!.map((a) => a.n), many(maxStoredAttempts).map((a) => a.n));
    },
  },
  {
    name: "past the bound: the first ones and the last (the answer) kept, all counted",
    route: "r",
    attempts: many(1000),
    want: (s) => {
      assert.equal(s.attempt_count, 1000);
      assert.equal(s.attempts!.length, maxStoredAttempts);
      assert.deepStrictEqual(
        s.attempts!.map((a) => a.n),
        [...Array.from({ length: maxStoredAttempts - 1 }, (_, i) => i + 1), 1000],
      );
      assert.equal(s.attempts!.at(-1)!.committed, true);
    },
  },
  {
    name: "secrets in every string are scrubbed (configured, by shape)",
    route: `route-${secret}`,
    attempts: [record({
      provider: `p-${secret}`,
      model: providerKey,
      key_id: secret,
      reason: `upstream said: invalid key ${providerKey}`,
    })],
    want: (s) => {
      const text = JSON.stringify(s);
      assert.ok(!text.includes(secret), text);
      assert.ok(!text.includes(providerKey), text);
      assert.ok(text.includes(R), text);
    },
  },
  {
    name: "long strings are cut, secrets first scrubbed whole",
    route: "x".repeat(10_000),
    attempts: [
      record({ reason: "y".repeat(maxAttemptStringLength - 5) + secret, model: "m".repeat(5000) }),
    ],
    want: (s) => {
      assert.equal(s.route, `${"x".repeat(maxRouteNameLength)}...`);
      const [a] = s.attempts!;
      assert.equal(a!.model, `${"m".repeat(maxAttemptStringLength)}...`);
      assert.ok(a!.reason!.endsWith("..."));
      assert.ok(a!.reason!.length <= maxAttemptStringLength + 3);
      assert.ok(!a!.reason!.includes(secret.slice(0, 10)), a!.reason!);
    },
  },
  {
    name: "times: whole non-negative ms; NaN or Infinity never stored (unknown stays null)",
    route: "r",
    attempts: [record({
      waited_ms: 12.6,
      started_ms: -3,
      first_byte_ms: Number.NaN,
      duration_ms: Number.POSITIVE_INFINITY,
    })],
    want: (s) => {
      const [a] = s.attempts!;
      assert.deepStrictEqual(
        [a!.waited_ms, a!.started_ms, a!.first_byte_ms, a!.duration_ms],
        [13, 0, null, 0],
      );
    },
  },
  {
    name: "a timeout's phase is kept; a phase that is not a route limit is not stored",
    route: "r",
    attempts: [
      record({ outcome: "timeout", timeout_phase: "connect", committed: false }),
      record({ n: 2, outcome: "timeout", timeout_phase: "bogus" as "idle", committed: false }),
      record({ n: 3, timeout_phase: "idle" }),
    ],
    want: (s) =>
      assert.deepStrictEqual(s.attempts!.map((a) => a.timeout_phase), ["connect", null, "idle"]),
  },
  {
    name: "a status outside 100..599 and a bad n are not stored as such",
    route: "r",
    attempts: [record({ status: 42, n: -1 }), record({ status: 503.5, n: 2.5 })],
    want: (s) => {
      assert.deepStrictEqual(s.attempts!.map((a) => [a.status, a.n]), [[null, 0], [null, 0]]);
    },
  },
];

for (const c of cases) {
  Deno.test(`storedAttempts: ${c.name}`, () => {
    c.want(storedAttempts(c.route, c.attempts, scrubber.text));
  });
}

Deno.test("buildTrace: a routed request's route, count and records; the exchange's key scrubbed too", () => {
  const attempts = [
    record({
      n: 1,
      outcome: "status",
      status: 429,
      reason: `retry ${providerKey}`,
      committed: false,
    }),
    record({ n: 2, provider: "anthropic", model: "claude-main" }),
  ];
  const t = buildTrace(
    facts({ route: "gpt-main", attempts, secrets: scrubber, providerKey }),
    credentialHeaders,
  );
  assert.equal(t.route, "gpt-main");
  assert.equal(t.attempt_count, 2);
  assert.equal(t.attempts!.length, 2);
  assert.equal(t.attempts![0]!.reason, `retry ${R}`);
  assert.deepStrictEqual(t.attempts![1], attempts[1]);
  // The caller's records are not changed.
  assert.equal(attempts[0]!.reason, `retry ${providerKey}`);
});

Deno.test("buildTrace: an unrouted request has no route, one attempt and null records", () => {
  const t = buildTrace(facts(), credentialHeaders);
  assert.deepStrictEqual([t.route, t.attempt_count, t.attempts], [null, 1, null]);
});

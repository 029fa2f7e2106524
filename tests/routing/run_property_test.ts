/**
 * Properties of the route run under any sequence of outcomes, pools, breakers and budgets: it
 * always ends, within the attempts the config allows plus one rotation per pool key between
 * waits for a key; it never starts an attempt after the budget; every wait is bounded by the
 * policy; a pool key that failed is not reused until the request waited for keys.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type AttemptOutcome,
  KeyPool,
  MemoryRoutingState,
  type ResolvedRoute,
  Router,
} from "../../src/routing/mod.ts";
import { route, T0 } from "./fixtures.ts";

const outcomeArb: fc.Arbitrary<AttemptOutcome> = fc.oneof(
  fc.constant<AttemptOutcome>({ kind: "success" }),
  fc.record({
    status: fc.constantFrom(400, 401, 403, 404, 429, 500, 502, 503, 504, 529),
    retryAfter: fc.option(
      fc.constantFrom("0", "1", "5", "30", "garbage", "Sun, 06 Dec 2026 12:00:09 GMT"),
    ),
    category: fc.option(
      fc.constantFrom(
        "rate_limited",
        "context_length",
        "content_policy",
        "auth",
        "billing",
        "overloaded",
      ),
    ),
  }).map(({ status, retryAfter, category }): AttemptOutcome => ({
    kind: "status",
    status,
    headers: new Headers(retryAfter === null ? {} : { "retry-after": retryAfter }),
    error: category === null ? null : { category, message: null },
  })),
  fc.constant<AttemptOutcome>({ kind: "connect_failed", detail: "refused" }),
  fc.constant<AttemptOutcome>({ kind: "reset_before_headers", detail: "reset" }),
  fc.constantFrom("connect", "first_byte", "first_token", "idle", "total").map(
    (phase): AttemptOutcome => ({ kind: "timeout", phase: phase as "connect" }),
  ),
  fc.constantFrom("cut", "stall", "malformed", "in_band_error", "unclean_end").map(
    (reason): AttemptOutcome => ({
      kind: "failed_before_commit",
      reason: reason as "cut",
      status: 200,
      error: { category: "overloaded", message: null },
    }),
  ),
);

Deno.test("route run: always ends, within its bounds, under any outcomes", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 3 }),
      fc.option(fc.integer({ min: 1000, max: 60_000 })),
      fc.array(outcomeArb, { minLength: 1, maxLength: 40 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 10 }),
      fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 10 }),
      async (nTargets, attempts, poolKeys, totalMs, outcomes, rnd, durations) => {
        const keys = Array.from({ length: poolKeys }, (_, i) => ({ id: `k${i}`, weight: 1 }));
        const router = new Router(
          new MemoryRoutingState(),
          poolKeys > 0 ? [new KeyPool("p0", keys)] : [],
        );
        const base = route(Array.from({ length: nTargets }, () => ({})));
        const r: ResolvedRoute = {
          ...base,
          retry: { ...base.retry, attempts },
          timeouts: { ...base.timeouts, totalMs },
          breaker: { failures: 2, openMs: 5000 },
        };
        let i = 0;
        const random = () => rnd[i++ % rnd.length]!;
        const run = router.start(r, { now: T0, random, session: "s", usePools: true });
        // Counted attempts, one rotation per pool key between waits, and at most `attempts` waits.
        const bound = nTargets * attempts + poolKeys * (attempts + 1) + attempts;
        const maxWait = Math.max(r.retry.maxBackoffMs, r.retry.maxRetryAfterMs);
        let now = T0;
        let failedKeys = new Set<string>();
        for (let n = 0; n <= bound + 1; n++) {
          assert.ok(n <= bound, `more than ${bound} steps`);
          const next = await run.next(now);
          if (next.kind === "give_up") return;
          if (totalMs !== null) assert.ok(now < T0 + totalMs, "nothing after the budget");
          if (next.kind === "wait") {
            assert.ok(next.waitMs >= 0 && next.waitMs <= maxWait);
            failedKeys = new Set();
            now += next.waitMs;
            continue;
          }
          if (next.keyId !== null) {
            assert.ok(!failedKeys.has(next.keyId), "a key that failed is not reused");
          }
          now += durations[n % durations.length]!;
          const outcome = outcomes[n % outcomes.length]!;
          const d = run.report(outcome, now);
          if (d.kind === "answer" || d.kind === "give_up") return;
          if (d.kind === "retry") {
            if (d.reason.endsWith("_wait_for_key")) failedKeys = new Set();
            else if (d.rotateKey && next.keyId !== null) failedKeys.add(next.keyId);
            assert.ok(d.waitMs >= 0 && d.waitMs <= maxWait);
            if (totalMs !== null) {
              assert.ok(now + d.waitMs < T0 + totalMs, "no wait past the budget");
            }
            now += d.waitMs;
          }
        }
      },
    ),
    { numRuns: 500 },
  );
});

/**
 * Routing counters: the outcome label over every kind of attempt outcome (a closed set), the
 * three families in the Prometheus scrape, breaker transitions fed by a real `Router` through
 * its `onBreakerTransition` hook, and the series bound.
 */
import assert from "node:assert/strict";
import { attemptOutcomeLabel, createGatewayMetrics } from "../../src/telemetry/mod.ts";
import { type AttemptOutcome, MemoryRoutingState, Router } from "../../src/routing/mod.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";
import { ok, randoms, route, status, T0 } from "../routing/fixtures.ts";
import { parseScrape, sample } from "./scrape.ts";

const attempts = "ongoingai_routing_attempts_total";
const failovers = "ongoingai_routing_failovers_total";
const transitions = "ongoingai_routing_breaker_transitions_total";

const outcomes: [AttemptOutcome, string][] = [
  [ok, "success"],
  [status(429), "status_429"],
  [status(400, {}, "context_length"), "status_4xx"],
  [status(401, {}, "auth"), "status_4xx"],
  [status(503), "status_5xx"],
  [status(529), "status_5xx"],
  [status(302), "other"],
  [{ kind: "connect_failed", detail: "ECONNREFUSED" }, "connect_failed"],
  [{ kind: "reset_before_headers", detail: "reset" }, "reset_before_headers"],
  [{ kind: "path_refused", detail: "no Azure form" }, "path_refused"],
  [{ kind: "credentials_failed", detail: "token endpoint down" }, "credentials_failed"],
  [{ kind: "timeout", phase: "first_token" }, "timeout_first_token"],
  [{ kind: "timeout", phase: "total" }, "timeout_total"],
  [
    { kind: "failed_before_commit", reason: "in_band_error", status: 200, error: null },
    "failed_before_commit_in_band_error",
  ],
  [
    { kind: "failed_before_commit", reason: "cut", status: null, error: null },
    "failed_before_commit_cut",
  ],
];

for (const [outcome, want] of outcomes) {
  Deno.test(`attemptOutcomeLabel: ${JSON.stringify(outcome).slice(0, 60)} -> ${want}`, () => {
    assert.equal(attemptOutcomeLabel(outcome), want);
  });
}

Deno.test("attemptOutcomeLabel: anything unforeseen is `other`, never the raw value", () => {
  assert.equal(attemptOutcomeLabel({ kind: "timeout", phase: "sk-secret" }), "other");
  assert.equal(attemptOutcomeLabel({ kind: "failed_before_commit", reason: "x" }), "other");
  assert.equal(attemptOutcomeLabel({ kind: "brand_new" }), "other");
});

const metricsOf = (opts = {}) => createGatewayMetrics({ snapshot: () => writerSnapshot() }, opts);

Deno.test("routing metrics: attempts and failovers in the scrape, with HELP and TYPE", () => {
  const m = metricsOf();
  const base = { route: "gpt-main", provider: "openai", model: "gpt-main" };
  m.routing.attempt({ ...base, outcome: attemptOutcomeLabel(status(503)) });
  m.routing.attempt({ ...base, outcome: "status_5xx" });
  m.routing.failover({ route: "gpt-main", fromTarget: "openai/gpt-main", toTarget: "azure/gpt" });
  m.routing.attempt({ route: "gpt-main", provider: "azure", model: "gpt", outcome: "success" });
  const text = m.renderPrometheus();
  const s = parseScrape(text);
  assert.equal(s.get(sample(attempts, { ...base, outcome: "status_5xx" })), 2);
  assert.equal(
    s.get(
      sample(attempts, { route: "gpt-main", provider: "azure", model: "gpt", outcome: "success" }),
    ),
    1,
  );
  assert.equal(
    s.get(sample(failovers, {
      route: "gpt-main",
      from_target: "openai/gpt-main",
      to_target: "azure/gpt",
    })),
    1,
  );
  for (const name of [attempts, failovers, transitions]) {
    assert.match(text, new RegExp(`# TYPE ${name} counter`));
    assert.match(text, new RegExp(`# HELP ${name} `));
  }
});

Deno.test("routing metrics: breaker transitions from a real Router's hook", async () => {
  const m = metricsOf();
  const router = new Router(new MemoryRoutingState(), [], {
    onBreakerTransition: (target, toPhase) => m.routing.breakerTransition({ target, toPhase }),
  });
  const r = route([{}], {
    breaker: { failures: 1, openMs: 10_000 },
    retry: { ...route([]).retry, attempts: 1 },
  });
  const start = (now: number) =>
    router.start(r, { now, random: randoms(0.5), session: null, usePools: false });
  // One failure opens it (failures: 1).
  const first = start(T0);
  const a = await first.next(T0);
  assert.equal(a.kind, "attempt");
  first.report(status(503), T0);
  // After open_ms, the probe is claimed (half-open) and its success closes the breaker.
  const later = T0 + 10_001;
  const probe = start(later);
  const b = await probe.next(later);
  assert.ok(b.kind === "attempt" && b.probe, JSON.stringify(b));
  probe.report(ok, later);
  const s = parseScrape(m.renderPrometheus());
  for (const phase of ["open", "half_open", "closed"]) {
    assert.equal(s.get(sample(transitions, { target: "p0/m", to_phase: phase })), 1, phase);
  }
});

Deno.test("routing metrics: past the series bound, the outcome is kept and the rest folded", () => {
  const m = metricsOf({ maxSeriesPerInstrument: 2 });
  for (let i = 0; i < 5; i++) {
    m.routing.attempt({ route: `r${i}`, provider: "openai", model: "m", outcome: "success" });
  }
  const s = parseScrape(m.renderPrometheus());
  const series = [...s.keys()].filter((k) => k.startsWith(`${attempts}{`));
  assert.ok(series.length <= 3, series.join("\n"));
  const folded = series.find((k) => k.includes('route="other"'));
  assert.ok(folded?.includes('outcome="success"'), series.join("\n"));
});

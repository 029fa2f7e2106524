/**
 * A routed attempt's own limits (proxy/route_attempt.ts): the phase that ended it is told once,
 * whether one of its timers fired or the upstream client enforced the bound (connecting), and
 * never after something else stopped the attempt; the phase names the trace uses. Timers are
 * driven by fake time, so nothing here depends on how fast the machine is.
 */
import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import {
  AttemptSignal,
  AttemptTimeout,
  beforeCommit,
  routedTimeout,
  type RoutePhase,
  type TracedPhase,
  tracedPhase,
} from "../../src/proxy/route_attempt.ts";
import type { AttemptRecord, AttemptTicket, PhaseTimeouts } from "../../src/routing/mod.ts";
import type { ErrorCode } from "../../src/errors/mod.ts";

Deno.test("tracedPhase: the route's phases in the words of unrouted traces", () => {
  const table: [RoutePhase, TracedPhase][] = [
    ["connect", "connect"],
    ["first_byte", "headers"],
    ["first_token", "first_token"],
    ["idle", "idle"],
    ["total", "total"],
  ];
  for (const [route, traced] of table) assert.equal(tracedPhase(route), traced, route);
});

function withClock(fn: (clock: ReturnType<typeof FakeTimers.install>) => void): void {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    fn(clock);
  } finally {
    clock.uninstall();
  }
}

Deno.test("AttemptSignal: the armed phase fires, is told once, and is the abort reason", () => {
  withClock((clock) => {
    const told: RoutePhase[] = [];
    const s = new AttemptSignal(new AbortController().signal, 1000, (p) => told.push(p));
    s.arm("first_byte", 100);
    clock.tick(99);
    assert.equal(s.signal.aborted, false);
    clock.tick(1);
    assert.equal(s.timedOut, "first_byte");
    assert.ok(s.signal.reason instanceof AttemptTimeout);
    clock.tick(2000);
    assert.deepEqual(told, ["first_byte"], "the total limit, later, is not told");
    s.close();
  });
});

Deno.test("AttemptSignal: re-arming replaces the phase; the total limit runs throughout", () => {
  withClock((clock) => {
    const told: RoutePhase[] = [];
    const s = new AttemptSignal(new AbortController().signal, 250, (p) => told.push(p));
    s.arm("first_byte", 200);
    clock.tick(150);
    s.arm("idle", 200);
    clock.tick(100);
    assert.equal(s.timedOut, "total");
    assert.deepEqual(told, ["total"]);
    s.close();
  });
});

Deno.test("AttemptSignal: a bound enforced elsewhere (connecting) is told like a timer", () => {
  withClock(() => {
    const told: RoutePhase[] = [];
    const s = new AttemptSignal(new AbortController().signal, null, (p) => told.push(p));
    s.arm("first_byte", 5000);
    s.expire("connect");
    assert.equal(s.timedOut, "connect");
    s.expire("first_byte");
    assert.deepEqual(told, ["connect"], "once: the attempt is already stopped");
    s.close();
  });
});

Deno.test("AttemptSignal: after the exchange stopped it (client gone), no limit is told", () => {
  withClock((clock) => {
    const told: RoutePhase[] = [];
    const parent = new AbortController();
    const s = new AttemptSignal(parent.signal, 1000, (p) => told.push(p));
    s.arm("first_byte", 100);
    const gone = new Error("client gone");
    parent.abort(gone);
    assert.equal(s.signal.reason, gone);
    clock.tick(2000);
    s.expire("connect");
    assert.equal(s.timedOut, null);
    assert.deepEqual(told, []);
    s.close();
  });
});

Deno.test("AttemptSignal: close clears every timer", () => {
  withClock((clock) => {
    const told: RoutePhase[] = [];
    const s = new AttemptSignal(new AbortController().signal, 1000, (p) => told.push(p));
    s.arm("idle", 100);
    s.close();
    clock.tick(5000);
    assert.equal(s.signal.aborted, false);
    assert.deepEqual(told, []);
  });
});

const rec = (over: Partial<AttemptRecord>): AttemptRecord => ({
  n: 1,
  provider: "openai",
  model: "m",
  key_id: null,
  outcome: "success",
  status: 200,
  reason: null,
  timeout_phase: null,
  waited_ms: 0,
  started_ms: 0,
  first_byte_ms: 5,
  duration_ms: 10,
  committed: true,
  ...over,
});
const timedOutRec = (phase: RoutePhase) =>
  rec({ outcome: "timeout", status: null, timeout_phase: phase, committed: false });

Deno.test("routedTimeout: the trace's phase and the committed record, by how the request ended", () => {
  const cases: {
    name: string;
    failure: ErrorCode | null;
    phase: RoutePhase | null;
    records: AttemptRecord[];
    want: { phase: TracedPhase | null; lastPhase: RoutePhase | null };
  }[] = [
    {
      name: "every attempt timed out on its headers: headers",
      failure: "upstream_timeout",
      phase: "first_byte",
      records: [timedOutRec("first_byte"), timedOutRec("first_byte")],
      want: { phase: "headers", lastPhase: "first_byte" },
    },
    {
      name: "a committed stream stalled: idle, and its record says so",
      failure: "upstream_idle_timeout",
      phase: "idle",
      records: [rec({})],
      want: { phase: "idle", lastPhase: "idle" },
    },
    {
      name: "the total budget cut a committed stream",
      failure: "upstream_timeout",
      phase: "total",
      records: [timedOutRec("first_token"), rec({ n: 2 })],
      want: { phase: "total", lastPhase: "total" },
    },
    {
      name: "a timeout, then another target answered: no phase, records as they are",
      failure: null,
      phase: "first_byte",
      records: [timedOutRec("first_byte"), rec({ n: 2 })],
      want: { phase: null, lastPhase: null },
    },
    {
      name: "a timeout, then a cut stream: the request did not end in a timeout",
      failure: "upstream_truncated",
      phase: "connect",
      records: [timedOutRec("connect")],
      want: { phase: null, lastPhase: "connect" },
    },
    {
      name: "a timeout failure with no attempt limit behind it (no phase known): none invented",
      failure: "upstream_timeout",
      phase: null,
      records: [rec({})],
      want: { phase: null, lastPhase: null },
    },
  ];
  for (const c of cases) {
    const got = routedTimeout(c.failure, c.phase, c.records);
    assert.equal(got.timeoutPhase, c.want.phase, c.name);
    assert.equal(got.attempts!.at(-1)!.timeout_phase, c.want.lastPhase, c.name);
    assert.equal(got.attempts!.length, c.records.length, c.name);
  }
  assert.equal(routedTimeout("upstream_timeout", "total", null).attempts, null);
});

Deno.test("beforeCommit: the idle limit is lifted before the commit point only where no failover can follow and a budget bounds it", () => {
  const t: PhaseTimeouts = {
    connectMs: 100,
    firstByteMs: 9000,
    firstTokenMs: 9000,
    idleMs: 200,
    totalMs: 9000,
  };
  const ticket = (last: boolean, timeouts: PhaseTimeouts) => ({ last, timeouts }) as AttemptTicket;
  assert.equal(beforeCommit(ticket(false, t)).idleMs, 200, "a failover can follow");
  assert.deepEqual(beforeCommit(ticket(true, t)), { ...t, idleMs: null });
  const unbounded = { ...t, totalMs: null };
  assert.equal(beforeCommit(ticket(true, unbounded)).idleMs, 200, "no budget to lift it to");
});

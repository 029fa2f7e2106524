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
  type RoutePhase,
  type TracedPhase,
  tracedPhase,
} from "../../src/proxy/route_attempt.ts";

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

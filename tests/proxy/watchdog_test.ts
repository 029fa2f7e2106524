import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { expiredPhase, type TimeoutPhase, Watchdog, type Watched } from "../../src/proxy/mod.ts";

const limits = { headers_timeout_ms: 100, idle_timeout_ms: 50, total_timeout_ms: 1000 };

Deno.test("expiredPhase: which limit an exchange has passed", () => {
  type T = { t0: number; headersAt: number | null; waitingSince: number | null };
  const table: [string, T, number, TimeoutPhase | null][] = [
    ["waiting for headers, in time", { t0: 0, headersAt: null, waitingSince: null }, 99, null],
    [
      "waiting for headers, too long",
      { t0: 0, headersAt: null, waitingSince: null },
      100,
      "headers",
    ],
    ["waiting for a chunk, recently asked", { t0: 0, headersAt: 10, waitingSince: 500 }, 549, null],
    ["waiting for a chunk too long", { t0: 0, headersAt: 10, waitingSince: 500 }, 550, "idle"],
    [
      "a slow client is not an idle upstream",
      { t0: 0, headersAt: 10, waitingSince: null },
      900,
      null,
    ],
    [
      "trickling past the total deadline",
      { t0: 0, headersAt: 10, waitingSince: 999 },
      1000,
      "total",
    ],
    [
      "an idle limit shorter than the headers one applies once headers are in",
      { t0: 0, headersAt: 5, waitingSince: 5 },
      55,
      "idle",
    ],
  ];
  for (const [name, timing, now, want] of table) {
    assert.equal(expiredPhase(timing, limits, now), want, name);
  }
  assert.equal(
    expiredPhase({ t0: 0, headersAt: null, waitingSince: null }, {
      ...limits,
      total_timeout_ms: 0,
      headers_timeout_ms: 1e9,
    }, 1e8),
    null,
    "a total limit of 0 is no limit",
  );
});

function watched(clock: { now: number }): Watched & { fired: TimeoutPhase[]; slow: number } {
  const w = {
    t0: clock.now,
    headersAt: null as number | null,
    waitingSince: null as number | null,
    fired: [] as TimeoutPhase[],
    slow: 0,
    expire(p: TimeoutPhase) {
      w.fired.push(p);
    },
    slowHeaders() {
      w.slow++;
    },
  };
  return w;
}

Deno.test("the ticker fires each limit once, reports slow headers once, and stops when idle", () => {
  const clock = FakeTimers.install({ toFake: ["setInterval", "clearInterval"] });
  try {
    const dog = new Watchdog({ limits, tickMs: 10, slowHeadersMs: 30, now: () => clock.now });
    const slow = watched(clock);
    const streaming = watched(clock);
    dog.add(slow);
    dog.add(streaming);
    clock.tick(20);
    streaming.headersAt = clock.now;
    for (let i = 0; i < 5; i++) {
      streaming.waitingSince = clock.now;
      clock.tick(40);
      streaming.waitingSince = null; // a chunk arrived
    }
    streaming.waitingSince = clock.now;
    assert.equal(slow.slow, 1);
    assert.deepEqual(slow.fired, ["headers"]);
    assert.deepEqual(streaming.fired, []);
    clock.tick(60);
    assert.deepEqual(streaming.fired, ["idle"]);
    assert.equal(clock.countTimers(), 0, "no ticker left once nothing is open");
  } finally {
    clock.uninstall();
  }
});

Deno.test("an exchange removed before its deadline never fires", () => {
  const clock = FakeTimers.install({ toFake: ["setInterval", "clearInterval"] });
  try {
    const dog = new Watchdog({ limits, tickMs: 10, slowHeadersMs: 30, now: () => clock.now });
    const w = watched(clock);
    dog.add(w);
    clock.tick(20);
    dog.delete(w);
    clock.tick(5000);
    assert.deepEqual(w.fired, []);
    assert.equal(w.slow, 0);
    assert.equal(clock.countTimers(), 0);
  } finally {
    clock.uninstall();
  }
});

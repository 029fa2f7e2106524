import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";

type Clock = ReturnType<typeof FakeTimers.install>;
import { ExchangeTimer, type TimeoutPhase } from "../../src/proxy/timer.ts";

const limits = { headers_timeout_ms: 100, idle_timeout_ms: 50, total_timeout_ms: 1000 };

function withClock(fn: (clock: Clock, fired: TimeoutPhase[]) => void) {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  try {
    fn(clock, []);
  } finally {
    clock.uninstall();
  }
}

Deno.test("headers timeout fires when no response arrives", () => {
  withClock((clock, fired) => {
    new ExchangeTimer(limits, (p) => fired.push(p), () => clock.now);
    clock.tick(99);
    assert.deepEqual(fired, []);
    clock.tick(1);
    assert.deepEqual(fired, ["headers"]);
  });
});

Deno.test("idle timeout re-arms on activity and fires after silence", () => {
  withClock((clock, fired) => {
    const t = new ExchangeTimer(limits, (p) => fired.push(p), () => clock.now);
    clock.tick(10);
    t.headersReceived();
    for (let i = 0; i < 10; i++) {
      clock.tick(40);
      t.activity();
    }
    assert.deepEqual(fired, []);
    clock.tick(50);
    assert.deepEqual(fired, ["idle"]);
  });
});

Deno.test("total deadline fires even on a stream that keeps trickling", () => {
  withClock((clock, fired) => {
    const t = new ExchangeTimer(limits, (p) => fired.push(p), () => clock.now);
    t.headersReceived();
    for (let i = 0; i < 30 && fired.length === 0; i++) {
      clock.tick(40);
      t.activity();
    }
    assert.deepEqual(fired, ["total"]);
    assert.ok(clock.now >= 1000);
  });
});

Deno.test("a stopped timer never fires", () => {
  withClock((clock, fired) => {
    const t = new ExchangeTimer(limits, (p) => fired.push(p), () => clock.now);
    t.stop();
    clock.tick(5000);
    assert.deepEqual(fired, []);
  });
});

Deno.test("an idle limit shorter than the headers limit applies as soon as headers arrive", () => {
  withClock((clock, fired) => {
    const t = new ExchangeTimer(
      { headers_timeout_ms: 10_000, idle_timeout_ms: 50, total_timeout_ms: 60_000 },
      (p) => fired.push(p),
      () => clock.now,
    );
    clock.tick(5);
    t.headersReceived();
    clock.tick(50);
    assert.deepEqual(fired, ["idle"]);
  });
});

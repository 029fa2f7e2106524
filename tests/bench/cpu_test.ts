import assert from "node:assert/strict";
import { cpuMicrosPerRequest, cpuSeconds } from "../../bench/cpu.ts";

Deno.test("bench cpu: per-request microseconds from two readings", async (t) => {
  const cases: Array<[string, number | null, number | null, number, number | null]> = [
    ["one second over 10,000 requests", 2, 3, 10_000, 100],
    ["rounded to 0.1 µs", 0, 0.00123456, 1, 1234.6],
    ["an unreadable reading", null, 3, 10, null],
    ["no requests", 1, 2, 0, null],
  ];
  for (const [name, before, after, requests, want] of cases) {
    await t.step(name, () => assert.equal(cpuMicrosPerRequest(before, after, requests), want));
  }
});

Deno.test({
  name: "bench cpu: this process's CPU time grows with work (Linux /proc)",
  ignore: Deno.build.os !== "linux",
  fn() {
    const before = cpuSeconds(Deno.pid);
    assert.ok(before !== null && before >= 0);
    let x = 0;
    const until = performance.now() + 50;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    const after = cpuSeconds(Deno.pid);
    assert.ok(after !== null && after >= before, `${before} -> ${after} (${x})`);
    assert.equal(cpuSeconds(2 ** 22 + 12345), null, "no such process");
  },
});

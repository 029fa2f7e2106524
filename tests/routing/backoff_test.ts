import assert from "node:assert/strict";
import { fullJitterMs } from "../../src/routing/mod.ts";

Deno.test("full jitter: uniform in [0, min(cap, base * 2^n))", () => {
  const cases: [number, number, number, number, number][] = [
    // retryIndex, base, cap, random, want
    [0, 250, 8000, 0, 0],
    [0, 250, 8000, 0.5, 125],
    [1, 250, 8000, 0.5, 250],
    [2, 250, 8000, 0.999, 999],
    [5, 250, 8000, 0.5, 4000], // 8000 cap reached at n = 5
    [20, 250, 8000, 0.5, 4000],
    [1e9, 250, 8000, 0.5, 4000], // huge exponent: no Infinity
    [-3, 250, 8000, 0.5, 125], // negative: first retry
    [0, 250, 8000, 1, 249], // random() = 1 (a broken source) stays below the ceiling
    [0, 250, 8000, Number.NaN, 0],
    [3, 0, 8000, 0.7, 0],
  ];
  for (const [n, base, cap, r, want] of cases) {
    assert.equal(fullJitterMs(n, base, cap, () => r), want, `n=${n} r=${r}`);
  }
});

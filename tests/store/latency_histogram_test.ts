import assert from "node:assert/strict";
import fc from "fast-check";
import {
  add,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  merge,
  quantile,
} from "../../src/store/latency_histogram.ts";

const withinOnePercent = (got: number | null, want: number) =>
  got !== null && (want === 0 ? got === 0 : Math.abs(got - want) / want <= 0.01 + 1e-12);

Deno.test("histogram quantiles are within 1% of the exact interpolated percentile", () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 0, max: 600_000 }), { minLength: 1, maxLength: 400 }),
    fc.constantFrom(0, 0.5, 0.95, 0.99, 1),
    (values, p) => {
      const h: Histogram = new Map();
      for (const v of values) add(h, v);
      const sorted = [...values].sort((a, b) => a - b);
      const rank = p * (sorted.length - 1), lo = Math.floor(rank);
      const want = sorted[lo]! + (rank - lo) * ((sorted[lo + 1] ?? sorted[lo]!) - sorted[lo]!);
      const got = quantile(h, p);
      assert.ok(withinOnePercent(got, want), `p${p}: got ${got}, want ${want}`);
    },
  ));
});

Deno.test("histograms merge as if the values had been added to one, and survive JSON", () => {
  const a: Histogram = new Map(), b: Histogram = new Map(), all: Histogram = new Map();
  for (const v of [1, 5, 5, 120, 3000]) (add(a, v), add(all, v));
  for (const v of [0, 7, 120, 120.4, 45_000]) (add(b, v), add(all, v));
  merge(a, decodeHistogram(encodeHistogram(b)));
  assert.deepStrictEqual(a, all);
  assert.equal(quantile(new Map(), 0.5), null);
  assert.equal(quantile(decodeHistogram(null), 0.5), null);
});

Deno.test("a histogram holds a day of values in a few hundred buckets", () => {
  const h: Histogram = new Map();
  for (let v = 1; v <= 600_000; v += 7) add(h, v);
  assert.ok(h.size < 700, `${h.size} buckets`);
});

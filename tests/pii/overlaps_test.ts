/**
 * Overlap resolution: the same answer as the straightforward algorithm (longest first, insert
 * into a sorted array) on random inputs, and a cost that grows as n log n, not n², with the
 * number of findings (issue 16: a body full of e-mail addresses froze the gateway).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { overlapWork, resolveOverlaps } from "../../src/pii/detectors/overlaps.ts";
import type { Finding } from "../../src/pii/types.ts";

/** The earlier implementation, quadratic on many findings: the reference for the answer. */
function reference(findings: readonly Finding[], rank?: readonly number[]): Finding[] {
  if (findings.length < 2) return [...findings];
  const order = findings.map((_, i) => i).sort((a, b) => {
    const fa = findings[a]!;
    const fb = findings[b]!;
    return (fb.end - fb.start) - (fa.end - fa.start) ||
      (rank?.[a] ?? a) - (rank?.[b] ?? b) ||
      fa.start - fb.start;
  });
  const kept: Finding[] = [];
  for (const i of order) {
    const f = findings[i]!;
    let at = 0;
    while (at < kept.length && kept[at]!.start <= f.start) at++;
    const prev = kept[at - 1];
    const next = kept[at];
    if (
      (prev === undefined || prev.end <= f.start) && (next === undefined || f.end <= next.start)
    ) {
      kept.splice(at, 0, f);
    }
  }
  return kept;
}

const finding = fc.record({
  start: fc.nat(60),
  length: fc.integer({ min: 1, max: 12 }),
  d: fc.nat(3),
})
  .map(({ start, length, d }): Finding => ({
    detector: `d${d}`,
    type: `T${d}`,
    start,
    end: start + length,
  }));

Deno.test("resolveOverlaps: same result as the reference on random findings, with and without ranks", () => {
  fc.assert(
    fc.property(fc.array(finding, { maxLength: 40 }), fc.boolean(), (findings, ranked) => {
      const rank = ranked ? findings.map((f) => Number(f.detector.slice(1))) : undefined;
      assert.deepEqual(resolveOverlaps(findings, rank), reference(findings, rank));
    }),
    { numRuns: 2000 },
  );
});

const cases: { name: string; findings: Finding[]; rank?: number[]; want: [number, number][] }[] = [
  { name: "empty", findings: [], want: [] },
  {
    name: "disjoint, out of order, come back sorted",
    findings: [f(10, 12), f(0, 3), f(5, 6)],
    want: [[0, 3], [5, 6], [10, 12]],
  },
  {
    name: "touching spans are disjoint",
    findings: [f(3, 6), f(0, 3)],
    want: [[0, 3], [3, 6]],
  },
  {
    name: "the longer span wins",
    findings: [f(0, 4), f(2, 10), f(9, 12)],
    want: [[2, 10]],
  },
  {
    name: "a tie goes to the lower rank",
    findings: [f(0, 4, "b"), f(2, 6, "a")],
    rank: [1, 0],
    want: [[2, 6]],
  },
  {
    name: "same start, different lengths",
    findings: [f(0, 2), f(0, 5), f(5, 7)],
    want: [[0, 5], [5, 7]],
  },
];

function f(start: number, end: number, d = "x"): Finding {
  return { detector: d, type: d.toUpperCase(), start, end };
}

for (const c of cases) {
  Deno.test(`resolveOverlaps: ${c.name}`, () => {
    const got = resolveOverlaps(c.findings, c.rank).map((x) => [x.start, x.end]);
    assert.deepEqual(got, c.want);
  });
}

/** `n` findings in pairs that overlap (a long and a short one), so the general path runs. */
function overlapping(n: number): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < n / 2; i++) {
    // Interleaved so the kept spans arrive in no particular order of position.
    const at = ((i * 7919) % (n / 2)) * 10;
    out.push(f(at, at + 6, "a"), f(at + 4, at + 8, "b"));
  }
  return out;
}

Deno.test("resolveOverlaps: work grows as n log n with the findings (10x findings, well under 100x work)", () => {
  for (const make of [overlapping, (n: number) => overlapping(n).filter((_, i) => i % 2 === 0)]) {
    resolveOverlaps(make(10_000));
    const small = overlapWork.steps;
    resolveOverlaps(make(100_000));
    const large = overlapWork.steps;
    // n log n: 10 * log(100k)/log(10k) = 12.5; the quadratic insertion would be 100.
    assert.ok(large / small < 15, `10x findings cost ${(large / small).toFixed(1)}x the work`);
    assert.ok(large > small * 9, "the counter counts");
  }
});

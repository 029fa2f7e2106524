/**
 * Overlap resolution, shared by the scan (across detectors) and by detectors built from several
 * patterns: the longer span wins, a tie goes to the earlier-ranked finding, and the result is
 * sorted and disjoint.
 *
 * It costs O(n log n) in the number of findings, whatever they are: a body full of e-mail
 * addresses brings a million findings, and inserting each kept span into a sorted array (the
 * earlier version) moved O(n) elements per finding, which froze the gateway for minutes.
 */

import type { Finding } from "../types.ts";

/** How many elementary steps the last call took, for the tests that prove the bound. */
export const overlapWork = { steps: 0 };

/** `rank[i]` orders ties (lower wins); by default the order of `findings`. */
export function resolveOverlaps(findings: readonly Finding[], rank?: readonly number[]): Finding[] {
  const n = findings.length;
  overlapWork.steps = n;
  if (n < 2) return [...findings];
  // Findings come as runs already sorted by start (one per detector): the sort is near linear.
  const byStart = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    findings[a]!.start - findings[b]!.start || a - b
  );
  if (disjoint(findings, byStart)) return byStart.map((i) => findings[i]!);
  return resolveByLength(findings, byStart, rank);
}

function disjoint(findings: readonly Finding[], byStart: readonly number[]): boolean {
  for (let k = 1; k < byStart.length; k++) {
    if (findings[byStart[k]!]!.start < findings[byStart[k - 1]!]!.end) return false;
  }
  return true;
}

/**
 * The general case: findings in order of length (then rank, then start), each kept when it
 * overlaps none kept so far. Kept spans are disjoint, so a candidate needs checking only against
 * the nearest kept span on either side in start order, found in a Fenwick tree over the
 * positions of `byStart`.
 */
function resolveByLength(
  findings: readonly Finding[],
  byStart: readonly number[],
  rank: readonly number[] | undefined,
): Finding[] {
  const n = findings.length;
  const position = new Int32Array(n);
  for (let k = 0; k < n; k++) position[byStart[k]!] = k;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const fa = findings[a]!;
    const fb = findings[b]!;
    return (fb.end - fb.start) - (fa.end - fa.start) ||
      (rank?.[a] ?? a) - (rank?.[b] ?? b) ||
      fa.start - fb.start;
  });
  const kept = new KeptSet(n);
  for (const i of order) {
    const f = findings[i]!;
    const p = position[i]!;
    const before = kept.countBefore(p);
    const prev = before > 0 ? findings[byStart[kept.nth(before)]!]! : undefined;
    const next = before < kept.size ? findings[byStart[kept.nth(before + 1)]!]! : undefined;
    if (
      (prev === undefined || prev.end <= f.start) && (next === undefined || f.end <= next.start)
    ) {
      kept.add(p);
    }
  }
  overlapWork.steps += kept.steps;
  const out: Finding[] = [];
  for (let k = 0; k < n; k++) if (kept.has(k)) out.push(findings[byStart[k]!]!);
  return out;
}

/** A set of positions in `[0, n)`: add, rank and select in O(log n) (a Fenwick tree). */
class KeptSet {
  readonly #tree: Int32Array;
  readonly #member: Uint8Array;
  readonly #top: number;
  size = 0;
  steps = 0;

  constructor(readonly n: number) {
    this.#tree = new Int32Array(n + 1);
    this.#member = new Uint8Array(n);
    let top = 1;
    while (top * 2 <= n) top *= 2;
    this.#top = top;
  }

  has(p: number): boolean {
    return this.#member[p] === 1;
  }

  add(p: number): void {
    this.#member[p] = 1;
    this.size++;
    for (let i = p + 1; i <= this.n; i += i & -i) {
      this.#tree[i]!++;
      this.steps++;
    }
  }

  /** How many members are less than `p`. */
  countBefore(p: number): number {
    let sum = 0;
    for (let i = p; i > 0; i -= i & -i) {
      sum += this.#tree[i]!;
      this.steps++;
    }
    return sum;
  }

  /** The `k`-th smallest member, 1-based (`1 <= k <= size`). */
  nth(k: number): number {
    let at = 0;
    for (let step = this.#top; step > 0; step >>= 1) {
      this.steps++;
      const next = at + step;
      if (next <= this.n && this.#tree[next]! < k) {
        at = next;
        k -= this.#tree[next]!;
      }
    }
    return at;
  }
}

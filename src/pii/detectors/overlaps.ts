/**
 * Overlap resolution, shared by the scan (across detectors) and by detectors built from several
 * patterns: the longer span wins, a tie goes to the earlier-ranked finding, and the result is
 * sorted and disjoint.
 */

import type { Finding } from "../types.ts";

/** `rank[i]` orders ties (lower wins); by default the order of `findings`. */
export function resolveOverlaps(findings: readonly Finding[], rank?: readonly number[]): Finding[] {
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
    const at = insertionPoint(kept, f.start);
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

/** First index in `kept` (sorted by start) whose start is greater than `start`. */
function insertionPoint(kept: readonly Finding[], start: number): number {
  let lo = 0;
  let hi = kept.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (kept[mid]!.start <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A scan runs several detectors over one text and keeps a disjoint set of findings: the longer
 * span wins an overlap, a tie goes to the detector listed first.
 *
 * When the text has anything to normalise (zero-width characters, no-break spaces, `%40`,
 * `&#64;`, full-width forms: see `shadow.ts`), the detectors also run over its normalised
 * shadow, and those findings, mapped back to the original spans, join the ones found in the
 * text as written. Both, not the shadow alone: normalising can also join what the text keeps
 * apart (a card, a zero-width space, more digits), and a value found as written must stay found.
 */

import type { Detector, Finding, Scan } from "../types.ts";
import { resolveOverlaps } from "./overlaps.ts";
import { originalSpan, shadowOf } from "./shadow.ts";

export function createScan(detectors: readonly Detector[]): Scan {
  const list = [...detectors];
  const rankOf = new Map<string, number>();
  list.forEach((d, i) => rankOf.has(d.name) || rankOf.set(d.name, i));
  const scanText = (text: string, all: Finding[], rank: number[]): void => {
    for (const [i, detector] of list.entries()) {
      let found: Finding[];
      try {
        found = detector.find(text);
      } catch {
        // Detectors promise not to throw; a broken one must still not break the request.
        continue;
      }
      for (const f of found) {
        all.push(f);
        rank.push(i);
      }
    }
  };
  return (text: string): Finding[] => {
    const all: Finding[] = [];
    const rank: number[] = [];
    scanText(text, all, rank);
    const shadow = shadowOf(text);
    if (shadow === null) return list.length === 1 ? all : resolveOverlaps(all, rank);
    const found: Finding[] = [];
    const foundRank: number[] = [];
    scanText(shadow.text, found, foundRank);
    for (let k = 0; k < found.length; k++) {
      const f = found[k]!;
      found[k] = { ...f, ...originalSpan(shadow, f.start, f.end) };
    }
    const kept = list.length === 1 ? found : resolveOverlaps(found, foundRank);
    const asWritten = list.length === 1 ? all : resolveOverlaps(all, rank);
    const extra = asWritten.filter((f) => !overlapsAny(kept, f));
    if (extra.length === 0) return kept;
    return [...kept, ...extra].sort((a, b) => a.start - b.start);
  };
}

/** True when `f` overlaps a finding of `sorted` (sorted and disjoint). Binary search. */
function overlapsAny(sorted: readonly Finding[], f: Finding): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.end <= f.start) lo = mid + 1;
    else hi = mid;
  }
  const next = sorted[lo];
  return next !== undefined && next.start < f.end;
}

/**
 * A scan runs several detectors over one text and keeps a disjoint set of findings: the longer
 * span wins an overlap, a tie goes to the detector listed first.
 */

import type { Detector, Finding, Scan } from "../types.ts";
import { resolveOverlaps } from "./overlaps.ts";

export function createScan(detectors: readonly Detector[]): Scan {
  const list = [...detectors];
  return (text: string): Finding[] => {
    const all: Finding[] = [];
    const rank: number[] = [];
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
    if (list.length === 1) return all;
    return resolveOverlaps(all, rank);
  };
}

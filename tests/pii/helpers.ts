/** Small helpers for the detector tests: matched substrings and the `Finding` invariants. */

import assert from "node:assert/strict";
import type { Detector, Finding } from "../../src/pii/types.ts";

/** The substrings a detector reports in `text`, after checking the findings are well formed. */
export function found(detector: Detector, text: string): string[] {
  const findings = detector.find(text);
  assertWellFormed(findings, text);
  return findings.map((f) => text.slice(f.start, f.end));
}

/** Sorted, disjoint, non-empty and inside the text. */
export function assertWellFormed(findings: readonly Finding[], text: string): void {
  let last = 0;
  for (const f of findings) {
    assert.ok(Number.isInteger(f.start) && Number.isInteger(f.end), "integer offsets");
    assert.ok(f.start >= last, `sorted and disjoint at ${f.start}`);
    assert.ok(f.end > f.start && f.end <= text.length, `non-empty and in bounds at ${f.start}`);
    last = f.end;
  }
}

export interface Case {
  name: string;
  text: string;
  /** Exactly these substrings, in order. */
  want: string[];
}

/** One `Deno.test` per table row, named after the detector and the case. */
export function table(detector: Detector, cases: readonly Case[]): void {
  for (const c of cases) {
    Deno.test(`${detector.name}: ${c.name}`, () => {
      assert.deepEqual(found(detector, c.text), c.want);
    });
  }
}

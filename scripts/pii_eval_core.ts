/**
 * The pure core of `deno task pii-eval`: matching predicted findings against labelled spans and
 * computing precision and recall per type. A prediction is a true positive when it overlaps a
 * gold span of its mapped type; a gold span no prediction of its type overlaps is a false negative.
 */

import type { Finding } from "../src/pii/types.ts";

export interface GoldSpan {
  /** Dataset entity type, e.g. `EMAIL_ADDRESS`. */
  type: string;
  start: number;
  end: number;
}

export interface Target {
  precision: number;
  recall: number;
}

/** Dataset entity type → detector name, for the types the patterns attempt. */
export const GOLD_TO_DETECTOR: Readonly<Record<string, string>> = {
  EMAIL_ADDRESS: "email",
  PHONE_NUMBER: "phone",
  CREDIT_CARD: "credit_card",
  IBAN_CODE: "iban",
  US_SSN: "ssn",
  IP_ADDRESS: "ip_address",
};

export const TARGETS: Readonly<Record<string, Target>> = {
  email: { precision: 0.99, recall: 0.99 },
  phone: { precision: 0.90, recall: 0.70 },
  credit_card: { precision: 0.98, recall: 0.99 },
  iban: { precision: 0.99, recall: 0.95 },
  ssn: { precision: 0.95, recall: 0.95 },
  ip_address: { precision: 0.99, recall: 0.99 },
};

export interface Tally {
  gold: number;
  predicted: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface TypeResult extends Tally {
  detector: string;
  precision: number;
  recall: number;
  target: Target;
  pass: boolean;
}

export function emptyTally(): Tally {
  return { gold: 0, predicted: 0, tp: 0, fp: 0, fn: 0 };
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Adds one document's matches to `tallies` (keyed by detector name). Predictions of detectors
 * with no gold type here (e.g. `token_like`) are ignored: the dataset cannot judge them.
 */
export function tallyDocument(
  tallies: Record<string, Tally>,
  gold: readonly GoldSpan[],
  predicted: readonly Finding[],
): void {
  for (const detector of Object.values(GOLD_TO_DETECTOR)) {
    const t = (tallies[detector] ??= emptyTally());
    const g = gold.filter((s) => GOLD_TO_DETECTOR[s.type] === detector);
    const p = predicted.filter((f) => f.detector === detector);
    t.gold += g.length;
    t.predicted += p.length;
    for (const f of p) {
      if (g.some((s) => overlaps(s, f))) t.tp++;
      else t.fp++;
    }
    for (const s of g) if (!p.some((f) => overlaps(s, f))) t.fn++;
  }
}

/** Precision and recall are 1 when there is nothing to get wrong (no predictions, no gold). */
export function results(tallies: Readonly<Record<string, Tally>>): TypeResult[] {
  return Object.values(GOLD_TO_DETECTOR).map((detector) => {
    const t = tallies[detector] ?? emptyTally();
    const precision = t.predicted === 0 ? 1 : t.tp / t.predicted;
    const recall = t.gold === 0 ? 1 : (t.gold - t.fn) / t.gold;
    const target = TARGETS[detector]!;
    const pass = precision >= target.precision && recall >= target.recall;
    return { detector, ...t, precision, recall, target, pass };
  });
}

/**
 * UTF-16 offset of each code point offset in `text` (Python-made datasets count code points).
 * Identity when the text has no astral characters.
 */
export function codePointToUtf16(text: string): (cp: number) => number {
  if (!/[\uD800-\uDBFF]/.test(text)) return (cp) => cp;
  const map: number[] = [];
  let u = 0;
  for (const ch of text) {
    map.push(u);
    u += ch.length;
  }
  map.push(u);
  return (cp) => map[cp] ?? u;
}

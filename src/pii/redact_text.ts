/**
 * Redaction of plain text (a text/plain body, a header value), and the splice that every
 * redactor uses to put placeholders in.
 */
import {
  addCount,
  type Counts,
  type Finding,
  type RedactResult,
  type RedactRules,
} from "./types.ts";

export type { RedactResult };

/**
 * `text` with each finding replaced by its placeholder, counting per detector, or `null` when
 * there is no finding. Findings are meant to be sorted and disjoint; a detector bug (overlap, out
 * of order, out of range) is clamped so that the overlap is redacted once and nothing throws.
 */
export function spliceFindings(
  text: string,
  findings: readonly Finding[],
  rules: RedactRules,
  counts: Counts,
): string | null {
  let out = "";
  let last = 0;
  let found = false;
  for (const f of findings) {
    const start = Math.max(f.start, last);
    const end = Math.min(f.end, text.length);
    if (!(end > start)) continue;
    const value = text.slice(start, end);
    out += text.slice(last, start) + rules.placeholder(f.type, value);
    last = end;
    found = true;
    addCount(counts, f.detector);
  }
  return found ? out + text.slice(last) : null;
}

/** Scans the whole text and splices placeholders in: for bodies that are not JSON. */
export function redactText(text: string, rules: RedactRules): RedactResult {
  const counts: Counts = {};
  const out = spliceFindings(text, rules.scan(text), rules, counts);
  if (out === null || out === text) return { text, counts, changed: false };
  return { text: out, counts, changed: true };
}

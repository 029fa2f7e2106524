/**
 * Redaction of plain text (a text/plain body, a header value), and the splice that every
 * redactor uses to put placeholders in.
 */
import { drain, type Meter, type Steps, unmetered } from "./budget.ts";
import { redactStringSteps } from "./scan_steps.ts";
import {
  addCount,
  type Counts,
  type Finding,
  type RedactResult,
  type RedactRules,
} from "./types.ts";

export type { RedactResult };

/** What plain-text redaction needs of the rules (field rules are for JSON). */
export type TextRules = Pick<RedactRules, "scan" | "placeholder">;

/**
 * `text[from, to)` with each finding in that range replaced by its placeholder, counting per
 * detector, or `null` when no finding falls in the range. Findings are meant to be sorted and
 * disjoint; a detector bug (overlap, out of order, out of range) is clamped so that the overlap is
 * redacted once and nothing throws. A finding that starts before `from` (text a stream already
 * sent) is cut to the part from `from` on, so no character of it goes out raw.
 */
export function spliceFindings(
  text: string,
  findings: readonly Finding[],
  rules: Pick<RedactRules, "placeholder">,
  counts: Counts,
  from = 0,
  to = text.length,
): string | null {
  let out = "";
  let last = from;
  let found = false;
  for (const f of findings) {
    const start = Math.max(f.start, last);
    const end = Math.min(f.end, to);
    if (!(end > start)) continue;
    const value = text.slice(start, end);
    out += text.slice(last, start) + rules.placeholder(f.type, value);
    last = end;
    found = true;
    addCount(counts, f.detector);
  }
  return found ? out + text.slice(last, to) : null;
}

/** Scans the whole text and splices placeholders in: for bodies that are not JSON. */
export function redactText(text: string, rules: TextRules): RedactResult {
  return drain(redactTextSteps(text, rules, unmetered()));
}

/** `redactText` in slices (see budget.ts): a long text is scanned window by window. */
export function* redactTextSteps(
  text: string,
  rules: TextRules,
  meter: Meter,
): Steps<RedactResult> {
  const counts: Counts = {};
  const out = yield* redactStringSteps(text, rules, counts, meter);
  if (out === null || out === text) return { text, counts, changed: false };
  return { text: out, counts, changed: true };
}

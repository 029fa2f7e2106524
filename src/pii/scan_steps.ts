/**
 * Scanning and splicing in slices, for bodies too large to redact in one go (see budget.ts).
 *
 * A long string (one JSON value or a text body of megabytes) is scanned in windows of
 * `windowChars`, each with `leftContext` characters before it and `rightMargin` after it, so a
 * value that straddles a window's end is seen whole by the window it starts in. Built-in
 * detectors are local (a match depends on its own characters, at most 64 before it and the next
 * few after it: see stream/held_text.ts), so the findings are those of one scan of the whole
 * string. A match that runs to the end of its window (an unterminated PEM block) is scanned again
 * from its start with the next window, up to `maxOpenMatch`. A custom pattern that needs more
 * context than that, in a string longer than a window, may be cut into two placeholders.
 */
import { isEncodedBinary } from "./encoded.ts";
import type { Meter, Steps } from "./budget.ts";
import { addCount, type Counts, type Finding, type RedactRules } from "./types.ts";

export interface WindowLimits {
  windowChars: number;
  leftContext: number;
  rightMargin: number;
  maxOpenMatch: number;
}

export const defaultWindowLimits: WindowLimits = {
  windowChars: 64 * 1024,
  leftContext: 256,
  rightMargin: 4096,
  maxOpenMatch: 64 * 1024,
};

/** Findings per splice step: a placeholder costs about a microsecond. */
const spliceStep = 1024;

/** The findings of `rules.scan(text)`, window by window for a long text; counted on the meter. */
export function* scanSteps(
  text: string,
  scan: RedactRules["scan"],
  meter: Meter,
  limits: WindowLimits = defaultWindowLimits,
): Steps<Finding[]> {
  const { windowChars, leftContext, rightMargin, maxOpenMatch } = limits;
  const n = text.length;
  if (n <= windowChars + rightMargin) {
    const found = scan(text);
    meter.found(found.length);
    if (meter.due()) yield;
    return found;
  }
  if (isEncodedBinary(text)) return [];
  const out: Finding[] = [];
  let lastEnd = 0;
  /** Start of a match cut by the previous window's end, to be scanned again whole. */
  let open = -1;
  // Each window owns the matches that start in [b, e); it sees [from, to).
  for (let b = 0; b < n; b += windowChars) {
    const e = Math.min(n, b + windowChars);
    const from = open >= 0 ? open : Math.max(0, b - leftContext);
    const to = Math.min(n, e + rightMargin);
    const found = scan(text.slice(from, to));
    open = -1;
    for (const f of found) {
      const start = f.start + from;
      const end = f.end + from;
      if (end <= lastEnd) continue; // an earlier window had it
      if (start >= e) break; // the next window's
      if (end >= to && to < n && to - start <= maxOpenMatch) {
        open = start; // may go on past `to`: the next window sees it from its start
        break;
      }
      // Sorted and disjoint whatever the windows saw: a part an earlier one missed is added.
      out.push({ ...f, start: Math.max(start, lastEnd), end });
      lastEnd = end;
      meter.found(1);
    }
    if (meter.due()) yield;
  }
  return out;
}

/**
 * `text[0, n)` with each finding replaced by its placeholder, counting per detector, or null
 * when there is none: `spliceFindings` of redact_text.ts, in steps.
 */
export function* spliceSteps(
  text: string,
  findings: readonly Finding[],
  rules: Pick<RedactRules, "placeholder">,
  counts: Counts,
  meter: Meter,
): Steps<string | null> {
  if (findings.length === 0) return null;
  // Joined every step, so that no single join (or array of millions of pieces) is large.
  const chunks: string[] = [];
  let parts: string[] = [];
  let last = 0;
  let k = 0;
  for (const f of findings) {
    const start = Math.max(f.start, last);
    const end = Math.min(f.end, text.length);
    if (!(end > start)) continue;
    parts.push(text.slice(last, start), rules.placeholder(f.type, text.slice(start, end)));
    last = end;
    addCount(counts, f.detector);
    if (++k % spliceStep === 0) {
      chunks.push(parts.join(""));
      parts = [];
      if (meter.due()) yield;
    }
  }
  if (k === 0) return null;
  parts.push(text.slice(last));
  chunks.push(parts.join(""));
  return chunks.join("");
}

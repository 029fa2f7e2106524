/**
 * The one loop that turns a global regular expression into findings. It skips zero-length
 * matches (which would otherwise loop forever), asks an optional validator, and continues after
 * a rejected match rather than inside it, so a rejected long run is not rescanned from every
 * position (that would make adversarial inputs quadratic).
 */

import type { Finding } from "../types.ts";

/** Decides whether a match counts; may return a narrower `[start, end)` inside the match. */
export type Accept = (
  match: RegExpExecArray,
  text: string,
) => boolean | { start: number; end: number };

/** `re` must have the `g` flag; its `lastIndex` is reset, so one compiled regex can be reused. */
export function regexFindings(
  re: RegExp,
  text: string,
  detector: string,
  type: string,
  accept?: Accept,
): Finding[] {
  const out: Finding[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    if (end === start) {
      re.lastIndex = nextIndex(text, start, re.unicode || re.unicodeSets);
      continue;
    }
    const verdict = accept === undefined ? true : accept(m, text);
    if (verdict === false) continue;
    const span = verdict === true ? { start, end } : verdict;
    if (span.end <= span.start) continue;
    out.push({ detector, type, start: span.start, end: span.end });
  }
  return out;
}

/** Index after position `i`, stepping over a surrogate pair in unicode mode. */
function nextIndex(text: string, i: number, unicode: boolean): number {
  if (!unicode) return i + 1;
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? i + 2 : i + 1;
}

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

const defaultWindowLimits: WindowLimits = {
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
  sink?: (f: Finding) => void,
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
      const kept = { ...f, start: Math.max(start, lastEnd), end };
      if (sink === undefined) out.push(kept);
      else sink(kept);
      lastEnd = end;
      meter.found(1);
    }
    if (meter.due()) yield;
  }
  return out;
}

/**
 * Puts placeholders in as findings come (sorted and disjoint), counting per detector: the loop
 * of `spliceFindings` (redact_text.ts), joined every `spliceStep` findings so that no single join
 * (or array of millions of pieces) is large.
 */
class Splicer {
  readonly #chunks: string[] = [];
  #parts: string[] = [];
  #last = 0;
  #found = 0;

  constructor(
    readonly text: string,
    readonly rules: Pick<RedactRules, "placeholder">,
    readonly counts: Counts,
  ) {}

  add(f: Finding): void {
    const start = Math.max(f.start, this.#last);
    const end = Math.min(f.end, this.text.length);
    if (!(end > start)) return;
    const value = this.text.slice(start, end);
    this.#parts.push(this.text.slice(this.#last, start), this.rules.placeholder(f.type, value));
    this.#last = end;
    addCount(this.counts, f.detector);
    if (++this.#found % spliceStep === 0) {
      this.#chunks.push(this.#parts.join(""));
      this.#parts = [];
    }
  }

  /** The text with placeholders, or null when no finding was put in. */
  finish(): string | null {
    if (this.#found === 0) return null;
    this.#parts.push(this.text.slice(this.#last));
    this.#chunks.push(this.#parts.join(""));
    return this.#chunks.join("");
  }
}

/**
 * `text` with each finding replaced by its placeholder, counting per detector, or null when
 * there is none: `spliceFindings` of redact_text.ts, in steps.
 */
function* spliceSteps(
  text: string,
  findings: readonly Finding[],
  rules: Pick<RedactRules, "placeholder">,
  counts: Counts,
  meter: Meter,
): Steps<string | null> {
  const splicer = new Splicer(text, rules, counts);
  let k = 0;
  for (const f of findings) {
    splicer.add(f);
    if (++k % spliceStep === 0 && meter.due()) yield;
  }
  return splicer.finish();
}

/**
 * Scans `text` and puts placeholders in, or null when nothing was found. A long text is scanned
 * window by window and each window's findings are replaced at once, so the findings of a body
 * full of values are never all held together (a million objects make for long GC pauses).
 */
export function* redactStringSteps(
  text: string,
  rules: Pick<RedactRules, "scan" | "placeholder">,
  counts: Counts,
  meter: Meter,
  limits: WindowLimits = defaultWindowLimits,
): Steps<string | null> {
  if (text.length <= limits.windowChars + limits.rightMargin) {
    const findings = yield* scanSteps(text, rules.scan, meter, limits);
    return yield* spliceSteps(text, findings, rules, counts, meter);
  }
  const splicer = new Splicer(text, rules, counts);
  yield* scanSteps(text, rules.scan, meter, limits, (f) => splicer.add(f));
  return splicer.finish();
}

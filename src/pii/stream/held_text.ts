/**
 * Incremental redaction of one text that arrives in pieces (one channel of a streamed response).
 *
 * The property it keeps: whatever the pieces, the concatenation of everything `push` and `flush`
 * return equals `redactText(wholeText)`, for detectors whose matches are local. "Local" means a
 * match depends only on its own characters, on at most `context` characters before it, and on
 * the characters up to the next whitespace after it (or, for grouped numbers, up to the next
 * token that cannot continue a digit group). Email, phone, card, IBAN, key and PEM detectors are.
 *
 * How: the text not emitted yet (`pending`) is held back from its last whitespace on (the
 * trailing token may still grow), plus the tokens before it that could belong to a grouped
 * number (`555 123`, `4111 1111`, `DE89 3704`), plus any match that reaches into the held part.
 * A match that reaches the end of what was seen (an unterminated PEM block) is held whole until
 * it ends. Each scan covers the pending text and a short window of emitted text as left context,
 * never the whole history.
 *
 * Bounds: ordinary hold-back never exceeds `maxHold`; past it, everything seen is emitted
 * redacted. An open match is held up to `maxOpenMatch`, then emitted as a placeholder; what
 * follows it is scanned afresh (a PEM body past 64 KiB could then leak its tail; none is that
 * long). When a forced emission cut a value, the rest of it is still replaced (a second
 * placeholder, counted again) rather than emitted raw.
 */
import type { Counts, Finding } from "../types.ts";
import { spliceFindings, type TextRules } from "../redact_text.ts";

export interface HeldTextLimits {
  /** Most text (UTF-16 units) held back for tokens and digit groups. */
  maxHold: number;
  /** Most text held back for a match that has not ended yet. */
  maxOpenMatch: number;
  /** Emitted text kept as left context for the next scan. */
  context: number;
}

export const defaultHeldTextLimits: HeldTextLimits = {
  maxHold: 4096,
  maxOpenMatch: 64 * 1024,
  context: 128,
};

/** Past this much pending text, scans are spaced out so a long hold costs linear time. */
const throttleFrom = 1024;

export class HeldText {
  readonly #rules: TextRules;
  readonly #limits: HeldTextLimits;
  /** The text from `#base` on: left context, then the pending text. */
  #buf = "";
  #base = 0;
  /** Everything before this absolute offset has been emitted. */
  #emitted = 0;
  /** The text length at the last scan, for the throttle. */
  #lastScan = 0;
  /** Absolute offset of the last whitespace seen, -1 if none: a long token costs O(piece). */
  #lastSpace = -1;
  /** Findings per detector, counted when their placeholder is emitted. */
  readonly counts: Counts;

  /** `counts` may be shared between texts (all channels of one stream). */
  constructor(rules: TextRules, limits: Partial<HeldTextLimits> = {}, counts: Counts = {}) {
    this.#rules = rules;
    this.#limits = { ...defaultHeldTextLimits, ...limits };
    this.counts = counts;
  }

  /** Length of the text received but not emitted yet. */
  get held(): number {
    return this.#base + this.#buf.length - this.#emitted;
  }

  /** Adds a piece; returns the redacted text that can be emitted now (often ""). */
  push(delta: string): string {
    if (delta === "") return "";
    const start = this.#base + this.#buf.length;
    this.#buf += delta;
    for (let i = delta.length - 1; i >= 0; i--) {
      if (isSpaceAt(delta, i)) {
        this.#lastSpace = start + i;
        break;
      }
    }
    const end = start + delta.length;
    const pending = end - this.#emitted;
    const max = this.#limits.maxHold;
    // The pending text is one unfinished token: nothing can be released yet.
    if (pending <= max && this.#lastSpace < this.#emitted) return "";
    // Crossing the bound always gets a scan, so the bound holds; past it only an open match
    // is still held, and that is rescanned only after it grew by an eighth.
    const crossed = pending > max && pending - delta.length <= max;
    if (!crossed && pending > throttleFrom && end - this.#lastScan < pending / 8) return "";
    const boundary = this.#holdStart();
    if (boundary <= this.#emitted && pending <= max) return "";
    return this.#emitUpTo(boundary - this.#base, false);
  }

  /** The end of the text: everything still held, redacted. */
  flush(): string {
    if (this.held === 0) return "";
    return this.#emitUpTo(this.#buf.length, true);
  }

  /** Absolute offset where the held part starts, before looking at matches. */
  #holdStart(): number {
    const buf = this.#buf;
    const from = this.#emitted - this.#base;
    let start = buf.length;
    while (start > from && !isSpaceAt(buf, start - 1)) start--;
    // Walk back over whole tokens that could be digit groups; stop at the first that is not,
    // holding its group-like tail (`tel:+1`, `x555`).
    while (start > from) {
      let tokenEnd = start;
      while (tokenEnd > from && isSpaceAt(buf, tokenEnd - 1)) tokenEnd--;
      let tokenStart = tokenEnd;
      while (tokenStart > from && isGroupCharAt(buf, tokenStart - 1)) tokenStart--;
      if (tokenStart === tokenEnd) break;
      if (buf.length - tokenStart > this.#limits.maxHold) break;
      start = tokenStart;
      if (tokenStart > from && !isSpaceAt(buf, tokenStart - 1)) break;
    }
    return this.#base + start;
  }

  #emitUpTo(boundary: number, final: boolean): string {
    const buf = this.#buf;
    const findings = this.#rules.scan(buf);
    this.#lastScan = this.#base + buf.length;
    const from = this.#emitted - this.#base;
    const to = final ? buf.length : this.#cut(boundary, findings, from);
    if (to <= from) return "";
    const out = spliceFindings(buf, findings, this.#rules, this.counts, from, to) ??
      buf.slice(from, to);
    this.#emitted = this.#base + to;
    this.#trimContext(to);
    return out;
  }

  /** The emission end: the boundary moved left of every match that reaches into the held part. */
  #cut(boundary: number, findings: readonly Finding[], from: number): number {
    const length = this.#buf.length;
    let to = length - boundary > this.#limits.maxHold ? length : boundary;
    for (let i = findings.length - 1; i >= 0; i--) {
      const f = findings[i]!;
      if (f.end <= from) break;
      const open = f.end >= length;
      if (open && length - f.start > this.#limits.maxOpenMatch) continue;
      if (f.start < to && (open || f.end > to)) to = f.start;
    }
    return Math.max(to, from);
  }

  /** Keeps about `context` emitted characters, starting after a whitespace when there is one. */
  #trimContext(emittedTo: number): void {
    let cut = emittedTo - this.#limits.context;
    if (cut <= 0) return;
    const buf = this.#buf;
    for (let i = cut; i < emittedTo; i++) {
      if (isSpaceAt(buf, i)) {
        cut = i + 1;
        break;
      }
    }
    this.#buf = buf.slice(cut);
    this.#base += cut;
  }
}

const nonAsciiSpace = /\s/;
const nonAsciiGroupChar = /[\p{Nd}\p{Lu}]/u;

function isSpaceAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return nonAsciiSpace.test(s[i]!);
}

/** Digits, capitals and the punctuation of phone numbers and grouped identifiers. */
function isGroupCharAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 128) {
    return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 43 || c === 40 || c === 41 ||
      c === 45 || c === 46 || c === 47;
  }
  return nonAsciiGroupChar.test(s[i]!);
}

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
 * Release points beyond whitespace (`rules.release === "builtins"`): text in scripts without
 * spaces (Chinese, Japanese, Thai) would otherwise be held until `maxHold`. The built-in
 * detectors match ASCII only, except an email local part, whose letters are of one script
 * (see `detectors/email.ts`). So held text may also be released:
 * - after a character that is not ASCII and not a letter, digit, mark or space (`。`, `、`,
 *   `「`, `：`, emoji, symbols);
 * - between a Latin letter or digit (or ASCII other than local-part punctuation) and a letter
 *   of another script (`…です` | `090-…`, `…5678` | `です`);
 * - after a letter of another script once what follows it shows it cannot be in a local part:
 *   a character other than such a letter, a mark or local-part punctuation, and not `@`; or 64
 *   more such characters (a local part is at most 64).
 * A custom detector may match anything (`社員番号\d+`, a name), so this is only for scans made of
 * built-in detectors; the default releases at whitespace only.
 *
 * Bounds: ordinary hold-back never exceeds `maxHold`; past it, everything seen is emitted
 * redacted except a trailing run of characters that can be part of a value (ASCII letters and
 * digits, `+-()./:@_`, at most `maxHold / 2`), so a number that straddles the bound is not cut
 * before it is recognised. An open match is held up to `maxOpenMatch`, then emitted as a placeholder; what
 * follows it is scanned afresh (a PEM body past 64 KiB could then leak its tail; none is that
 * long). When a forced emission cut a value, the rest of it is still replaced (a second
 * placeholder, counted again) rather than emitted raw.
 */
import type { Counts, Finding } from "../types.ts";
import { spliceFindings, type TextRules } from "../redact_text.ts";
import { charKind, codePointBefore, Kind } from "../detectors/text.ts";
import { IGNORED, plainEquivalent } from "../detectors/shadow.ts";

/** What a held text needs of the rules. */
export interface HeldTextRules extends TextRules {
  /**
   * Where held text may be released: `"whitespace"` (the default) or `"builtins"`, which also
   * releases at the characters listed in the module comment. Set `"builtins"` only when the scan
   * runs built-in detectors only: a custom pattern may match across those characters.
   */
  readonly release?: "whitespace" | "builtins";
}

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

/**
 * Past this much pending text, a scan waits until the pending text grew by an eighth since the
 * last one, so every character is scanned a bounded number of times (linear time whatever the
 * pieces). Below it a scan costs at most this plus the context, per piece.
 */
const throttleFrom = 256;

export class HeldText {
  readonly #rules: HeldTextRules;
  readonly #builtins: boolean;
  readonly #limits: HeldTextLimits;
  /** The text from `#base` on: left context, then the pending text. */
  #buf = "";
  #base = 0;
  /** Everything before this absolute offset has been emitted. */
  #emitted = 0;
  /** The text length at the last scan, for the throttle. */
  #lastScan = 0;
  /**
   * Absolute offset of the last release point seen (just after a whitespace, or one of the
   * points of `release: "builtins"`), 0 if none: a long token costs O(piece).
   */
  #lastRelease = 0;
  /** For `release: "builtins"`: text classified so far, and the state at its end. */
  #classified = 0;
  /** Kind of the last character that is not a mark, -1 at the start. */
  #prevKind = -1;
  /** Start of the current run of other-script letters, marks and local-part punctuation. */
  #runStart = -1;
  /** End of the last other-script letter (and its marks) in that run. */
  #runLetterEnd = -1;
  /** Findings per detector, counted when their placeholder is emitted. */
  readonly counts: Counts;

  /** `counts` may be shared between texts (all channels of one stream). */
  constructor(rules: HeldTextRules, limits: Partial<HeldTextLimits> = {}, counts: Counts = {}) {
    this.#rules = rules;
    this.#builtins = rules.release === "builtins";
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
    if (this.#builtins) {
      this.#classify();
    } else {
      for (let i = delta.length - 1; i >= 0; i--) {
        if (isSpaceAt(delta, i)) {
          this.#lastRelease = start + i + 1;
          break;
        }
      }
    }
    const end = start + delta.length;
    const pending = end - this.#emitted;
    const max = this.#limits.maxHold;
    // The pending text is one unfinished token: nothing can be released yet.
    if (pending <= max && this.#lastRelease <= this.#emitted) return "";
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
    let start = Math.max(this.#lastRelease - this.#base, from);
    // Only whitespace can be inside a digit group; other release points end every value.
    if (start > from && !isSpaceAt(buf, start - 1)) return this.#base + start;
    // Walk back over whole tokens that could be digit groups; stop at the first that is not,
    // holding its group-like tail (`tel:+1`, `x555`).
    while (start > from) {
      let tokenEnd = start;
      while (tokenEnd > from && isSpaceAt(buf, tokenEnd - 1)) tokenEnd--;
      let tokenStart = tokenEnd;
      while (tokenStart > from && isGroupCharAt(buf, tokenStart - 1)) tokenStart--;
      if (tokenStart === tokenEnd) break;
      // Half the bound: after an emission the pending text must be well under it, or every
      // following piece would cross it again and force a full scan (`1 1 1 …` streamed in
      // two-character pieces cost a 4 KiB scan per piece).
      if (buf.length - tokenStart > this.#limits.maxHold / 2) break;
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
    let to = length - boundary > this.#limits.maxHold ? this.#forcedEnd(from) : boundary;
    for (let i = findings.length - 1; i >= 0; i--) {
      const f = findings[i]!;
      if (f.end <= from) break;
      const open = f.end >= length;
      if (open && length - f.start > this.#limits.maxOpenMatch) continue;
      if (f.start < to && (open || f.end > to)) to = f.start;
    }
    return Math.max(to, from);
  }

  /**
   * Where a release forced by `maxHold` ends: before the trailing run of characters that can be
   * part of a value (at most `maxHold / 2`, so the bound still holds), and never between the
   * two halves of a surrogate pair.
   */
  #forcedEnd(from: number): number {
    const buf = this.#buf;
    const limit = Math.max(buf.length - Math.floor(this.#limits.maxHold / 2), from);
    let to = buf.length;
    while (to > limit && isValueCharAt(buf, to - 1)) to--;
    const c = buf.charCodeAt(to - 1);
    if (to > from && c >= 0xd800 && c <= 0xdbff) to--;
    return to;
  }

  /**
   * Finds the release points of `release: "builtins"` in the text received since the last call
   * (see the module comment). Linear: each character is classified once; a surrogate pair is
   * classified when both halves are in.
   */
  #classify(): void {
    const buf = this.#buf;
    const base = this.#base;
    const end = base + buf.length;
    let k = this.#classified;
    while (k < end) {
      const c = buf.charCodeAt(k - base);
      let size = 1;
      if (c >= 0xd800 && c <= 0xdbff) {
        if (k + 1 >= end) break;
        const d = buf.charCodeAt(k + 1 - base);
        if (d >= 0xdc00 && d <= 0xdfff) size = 2;
      }
      const cp = size === 2 ? buf.codePointAt(k - base)! : c;
      this.#step(k, size, charKind(cp));
      k += size;
    }
    this.#classified = k;
    // A letter followed by 64 more letters, marks or punctuation of a run cannot start a
    // local part; look at a few positions so a mark or a surrogate does not stop it.
    if (this.#runStart < 0) return;
    for (let p = k - 64; p > k - 72 && p - 1 >= this.#runStart; p--) {
      if (p <= this.#lastRelease || p - 1 < base) break;
      const before = codePointBefore(buf, p - base);
      const at = buf.charCodeAt(p - base);
      const splitsPair = at >= 0xdc00 && at <= 0xdfff;
      if (
        !splitsPair && charKind(before.cp) === Kind.other &&
        charKind(buf.codePointAt(p - base)!) !== Kind.mark
      ) {
        this.#lastRelease = p;
        break;
      }
    }
  }

  /** One character of kind `kind` at absolute offset `k`, `size` code units long. */
  #step(k: number, size: number, kind: Kind): void {
    switch (kind) {
      case Kind.space:
      case Kind.hard:
        this.#endRun(true);
        this.#lastRelease = k + size;
        this.#prevKind = kind;
        return;
      case Kind.mark:
        if (this.#prevKind === Kind.other && this.#runStart >= 0) this.#runLetterEnd = k + size;
        return;
      case Kind.other:
        if (this.#prevKind === Kind.latin || this.#prevKind === Kind.ascii) this.#lastRelease = k;
        if (this.#runStart < 0) this.#runStart = k;
        this.#runLetterEnd = k + size;
        this.#prevKind = kind;
        return;
      case Kind.join:
        this.#prevKind = kind;
        return;
      case Kind.latin:
      case Kind.ascii:
        this.#endRun(true);
        this.#prevKind = kind;
        return;
      default:
        // `@`: the run before it may be a local part.
        this.#endRun(false);
        this.#prevKind = kind;
    }
  }

  /** The run of other-script letters ended; `release` when not by `@`. */
  #endRun(release: boolean): void {
    if (release && this.#runStart >= 0 && this.#runLetterEnd > this.#lastRelease) {
      this.#lastRelease = this.#runLetterEnd;
    }
    this.#runStart = -1;
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

/**
 * Whitespace, but not U+FEFF: JavaScript's `\s` has the BOM, which the detectors read through
 * (see `detectors/shadow.ts`), so it must not release the half of a value before it.
 */
function isSpaceAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c !== 0xfeff && nonAsciiSpace.test(s[i]!);
}

/** The ASCII a non-ASCII code unit stands for in the detectors' shadow, `IGNORED`, or -1. */
function plainAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  // Half of a surrogate pair: astral characters never stand for ASCII a value is made of.
  if (c >= 0xd800 && c <= 0xdfff) return -1;
  return plainEquivalent(c);
}

/**
 * ASCII letters, digits and `+-()./:@_`, the `%`, `&`, `#` and `;` of escapes the detectors
 * decode (`%40`, `&#64;`), and what they read as one of these or read through (full-width
 * forms, zero-width characters): what a value straddling a forced release may hold.
 */
function isValueCharAt(s: string, i: number): boolean {
  let c = s.charCodeAt(i);
  if (c >= 128) {
    c = plainAt(s, i);
    if (c === IGNORED) return true;
  }
  return (c >= 48 && c <= 59) || (c >= 64 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ||
    (c >= 40 && c <= 41) || c === 43 || c === 45 || c === 46 || c === 47 || c === 35 ||
    c === 37 || c === 38;
}

/**
 * Digits, capitals and the punctuation of phone numbers and grouped identifiers, and characters
 * the detectors read through (a zero-width space or soft hyphen inside a group).
 */
function isGroupCharAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 128) {
    return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 43 || c === 40 || c === 41 ||
      c === 45 || c === 46 || c === 47;
  }
  const plain = plainAt(s, i);
  if (plain === IGNORED) return true;
  if (plain >= 0 && plain !== 32) return isGroupCharAt(String.fromCharCode(plain), 0);
  return nonAsciiGroupChar.test(s[i]!);
}

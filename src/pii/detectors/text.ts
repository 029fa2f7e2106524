/**
 * Character classes and neighbourhood checks shared by the detectors. They work on UTF-16 code
 * units, like every offset in `Finding`.
 */

import { IGNORED, plainEquivalent } from "./shadow.ts";

/** ASCII digit. Full-width and other Unicode digits are deliberately not digits here. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isAlnum(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c);
}

/** Letters, digits and `_`: the characters that glue an identifier together. */
export function isWordChar(c: number): boolean {
  return isAlnum(c) || c === 95;
}

/** Code unit at `i`, or NaN outside the text (NaN fails every class test above). */
export function at(text: string, i: number): number {
  return i >= 0 && i < text.length ? text.charCodeAt(i) : NaN;
}

/** Digits of `s` as a string (separators dropped). */
export function digitsOf(s: string): string {
  return s.replace(/\D+/g, "");
}

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * True when one of `words` ends within `window` code units before `start`. Used where a bare
 * number is only personal data if the text says so ("Fax: 5403926876", "SSN 123456789").
 */
export function hasContextBefore(
  text: string,
  start: number,
  words: RegExp,
  window = 32,
): boolean {
  return words.test(text.slice(Math.max(0, start - window), start));
}

/**
 * What a character can be part of, for the only built-in match that admits non-ASCII text (an
 * email local part) and for the places a streaming redactor may release held text. Every other
 * built-in detector matches ASCII only.
 */
export const Kind = {
  /** Whitespace. */
  space: 0,
  /** Not ASCII and not a letter, digit, mark or space: CJK and full-width punctuation, symbols,
   * emoji. No built-in match contains one (a PEM block aside, which is held as an open match). */
  hard: 1,
  /** A combining mark: it belongs to the character before it. */
  mark: 2,
  /** ASCII punctuation allowed in a local part (`.` and RFC 5322 atext): joins either script. */
  join: 3,
  at: 4,
  /** Other ASCII: controls, `"(),:;<>[\]`. */
  ascii: 5,
  /** ASCII letters and digits, and letters of the Latin script (`é`, `ß`). */
  latin: 6,
  /** Letters and digits of every other script (kana, ideographs, Hangul, Thai, Cyrillic, ...). */
  other: 7,
} as const;
export type Kind = typeof Kind[keyof typeof Kind];

const ATEXT_PUNCT = new Set("!#$%&'*+/=?^_`{|}~-.");
const KIND_CLASSES = /(\s)|(\p{M})|([\p{L}\p{N}])/u;
const LATIN_SCRIPT = /\p{Script=Latin}/u;

/**
 * The `Kind` of code point `cp`. A character the detectors read in a normalised form (see
 * `shadow.ts`) has the kind of that form: `＠` is an `at`, full-width letters and digits are
 * `latin`, a no-break space is a space, and a zero-width or format character is a `mark` (it
 * belongs to the character before it, so it neither ends a value nor releases held text).
 */
export function charKind(cp: number): Kind {
  if (cp >= 128) {
    const plain = plainEquivalent(cp);
    if (plain === IGNORED) return Kind.mark;
    if (plain >= 0) cp = plain;
  }
  if (cp < 128) {
    if (isAlnum(cp)) return Kind.latin;
    if (cp === 64) return Kind.at;
    if (cp === 32 || (cp >= 9 && cp <= 13)) return Kind.space;
    return ATEXT_PUNCT.has(String.fromCharCode(cp)) ? Kind.join : Kind.ascii;
  }
  const ch = String.fromCodePoint(cp);
  const m = KIND_CLASSES.exec(ch);
  if (m === null) return Kind.hard;
  if (m[1] !== undefined) return Kind.space;
  if (m[2] !== undefined) return Kind.mark;
  return LATIN_SCRIPT.test(ch) ? Kind.latin : Kind.other;
}

/** The code point that ends just before `i` and its length in code units (0 at the start). */
export function codePointBefore(text: string, i: number): { cp: number; size: number } {
  if (i <= 0) return { cp: NaN, size: 0 };
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) {
      return { cp: ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000, size: 2 };
    }
  }
  return { cp: low, size: 1 };
}

/**
 * Writing systems that an email local part does not mix, for letters and digits of `Kind.other`:
 * Chinese and Japanese (ideographs and kana together), Korean, and a few other major scripts; every
 * remaining script shares the last id.
 */
const SCRIPT_GROUPS = [
  /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Bopomofo}]/u,
  /\p{scx=Hangul}/u,
  /\p{scx=Cyrillic}/u,
  /\p{scx=Greek}/u,
  /\p{scx=Arabic}/u,
  /\p{scx=Hebrew}/u,
  /\p{scx=Thai}/u,
  /\p{scx=Devanagari}/u,
];

/** 0 for `Kind.latin`; for `Kind.other`, 1 + the index of its group in `SCRIPT_GROUPS`. */
export function scriptOf(cp: number): number {
  if (cp < 128 || charKind(cp) === Kind.latin) return 0;
  const ch = String.fromCodePoint(cp);
  const k = SCRIPT_GROUPS.findIndex((re) => re.test(ch));
  return k === -1 ? SCRIPT_GROUPS.length + 1 : k + 1;
}

/**
 * The normalised shadow of a text, for the forms PII takes in pasted text: a value with
 * zero-width characters or soft hyphens inside (`jane\u200B.doe@…`, `4111\u00AD1111…`), groups
 * joined by no-break spaces, `%40`, `&#64;` or `&commat;` for "@", full-width forms (`＠`,
 * `４１１１`). The detectors match the plain form, so they scan the shadow too, and each finding
 * is mapped back to the exact span of the original text, invisible characters inside included.
 *
 * The shadow of a text:
 * - drops default-ignorable code points (Unicode `Cf` and `Default_Ignorable_Code_Point`: zero-width
 *   space and joiners, word joiner, BOM, soft hyphen, bidi controls, variation selectors, tags);
 * - maps space separators (`Zs`: no-break, narrow no-break, figure, em, ideographic) to " ";
 * - applies NFKC to each other non-ASCII code point (full-width and compatibility forms);
 * - decodes percent escapes of printable ASCII, tab and line ends (`%40`, `%0A`) and HTML character references (`&#64;`,
 *   `&#x40;`, and a short table of names such as `&commat;`); a decoded character goes through
 *   the rules above (`&#8203;` is dropped).
 *
 * NFKC is applied per code point, not to the whole text: composition across characters changes
 * nothing a detector reads, and per code point keeps the map exact and the work linear. Results
 * are cached per code point (a table for the BMP), so the test on ordinary text is one table
 * read per non-ASCII character, and a text with nothing to change costs one native search when
 * it is ASCII without `%` or `&` (most strings): `shadowOf` then returns null.
 */

/**
 * A shadow and its map to the original: one entry per change (4 integers: where its replacement
 * starts in the shadow, where the replaced text starts in the original, the replaced length and
 * the replacement's length). Text between changes is the original's, unit for unit, so a string
 * with one zero-width space costs one entry, not a map as long as the text.
 */
export interface Shadow {
  text: string;
  /** `count * 4` integers, in order. */
  changes: Int32Array;
  count: number;
}

const IGNORABLE = /^[\p{Cf}\p{Default_Ignorable_Code_Point}]$/u;
const SPACE = /^\p{Zs}$/u;

/** The shadow of one code point (as a string); `ch` itself when it is kept as is. */
function replacementOf(ch: string): string {
  if (IGNORABLE.test(ch)) return "";
  if (SPACE.test(ch)) return " ";
  const n = ch.normalize("NFKC");
  if (n === ch) return ch;
  // A compatibility form may decompose into something ignorable or a space (`U+2000` -> `U+2002`).
  let out = "";
  for (const c of n) out += IGNORABLE.test(c) ? "" : SPACE.test(c) ? " " : c;
  return out;
}

/** BMP code unit -> 0 not looked at yet, 1 kept, 2 changed. */
const bmpState = new Uint8Array(0x10000);
/** Replacements of changed BMP characters and of astral code points (kept ones map to null). */
const replaced = new Map<number, string | null>();
const maxAstralEntries = 4096;

function bmpChanges(c: number): boolean {
  let s = bmpState[c]!;
  if (s === 0) {
    const ch = String.fromCharCode(c);
    const r = replacementOf(ch);
    s = r === ch ? 1 : 2;
    if (s === 2) replaced.set(c, r);
    bmpState[c] = s;
  }
  return s === 2;
}

/** The replacement of astral code point `cp`, or null when it is kept. */
function astralReplacement(cp: number): string | null {
  let r = replaced.get(cp);
  if (r === undefined) {
    const ch = String.fromCodePoint(cp);
    const rep = replacementOf(ch);
    r = rep === ch ? null : rep;
    if (replaced.size < maxAstralEntries + 0x10000) replaced.set(cp, r);
  }
  return r;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** The printable ASCII character (or tab, LF, CR) a `%XX` at `i` encodes, or -1. */
function percentAt(text: string, i: number): number {
  const hi = hexValue(text.charCodeAt(i + 1));
  const lo = hexValue(text.charCodeAt(i + 2));
  if (hi < 0 || lo < 0) return -1;
  const b = hi * 16 + lo;
  return (b >= 0x20 && b <= 0x7e) || b === 9 || b === 10 || b === 13 ? b : -1;
}

/**
 * Named references worth decoding: those that stand for characters of values (`@`, `.`, `-`,
 * `+`, `_`) and for the spaces and invisible characters above. Other names are left as written.
 */
const NAMED: Readonly<Record<string, string>> = {
  commat: "@",
  period: ".",
  hyphen: "-",
  dash: "-",
  minus: "-",
  plus: "+",
  lowbar: "_",
  UnderBar: "_",
  num: "#",
  colon: ":",
  sol: "/",
  lpar: "(",
  rpar: ")",
  equals: "=",
  amp: "&",
  AMP: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  comma: ",",
  percnt: "%",
  nbsp: " ",
  NonBreakingSpace: " ",
  ensp: " ",
  emsp: " ",
  thinsp: " ",
  hairsp: " ",
  numsp: " ",
  puncsp: " ",
  MediumSpace: " ",
  shy: "",
  ZeroWidthSpace: "",
  NoBreak: "",
  zwj: "",
  zwnj: "",
  NegativeVeryThinSpace: "",
  NegativeThinSpace: "",
  NegativeMediumSpace: "",
  NegativeThickSpace: "",
};

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z]{2,24}));/y;

/** The text and source length of an HTML character reference at `i`, or null. */
function entityAt(text: string, i: number): { text: string; length: number } | null {
  ENTITY.lastIndex = i;
  const m = ENTITY.exec(text);
  if (m === null) return null;
  let decoded: string;
  if (m[3] !== undefined) {
    const named = NAMED[m[3]];
    if (named === undefined) return null;
    decoded = named;
  } else {
    const cp = m[1] !== undefined ? Number(m[1]) : parseInt(m[2]!, 16);
    if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    const ch = String.fromCodePoint(cp);
    decoded = cp < 0x80
      ? ch
      : cp <= 0xffff
      ? (bmpChanges(cp) ? replaced.get(cp)! : ch)
      : (astralReplacement(cp) ?? ch);
  }
  return { text: decoded, length: m[0].length };
}

/**
 * What the shadow has instead of the original at `i`: null when the code unit there is kept,
 * else the replacement and how many code units of the original it replaces.
 */
function changeAt(text: string, i: number): { text: string; length: number } | null {
  const c = text.charCodeAt(i);
  if (c < 0x80) {
    if (c === 37) {
      const b = percentAt(text, i);
      return b < 0 ? null : { text: String.fromCharCode(b), length: 3 };
    }
    return c === 38 ? entityAt(text, i) : null;
  }
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return null;
    const r = astralReplacement(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
    return r === null ? null : { text: r, length: 2 };
  }
  return bmpChanges(c) ? { text: replaced.get(c)!, length: 1 } : null;
}

/** Where a change may start: `%`, `&` or anything not ASCII. */
const CANDIDATE = /[%&\u0080-\uffff]/g;

/**
 * True when the code unit `c` is certainly kept: ASCII other than `%` and `&`, or a BMP
 * character the table says is kept. The loops test this inline; `changeAt` does the rest.
 */
function kept(c: number): boolean {
  if (c < 0x80) return c !== 37 && c !== 38;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  const s = bmpState[c]!;
  return s === 1 || (s === 0 && !bmpChanges(c));
}

/**
 * Index of the first change in `text` at or after `from`, or -1. Plain ASCII is skipped by the
 * regular expression engine (no match object is made: `test`); a run of candidates (`%`, `&`,
 * non-ASCII text) is walked inline, one table read per character.
 */
function nextChange(text: string, from: number): number {
  const re = CANDIDATE;
  re.lastIndex = from;
  while (re.test(text)) {
    let i = re.lastIndex - 1;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80 && c !== 37 && c !== 38) break;
      if (!kept(c) && changeAt(text, i) !== null) return i;
    }
    if (i >= text.length) return -1;
    re.lastIndex = i;
  }
  return -1;
}

/** Index of the first change in `text`, or -1 (the fast path: nothing to normalise). */
export function firstChange(text: string): number {
  return nextChange(text, 0);
}

/** The shadow of `text`, or null when it would equal the text. Linear in the text's length. */
export function shadowOf(text: string): Shadow | null {
  const first = firstChange(text);
  if (first === -1) return null;
  let changes = new Int32Array(64);
  let count = 0;
  const parts: string[] = [];
  let shadowAt = 0;
  let copyFrom = 0;
  for (let i = first; i !== -1; i = nextChange(text, copyFrom)) {
    const change = changeAt(text, i)!;
    if (i > copyFrom) {
      parts.push(text.slice(copyFrom, i));
      shadowAt += i - copyFrom;
    }
    if ((count + 1) * 4 > changes.length) {
      const grown = new Int32Array(changes.length * 2);
      grown.set(changes);
      changes = grown;
    }
    const k = count++ * 4;
    changes[k] = shadowAt;
    changes[k + 1] = i;
    changes[k + 2] = change.length;
    changes[k + 3] = change.text.length;
    parts.push(change.text);
    shadowAt += change.text.length;
    copyFrom = i + change.length;
    if (copyFrom >= text.length) break;
  }
  if (copyFrom < text.length) parts.push(text.slice(copyFrom));
  return { text: parts.join(""), changes, count };
}

/** The original `[start, end)` that shadow code unit `x` came from. */
function unitOrigin(shadow: Shadow, x: number): { start: number; end: number } {
  const c = shadow.changes;
  // The last change whose replacement starts at or before `x`.
  let lo = 0;
  let hi = shadow.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c[mid * 4]! <= x) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return { start: x, end: x + 1 };
  const k = (lo - 1) * 4;
  const at = c[k]!;
  const from = c[k + 1]!;
  const length = c[k + 2]!;
  const replaced = c[k + 3]!;
  // Inside the replacement (a change replaced by nothing never contains a unit).
  if (x < at + replaced) return { start: from, end: from + length };
  const o = from + length + (x - at - replaced);
  return { start: o, end: o + 1 };
}

/** The original span of the shadow span `[s, e)` (non-empty, inside the shadow). */
export function originalSpan(shadow: Shadow, s: number, e: number): { start: number; end: number } {
  return { start: unitOrigin(shadow, s).start, end: unitOrigin(shadow, e - 1).end };
}
/** `plainEquivalent` of a code point the shadow drops. */
export const IGNORED = -2;

/**
 * What code point `cp` is in the shadow, for code that classifies characters one at a time (the
 * email local part, a stream's release points): `IGNORED` when the shadow drops it, the ASCII
 * code of its first character when it becomes ASCII (`＠` -> `@`, U+00A0 -> space, `①` -> `1`),
 * else -1 (kept, or replaced by something not ASCII).
 */
export function plainEquivalent(cp: number): number {
  if (cp < 0x80) return cp;
  let r: string | null;
  if (cp <= 0xffff) r = bmpChanges(cp) ? replaced.get(cp)! : null;
  else r = astralReplacement(cp);
  if (r === null) return -1;
  if (r === "") return IGNORED;
  const c = r.charCodeAt(0);
  return c < 0x80 ? c : -1;
}

/**
 * Payment identifiers whose check digits make a pattern near-exact: card numbers (Luhn plus the
 * issuer prefixes in use) and IBANs (per-country length plus ISO 7064 mod 97).
 */

import type { Detector, Finding } from "../types.ts";
import { IBAN_LENGTHS } from "./iban_lengths.ts";
import { regexFindings } from "./regex_scan.ts";
import { at, hasContextBefore, isAlnum, isDigit, isWordChar, luhnValid } from "./text.ts";

/**
 * Digit groups joined by single spaces, dashes or dots (`4111.1111.1111.1111`, as some forms
 * and PDFs print them); which of them form a card is decided below.
 */
const DIGIT_RUN = /\d+(?:[ .-]\d+)*/g;
const CARD_CONTEXT = /\b(?:card|visa|mastercard|amex|maestro|credit|debit)\b/i;

export const creditCard: Detector = {
  name: "credit_card",
  type: "CREDIT_CARD",
  find(text: string): Finding[] {
    const out: Finding[] = [];
    DIGIT_RUN.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = DIGIT_RUN.exec(text)) !== null) {
      const [start, end] = unglued(text, m.index, m.index + m[0].length);
      if (end - start < 12) continue;
      const context = () => hasContextBefore(text, start, CARD_CONTEXT);
      for (const [s, e] of cardsInRun(text.slice(start, end), context)) {
        out.push({
          detector: "credit_card",
          type: "CREDIT_CARD",
          start: start + s,
          end: start + e,
        });
      }
    }
    return out;
  },
};

/**
 * The run without an edge group glued to a word (`id_4111…`, `4111…abc`) or a decimal
 * (`0,4111…`, `…1111,5`): that group belongs to something longer, but the groups after it may
 * still be a card (`ghp_…6789 4111 1111 1111 1111`: the run starts inside the token). Dropping
 * the whole run made such a card invisible, and made a scan's result depend on where a window
 * of a long text began.
 */
function unglued(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  if (
    isWordChar(at(text, s - 1)) || (".,".includes(text[s - 1] ?? "x") && isDigit(at(text, s - 2)))
  ) {
    s = firstSeparator(text, s, e) + 1;
  }
  if (isWordChar(at(text, e)) || (".,".includes(text[e] ?? "x") && isDigit(at(text, e + 1)))) {
    e = Math.max(s, lastSeparator(text, s, e));
  }
  return s < e ? [s, e] : [e, e];
}

function firstSeparator(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!isDigit(at(text, i))) return i;
  return to;
}

function lastSeparator(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (!isDigit(at(text, i))) return i;
  return from;
}

/**
 * Cards inside one run of groups, as `[start, end)` relative to the run. A window of groups is a
 * card when it uses one separator, has no dot just before or after it, starts with a group of four (4-4-4-4, 4-6-5, 4-4-4-4-3) or
 * is a single bare group, has 12 to 19 digits, a valid Luhn digit and a known issuer prefix
 * (or, for issuers not in the table, a word like "card" just before it).
 */
function cardsInRun(run: string, cardContext: () => boolean): Array<[number, number]> {
  const groups: Group[] = [];
  for (const g of run.matchAll(/\d+/g)) {
    groups.push({ s: g.index, e: g.index + g[0].length, sep: run[g.index - 1] ?? "" });
  }
  const found: Array<[number, number]> = [];
  for (let i = 0; i < groups.length; i++) {
    // A dot next to a window makes it part of a decimal or a longer dotted number (`0.4111…`).
    if (run[groups[i]!.s - 1] === ".") continue;
    for (let j = Math.min(groups.length - 1, i + 5); j >= i; j--) {
      if (run[groups[j]!.e] === ".") continue;
      if (!isCardWindow(run, groups, i, j, cardContext)) continue;
      found.push([groups[i]!.s, groups[j]!.e]);
      i = j;
      break;
    }
  }
  return found;
}

interface Group {
  s: number;
  e: number;
  sep: string;
}

/**
 * `groups[i..j]` is a card. The cheap shape checks come first and nothing is allocated before
 * them: a long run of short groups (`1 1 1 1 …`, streamed one group at a time) tries six windows
 * per group.
 */
function isCardWindow(
  run: string,
  groups: readonly Group[],
  i: number,
  j: number,
  cardContext: () => boolean,
): boolean {
  const first = groups[i]!;
  let count = first.e - first.s;
  if (j > i) {
    if (count !== 4) return false;
    const sep = groups[i + 1]!.sep;
    // Bound to the group before it by another separator, the first group ends something else:
    // in `123-45-6789 4111 1111 1111 1111` the card starts at 4111, not at 6789.
    if (i > 0 && first.sep !== sep) return false;
    for (let k = i + 1; k <= j; k++) {
      const g = groups[k]!;
      const len = g.e - g.s;
      if (g.sep !== sep || len < 3 || len > 6) return false;
      count += len;
    }
  }
  if (count < 12 || count > 19) return false;
  let digits = "";
  for (let k = i; k <= j; k++) digits += run.slice(groups[k]!.s, groups[k]!.e);
  return luhnValid(digits) && (knownIssuer(digits) || cardContext());
}

/**
 * Issuer prefixes (IIN ranges) of the card networks: Visa 4; Mastercard 51-55 and 2221-2720;
 * Amex 34, 37; Diners 30, 36, 38, 39; JCB 35, 1800, 2131; Discover, Maestro, UnionPay, RuPay 5
 * and 6; the old Maestro UK range 0604. Most non-card numbers (timestamps start with 1, ids with anything) fail this.
 */
function knownIssuer(d: string): boolean {
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  switch (d[0]) {
    case "0":
      return four === 604;
    case "1":
      return four === 1800;
    case "2":
      return four === 2131 || (four >= 2221 && four <= 2720);
    case "3":
      return two === 30 || (two >= 34 && two <= 39);
    case "4":
    case "5":
    case "6":
      return true;
    default:
      return false;
  }
}

/**
 * Country code, check digits, then the BBAN either compact or in groups of four separated by single
 * spaces. Up to eight groups cover the longest IBAN (34 characters).
 */
const IBAN = /(?<![a-z0-9])[a-z]{2}\d{2}(?: ?[a-z0-9]{1,4}){1,8}/gi;

export const iban: Detector = {
  name: "iban",
  type: "IBAN",
  find(text: string): Finding[] {
    return regexFindings(IBAN, text, "iban", "IBAN", (m, text) => {
      const span = ibanSpan(m[0]);
      // A compact IBAN must not run on into more letters or digits (the regex stops at 34).
      if (span === null || isAlnum(at(text, m.index + span))) return false;
      // The regex may have run on into the next IBAN (`… 0130 00 DE89 3704 …`): go on from
      // the end of this one. A match is at most 44 characters, so the rescan is bounded.
      IBAN.lastIndex = m.index + span;
      return { start: m.index, end: m.index + span };
    });
  },
};

/**
 * Length of the IBAN at the start of `candidate`, or null. In the spaced form the groups after
 * the first are taken while they complete the country's length exactly (the regex may have run
 * on into following words: `DE89 3704 0044 0532 0130 00 is mine`).
 */
function ibanSpan(candidate: string): number | null {
  const want = IBAN_LENGTHS[candidate.slice(0, 2).toUpperCase()];
  if (want === undefined) return null;
  const chunks = candidate.split(" ");
  let compact = "";
  let used = 0;
  for (const [k, chunk] of chunks.entries()) {
    if (k > 0 && (chunks[k - 1]!.length !== 4 || chunk.length > 4)) return null;
    compact += chunk;
    used += chunk.length + (k > 0 ? 1 : 0);
    if (compact.length >= want) break;
  }
  if (compact.length !== want) return null;
  return mod97(compact) === 1 ? used : null;
}

/** ISO 7064 MOD 97-10 over the rearranged IBAN (letters as 10..35), computed piecewise. */
function mod97(compact: string): number {
  const rearranged = (compact.slice(4) + compact.slice(0, 4)).toUpperCase();
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    rest = (value >= 10 ? rest * 100 + value : rest * 10 + value) % 97;
  }
  return rest;
}

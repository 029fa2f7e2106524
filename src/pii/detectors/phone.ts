/**
 * Phone numbers, international (`+41 (0)96 471 07 95`, `0044 20 7946 0958`) and national
 * (`(602) 272-9781`, `0490 75 40 81`, `03.93.92.16.85`), 7 to 15 digits.
 *
 * LLM traffic is full of numbers that are not phones: timestamps, dates and times, versions,
 * prices, token counts, ids. So a candidate must have a phone's shape (see `phone_shape.ts`) and
 * pass the rules below; shapes that carry little evidence of being a phone (one bare group, or
 * two groups without a `+`, parentheses or a leading trunk `0`) also need a context word such as
 * "phone" or "fax" just before them. Card numbers and SSNs are left to their own detectors.
 */

import type { Detector, Finding } from "../types.ts";
import { parseShape, retryPoint, type Shape } from "./phone_shape.ts";
import { at, hasContextBefore, isAlnum, isDigit, isWordChar, luhnValid } from "./text.ts";

const CONTEXT =
  /\b(?:phone|telephone|tel|mobile|cell|cellphone|fax|call|whatsapp|sms|text me|reach me)\b/i;
const EXTENSION = / ?(?:x|ext\.? ?|#)\d{1,6}/iy;
/** A place where a phone could start: seven or more characters of digits and separators. */
const START = /[+(]?\d[\d .()-]{5,}/g;
const CURRENCY = /[$€£¥₹]/;

export const phone: Detector = {
  name: "phone",
  type: "PHONE",
  find(text: string): Finding[] {
    const out: Finding[] = [];
    START.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = START.exec(text)) !== null) {
      START.lastIndex = judgeFrom(text, m.index, out);
    }
    return out;
  },
};

/** Judges the candidate at `start` (and retries inside it); returns where scanning resumes. */
function judgeFrom(text: string, start: number, out: Finding[]): number {
  // Inside a number or word: `a+1234567`, `x(555)`, the `5` of `45`.
  if (isWordChar(at(text, start - 1))) return Math.max(skipWord(text, start), start + 1);
  const parsed = parseShape(text, start);
  if (parsed.kind === "none") return parsed.next;
  const shape = parsed.shape;
  const end = extensionEnd(text, shape.end);
  if (isPhone(text, shape, end)) {
    out.push({ detector: "phone", type: "PHONE", start, end });
    return end;
  }
  const retry = retryPoint(shape);
  return retry === null ? Math.max(shape.end, start + 1) : judgeFrom(text, retry, out);
}

function skipWord(text: string, i: number): number {
  while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
  return i;
}

function extensionEnd(text: string, end: number): number {
  EXTENSION.lastIndex = end;
  const m = EXTENSION.exec(text);
  return m !== null && !isWordChar(at(text, end + m[0].length)) ? end + m[0].length : end;
}

function isPhone(text: string, shape: Shape, end: number): boolean {
  const { groups, seps, plus } = shape;
  const trunk = groups.findIndex((g, k) => g.paren && g.digits === "0" && k > 0);
  const digits = groups.filter((_, k) => k !== trunk).map((g) => g.digits).join("");
  if (digits.length < 7 || digits.length > 15) return false;
  if (!cleanEdges(text, shape.start, end)) return false;
  const lengths = groups.map((g) => g.digits.length);
  // One-digit groups only lead (`1-800-…`, `+1 …`, `+44 (0)7 …`), never inside or at the end.
  for (let k = 1; k < lengths.length; k++) {
    if (lengths[k] === 1 && !(k === 1 && plus) && k - 1 !== trunk) return false;
  }
  if (lengths.length > 1 && lengths[lengths.length - 1]! < 2) return false;
  const parens = groups.some((g) => g.paren);
  const kinds = new Set(seps.filter((s) => s !== ""));
  if (kinds.has(".") && !dottedOk(kinds, lengths, parens)) return false;
  if (!plus && (looksLikeDate(groups.map((g) => g.digits)) || ownedElsewhere(digits, lengths))) {
    return false;
  }
  if (plus || parens || groups.length >= 3) return true;
  // Two groups are common in prose ("Suite 913 0547", "1920 1080"); a national trunk 0 or a
  // context word makes them a phone.
  const trunkPair = groups.length === 2 && groups[0]!.digits.startsWith("0");
  return trunkPair || hasContextBefore(text, shape.start, CONTEXT);
}

/**
 * The characters around the candidate must not make it part of something else: an identifier
 * (`req_1234567`, `v1.2.3`), a decimal or dotted run, a time (`12:30:45`), a price or percentage.
 */
function cleanEdges(text: string, start: number, end: number): boolean {
  const before = at(text, start - 1);
  const before2 = at(text, start - 2);
  const after = at(text, end);
  const after2 = at(text, end + 1);
  if (isWordChar(before) || isWordChar(after)) return false;
  if ("-_./#@".includes(text[start - 1] ?? "x") && isAlnum(before2)) return false;
  if (text[start - 1] === ":" && isDigit(before2)) return false;
  if (text[start - 1] === "+" && text[start] !== "+") return false;
  if (CURRENCY.test(text[start - 1] ?? "") || CURRENCY.test(text[start - 2] ?? "")) return false;
  if (".-/:,".includes(text[end] ?? "x") && isDigit(after2)) return false;
  return text[end] !== "%";
}

/** Dotted numbers (`930.167.3943`) only with dots throughout, three or more groups of two or more,
 * and not an IPv4 address, a thousands-grouped amount (`1.234.567`) or a version. */
function dottedOk(kinds: Set<string>, lengths: number[], parens: boolean): boolean {
  if (kinds.size > 1 || parens || lengths.length < 3) return false;
  if (lengths.some((n) => n < 2)) return false;
  if (lengths.length === 4 && lengths.every((n) => n <= 3)) return false;
  return !lengths.slice(1).every((n) => n === 3);
}

function isYear(s: string): boolean {
  const y = Number(s);
  return s.length === 4 && y >= 1900 && y <= 2099;
}

function isMonth(s: string): boolean {
  const n = Number(s);
  return s.length <= 2 && n >= 1 && n <= 12;
}

function isDay(s: string): boolean {
  const n = Number(s);
  return s.length <= 2 && n >= 1 && n <= 31;
}

/** `2024-01-15`, `15.01.2024`, `01/15 2024`-like triples, and runs of years (`1990-2000`). */
function looksLikeDate(g: string[]): boolean {
  if (g.every(isYear)) return true;
  const [a = "", b = "", c = ""] = g;
  if (g.length >= 3 && isYear(a) && isMonth(b) && isDay(c)) return true;
  return g.length === 3 && isYear(c) && ((isMonth(a) && isDay(b)) || (isDay(a) && isMonth(b)));
}

/** SSN-shaped (`123-45-6789`) or card-shaped and Luhn-valid: those detectors own them. */
function ownedElsewhere(digits: string, lengths: number[]): boolean {
  if (lengths.length === 3 && lengths[0] === 3 && lengths[1] === 2 && lengths[2] === 4) return true;
  const cardGrouping = lengths.length === 1 || lengths.slice(0, -1).every((n) => n === 4);
  return digits.length >= 12 && cardGrouping && luhnValid(digits);
}

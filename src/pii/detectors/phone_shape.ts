/**
 * The shape of a phone-number candidate: a run of digit groups joined by single separators, with
 * an optional `+` and parenthesised groups (area code, or the `(0)` trunk prefix of international
 * formats like `+44 (0)20 7946 0958`). Parsing is separate from judging (`phone.ts`) so the rules
 * read as rules.
 */

import { isDigit } from "./text.ts";

export interface Group {
  digits: string;
  paren: boolean;
  /** Offset of the group's first character (its `(` when parenthesised). */
  start: number;
}

export interface Shape {
  start: number;
  /** End of the number itself, before any extension. */
  end: number;
  plus: boolean;
  groups: Group[];
  /** `seps[k]` joins `groups[k]` and `groups[k + 1]`: "", " ", "-" or ".". */
  seps: string[];
}

/** More groups than any real format uses (`+46 (0)8 928 571 38` has six). */
export const MAX_GROUPS = 6;
/** Longer digit runs are never one phone group (E.164 allows 15 digits in total). */
const MAX_GROUP_DIGITS = 15;

export type Parsed =
  | { kind: "shape"; shape: Shape }
  /** Not a phone at all; scanning resumes at `next`. */
  | { kind: "none"; next: number };

/** Parses the candidate starting at `start` (a `+`, `(` or digit). */
export function parseShape(text: string, start: number): Parsed {
  let j = start;
  const plus = text[j] === "+";
  if (plus) j++;
  const groups: Group[] = [];
  const seps: string[] = [];
  for (;;) {
    const group = readGroup(text, j);
    if (group === null) break;
    if (group.digits.length > MAX_GROUP_DIGITS || groups.length === MAX_GROUPS) {
      return { kind: "none", next: skipRun(text, j) };
    }
    groups.push(group);
    j = group.end;
    const sep = readSep(text, j, group.paren);
    if (sep === null) break;
    seps.push(sep);
    j += sep.length;
  }
  if (groups.length === 0) return { kind: "none", next: start + 1 };
  return { kind: "shape", shape: { start, end: j, plus, groups, seps } };
}

function readGroup(text: string, j: number): (Group & { end: number }) | null {
  if (text[j] === "(") {
    const k = digitRunEnd(text, j + 1);
    if (k === j + 1 || k - j - 1 > 5 || text[k] !== ")") return null;
    return { digits: text.slice(j + 1, k), paren: true, start: j, end: k + 1 };
  }
  const k = digitRunEnd(text, j);
  if (k === j) return null;
  return { digits: text.slice(j, k), paren: false, start: j, end: k };
}

/** The separator at `j` if a group follows it, else null. */
function readSep(text: string, j: number, afterParen: boolean): string | null {
  const c = text[j];
  if (c === "(") return "";
  if (afterParen && isDigit(text.charCodeAt(j))) return "";
  if (c !== " " && c !== "-" && c !== ".") return null;
  const next = text.charCodeAt(j + 1);
  return isDigit(next) || (c === " " && next === 40 /* ( */) ? c : null;
}

function digitRunEnd(text: string, j: number): number {
  while (j < text.length && isDigit(text.charCodeAt(j))) j++;
  return j;
}

/** End of the whole run of digits and separators, so a rejected long run is skipped at once. */
function skipRun(text: string, j: number): number {
  while (j < text.length && /[\d .()-]/.test(text[j]!)) j++;
  return j;
}

/**
 * Where to try again inside a rejected candidate: the first group whose separators differ on its
 * two sides, as in `2024-01-15 555-123-4567` (a date, then a number). A uniform run such as a
 * card number is one value and is not searched for smaller numbers.
 */
export function retryPoint(shape: Shape): number | null {
  for (let k = 1; k < shape.seps.length; k++) {
    if (shape.seps[k - 1] !== shape.seps[k]) return shape.groups[k]!.start;
  }
  return null;
}

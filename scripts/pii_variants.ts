/**
 * Labelled variants of the evaluation set: the forms PII takes in pasted text (issue 16, item 7).
 * Each variant rewrites the labelled values of one record (or the whole record) the way a web
 * page, a PDF, a chat client or a URL would: zero-width characters and soft hyphens inside a
 * value, no-break spaces between its groups, dotted card groups, `%40` / `&#64;` / `&commat;` /
 * `＠` for "@", full-width forms, a percent-encoded or HTML-escaped document. The labels move with
 * the values, so precision and recall are measured exactly as on the original set.
 *
 * Pure and deterministic: the same records always give the same cases.
 */

import type { GoldSpan } from "./pii_eval_core.ts";

export interface LabelledText {
  text: string;
  /** UTF-16 offsets. */
  gold: GoldSpan[];
}

export interface Variant {
  name: string;
  /** Rewrites one labelled value; null when this variant does not apply to its type. */
  value?: (type: string, value: string) => string | null;
  /** Rewrites the whole document (labels included); null when it does not apply. */
  document?: (doc: LabelledText) => LabelledText | null;
}

const ZWSP = "\u200B";
const SHY = "\u00AD";

/** Digit groups of a bare card number: fours, the remainder folded into the last group. */
function cardGroups(digits: string): string[] | null {
  if (!/^\d{12,19}$/.test(digits)) return null;
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 4) groups.push(digits.slice(i, i + 4));
  const last = groups.at(-1)!;
  if (last.length < 3) {
    groups.pop();
    groups[groups.length - 1] += last;
  }
  return groups;
}

/** Inserts `mark` after every `every` characters that are letters or digits (not at the end). */
function sprinkle(value: string, mark: string, every: number): string {
  let out = "";
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    out += value[i];
    if (/[A-Za-z0-9]/.test(value[i]!) && ++n % every === 0 && i < value.length - 1) out += mark;
  }
  return out;
}

function fullWidth(value: string): string {
  return value.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** Same separators throughout a value, swapped for `to` (grouped numbers only). */
function respace(type: string, value: string, to: string): string | null {
  if (type === "CREDIT_CARD") return cardGroups(value)?.join(to) ?? null;
  if (type === "PHONE_NUMBER" || type === "IBAN_CODE" || type === "US_SSN") {
    return value.includes(" ") ? value.replaceAll(" ", to) : null;
  }
  return null;
}

const atForms = (at: string) => (type: string, value: string) =>
  type === "EMAIL_ADDRESS" && value.includes("@") ? value.replace("@", at) : null;

export const VARIANTS: readonly Variant[] = [
  {
    name: "zero-width space inside",
    value: (type, v) => type === "US_SSN" ? v.replace(/-/g, `-${ZWSP}`) : sprinkle(v, ZWSP, 3),
  },
  { name: "word joiner inside", value: (_t, v) => sprinkle(v, "\u2060", 4) },
  { name: "BOM (U+FEFF) inside", value: (_t, v) => sprinkle(v, "\uFEFF", 5) },
  { name: "zero-width joiner inside", value: (_t, v) => sprinkle(v, "\u200D", 2) },
  { name: "soft hyphens inside", value: (_t, v) => sprinkle(v, SHY, 4) },
  { name: "no-break space groups", value: (t, v) => respace(t, v, "\u00A0") },
  { name: "narrow no-break space groups", value: (t, v) => respace(t, v, "\u202F") },
  { name: "figure space groups", value: (t, v) => respace(t, v, "\u2007") },
  {
    name: "dotted card groups",
    value: (t, v) => t === "CREDIT_CARD" ? cardGroups(v)?.join(".") ?? null : null,
  },
  { name: "%40 for @", value: atForms("%40") },
  { name: "&#64; for @", value: atForms("&#64;") },
  { name: "&#x40; for @", value: atForms("&#x40;") },
  { name: "&commat; for @", value: atForms("&commat;") },
  { name: "full-width @", value: atForms("\uFF20") },
  { name: "full-width value (NFKC)", value: (_t, v) => fullWidth(v) },
  {
    name: "percent-encoded document",
    document: (doc) => rewriteDocument(doc, (s) => encodeURIComponent(s)),
  },
  {
    name: "HTML-escaped document",
    document: (doc) =>
      rewriteDocument(doc, (s) => s.replaceAll("@", "&#64;").replaceAll(" ", "&nbsp;")),
  },
];

/**
 * A document with every piece (labelled values and the text between them) rewritten by `f`;
 * labels move with their values.
 */
function rewriteDocument(doc: LabelledText, f: (s: string) => string): LabelledText {
  const spans = [...doc.gold].sort((a, b) => a.start - b.start);
  let text = "";
  let last = 0;
  const gold: GoldSpan[] = [];
  for (const s of spans) {
    if (s.start < last) continue;
    text += f(doc.text.slice(last, s.start));
    const value = f(doc.text.slice(s.start, s.end));
    gold.push({ type: s.type, start: text.length, end: text.length + value.length });
    text += value;
    last = s.end;
  }
  return { text: text + f(doc.text.slice(last)), gold };
}

/**
 * The variant of one document, or null when the variant changes none of its labelled values of
 * the `attempted` types (the document then adds nothing to this variant's figures).
 */
export function applyVariant(
  variant: Variant,
  doc: LabelledText,
  attempted: (type: string) => boolean,
): LabelledText | null {
  const gold = doc.gold.filter((s) => attempted(s.type));
  if (gold.length === 0) return null;
  if (variant.document !== undefined) {
    const out = variant.document({ text: doc.text, gold });
    return out === null || out.text === doc.text ? null : out;
  }
  let changed = false;
  const out = rewriteDocument({ text: doc.text, gold }, (s) => s);
  const spans = [...out.gold].sort((a, b) => a.start - b.start);
  let text = "";
  let last = 0;
  const moved: GoldSpan[] = [];
  for (const s of spans) {
    const value = out.text.slice(s.start, s.end);
    const next = variant.value!(s.type, value);
    const v = next ?? value;
    if (next !== null && next !== value) changed = true;
    text += out.text.slice(last, s.start);
    moved.push({ type: s.type, start: text.length, end: text.length + v.length });
    text += v;
    last = s.end;
  }
  return changed ? { text: text + out.text.slice(last), gold: moved } : null;
}

/**
 * Streamed text with PII in its pasted forms (zero-width characters, BOM, soft hyphens, no-break
 * spaces, full-width forms, `%40`, `&#64;`): at every split point and character by character,
 * in both release modes, the stream gives the one-shot redaction and never emits a piece of the
 * value. Before the held text read through these characters, a BOM (JavaScript `\s`) or a
 * full-width `＠` (a "hard" character) was a release point, and the half before it went out raw.
 */
import { ok, strictEqual } from "node:assert/strict";
import fc from "fast-check";
import { builtinDetectorNames, builtinDetectors, createScan } from "../../src/pii/detectors/mod.ts";
import { redactText } from "../../src/pii/redact_text.ts";
import { HeldText, type HeldTextRules } from "../../src/pii/stream/held_text.ts";
import type { RedactRules } from "../../src/pii/types.ts";

const scan = createScan(builtinDetectorNames.map((n) => builtinDetectors[n]));
const placeholder = (type: string) => `[${type}]`;
const whitespace: RedactRules = { scan, isDeniedField: () => false, placeholder };
const builtins: RedactRules & HeldTextRules = { ...whitespace, release: "builtins" };

const VALUES: Array<[string, string]> = [
  ["BOM in an email", "jane\uFEFF.doe@example.com"],
  ["zero-width space in an email", "jane\u200B.doe@example.com"],
  ["soft hyphen in an email", "ja\u00ADne@exam\u00ADple.com"],
  ["full-width @", "jane.doe\uFF20example.com"],
  ["full-width email", "ｊａｎｅ．ｄｏｅ＠ｅｘａｍｐｌｅ．ｃｏｍ"],
  ["%40", "jane.doe%40example.com"],
  ["&#64;", "jane.doe&#64;example.com"],
  ["&commat;", "jane.doe&commat;example.com"],
  ["BOM between card groups", "4111\uFEFF1111\uFEFF1111\uFEFF1111"],
  ["zero-width spaces in a card", "4111\u200B1111\u200B1111\u200B1111"],
  ["no-break spaces in a card", "4111\u00A01111\u00A01111\u00A01111"],
  ["narrow no-break spaces in a card", "4111\u202F1111\u202F1111\u202F1111"],
  ["dotted card", "4111.1111.1111.1111"],
  ["full-width card", "４１１１－１１１１－１１１１－１１１１"],
  ["soft hyphens in an SSN", "123-\u00AD45-\u00AD6789"],
  ["word joiner in a key", "sk-proj-abcdefghij\u2060KLMNOPQRST0123456789"],
];

const FRAMES = [
  (v: string) => `Contact: ${v} please.`,
  (v: string) => `お問い合わせは${v}まで。`,
];

/** Raw fragments of the value that must never be emitted: its letter and digit runs of 3+. */
function fragments(value: string, frame: string): string[] {
  return (value.match(/[\p{L}\p{N}]{3,}/gu) ?? []).filter((f) => !frame.includes(f));
}

function streamed(pieces: string[], rules: HeldTextRules): string {
  const held = new HeldText(rules);
  let out = "";
  for (const p of pieces) out += held.push(p);
  return out + held.flush();
}

for (const [name, value] of VALUES) {
  Deno.test(`stream variants: ${name}, every split point and char by char`, () => {
    for (const rules of [whitespace, builtins] as HeldTextRules[]) {
      for (const frame of FRAMES) {
        const text = frame(value);
        const expected = redactText(text, rules).text;
        const mode = rules.release ?? "whitespace";
        ok(expected !== text, `${mode}: one-shot finds nothing in ${text}`);
        for (const f of fragments(value, frame(""))) {
          ok(!expected.includes(f), `${mode}: one-shot leaves ${f} in ${expected}`);
        }
        for (let i = 0; i <= text.length; i++) {
          strictEqual(
            streamed([text.slice(0, i), text.slice(i)], rules),
            expected,
            `${mode}: ${JSON.stringify(text)} split at ${i}`,
          );
        }
        strictEqual(streamed([...text], rules), expected, `${mode}: ${text} char by char`);
      }
    }
  });
}

const pieces = fc.constantFrom(
  ...VALUES.map(([, v]) => v),
  " ",
  "\u00A0",
  "\u200B",
  "\uFEFF",
  "\u00AD",
  "。",
  "です",
  "mail ",
  "1 ",
  "4111 ",
  "&#",
  "64;",
  "%4",
  "0",
  "＠",
  "ｊ",
  "@",
  ".",
  "-",
  "😀",
);

Deno.test("property: any chunking of text mixing the variants gives the one-shot redaction", () => {
  fc.assert(
    fc.property(
      fc.array(pieces, { maxLength: 24 }),
      fc.array(fc.nat({ max: 400 }), { maxLength: 12 }),
      fc.boolean(),
      (parts, cuts, builtinsMode) => {
        const rules = builtinsMode ? builtins : whitespace;
        const text = parts.join("");
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let from = 0;
        for (const c of at) {
          chunks.push(text.slice(from, c));
          from = c;
        }
        chunks.push(text.slice(from));
        strictEqual(streamed(chunks, rules), redactText(text, rules).text);
      },
    ),
    { numRuns: 400 },
  );
});

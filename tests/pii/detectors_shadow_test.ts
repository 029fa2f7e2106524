import assert from "node:assert/strict";
import fc from "fast-check";
import {
  firstChange,
  IGNORED,
  originalSpan,
  plainEquivalent,
  type Shadow,
  shadowOf,
} from "../../src/pii/detectors/shadow.ts";

/** Per shadow code unit, the original `[start, end)` it came from. */
function unitSpans(s: Shadow): Array<[number, number]> {
  return Array.from({ length: s.text.length }, (_, k) => {
    const span = originalSpan(s, k, k + 1);
    return [span.start, span.end] as [number, number];
  });
}

/** `[shadow text, [shadow unit -> original [start, end)] as "s-e" strings]` */
function described(text: string): [string, string[]] | null {
  const s = shadowOf(text);
  if (s === null) return null;
  return [s.text, unitSpans(s).map(([st, e]) => `${st}-${e}`)];
}

const NOTHING: Array<[string, string]> = [
  ["empty", ""],
  ["plain ASCII", "jane.doe@example.com and 4111 1111 1111 1111"],
  ["a percent sign that is not an escape", "50% off, 100%, %zz, %4"],
  ["a percent escape of a control character", "%00%01%7F"],
  ["an ampersand that is not a reference", "Tom & Jerry &amp &unknown; &#; &#xZZ;"],
  ["accented Latin (NFC, NFKC-stable)", "José Müller, Zoë, façade"],
  ["CJK without compatibility forms", "メールアドレスは、東京です。"],
  ["emoji (a surrogate pair)", "ok 😀 fine 📧"],
  ["a lone surrogate", "a\uD800b\uDC00c"],
  ["a reference to NUL or a surrogate", "&#0; &#xD800;"],
];

for (const [name, text] of NOTHING) {
  Deno.test(`shadow: nothing to do: ${name}`, () => {
    assert.equal(firstChange(text), -1);
    assert.equal(shadowOf(text), null);
  });
}

const CASES: Array<{ name: string; text: string; shadow: string; map?: string[] }> = [
  {
    name: "zero-width space dropped",
    text: "a\u200Bb",
    shadow: "ab",
    map: ["0-1", "2-3"],
  },
  { name: "zero-width non-joiner and joiner", text: "a\u200C\u200Db", shadow: "ab" },
  { name: "word joiner", text: "41\u206011", shadow: "4111" },
  { name: "BOM inside", text: "x\uFEFFy", shadow: "xy" },
  { name: "soft hyphen", text: "jane\u00ADdoe", shadow: "janedoe" },
  { name: "bidi override", text: "12\u202E34\u202C", shadow: "1234" },
  {
    name: "tag characters (astral, ignorable)",
    text: "a\u{E0041}\u{E0042}b",
    shadow: "ab",
    map: ["0-1", "5-6"],
  },
  { name: "variation selector", text: "1\uFE0F2", shadow: "12" },
  { name: "no-break space", text: "4111\u00A01111", shadow: "4111 1111" },
  { name: "narrow no-break space", text: "1\u202F2", shadow: "1 2" },
  { name: "figure space", text: "1\u20072", shadow: "1 2" },
  { name: "ideographic space", text: "1\u30002", shadow: "1 2" },
  { name: "full-width at", text: "jane\uFF20example.com", shadow: "jane@example.com" },
  {
    name: "full-width letters and digits",
    text: "ｊａｎｅ１",
    shadow: "jane1",
    map: ["0-1", "1-2", "2-3", "3-4", "4-5"],
  },
  { name: "small commercial at", text: "a\uFE6Bb", shadow: "a@b" },
  { name: "ligature expands", text: "\uFB01x", shadow: "fix", map: ["0-1", "0-1", "1-2"] },
  { name: "circled digit", text: "\u2460", shadow: "1" },
  {
    name: "percent escape of @",
    text: "jane%40example.com",
    shadow: "jane@example.com",
    map: [
      "0-1",
      "1-2",
      "2-3",
      "3-4",
      "4-7",
      ...[..."example.com"].map((_, k) => `${7 + k}-${8 + k}`),
    ],
  },
  { name: "lower-case percent escape", text: "a%2eb", shadow: "a.b" },
  { name: "percent escape of a line feed", text: "a%0Ab", shadow: "a\nb" },
  { name: "escaped percent is decoded once", text: "%2540", shadow: "%40" },
  { name: "decimal reference", text: "a&#64;b", shadow: "a@b", map: ["0-1", "1-6", "6-7"] },
  { name: "decimal reference, leading zeros", text: "a&#0064;b", shadow: "a@b" },
  { name: "hex reference", text: "a&#x40;b&#X40;c", shadow: "a@b@c" },
  { name: "named reference", text: "a&commat;b&period;c", shadow: "a@b.c" },
  { name: "reference to a zero-width space is dropped", text: "1&#8203;2", shadow: "12" },
  { name: "reference to a full-width at", text: "a&#xFF20;b", shadow: "a@b" },
  { name: "&nbsp; is a space, &shy; nothing", text: "1&nbsp;2&shy;3", shadow: "1 23" },
  { name: "astral reference", text: "&#x1F600;", shadow: "😀", map: ["0-9", "0-9"] },
  {
    name: "surrogate pair kept next to a change",
    text: "😀\u200B😀",
    shadow: "😀😀",
    map: ["0-1", "1-2", "3-4", "4-5"],
  },
  { name: "mathematical bold digit (astral, NFKC)", text: "\u{1D7CF}", shadow: "1" },
];

for (const c of CASES) {
  Deno.test(`shadow: ${c.name}`, () => {
    const got = described(c.text);
    assert.notEqual(got, null, "expected a shadow");
    assert.equal(got![0], c.shadow);
    if (c.map !== undefined) assert.deepEqual(got![1], c.map);
    assert.equal(got![1].length, c.shadow.length);
  });
}

Deno.test("shadow: a finding maps back to the exact original span, invisibles inside included", () => {
  const text = "mail: ja\u200Bne\u00AD.doe&#64;exam\u2060ple.com!";
  const s = shadowOf(text)!;
  assert.equal(s.text, "mail: jane.doe@example.com!");
  const at = s.text.indexOf("jane");
  const span = originalSpan(s, at, at + "jane.doe@example.com".length);
  assert.equal(text.slice(span.start, span.end), "ja\u200Bne\u00AD.doe&#64;exam\u2060ple.com");
});

Deno.test("shadow: plainEquivalent classifies what the shadow changes", () => {
  assert.equal(plainEquivalent(0x40), 0x40);
  assert.equal(plainEquivalent(0xff20), 0x40);
  assert.equal(plainEquivalent(0x00a0), 0x20);
  assert.equal(plainEquivalent(0x200b), IGNORED);
  assert.equal(plainEquivalent(0x00ad), IGNORED);
  assert.equal(plainEquivalent(0x3042), -1); // あ: kept
  assert.equal(plainEquivalent(0xe0041), IGNORED);
});

Deno.test("shadow: a long text is linear (one pass; a million characters)", () => {
  const text = "a\u200B%40&#64;\uFF20".repeat(200_000);
  const s = shadowOf(text)!;
  assert.equal(s.text.length, 4 * 200_000);
  assert.equal(s.count, 4 * 200_000);
});

/** Characters that exercise every rule, mixed with plain ones. */
const piece = fc.constantFrom(
  "a",
  "Z",
  "4",
  " ",
  "@",
  ".",
  "-",
  "%",
  "&",
  ";",
  "#",
  "\u200B",
  "\u00AD",
  "\uFEFF",
  "\u00A0",
  "\u202F",
  "\uFF20",
  "\uFF11",
  "\uFB01",
  "%40",
  "%4",
  "%2e",
  "&#64;",
  "&#x40;",
  "&commat;",
  "&nbsp;",
  "&#8203;",
  "😀",
  "\uD800",
  "\u{E0041}",
  "é",
  "あ",
);

Deno.test("property: every shadow unit maps into the original; spans contain the shadow text", () => {
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), fc.nat(), fc.nat(), (pieces, a, b) => {
      const text = pieces.join("");
      const s = shadowOf(text);
      if (s === null) return;
      const n = s.text.length;
      const units = unitSpans(s);
      // Monotone, inside the text, and each unit comes from a non-empty span.
      for (let k = 0; k < n; k++) {
        const [st, e] = units[k]!;
        assert.ok(st < e && e <= text.length);
        if (k > 0) assert.ok(st >= units[k - 1]![0] && e >= units[k - 1]![1]);
      }
      if (n === 0) return;
      // Any shadow span: the original span's own shadow contains it.
      const i = a % n;
      const j = i + 1 + (b % (n - i));
      const span = originalSpan(s, i, j);
      const original = text.slice(span.start, span.end);
      const again = shadowOf(original)?.text ?? original;
      assert.ok(
        again.includes(s.text.slice(i, j)),
        `${JSON.stringify(original)} -> ${JSON.stringify(again)} lacks ${
          JSON.stringify(s.text.slice(i, j))
        }`,
      );
    }),
    { numRuns: 2000 },
  );
});

/**
 * PII in the forms pasted text carries it (issue 16, item 7): every built-in scan finds the value
 * and reports the exact span of the original text, invisible characters inside included.
 */
import assert from "node:assert/strict";
import { builtinDetectors, createScan } from "../../src/pii/detectors/mod.ts";
import { assertWellFormed } from "./helpers.ts";

const scan = createScan(Object.values(builtinDetectors));

const ZW = "\u200B";

/** `text` contains `value` once; the scan must report exactly that span with this detector. */
const CASES: Array<{ name: string; detector: string; value: string; text?: string }> = [
  { name: "zero-width space in an email", detector: "email", value: `jane${ZW}.doe@example.com` },
  { name: "ZWNJ/ZWJ in an email domain", detector: "email", value: "jane@exa\u200C\u200Dmple.com" },
  { name: "word joiner in an email", detector: "email", value: "jane\u2060doe@example.com" },
  { name: "BOM in an email", detector: "email", value: "jane\uFEFFdoe@example.com" },
  { name: "soft hyphen in an email", detector: "email", value: "jane.do\u00ADe@exam\u00ADple.com" },
  { name: "%40 for @", detector: "email", value: "jane.doe%40example.com" },
  { name: "&#64; for @", detector: "email", value: "jane.doe&#64;example.com" },
  { name: "&#x40; for @", detector: "email", value: "jane.doe&#x40;example.com" },
  { name: "&commat; for @", detector: "email", value: "jane.doe&commat;example.com" },
  { name: "full-width @", detector: "email", value: "jane.doe\uFF20example.com" },
  {
    name: "full-width email",
    detector: "email",
    value: "ｊａｎｅ．ｄｏｅ＠ｅｘａｍｐｌｅ．ｃｏｍ",
  },
  {
    name: "email in a percent-encoded query",
    detector: "email",
    value: "jane.doe%40example.com",
    text: "GET /signup?next=%2F&email=jane.doe%40example.com&x=1",
  },
  {
    name: "zero-width spaces in a card",
    detector: "credit_card",
    value: `4111${ZW}1111${ZW}1111${ZW}1111`,
  },
  {
    name: "soft hyphens in a card",
    detector: "credit_card",
    value: "4111\u00AD1111\u00AD1111\u00AD1111",
  },
  {
    name: "no-break spaces in a card",
    detector: "credit_card",
    value: "4111\u00A01111\u00A01111\u00A01111",
  },
  {
    name: "narrow no-break spaces in a card",
    detector: "credit_card",
    value: "4111\u202F1111\u202F1111\u202F1111",
  },
  {
    name: "figure spaces in a card",
    detector: "credit_card",
    value: "4111\u20071111\u20071111\u20071111",
  },
  { name: "dotted card groups", detector: "credit_card", value: "4111.1111.1111.1111" },
  { name: "dotted Amex groups", detector: "credit_card", value: "3782.822463.10005" },
  {
    name: "full-width card",
    detector: "credit_card",
    value: "４１１１ １１１１ １１１１ １１１１",
  },
  {
    name: "&nbsp; in a card",
    detector: "credit_card",
    value: "4111&nbsp;1111&nbsp;1111&nbsp;1111",
  },
  { name: "zero-width space in an SSN", detector: "ssn", value: `123-${ZW}45-${ZW}6789` },
  { name: "soft hyphen in an SSN", detector: "ssn", value: "123\u00AD-45-67\u00AD89" },
  { name: "no-break spaces in an SSN", detector: "ssn", value: "123\u00A045\u00A06789" },
  { name: "full-width SSN", detector: "ssn", value: "１２３－４５－６７８９" },
  {
    name: "zero-width space in an OpenAI key",
    detector: "token_like",
    value: `sk-proj-${ZW}abcdefghij${ZW}KLMNOPQRST0123456789`,
  },
  {
    name: "soft hyphen in an Anthropic key",
    detector: "token_like",
    value: "sk-ant-api03-abcdefghij\u00ADklmnopqrst\u00ADuvwxyz0123456789",
  },
  {
    name: "word joiner in an AWS key id",
    detector: "token_like",
    value: "AKIA\u2060IOSFODNN7EXAMPLE",
  },
  {
    name: "tag characters in a GitHub token",
    detector: "token_like",
    value: "ghp_\u{E0020}abcdefghijklmnopqrstuvwxyz0123456789",
  },
  {
    name: "zero-width space in an IBAN",
    detector: "iban",
    value: `DE89 37${ZW}04 0044 05${ZW}32 0130 00`,
  },
  {
    name: "no-break spaces in an IBAN",
    detector: "iban",
    value: "DE89\u00A03704\u00A00044\u00A00532\u00A00130\u00A000",
  },
  {
    name: "zero-width space in an IPv4 address",
    detector: "ip_address",
    value: `192.168.${ZW}1.20`,
  },
];

for (const c of CASES) {
  Deno.test(`variants: ${c.name}`, () => {
    const text = c.text ?? `please use ${c.value} from now on`;
    const findings = scan(text);
    assertWellFormed(findings, text);
    const at = text.indexOf(c.value);
    const hit = findings.find((f) => f.start <= at && at < f.end);
    assert.ok(hit, `no finding over ${JSON.stringify(c.value)} in ${JSON.stringify(findings)}`);
    assert.equal(hit.detector, c.detector);
    // The exact span (the email of a query starts at its parameter name: `email=` is atext).
    const covered = text.slice(hit.start, hit.end);
    if (c.text === undefined) assert.equal(covered, c.value);
    else assert.ok(covered.endsWith(c.value), covered);
  });
}

/** Text that must stay unredacted after normalisation (precision). */
const CLEAN: Array<[string, string]> = [
  ["percent signs and ampersands", "Save 40%, Tom &amp; Jerry &#169; 2024, 100%40 (sic)"],
  ["a decimal before a dotted number", "pi is 3.14159 and 0.4111111111111111 is a ratio"],
  ["version numbers", "version 2024.1111.1111.1111.5 and 1.2.3"],
  ["a dotted five-group number", "ref 4111.1111.1111.1111.1111"],
  ["URL-encoded prose", "q=hello%20world%21%20how%20are%20you%3F"],
  ["full-width prose", "ＡＢＣ　ｄｅｆ　１２３"],
  ["zero-width spaces in prose", `hello${ZW}world, ${ZW}fine${ZW}`],
];

for (const [name, text] of CLEAN) {
  Deno.test(`variants: nothing found in ${name}`, () => {
    assert.deepEqual(scan(text), []);
  });
}

Deno.test("variants: a value found as written stays found when normalising joins it to more", () => {
  // The zero-width space keeps the card apart from the digits after it; the shadow joins them.
  const text = `card 4111111111111111${ZW}4242 ok`;
  const f = scan(text);
  assert.deepEqual(f.map((x) => text.slice(x.start, x.end)), ["4111111111111111"]);
});

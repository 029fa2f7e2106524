import assert from "node:assert/strict";
import fc from "fast-check";
import { builtinDetectors, createScan, customDetector } from "../../src/pii/detectors/mod.ts";
import { assertWellFormed } from "./helpers.ts";

const detectors = Object.values(builtinDetectors);
const scan = createScan(detectors);

/** Inputs that make naive patterns backtrack: long runs of what a detector almost matches. */
const ADVERSARIAL: Array<[string, string]> = [
  ["50 KB of a", "a".repeat(50_000)],
  ["50 KB of digits", "7".repeat(50_000)],
  ["digits and single spaces", "1 ".repeat(25_000)],
  ["digits and dashes", "12-".repeat(17_000)],
  ["mixed separators", "1 2-3.4 ".repeat(6_000)],
  ["at signs in a word", "a@".repeat(25_000)],
  ["dotted domain with no TLD end", "a@" + "b.".repeat(25_000) + "1"],
  ["local part without domain", "a.".repeat(25_000) + "@"],
  ["eyJ repeated", "eyJ".repeat(17_000)],
  ["JWT header without payload", ("eyJ" + "A".repeat(100) + ".").repeat(400)],
  ["colons and hex", "a:".repeat(25_000)],
  ["dotted digits", "1.".repeat(25_000)],
  ["key prefixes", "sk_".repeat(17_000)],
  ["unterminated PEM headers", "-----BEGIN RSA PRIVATE KEY-----\n".repeat(1_500)],
  ["IBAN-like run", "DE89".repeat(12_500)],
  ["parentheses and digits", "(12) ".repeat(10_000)],
  ["plus signs and digits", "+1 ".repeat(17_000)],
];

for (const [name, text] of ADVERSARIAL) {
  Deno.test(`adversarial input completes: ${name}`, () => {
    for (const d of detectors) assertWellFormed(d.find(text), text);
    assertWellFormed(scan(text), text);
  });
}

/** Strings biased towards the characters detectors care about. */
const piiish = fc.string({
  unit: fc.oneof(
    fc.constantFrom(..."0123456789 -.+()@:_/xX#$%\n".split("")),
    fc.constantFrom("sk-", "ghp_", "AKIA", "eyJ", "DE89", "::", "-----BEGIN PRIVATE KEY-----"),
    fc.string({ unit: "grapheme", maxLength: 2 }),
  ),
  maxLength: 200,
});

Deno.test("every detector and the scan: never throw, findings well formed (property)", () => {
  fc.assert(
    fc.property(fc.oneof(piiish, fc.string({ unit: "binary" })), (text) => {
      for (const d of detectors) assertWellFormed(d.find(text), text);
      assertWellFormed(scan(text), text);
    }),
    { numRuns: 2_000 },
  );
});

Deno.test("a custom detector with a validator never throws (property)", () => {
  const d = customDetector({
    name: "digits",
    pattern: "\\d*",
    validate: (m) => {
      if (m.length % 3 === 0) throw new Error("validator bug");
      return true;
    },
  });
  fc.assert(
    fc.property(piiish, (text) => {
      const got = d.find(text);
      assertWellFormed(got, text);
      assert.ok(got.every((f) => (f.end - f.start) % 3 !== 0));
    }),
  );
});

import assert from "node:assert/strict";
import {
  builtinDetectorNames,
  builtinDetectors,
  createScan,
  customDetector,
} from "../../src/pii/detectors/mod.ts";
import type { Detector, Finding } from "../../src/pii/types.ts";
import { assertWellFormed } from "./helpers.ts";

/** A detector that reports fixed spans, to test overlap resolution by itself. */
function fixed(name: string, spans: Array<[number, number]>): Detector {
  const type = name.toUpperCase();
  return {
    name,
    type,
    find: () => spans.map(([start, end]) => ({ detector: name, type, start, end })),
  };
}

function spans(findings: Finding[]): Array<[string, number, number]> {
  return findings.map((f) => [f.detector, f.start, f.end]);
}

const CASES: Array<{ name: string; detectors: Detector[]; want: Array<[string, number, number]> }> =
  [
    {
      name: "longer span wins whatever the order",
      detectors: [fixed("a", [[2, 5]]), fixed("b", [[0, 10]])],
      want: [["b", 0, 10]],
    },
    {
      name: "tie goes to the detector listed first",
      detectors: [fixed("a", [[0, 4]]), fixed("b", [[0, 4]])],
      want: [["a", 0, 4]],
    },
    {
      name: "tie with partial overlap goes to the first listed",
      detectors: [fixed("b", [[3, 7]]), fixed("a", [[0, 4]])],
      want: [["b", 3, 7]],
    },
    {
      name: "disjoint findings of several detectors are merged in order",
      detectors: [fixed("a", [[10, 12], [20, 25]]), fixed("b", [[0, 3], [13, 15]])],
      want: [["b", 0, 3], ["a", 10, 12], ["b", 13, 15], ["a", 20, 25]],
    },
    {
      name: "touching spans both stay",
      detectors: [fixed("a", [[0, 5]]), fixed("b", [[5, 9]])],
      want: [["a", 0, 5], ["b", 5, 9]],
    },
    {
      name: "a long span knocks out two shorter ones it overlaps",
      detectors: [fixed("a", [[0, 4], [6, 10]]), fixed("b", [[3, 8]]), fixed("c", [[2, 9]])],
      want: [["c", 2, 9]],
    },
    {
      name: "a throwing detector is skipped",
      detectors: [{
        name: "x",
        type: "X",
        find: () => {
          throw new Error("bug");
        },
      }, fixed("a", [[1, 2]])],
      want: [["a", 1, 2]],
    },
  ];

for (const c of CASES) {
  Deno.test(`createScan: ${c.name}`, () => {
    assert.deepEqual(spans(createScan(c.detectors)("x".repeat(40))), c.want);
  });
}

Deno.test("createScan: built-ins together on mixed text", () => {
  const scan = createScan(Object.values(builtinDetectors));
  const text = "Mail jane@example.com or call +1 415-555-0132; card 4111 1111 1111 1111, " +
    "SSN 123-45-6789, IBAN DE89370400440532013000, host 10.1.2.3, key AKIAZHMASQXEZYEX1RDR.";
  const got = scan(text);
  assertWellFormed(got, text);
  assert.deepEqual(got.map((f) => [f.type, text.slice(f.start, f.end)]), [
    ["EMAIL", "jane@example.com"],
    ["PHONE", "+1 415-555-0132"],
    ["CREDIT_CARD", "4111 1111 1111 1111"],
    ["SSN", "123-45-6789"],
    ["IBAN", "DE89370400440532013000"],
    ["IP_ADDRESS", "10.1.2.3"],
    ["TOKEN", "AKIAZHMASQXEZYEX1RDR"],
  ]);
});

Deno.test("createScan: a custom detector that overlaps a built-in loses to the longer span", () => {
  const scan = createScan([
    builtinDetectors.email,
    customDetector({ name: "user", pattern: "jane" }),
  ]);
  const text = "jane@example.com";
  assert.deepEqual(spans(scan(text)), [["email", 0, 16]]);
});

Deno.test("builtinDetectors: names and placeholder types", () => {
  assert.deepEqual(
    Object.fromEntries(builtinDetectorNames.map((n) => [n, builtinDetectors[n].type])),
    {
      token_like: "TOKEN",
      email: "EMAIL",
      credit_card: "CREDIT_CARD",
      iban: "IBAN",
      ssn: "SSN",
      ip_address: "IP_ADDRESS",
      phone: "PHONE",
    },
  );
  for (const n of builtinDetectorNames) assert.equal(builtinDetectors[n].name, n);
});

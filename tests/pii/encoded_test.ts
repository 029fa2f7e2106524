import assert from "node:assert/strict";
import { isEncodedBinary } from "../../src/pii/encoded.ts";
import { validateConfig } from "../../src/config/mod.ts";
import { builtinDetectors, compilePolicies } from "../../src/pii/mod.ts";

const bytes = Uint8Array.from({ length: 600 }, (_, i) => (i * 73 + 11) % 256);
const base64 = btoa(String.fromCharCode(...bytes));
// A stretch that the IBAN detector accepts, placed between base64's own separators.
const ibanInside = `${base64.slice(0, 200)}/GB82WEST12345698765432/${base64.slice(200)}`;

const cases: [string, string, boolean][] = [
  ["a base64 blob", base64, true],
  ["a base64 data: URL", `data:image/png;base64,${base64}`, true],
  ["a data: URL with parameters", `data:image/jpeg;name=a.jpg;base64,${base64}`, true],
  ["short base64 is text", base64.slice(0, 100), false],
  ["a long OpenAI key is not base64 (dashes)", `sk-proj-${"Ab1_".repeat(70)}`, false],
  ["a JWT is not base64 (dots)", `eyJ${"a".repeat(150)}.eyJ${"b".repeat(150)}.sig`, false],
  ["prose is text", "hello world ".repeat(40), false],
  ["a data: URL that is not base64", `data:text/plain,${"a".repeat(300)}`, false],
];
for (const [name, text, want] of cases) {
  Deno.test(`encoded binary: ${name}`, () => assert.equal(isEncodedBinary(text), want));
}

Deno.test("policies do not scan encoded binary, so signatures and images are never rewritten", () => {
  const result = validateConfig({
    pii: { mode: "redact_upstream", replacement: { hash_salt: "s" } },
  }, {
    env: {},
  });
  assert.ok(result.ok);
  const policies = compilePolicies(result.config.pii, result.config.pii_mode);
  const { scan } = policies.base;
  assert.ok(builtinDetectors.iban.find(ibanInside).length > 0, "the detector alone would match");
  assert.deepEqual(scan(ibanInside), []);
  assert.equal(scan("transfer to GB82WEST12345698765432 please")[0]?.detector, "iban");
});

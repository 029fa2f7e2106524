import assert from "node:assert/strict";
import {
  credentialRedacted as R,
  maxLabelLength,
  scrubLabelValue,
} from "../../src/telemetry/mod.ts";

// Real key shapes, assembled so that no scanner takes this file for a leak.
const openaiProject = "sk-" + "proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
const openaiLegacy = "sk-" + "T3BlbkFJ".repeat(6);
const anthropic = "sk-" + "ant-api03-" + "x9Yz8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0Gf";
const stripe = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc";
const jwt = "eyJhbGciOiJIUzI1NiJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0" + "." +
  "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
/** This gateway's own key shape (`generateToken`: `ogk_` and 24 random bytes, base64url). */
const gatewayKey = "ogk_" + "2QiVNA9EZ_gfGjIWTYPcOIw1tfiXbAvk";

const cases: [string, string, string][] = [
  ["plain model names pass unchanged", "gpt-4o-mini", "gpt-4o-mini"],
  ["dated model names pass unchanged", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022"],
  ["empty becomes unknown", "", "unknown"],
  ["blank becomes unknown", "  \t", "unknown"],
  ["short values are not scanned", "sk_1234", "sk_1234"],
  ["an OpenAI project key", openaiProject, R],
  ["an OpenAI legacy key", openaiLegacy, R],
  ["an Anthropic key", anthropic, R],
  ["a Stripe live key (the original's test shape)", stripe, R],
  ["a JWT", jwt, R],
  ["a bearer token", "Bearer abcdefgh12345678", R],
  ["a key inside a longer value", `gpt-4o/${openaiProject}`, `gpt-4o/${R}`],
  ["password=", "model password=hunter22", `model ${R}`],
  ["token= in any case", "x TOKEN=abcd1234", `x ${R}`],
  ["a gateway key", gatewayKey, R],
  ["a gateway key inside a model name", `gpt-4o-${gatewayKey}`, `gpt-4o-${R}`],
  ["a gateway key with - and _ (base64url)", "ogk_" + "a-b_".repeat(8), R],
  ["a Basic credential", "Basic dXNlcjpodW50ZXIyMg==", R],
  [
    "ogk_ inside a word is not a key prefix",
    "dogk_abcdefghijklmnopqrstuvwxyz",
    "dogk_abcdefghijklmnopqrstuvwxyz",
  ],
];

for (const [name, input, want] of cases) {
  Deno.test(`scrubLabelValue: ${name}`, () => {
    assert.equal(scrubLabelValue(input), want);
  });
}

Deno.test("scrubLabelValue: long values are cut, never inside a surrogate pair", () => {
  assert.equal(scrubLabelValue("m".repeat(10_000)), "m".repeat(maxLabelLength));
  const emoji = "a" + "😀".repeat(200);
  const out = scrubLabelValue(emoji);
  assert.ok(out.length <= maxLabelLength);
  assert.equal(out, "a" + "😀".repeat((maxLabelLength - 2) / 2));
  // A key past the cut is still scrubbed first, not cut into an unrecognisable prefix.
  const late = "m".repeat(maxLabelLength - 10) + openaiProject;
  assert.ok(!scrubLabelValue(late).includes("sk-proj"));
});

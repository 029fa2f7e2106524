import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import fc from "fast-check";
import { HeldText, type HeldTextLimits } from "../../src/pii/stream/held_text.ts";
import { redactText } from "../../src/pii/redact_text.ts";
import type { Counts } from "../../src/pii/types.ts";
import { cutString } from "./sse_replay.ts";
import { corpus, rules, values } from "./stream_fixture.ts";

function oneShot(text: string): { text: string; counts: Counts } {
  return redactText(text, rules);
}

/** Feeds the pieces; checks after each that the output so far is a prefix of the one-shot. */
function streamed(pieces: string[], limits: Partial<HeldTextLimits> = {}) {
  const expected = oneShot(pieces.join("")).text;
  const held = new HeldText(rules, limits);
  let out = "";
  const steps: string[] = [];
  for (const p of pieces) {
    const emitted = held.push(p);
    steps.push(emitted);
    out += emitted;
    ok(expected.startsWith(out), `emitted ${JSON.stringify(out)} is not a prefix of the result`);
  }
  out += held.flush();
  return { text: out, counts: held.counts, steps };
}

Deno.test("held text: a value split across pieces is emitted only as its placeholder", async (t) => {
  const cases: { name: string; pieces: string[]; steps: string[]; out: string }[] = [
    {
      name: "email split inside the local part",
      pieces: ["Mail john.do", "e@example.com", " now"],
      steps: ["Mail ", "", "[EMAIL_REDACTED:20] "],
      out: "Mail [EMAIL_REDACTED:20] now",
    },
    {
      name: "phone split between digit groups",
      pieces: ["call 555 ", "123 ", "4567", " ok", " then"],
      steps: ["call ", "", "", "", "[PHONE_REDACTED:12] ok "],
      out: "call [PHONE_REDACTED:12] ok then",
    },
    {
      name: "short digit groups are released once a word follows",
      pieces: ["ref 12 34", " is", " fine"],
      steps: ["ref ", "", "12 34 is "],
      out: "ref 12 34 is fine",
    },
    {
      name: "a piece ending in whitespace releases everything before it",
      pieces: ["hello ", "world "],
      steps: ["hello ", "world "],
      out: "hello world ",
    },
    {
      name: "an unterminated key is held until the stream ends",
      pieces: ["k: -----BEGIN PRIVATE KEY-----\n", "MIIEvQ IBAD\n", "ANBg"],
      steps: ["k: ", "", ""],
      out: "k: [PRIVATE_KEY_REDACTED:44]",
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      const r = streamed(c.pieces);
      deepStrictEqual(r.steps, c.steps);
      strictEqual(r.text, c.out);
    });
  }
});

Deno.test("held text: a terminated key is released at its END line", () => {
  const held = new HeldText(rules);
  strictEqual(held.push("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"), "");
  strictEqual(held.push("-----END RSA PRIVATE KEY-----"), "");
  // Capitals and dashes could be IBAN groups, so the key's last lines stay held with it.
  strictEqual(held.push("\nafter it"), "[PRIVATE_KEY_REDACTED:66]\nafter ");
  strictEqual(held.flush(), "it");
  deepStrictEqual(held.counts, { private_key: 1 });
});

Deno.test("held text: counts per detector equal the one-shot counts", () => {
  for (const text of corpus) {
    const pieces = Array.from(text);
    deepStrictEqual(streamed(pieces).counts, oneShot(text).counts, text);
  }
});

Deno.test("held text: every split point of every corpus sentence gives the one-shot result", () => {
  for (const text of corpus) {
    const expected = oneShot(text).text;
    for (let i = 0; i <= text.length; i++) {
      strictEqual(streamed([text.slice(0, i), text.slice(i)]).text, expected, `${text} @ ${i}`);
    }
    strictEqual(streamed(Array.from(text)).text, expected, `${text} one character at a time`);
  }
});

Deno.test("held text: a long token is not held past maxHold", () => {
  const held = new HeldText(rules, { maxHold: 64 });
  let out = "";
  for (let i = 0; i < 100; i++) {
    out += held.push("abcdefgh");
    ok(held.held <= 64 + 8, `held ${held.held}`);
  }
  out += held.flush();
  strictEqual(out, "abcdefgh".repeat(100));
});

Deno.test("held text: an open match longer than maxOpenMatch is emitted as a placeholder", () => {
  const held = new HeldText(rules, { maxHold: 64, maxOpenMatch: 256 });
  let out = held.push("x -----BEGIN PRIVATE KEY-----\n");
  for (let i = 0; i < 40; i++) out += held.push("QUJDREVGR0g=\n");
  ok(held.held < 256 + 64, `held ${held.held}`);
  ok(out.startsWith("x [PRIVATE_KEY_REDACTED:"), out);
  ok(!out.includes("BEGIN"), out);
});

const sentence = fc.constantFrom(...corpus);
const textArb = fc.array(sentence, { minLength: 1, maxLength: 4 }).chain((parts) =>
  fc.array(fc.constantFrom(" ", "\n", "", ". "), {
    minLength: parts.length,
    maxLength: parts.length,
  })
    .map((seps) => parts.map((p, i) => p + seps[i]).join(""))
);

Deno.test("property: any chunking of any corpus text gives the one-shot redaction", () => {
  fc.assert(
    fc.property(textArb, fc.array(fc.nat(), { maxLength: 40 }), (text, offsets) => {
      const r = streamed(cutString(text, offsets));
      const expected = oneShot(text);
      strictEqual(r.text, expected.text);
      deepStrictEqual(r.counts, expected.counts);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("property: never emits a detected value, even with a small context window", () => {
  const raw = Object.values(values);
  fc.assert(
    fc.property(textArb, fc.array(fc.nat(), { maxLength: 40 }), (text, offsets) => {
      const r = streamed(cutString(text, offsets), { context: 8 });
      for (const v of raw) ok(!r.text.includes(v), `${v} leaked: ${r.text}`);
    }),
    { numRuns: 500 },
  );
});

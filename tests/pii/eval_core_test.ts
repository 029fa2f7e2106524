import assert from "node:assert/strict";
import {
  codePointToUtf16,
  type GoldSpan,
  results,
  type Tally,
  tallyDocument,
} from "../../scripts/pii_eval_core.ts";
import type { Finding } from "../../src/pii/types.ts";

function pred(detector: string, start: number, end: number): Finding {
  return { detector, type: detector.toUpperCase(), start, end };
}

Deno.test("pii eval: overlap is a true positive, the rest are FP and FN per type", () => {
  const tallies: Record<string, Tally> = {};
  const gold: GoldSpan[] = [
    { type: "EMAIL_ADDRESS", start: 0, end: 10 },
    { type: "PHONE_NUMBER", start: 20, end: 30 },
    { type: "PERSON", start: 40, end: 45 },
  ];
  tallyDocument(tallies, gold, [
    pred("email", 5, 12), // overlaps the email: TP
    pred("phone", 0, 4), // overlaps only an email span: FP for phone; the phone span is a FN
    pred("token_like", 40, 45), // no gold type: ignored
  ]);
  assert.deepEqual(tallies["email"], { gold: 1, predicted: 1, tp: 1, fp: 0, fn: 0 });
  assert.deepEqual(tallies["phone"], { gold: 1, predicted: 1, tp: 0, fp: 1, fn: 1 });
  assert.deepEqual(tallies["ssn"], { gold: 0, predicted: 0, tp: 0, fp: 0, fn: 0 });
});

Deno.test("pii eval: touching spans do not overlap", () => {
  const tallies: Record<string, Tally> = {};
  tallyDocument(tallies, [{ type: "US_SSN", start: 0, end: 11 }], [pred("ssn", 11, 20)]);
  assert.deepEqual(tallies["ssn"], { gold: 1, predicted: 1, tp: 0, fp: 1, fn: 1 });
});

Deno.test("pii eval: precision, recall and pass against targets", () => {
  const rows = results({
    email: { gold: 100, predicted: 100, tp: 100, fp: 0, fn: 0 },
    phone: { gold: 10, predicted: 8, tp: 7, fp: 1, fn: 3 },
  });
  const email = rows.find((r) => r.detector === "email")!;
  const phone = rows.find((r) => r.detector === "phone")!;
  const ssn = rows.find((r) => r.detector === "ssn")!;
  assert.equal(email.pass, true);
  assert.equal(phone.precision, 7 / 8);
  assert.equal(phone.recall, 0.7);
  assert.equal(phone.pass, false); // precision 0.875 < 0.90
  assert.deepEqual([ssn.precision, ssn.recall, ssn.pass], [1, 1, true]);
});

Deno.test("pii eval: code point offsets become UTF-16 offsets", () => {
  const text = "😀 a@b.co";
  const toUtf16 = codePointToUtf16(text);
  assert.equal(toUtf16(2), 3);
  assert.equal(text.slice(toUtf16(2), toUtf16(8)), "a@b.co");
  assert.equal(codePointToUtf16("plain")(3), 3);
});

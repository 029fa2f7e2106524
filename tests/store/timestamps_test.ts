import assert from "node:assert/strict";
import { parseTimestamp } from "../../src/store/mod.ts";
import {
  isStoredForm,
  normalizeTimestamp,
  storedTimestampPattern,
} from "../../src/store/timestamps.ts";

const cases: [string, string | null][] = [
  ["2026-03-01T10:00:00.000Z", "2026-03-01T10:00:00.000Z"],
  ["2026-03-01T10:00:00Z", "2026-03-01T10:00:00.000Z"],
  ["2026-03-01t10:00:00z", "2026-03-01T10:00:00.000Z"],
  ["2026-03-01 10:00:00Z", "2026-03-01T10:00:00.000Z"],
  ["2026-03-01T10:00:00.5Z", "2026-03-01T10:00:00.500Z"],
  ["2026-03-01T10:00:00.123456789Z", "2026-03-01T10:00:00.123Z"],
  ["2026-03-01T10:00:00.999999Z", "2026-03-01T10:00:00.999Z"],
  ["2026-03-01T12:30:00+02:30", "2026-03-01T10:00:00.000Z"],
  ["2026-03-01T00:30:00-01:00", "2026-03-01T01:30:00.000Z"],
  ["2026-03-01T00:30:00+01:00", "2026-02-28T23:30:00.000Z"],
  ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
  ["0050-01-01T00:00:00Z", "0050-01-01T00:00:00.000Z"],
  ["2026-02-29T00:00:00Z", null],
  ["2026-13-01T00:00:00Z", null],
  ["2026-04-31T00:00:00Z", null],
  ["2026-03-01T24:00:00Z", null],
  ["2026-03-01T10:60:00Z", null],
  ["2026-03-01T10:00:00", null],
  ["2026-03-01", null],
  ["2026-03-01T10:00:00+0200", null],
  ["0000-01-01T00:00:00+01:00", null],
  ["yesterday", null],
  ["", null],
  // The stored form itself: normalizeTimestamp's fast path must refuse what parseTimestamp does.
  ["2026-02-29T00:00:00.000Z", null],
  ["2026-02-30T10:00:00.000Z", null],
  ["2026-03-01T23:59:60.000Z", null],
  ["1970-01-01T00:00:00.000Z", "1970-01-01T00:00:00.000Z"],
];

Deno.test("parseTimestamp: RFC 3339 to fixed-width UTC milliseconds", () => {
  for (const [input, want] of cases) assert.equal(parseTimestamp(input), want, input);
});

Deno.test("normalizeTimestamp: the same answers, a RangeError naming the field instead of null", () => {
  for (const [input, want] of cases) {
    if (want === null) {
      assert.throws(() => normalizeTimestamp(input, "created_at"), RangeError, input);
      assert.throws(() => normalizeTimestamp(input, "created_at"), /created_at/);
    } else assert.equal(normalizeTimestamp(input, "created_at"), want, input);
  }
});

/** The reference isStoredForm must agree with: the pattern, and a Date that prints the same text. */
function roundTrips(text: string): boolean {
  if (!storedTimestampPattern.test(text)) return false;
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === text;
}

Deno.test("isStoredForm: agrees with a Date round trip on every day boundary and field limit", () => {
  const texts: string[] = [];
  for (const year of ["0000", "1900", "1999", "2000", "2023", "2024", "2100", "9999"]) {
    for (let month = 0; month <= 13; month++) {
      for (const day of [0, 1, 28, 29, 30, 31, 32]) {
        const date = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
        texts.push(`${date}T00:00:00.000Z`, `${date}T23:59:59.999Z`);
      }
    }
  }
  for (const time of ["24:00:00.000", "23:60:00.000", "23:59:60.000", "99:99:99.999"]) {
    texts.push(`2026-03-01T${time}Z`);
  }
  texts.push(
    "2026-03-01T10:00:00.000z",
    "2026-03-01 10:00:00.000Z",
    "2026-03-01T10:00:00.00Z",
    "2026-03-01T10:00:00.0000Z",
    "2026-03-01T10:00:00Z",
    "+02026-03-01T10:00:00.000Z",
    "2026-03-01T10:00:00.000+00:00",
    "2026-0a-01T10:00:00.000Z",
    "２026-03-01T10:00:00.000Z",
    "",
  );
  for (const text of texts) assert.equal(isStoredForm(text), roundTrips(text), text);
  assert.ok(texts.filter(isStoredForm).length > 100, "the valid cases are there too");
});

Deno.test("normalizeTimestamp: the stored form is kept as it is, other forms converted, a bad one named", () => {
  assert.equal(normalizeTimestamp("2024-02-29T12:00:00.000Z", "t"), "2024-02-29T12:00:00.000Z");
  assert.equal(normalizeTimestamp("2024-02-29T13:00:00+01:00", "t"), "2024-02-29T12:00:00.000Z");
  assert.throws(() => normalizeTimestamp("2023-02-29T12:00:00.000Z", "timestamp"), /timestamp/);
});

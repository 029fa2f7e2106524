import assert from "node:assert/strict";
import { parseTimestamp } from "../../src/store/mod.ts";
import { normalizeTimestamp } from "../../src/store/timestamps.ts";

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

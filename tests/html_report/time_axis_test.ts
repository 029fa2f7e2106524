import assert from "node:assert/strict";
import {
  bucketFor,
  bucketStart,
  maxSlots,
  slotLabel,
  slotName,
  slotTick,
  type TimeBucket,
  timeSlots,
} from "../../src/html_report/mod.ts";

Deno.test("time axis: the bucket follows the period's length", () => {
  const cases: [from: string, to: string, want: TimeBucket][] = [
    ["2026-11-01T00:00:00.000Z", "2026-11-01T00:00:00.000Z", "hour"],
    ["2026-11-01T00:00:00.000Z", "2026-11-02T23:59:59.999Z", "hour"],
    ["2026-11-01T00:00:00.000Z", "2026-11-03T00:00:00.000Z", "hour"],
    ["2026-11-01T00:00:00.000Z", "2026-11-03T00:00:00.001Z", "day"],
    ["2026-11-01T00:00:00.000Z", "2026-11-30T23:59:59.999Z", "day"],
    ["2026-01-01T00:00:00.000Z", "2026-05-01T00:00:00.000Z", "day"],
    ["2026-01-01T00:00:00.000Z", "2026-05-02T00:00:00.000Z", "week"],
    ["2025-12-01T00:00:00.000Z", "2026-11-30T23:59:59.999Z", "week"],
    // Backwards or unreadable: by day (the caller refuses a reversed range earlier).
    ["2026-11-02T00:00:00.000Z", "2026-11-01T00:00:00.000Z", "day"],
  ];
  for (const [from, to, want] of cases) assert.equal(bucketFor(from, to), want, `${from} ${to}`);
});

Deno.test("time axis: bucket starts as the stores write them, weeks from Monday", () => {
  const cases: [at: string, bucket: TimeBucket, want: string][] = [
    ["2026-11-04T13:45:10.123Z", "hour", "2026-11-04T13:00:00.000Z"],
    ["2026-11-04T13:45:10.123Z", "day", "2026-11-04T00:00:00.000Z"],
    ["2026-11-04T13:45:10.123Z", "week", "2026-11-02T00:00:00.000Z"], // a Wednesday
    ["2026-11-02T00:00:00.000Z", "week", "2026-11-02T00:00:00.000Z"], // a Monday
    ["2026-11-08T23:59:59.999Z", "week", "2026-11-02T00:00:00.000Z"], // a Sunday
    ["2026-01-01T05:00:00.000Z", "week", "2025-12-29T00:00:00.000Z"], // across a year
  ];
  for (const [at, bucket, want] of cases) assert.equal(bucketStart(at, bucket), want, at);
  assert.throws(() => bucketStart("yesterday", "day"), /not a timestamp: "yesterday"/);
});

Deno.test("time axis: every slot of the period, traffic or not", () => {
  const cases: [name: string, from: string, to: string, bucket: TimeBucket, want: string[]][] = [
    [
      "days with a gap in the middle are all there",
      "2026-11-01T10:00:00.000Z",
      "2026-11-04T01:00:00.000Z",
      "day",
      ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"].map((d) => `${d}T00:00:00.000Z`),
    ],
    [
      "hours of a short period, across midnight",
      "2026-11-01T22:30:00.000Z",
      "2026-11-02T01:00:00.000Z",
      "hour",
      ["2026-11-01T22", "2026-11-01T23", "2026-11-02T00", "2026-11-02T01"].map((h) =>
        `${h}:00:00.000Z`
      ),
    ],
    [
      "weeks from the Monday of the first",
      "2026-11-04T00:00:00.000Z",
      "2026-11-20T00:00:00.000Z",
      "week",
      ["2026-11-02", "2026-11-09", "2026-11-16"].map((d) => `${d}T00:00:00.000Z`),
    ],
    [
      "a reversed period has none",
      "2026-11-04T00:00:00.000Z",
      "2026-11-01T00:00:00.000Z",
      "day",
      [],
    ],
  ];
  for (const [name, from, to, bucket, want] of cases) {
    assert.deepStrictEqual(timeSlots(from, to, bucket), want, name);
  }
  // A year by week: 53 slots (52 weeks and the part weeks at both ends), a week apart.
  const year = timeSlots("2025-12-01T00:00:00.000Z", "2026-11-30T23:59:59.999Z", "week");
  assert.equal(year.length, 53);
  assert.equal(year[0], "2025-12-01T00:00:00.000Z");
  assert.equal(year.at(-1), "2026-11-30T00:00:00.000Z");
  // Bounded: a century by hour keeps the most recent slots only.
  const bounded = timeSlots("1926-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "hour");
  assert.equal(bounded.length, maxSlots);
  assert.equal(bounded.at(-1), "2026-01-01T00:00:00.000Z");
});

Deno.test("time axis: how rows and ticks name a slot", () => {
  const slot = "2026-11-04T13:00:00.000Z";
  const cases: [TimeBucket, string, string, string][] = [
    ["hour", "2026-11-04 13:00", "11-04 13h", "hour (UTC)"],
    ["day", "2026-11-04", "11-04", "day (UTC)"],
    ["week", "2026-11-04", "2026-11-04", "week (UTC, from Monday)"],
  ];
  for (const [bucket, name, tick, label] of cases) {
    assert.deepStrictEqual(
      [slotName(slot, bucket), slotTick(slot, bucket), slotLabel(bucket)],
      [name, tick, label],
    );
  }
});

import assert from "node:assert/strict";
import { planRanges } from "../../src/store/sqlite_analytics.ts";
import { planTiers } from "../../src/store/analytics_merge.ts";

Deno.test("planRanges: whole periods from rollups, partial ones from the traces", () => {
  const cases: [string, string | undefined, string | undefined, "hour" | "day", unknown][] = [
    ["no bounds: rollups only", undefined, undefined, "hour", { rollup: {}, raw: [] }],
    ["aligned hours", "2026-03-02T10:00:00.000Z", "2026-03-02T11:59:59.999Z", "hour", {
      rollup: { from: "2026-03-02T10:00:00.000Z", before: "2026-03-02T12:00:00.000Z" },
      raw: [],
    }],
    ["cut at both ends", "2026-03-02T10:15:00.000Z", "2026-03-02T13:30:00.000Z", "hour", {
      rollup: { from: "2026-03-02T11:00:00.000Z", before: "2026-03-02T13:00:00.000Z" },
      raw: [
        { from: "2026-03-02T10:15:00.000Z", before: "2026-03-02T11:00:00.000Z" },
        { from: "2026-03-02T13:00:00.000Z", before: "2026-03-02T13:30:00.001Z" },
      ],
    }],
    [
      "inside one hour: traces only",
      "2026-03-02T10:15:00.000Z",
      "2026-03-02T10:45:00.000Z",
      "hour",
      {
        rollup: null,
        raw: [{ from: "2026-03-02T10:15:00.000Z", before: "2026-03-02T10:45:00.001Z" }],
      },
    ],
    ["open start, cut end, by day", undefined, "2026-03-05T06:00:00.000Z", "day", {
      rollup: { before: "2026-03-05T00:00:00.000Z" },
      raw: [{ from: "2026-03-05T00:00:00.000Z", before: "2026-03-05T06:00:00.001Z" }],
    }],
    ["whole days (a date-only to)", "2026-03-02T00:00:00.000Z", "2026-03-04T23:59:59.999Z", "day", {
      rollup: { from: "2026-03-02T00:00:00.000Z", before: "2026-03-05T00:00:00.000Z" },
      raw: [],
    }],
  ];
  for (const [name, from, to, period, want] of cases) {
    assert.deepStrictEqual(planRanges(from, to, period), want, name);
  }
});

Deno.test("planTiers: whole days from the daily table, edge hours hourly, partial hours raw", () => {
  const cases: [string, string | undefined, string | undefined, unknown][] = [
    ["no bounds: the daily table only", undefined, undefined, { day: {}, hour: [], raw: [] }],
    ["whole days", "2026-03-02T00:00:00.000Z", "2026-03-04T23:59:59.999Z", {
      day: { from: "2026-03-02T00:00:00.000Z", before: "2026-03-05T00:00:00.000Z" },
      hour: [],
      raw: [],
    }],
    ["cut days and hours at both ends", "2026-03-02T10:15:00.000Z", "2026-03-05T06:30:00.000Z", {
      day: { from: "2026-03-03T00:00:00.000Z", before: "2026-03-05T00:00:00.000Z" },
      hour: [
        { from: "2026-03-02T11:00:00.000Z", before: "2026-03-03T00:00:00.000Z" },
        { from: "2026-03-05T00:00:00.000Z", before: "2026-03-05T06:00:00.000Z" },
      ],
      raw: [
        { from: "2026-03-02T10:15:00.000Z", before: "2026-03-02T11:00:00.000Z" },
        { from: "2026-03-05T06:00:00.000Z", before: "2026-03-05T06:30:00.001Z" },
      ],
    }],
    [
      "inside one day: hours, then the traces",
      "2026-03-02T10:15:00.000Z",
      "2026-03-02T13:30:00.000Z",
      {
        day: null,
        hour: [{ from: "2026-03-02T11:00:00.000Z", before: "2026-03-02T13:00:00.000Z" }],
        raw: [
          { from: "2026-03-02T10:15:00.000Z", before: "2026-03-02T11:00:00.000Z" },
          { from: "2026-03-02T13:00:00.000Z", before: "2026-03-02T13:30:00.001Z" },
        ],
      },
    ],
    ["an open start, whole hours to the end", undefined, "2026-03-05T05:59:59.999Z", {
      day: { before: "2026-03-05T00:00:00.000Z" },
      hour: [{ from: "2026-03-05T00:00:00.000Z", before: "2026-03-05T06:00:00.000Z" }],
      raw: [],
    }],
  ];
  for (const [name, from, to, want] of cases) {
    assert.deepStrictEqual(planTiers(from, to), want, name);
  }
});

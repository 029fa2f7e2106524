import assert from "node:assert/strict";
import { planRanges } from "../../src/store/sqlite_analytics.ts";

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

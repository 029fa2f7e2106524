import assert from "node:assert/strict";
import { planRanges } from "../../src/store/sqlite_analytics.ts";
import { planSources, planTiers, type SourcePlan } from "../../src/store/analytics_merge.ts";
import type { AnalyticsQuery } from "../../src/store/analytics_types.ts";

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

Deno.test("planSources: the tier each store reads, keyed queries on their own route", () => {
  const from = "2026-03-02T10:15:00.000Z";
  const to = "2026-03-05T06:30:00.000Z";
  const whole = [{ from, before: "2026-03-05T06:30:00.001Z" }];
  const key = "a".repeat(64);
  const tiers = planTiers(from, to);
  const tiered = {
    rollups: [
      { tier: "day", range: tiers.day },
      ...tiers.hour.map((range) => ({ tier: "hour", range })),
    ],
    raw: tiers.raw,
  };
  const hours = planRanges(from, to, "hour");
  const days = planRanges(from, to, "day");
  const cases: [string, AnalyticsQuery, boolean, SourcePlan | typeof tiered][] = [
    ["by day: daily, edge hours, partial hours", { from, to, bucket: "day" }, true, tiered],
    ["no bucket: the same tiers", { from, to, group_by: "model" }, true, tiered],
    ["by hour: hourly and the traces", { from, to, bucket: "hour" }, true, {
      rollups: [{ tier: "hour", range: hours.rollup! }],
      raw: hours.raw,
    }],
    ["a key filter: the daily keys table", { from, to, api_key_hash: key }, true, {
      rollups: [{ tier: "keys", range: days.rollup! }],
      raw: days.raw,
    }],
    [
      "the keys view by hour: the traces",
      { from, to, group_by: "api_key_hash", bucket: "hour" },
      true,
      {
        rollups: [],
        raw: whole,
      },
    ],
    [
      "a key filter by developer: the traces",
      { from, to, api_key_hash: key, group_by: "developer" },
      true,
      {
        rollups: [],
        raw: whole,
      },
    ],
    [
      "a key filter without a keys table (cost lines): the traces",
      { from, to, api_key_hash: key },
      false,
      {
        rollups: [],
        raw: whole,
      },
    ],
    ["cost lines without a key: the tiers", { from, to }, false, tiered],
  ];
  for (const [name, q, keys, want] of cases) {
    assert.deepStrictEqual(planSources(q, keys), want, name);
  }
});

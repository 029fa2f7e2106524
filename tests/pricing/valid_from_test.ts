import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { configSchema, validFromMs } from "../../src/config/mod.ts";
import type { PriceTable } from "../../src/config/mod.ts";
import { createCostEstimator, createPricer } from "../../src/pricing/mod.ts";
import type { UsageReport } from "../../src/providers/mod.ts";
import { usage } from "../providers/replay.ts";
import { tokenPricesOf } from "./token_prices.ts";

const at = (iso: string) => Date.parse(iso);

const change: PriceTable = {
  "acme-large": [
    { input: 2, output: 8 },
    { input: 1, output: 4, valid_from: "2026-12-01" },
    { input: 0.5, output: 2, valid_from: "2027-01-01T12:00:00+01:00" },
  ],
};

const cases: [string, string, number | null][] = [
  ["long before the change: the first row", "2025-01-01T00:00:00Z", 2],
  ["the last instant before the change", "2026-11-30T23:59:59.999Z", 2],
  ["a date starts at 00:00 UTC", "2026-12-01T00:00:00Z", 1],
  ["between the changes", "2026-12-31T23:00:00Z", 1],
  ["a time keeps its offset: 12:00+01:00 is 11:00 UTC", "2027-01-01T11:00:00Z", 0.5],
  ["one ms before 12:00+01:00", "2027-01-01T10:59:59.999Z", 1],
];

for (const [name, when, input] of cases) {
  Deno.test(`valid_from: ${name}`, () => {
    const priceOf = createPricer({ kind: "openai-compatible", prices: change });
    strictEqual(priceOf("acme-large", at(when))?.input ?? null, input);
  });
}

Deno.test("valid_from: the built-in gpt-5.6-terra cut of 2026-07-30 keeps July's traces", () => {
  const priceOf = createPricer({ kind: "openai", prices: {} });
  deepStrictEqual(tokenPricesOf(priceOf("gpt-5.6-terra", at("2026-07-29T23:59:59Z"))), {
    input: 2.5,
    cached_input: 0.25,
    cache_write: 3.125,
    output: 15,
  });
  deepStrictEqual(tokenPricesOf(priceOf("gpt-5.6-terra-2026-07-09", at("2026-07-30T00:00:00Z"))), {
    input: 2,
    cached_input: 0.2,
    cache_write: 2.5,
    output: 12,
  });
});

Deno.test("valid_from: a config row from a future date leaves the price before it to the table", () => {
  const priceOf = createPricer({
    kind: "openai",
    prices: { "gpt-4o-mini": { input: 0.1, output: 0.4, valid_from: "2027-02-01" } },
  });
  strictEqual(priceOf("gpt-4o-mini", at("2027-01-31T23:59:59Z"))?.input, 0.15);
  strictEqual(priceOf("gpt-4o-mini", at("2027-02-01T00:00:00Z"))?.input, 0.1);
});

Deno.test("valid_from: before a model's only row it is unpriced, not priced at zero", () => {
  const cost = createCostEstimator({
    kind: "openai-compatible",
    prices: { "acme-new": { input: 1, output: 1, valid_from: "2026-12-01" } },
  });
  const report: UsageReport = {
    model: "acme-new",
    usage: usage(1000, 1000),
    status: "exact",
    parseErrors: 0,
  };
  deepStrictEqual(cost("acme-new", report, at("2026-11-30T00:00:00Z")), {
    estimated_cost_usd: null,
    cost_status: "unpriced",
    cost_breakdown: null,
  });
  const after = cost("acme-new", report, at("2026-12-02T00:00:00Z"));
  deepStrictEqual([after.estimated_cost_usd, after.cost_status], [0.002, "priced"]);
  deepStrictEqual(after.cost_breakdown?.price_row.valid_from, "2026-12-01T00:00:00.000Z");
});

Deno.test("valid_from: the cost of one usage across a change", () => {
  const cost = createCostEstimator({ kind: "openai-compatible", prices: change });
  const report: UsageReport = {
    model: "acme-large",
    usage: usage(1_000_000, 1_000_000),
    status: "exact",
    parseErrors: 0,
  };
  strictEqual(cost("acme-large", report, at("2026-11-15T00:00:00Z")).estimated_cost_usd, 10);
  strictEqual(cost("acme-large", report, at("2026-12-15T00:00:00Z")).estimated_cost_usd, 5);
});

Deno.test("valid_from: dates that are not days, and repeated starts, are config errors", () => {
  const table: [unknown, RegExp | null][] = [
    [{ input: 1, output: 1, valid_from: "2026-12-01" }, null],
    [{ input: 1, output: 1, valid_from: "2026-12-01T08:30:00Z" }, null],
    [{ input: 1, output: 1, valid_from: "2026-02-30" }, /must be a date/],
    [{ input: 1, output: 1, valid_from: "1 Dec 2026" }, /must be a date/],
    [{ input: 1, output: 1, valid_from: "2026-12-01T08:30:00" }, /must be a date/],
    [[{ input: 1, output: 1 }, { input: 2, output: 2 }], /two rows with valid_from \(unset\)/],
    [[
      { input: 1, output: 1, valid_from: "2026-12-01" },
      { input: 2, output: 2, valid_from: "2026-12-01" },
    ], /two rows with valid_from 2026-12-01/],
    [[], /./],
  ];
  for (const [entry, error] of table) {
    const parsed = configSchema.safeParse({
      providers: { acme: { upstream: "https://api.acme.test", prices: { m: entry } } },
    });
    if (error === null) ok(parsed.success, JSON.stringify(entry));
    else {
      ok(!parsed.success, JSON.stringify(entry));
      ok(error.test(parsed.error.message), parsed.error.message);
    }
  }
  ok(Number.isNaN(validFromMs("2026-13-01")));
  strictEqual(validFromMs("2026-12-01"), at("2026-12-01T00:00:00Z"));
});

Deno.test("prices: config prices above 10,000 USD per million tokens are refused with the unit", () => {
  const table: [unknown, RegExp | null][] = [
    [{ input: 10_000, output: 600 }, null],
    [
      { input: 10_000.01, output: 1 },
      /must be at most 10000 \(got 10000\.01\): prices are USD per million/,
    ],
    [{ input: 1, output: 1, cached_input: 1e303 }, /must be at most 10000/],
    [{ input: 1, output: Infinity }, /./],
  ];
  for (const [entry, error] of table) {
    const parsed = configSchema.safeParse({
      providers: { acme: { upstream: "https://api.acme.test", prices: { m: entry } } },
    });
    if (error === null) ok(parsed.success, JSON.stringify(entry));
    else {
      ok(!parsed.success, JSON.stringify(entry));
      ok(error.test(parsed.error.message), parsed.error.message);
    }
  }
});

// Review L1: a time part let impossible dates through (2026-02-30T00:00:00Z was March 2, hour 24
// the next day), and duplicates were compared as text.
Deno.test("validFromMs: impossible dates and times are refused, with or without a time", () => {
  const table: [string, string | null][] = [
    ["2026-02-30T00:00:00Z", null],
    ["2026-02-31T10:00Z", null],
    ["2026-02-29", null],
    ["2028-02-29T12:00:00Z", "2028-02-29T12:00:00.000Z"],
    ["2026-04-31T00:00:00+02:00", null],
    ["2026-01-01T24:00:00Z", null],
    ["2026-01-01T23:60:00Z", null],
    ["2026-01-01T00:00:60Z", null],
    ["2026-13-01T00:00Z", null],
    ["2026-00-10", null],
    ["2026-01-00", null],
    ["2026-01-01T00:00:00+24:00", null],
    ["2026-01-01T00:00:00+05:60", null],
    ["2026-12-31T23:59:59.999Z", "2026-12-31T23:59:59.999Z"],
    ["2026-03-01T00:30:00+01:00", "2026-02-28T23:30:00.000Z"],
    ["0000-02-29", "0000-02-29T00:00:00.000Z"],
    ["1900-02-29", null],
    ["2026-12-01", "2026-12-01T00:00:00.000Z"],
  ];
  for (const [value, expected] of table) {
    const ms = validFromMs(value);
    strictEqual(Number.isNaN(ms) ? null : new Date(ms).toISOString(), expected, value);
  }
});

Deno.test("valid_from: two rows starting at the same instant are refused however written", () => {
  const rows = (...starts: string[]) =>
    starts.map((valid_from, i) => ({ input: i + 1, output: i + 1, valid_from }));
  const table: [unknown, RegExp | null][] = [
    [
      rows("2026-12-01", "2026-12-01T00:00:00Z"),
      /2026-12-01 and 2026-12-01T00:00:00Z \(the same instant\)/,
    ],
    [rows("2026-12-01T01:00:00+01:00", "2026-12-01"), /the same instant/],
    [rows("2026-12-01", "2026-12-01T00:00:00.001Z"), null],
    [rows("2026-12-01T00:00Z", "2026-12-01T00:00Z"), /two rows with valid_from 2026-12-01T00:00Z;/],
  ];
  for (const [entry, error] of table) {
    const parsed = configSchema.safeParse({
      providers: { acme: { upstream: "https://api.acme.test", prices: { m: entry } } },
    });
    if (error === null) ok(parsed.success, JSON.stringify(entry));
    else {
      ok(!parsed.success, JSON.stringify(entry));
      ok(error.test(parsed.error.message), parsed.error.message);
    }
  }
});

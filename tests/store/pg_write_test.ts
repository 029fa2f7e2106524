/**
 * The PostgreSQL batch's encoding (pg_write.ts), without a server: one array literal per column,
 * the first trace of each id, and the rollup rows computed from the values as stored.
 */
import assert from "node:assert/strict";
import { arrayLiteral, encodeBatch, rollupParams } from "../../src/store/pg_write.ts";
import { traceColumns } from "../../src/store/trace_columns.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const literalCases: { name: string; values: (string | number | null)[]; literal: string }[] = [
  { name: "no rows", values: [], literal: "{}" },
  { name: "null, not the text NULL", values: [null, "NULL"], literal: '{NULL,"NULL"}' },
  { name: "numbers as they print", values: [0, -3, 1.5, 1e-7], literal: "{0,-3,1.5,1e-7}" },
  { name: "empty text", values: [""], literal: '{""}' },
  {
    name: "quote and backslash escaped",
    values: ['say "hi"', "C:\\dir\\"],
    literal: '{"say \\"hi\\"","C:\\\\dir\\\\"}',
  },
  {
    name: "braces, commas, blanks and line breaks kept inside quotes",
    values: ["{a, b}", "  x\n\ty  ", "é😀"],
    literal: '{"{a, b}","  x\n\ty  ","é😀"}',
  },
];

for (const c of literalCases) {
  Deno.test(`arrayLiteral: ${c.name}`, () => {
    assert.equal(arrayLiteral(c.values.map((v) => [v]), 0), c.literal);
  });
}

Deno.test("encodeBatch keeps the first trace of an id and leaves out the ids already stored", () => {
  const a = makeTrace({ id: "a", model: "first" });
  const b = makeTrace({ id: "b" });
  const c = makeTrace({ id: "c" });
  const batch = encodeBatch([a, b, makeTrace({ id: "a", model: "second" }), c], new Set(["b"]));
  assert.deepStrictEqual(batch.traces.map((t) => [t.id, t.model]), [["a", "first"], [
    "c",
    c.model,
  ]]);
  assert.equal(batch.columns.length, traceColumns.length);
  const id = traceColumns.findIndex(([n]) => n === "id");
  assert.equal(batch.columns[id], '{"a","c"}');
});

Deno.test("encodeBatch fails on a trace that cannot be stored, also one that would be skipped", () => {
  const bad = makeTrace({ id: "x", latency_ms: Number.NaN });
  assert.throws(() => encodeBatch([makeTrace(), bad]), /latency_ms is not a finite number/);
  assert.throws(() => encodeBatch([bad], new Set(["x"])), /latency_ms is not a finite number/);
});

Deno.test("rollup rows are computed from the values as stored (U+0000, timestamp form)", () => {
  const trace = makeTrace({
    org_id: "o\u0000rg",
    model: "m\u0000",
    provider: "p\uDC00",
    timestamp: "2026-03-01T11:30:00+01:00",
  });
  const batch = encodeBatch([trace]);
  assert.equal(batch.traces[0]?.org_id, "o\uFFFDrg");
  assert.equal(batch.traces[0]?.timestamp, "2026-03-01T10:30:00.000Z");
  const [hourly, keys, daily] = rollupParams(batch.traces).map((p) => JSON.parse(p));
  assert.equal(hourly.length, 1);
  assert.equal(hourly[0].org_id, "o\uFFFDrg");
  assert.equal(hourly[0].model, "m\uFFFD");
  assert.equal(hourly[0].provider, "p\uFFFD", "a lone surrogate as the driver sends it");
  assert.equal(hourly[0].period, "2026-03-01T10:00:00.000Z");
  assert.deepStrictEqual(Object.values(hourly[0].latency_hist), [1]);
  assert.equal(keys[0].period, "2026-03-01T00:00:00.000Z");
  assert.equal(keys[0].request_path, "", "the keys table keeps no path");
  assert.equal(daily[0].period, "2026-03-01T00:00:00.000Z");
  assert.equal(daily[0].org_id, "o\uFFFDrg");
  assert.equal(daily[0].request_path, hourly[0].request_path, "the daily table keeps the path");
});

Deno.test("an unchanged trace is not copied for its rollups", () => {
  const trace = makeTrace();
  assert.equal(encodeBatch([trace]).traces[0], trace);
});

import assert from "node:assert/strict";
import {
  csvCell,
  csvField,
  csvHeader,
  csvRecord,
  exportColumns,
  exportFilename,
  ndjsonLine,
} from "../../src/api/mod.ts";
import { traceColumns } from "../../src/store/mod.ts";
import type { Trace } from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { parseCsv } from "./csv_parse.ts";
import { routedAttempts } from "../store/conformance_attempts.ts";
import { traceFromCsv } from "./export_decode.ts";

Deno.test("csvField quotes exactly the fields RFC 4180 requires", () => {
  const cases: [string, string | null, string][] = [
    ["null is an empty cell", null, ""],
    ["an empty string is a quoted empty cell", "", '""'],
    ["plain text as is", "gpt-4o-mini", "gpt-4o-mini"],
    ["spaces as is", " a b ", " a b "],
    ["a comma", "a,b", '"a,b"'],
    ["a quote, doubled", 'say "hi"', '"say ""hi"""'],
    ["only a quote", '"', '""""'],
    ["LF", "a\nb", '"a\nb"'],
    ["CR", "a\rb", '"a\rb"'],
    ["CRLF", "a\r\nb", '"a\r\nb"'],
    ["non-ASCII as is", "héllo 👋", "héllo 👋"],
    ["a formula prefix is data, kept as is", "=1+1", "=1+1"],
  ];
  for (const [name, input, want] of cases) assert.equal(csvField(input), want, name);
});

Deno.test("csvCell spells each kind of value", () => {
  const cases: [string, unknown, string | null][] = [
    ["null", null, null],
    ["undefined", undefined, null],
    ["true", true, "true"],
    ["false", false, "false"],
    ["zero", 0, "0"],
    ["integer", 2_000_000, "2000000"],
    ["small float, round-trip digits", 0.000123456789, "0.000123456789"],
    ["tiny float, exponent as JSON", 1e-7, "1e-7"],
    ["text", "exact", "exact"],
    ["headers as JSON", { "X-Multi": ["a", "b"] }, '{"X-Multi":["a","b"]}'],
    ["empty metadata as JSON", {}, "{}"],
  ];
  for (const [name, input, want] of cases) assert.equal(csvCell(input), want, name);
});

Deno.test("CSV columns are the store's columns, every Trace field, in traceColumns order", () => {
  assert.deepStrictEqual(exportColumns, traceColumns.map(([name]) => name));
  assert.equal(csvHeader(), `${exportColumns.join(",")}\r\n`);
  assert.deepStrictEqual(Object.keys(makeTrace()).sort(), [...exportColumns].sort());
});

const awkward = (): Trace =>
  makeTrace({
    trace_group_id: null,
    model: 'gpt-4o "mini", v2',
    request_headers: { "Content-Type": ["application/json"], "X-Multi": ["a,b", 'c"d'] },
    request_body: '{"messages":[{"role":"user","content":"line 1\r\nline 2, \\"quoted\\""}]}',
    response_body: "",
    input_tokens: null,
    estimated_cost_usd: 0.000123456789,
    streaming: true,
    error_code: "client_aborted",
    route: "gpt-main",
    attempt_count: 3,
    attempts: routedAttempts(),
    metadata: { nested: [1, "two", null, { three: true }], note: "a\nb" },
  });

Deno.test("csvRecord round-trips awkward traces through an RFC 4180 reader", () => {
  const traces = [awkward(), makeTrace(), makeTrace({ request_body: "", response_body: null })];
  const text = csvHeader() + traces.map(csvRecord).join("");
  const [header, ...rows] = parseCsv(text);
  assert.deepStrictEqual(header, exportColumns);
  assert.equal(rows.length, traces.length);
  rows.forEach((row, i) => assert.deepStrictEqual(traceFromCsv(header!, row), traces[i]));
});

Deno.test("ndjsonLine is one line of the whole trace, in column order", () => {
  const trace = awkward();
  const line = ndjsonLine(trace);
  assert.ok(line.endsWith("\n"));
  assert.ok(!line.slice(0, -1).includes("\n"), "newlines in values are escaped");
  const parsed = JSON.parse(line);
  assert.deepStrictEqual(parsed, trace);
  assert.deepStrictEqual(Object.keys(parsed), exportColumns);
  // Field order does not depend on how the object was built.
  const reversed = Object.fromEntries(Object.entries(trace).reverse()) as unknown as Trace;
  assert.equal(ndjsonLine(reversed), line);
});

Deno.test("exportFilename is a UTC timestamp without colons", () => {
  const cases: [number, "csv" | "ndjson", string][] = [
    [Date.UTC(2026, 2, 1, 10, 4, 5, 678), "csv", "traces-20260301T100405Z.csv"],
    [Date.UTC(2026, 11, 31, 23, 59, 59), "ndjson", "traces-20261231T235959Z.ndjson"],
  ];
  for (const [now, format, want] of cases) assert.equal(exportFilename(format, now), want);
});

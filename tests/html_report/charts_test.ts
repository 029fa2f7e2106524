import assert from "node:assert/strict";
import {
  type Chart,
  escapeHtml,
  formatValue,
  renderChart,
  renderHtmlReport,
  tickStep,
} from "../../src/html_report/mod.ts";

const chart: Chart = {
  id: "cost",
  title: "Cost <per> day",
  unit: "USD",
  categoryLabel: "day (UTC)",
  categories: ["2026-11-01", "2026-11-02", "2026-11-03"],
  series: [
    { name: "anthropic", values: [0.5, null, null] },
    { name: "openai", values: [0.25, 0.1, 0] },
  ],
};

Deno.test("charts: formats, ticks and escaping", () => {
  const table: [number | null, string, string][] = [
    [0.0025026, "USD", "$0.002503"],
    [null, "USD", "unknown"],
    [123456, "tokens", "123,456"],
    [0.125, "%", "12.50%"],
  ];
  for (const [v, unit, want] of table) assert.equal(formatValue(v, unit), want);
  assert.deepStrictEqual([0.3, 7, 1000, 0].map(tickStep), [0.1, 2, 200, 1]);
  assert.equal(escapeHtml(`<a href="x">&'`), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
});

Deno.test("charts: a bar per known value, the table with exact values, unknown never zero", () => {
  const html = renderChart(chart);
  assert.match(html, /<h2 id="cost-title">Cost &lt;per&gt; day<\/h2>/);
  // Three known positive values: three bars (zero and unknown draw none).
  assert.equal([...html.matchAll(/<rect class="bar"/g)].length, 3);
  const rows = [...html.matchAll(/<tr><th scope="row">([^<]*)<\/th>(.*?)<\/tr>/g)].map((m) => [
    m[1],
    [...m[2]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]),
  ]);
  assert.deepStrictEqual(rows, [
    ["2026-11-01", ["$0.500000", "$0.250000", "$0.750000"]],
    // A part unknown: the total is a lower bound, or unknown when nothing else is known.
    ["2026-11-02", ["unknown", "$0.100000", "&gt;=$0.100000"]],
    ["2026-11-03", ["unknown", "$0.000000", "unknown"]],
  ]);
  assert.match(renderChart({ ...chart, categories: [] }), /No data in this period/);
});

Deno.test("page: one self-contained document that forbids every request", () => {
  const html = renderHtmlReport({
    title: "t",
    subtitle: "s",
    generatedAt: "2026-12-07T00:00:00.000Z",
    madeWith: [["--model", "gpt-<4o>"]],
    summary: [["Requests", "3"]],
    charts: [chart],
    notes: ["n"],
  });
  assert.match(html, /Content-Security-Policy" content="default-src 'none';/);
  assert.doesNotMatch(html, /<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  assert.match(html, /prefers-color-scheme: dark/);
  assert.match(html, /@media print/);
  assert.match(html, /<dt>--model<\/dt><dd>gpt-&lt;4o&gt;<\/dd>/);
});

Deno.test("charts: lines for figures that do not add up, broken at null, no total", () => {
  const html = renderChart({
    id: "lat",
    title: "Latency",
    unit: "ms",
    categoryLabel: "day (UTC)",
    categories: ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"],
    ticks: ["11-01", "11-02", "11-03", "11-04", "11-05"],
    series: [
      { name: "p50", values: [100, 120, null, 90, 95] },
      { name: "p99", values: [400, null, null, 300, null] },
    ],
    line: true,
    nullText: "no requests",
    columns: [{ name: "requests", values: [3, 1, null, 2, 1] }],
  });
  // p50: two runs of two (before and after the gap); p99: two lone points, a dot and no line.
  assert.equal([...html.matchAll(/<polyline/g)].length, 2);
  assert.equal([...html.matchAll(/<circle class="dot"/g)].length, 6);
  assert.equal([...html.matchAll(/<rect class="bar"/g)].length, 0);
  assert.match(html, />11-02<\/text>/, "the tick's short label");
  assert.match(html, /<th scope="col">requests<\/th><\/tr>/, "no total column, the extra last");
  assert.match(
    html,
    /<th scope="row">2026-11-03<\/th><td data-value="null">no requests<\/td><td data-value="null">no requests<\/td><td data-value="null">no requests<\/td><\/tr>/,
  );
});

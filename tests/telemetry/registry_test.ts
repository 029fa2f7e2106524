import assert from "node:assert/strict";
import {
  credentialRedacted,
  escapeHelp,
  escapeLabelValue,
  formatValue,
  MetricsRegistry,
  prometheusContentType,
  renderPrometheus,
} from "../../src/telemetry/mod.ts";

const overflowHeader = [
  "# HELP ongoingai_telemetry_series_overflow_total Recordings folded into the `other` series " +
  "because an instrument had too many label sets.",
  "# TYPE ongoingai_telemetry_series_overflow_total counter",
];

function render(r: MetricsRegistry): string {
  return renderPrometheus(r.collect());
}

Deno.test("prometheus: content type is the 0.0.4 text format", () => {
  assert.equal(prometheusContentType, "text/plain; version=0.0.4; charset=utf-8");
});

Deno.test("prometheus: escaping and number formatting", () => {
  const table: [string, string, string][] = [
    ["label: backslash", "a\\b", "a\\\\b"],
    ["label: quote", 'say "hi"', 'say \\"hi\\"'],
    ["label: newline", "a\nb", "a\\nb"],
    ["label: unicode kept", "modèle-日本", "modèle-日本"],
  ];
  for (const [name, input, want] of table) assert.equal(escapeLabelValue(input), want, name);
  assert.equal(escapeHelp('a\\b\n"c"'), 'a\\\\b\\n"c"');
  assert.deepEqual(
    [1, 0.25, 1e-7, NaN, Infinity, -Infinity].map(formatValue),
    ["1", "0.25", "1e-7", "NaN", "+Inf", "-Inf"],
  );
});

Deno.test("registry: counters, histograms and observed values render in order", () => {
  const r = new MetricsRegistry();
  const c = r.counter({ name: "t_requests_total", help: "Requests.", labels: ["model", "code"] });
  const h = r.histogram({ name: "t_seconds", help: "Time.", labels: ["model"], buckets: [0.1, 1] });
  r.observe(
    { name: "t_depth", help: "Depth\nnow.", labels: [], type: "gauge" },
    () => [[{}, 7]],
  );
  c.add({ model: "gpt-4o", code: 200 });
  c.add({ model: "gpt-4o", code: 200 }, 2);
  c.add({ model: 'we"ird\n', code: 429 });
  c.add({ model: "gpt-4o", code: 200 }, -1); // ignored: counters only go up
  for (const v of [0.05, 0.1, 0.5, 3]) h.observe({ model: "gpt-4o" }, v);
  assert.equal(
    render(r),
    [
      ...overflowHeader,
      "# HELP t_requests_total Requests.",
      "# TYPE t_requests_total counter",
      't_requests_total{model="gpt-4o",code="200"} 3',
      't_requests_total{model="we\\"ird",code="429"} 1',
      "# HELP t_seconds Time.",
      "# TYPE t_seconds histogram",
      't_seconds_bucket{model="gpt-4o",le="0.1"} 2',
      't_seconds_bucket{model="gpt-4o",le="1"} 3',
      't_seconds_bucket{model="gpt-4o",le="+Inf"} 4',
      't_seconds_sum{model="gpt-4o"} 3.65',
      't_seconds_count{model="gpt-4o"} 4',
      "# HELP t_depth Depth\\nnow.",
      "# TYPE t_depth gauge",
      "t_depth 7",
      "",
    ].join("\n"),
  );
});

Deno.test("registry: label values are scrubbed; empty is unknown", () => {
  const r = new MetricsRegistry();
  const c = r.counter({ name: "t_total", help: "h", labels: ["model"] });
  c.add({ model: "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc" });
  c.add({ model: "" });
  const family = r.collect().find((f) => f.name === "t_total")!;
  assert.deepEqual(
    family.points.map((p) => p.labelValues),
    [[credentialRedacted], ["unknown"]],
  );
});

Deno.test("registry: past the bound new label sets go to `other`, counted", () => {
  const r = new MetricsRegistry({ maxSeriesPerInstrument: 3 });
  const c = r.counter({
    name: "t_total",
    help: "h",
    labels: ["model", "code"],
    keepOnOverflow: ["code"],
  });
  const h = r.histogram({ name: "t_seconds", help: "h", labels: ["model"], buckets: [1] });
  for (let i = 0; i < 10_000; i++) {
    c.add({ model: `hostile-${i}`, code: i % 2 === 0 ? 200 : 500 });
    h.observe({ model: `hostile-${i}` }, 0.5);
  }
  c.add({ model: "hostile-1", code: 500 }); // an existing set is still its own
  const families = new Map(r.collect().map((f) => [f.name, f]));
  const counter = families.get("t_total")!;
  assert.deepEqual(
    counter.points.map((p) => [...p.labelValues, (p as { value: number }).value]),
    [
      ["hostile-0", "200", 1],
      ["hostile-1", "500", 2],
      ["hostile-2", "200", 1],
      ["other", "500", 4999],
      ["other", "200", 4998],
    ],
  );
  const hist = families.get("t_seconds")!;
  assert.equal(hist.points.length, 4);
  assert.equal(hist.type === "histogram" && hist.points.at(-1)!.count, 9997);
  const overflow = families.get("ongoingai_telemetry_series_overflow_total")!;
  assert.deepEqual(
    overflow.points.map((p) => [...p.labelValues, (p as { value: number }).value]),
    [["t_total", 9997], ["t_seconds", 9997]],
  );
});

Deno.test("registry: refuses bad names, repeated names, bad buckets and `le`", () => {
  const r = new MetricsRegistry();
  r.counter({ name: "ok_total", help: "h", labels: [] });
  const bad: [string, () => unknown][] = [
    ["metric name", () => r.counter({ name: "bad-name", help: "h", labels: [] })],
    ["twice", () => r.counter({ name: "ok_total", help: "h", labels: [] })],
    ["label name", () => r.counter({ name: "a_total", help: "h", labels: ["a-b"] })],
    ["reserved label", () => r.counter({ name: "b_total", help: "h", labels: ["__x"] })],
    ["repeated label", () => r.counter({ name: "c_total", help: "h", labels: ["a", "a"] })],
    ["le", () => r.histogram({ name: "d", help: "h", labels: ["le"], buckets: [1] })],
    ["descending", () => r.histogram({ name: "e", help: "h", labels: [], buckets: [2, 1] })],
    ["infinite", () => r.histogram({ name: "f", help: "h", labels: [], buckets: [Infinity] })],
  ];
  for (const [name, f] of bad) assert.throws(f, Error, name);
});

Deno.test("registry: a non-finite observation is ignored, so the histogram's sum stays a number", () => {
  const r = new MetricsRegistry();
  const h = r.histogram({ name: "d_seconds", help: "D.", labels: [], buckets: [1] });
  for (const v of [0.5, Infinity, -Infinity, NaN]) h.observe({}, v);
  const family = r.collect().find((f) => f.name === "d_seconds")!;
  assert.equal(family.type, "histogram");
  const point = family.type === "histogram" ? family.points[0]! : undefined;
  assert.deepEqual([point?.count, point?.sum], [1, 0.5]);
  assert.ok(!JSON.stringify(family).includes("null"));
});

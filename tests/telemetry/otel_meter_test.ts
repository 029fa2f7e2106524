/**
 * The gateway's meter behind `@opentelemetry/api`: instruments made through the API with the
 * gateway's options give the same registry families (so the same Prometheus text and OTLP
 * metrics) as the registry's own instruments did; instruments a config makes without them get
 * Prometheus names, labels from their first recording, scrubbed values and bounded series, and
 * never throw.
 */
import assert from "node:assert/strict";
import { GatewayMeter, prometheusName } from "../../src/telemetry/otel_meter.ts";
import { MetricsRegistry, overflowLabel } from "../../src/telemetry/registry.ts";
import { renderPrometheus } from "../../src/telemetry/prometheus.ts";
import { encodeMetrics } from "../../src/telemetry/otlp_metrics_encode.ts";

const resource = { serviceName: "svc", serviceVersion: "1" };
const times = { startMs: 1_700_000_000_000, nowMs: 1_700_000_001_000 };
const openaiKey = "sk-proj-MeterTestKey0123456789abcdefghijKLMNOPQ";

interface Twin {
  name: string;
  /** The registry's own instrument (the gateway before the API). */
  direct(r: MetricsRegistry): void;
  /** The same through the API meter. */
  api(m: GatewayMeter): void;
}

const twins: Twin[] = [
  {
    name: "a counter with closed labels, kept on overflow",
    direct(r) {
      const c = r.counter({
        name: "req_total",
        help: "Requests.",
        labels: ["model", "status_code"],
        keepOnOverflow: ["status_code"],
      });
      c.add({ model: "a", status_code: 200 });
      c.add({ model: openaiKey, status_code: 500 }, 3);
      c.add({ model: "a", status_code: 200 }, -1);
    },
    api(m) {
      const c = m.createCounter("req_total", {
        description: "Requests.",
        labels: ["model", "status_code"],
        keepOnOverflow: ["status_code"],
      });
      c.add(1, { model: "a", status_code: 200 });
      c.add(3, { model: openaiKey, status_code: 500 });
      c.add(-1, { model: "a", status_code: 200 });
    },
  },
  {
    name: "a histogram with explicit buckets",
    direct(r) {
      const h = r.histogram({ name: "dur_seconds", help: "D.", labels: ["p"], buckets: [0.1, 1] });
      for (const v of [0.05, 0.5, 5, Infinity]) h.observe({ p: "x" }, v);
    },
    api(m) {
      const h = m.createHistogram("dur_seconds", {
        description: "D.",
        labels: ["p"],
        advice: { explicitBucketBoundaries: [0.1, 1] },
      });
      for (const v of [0.05, 0.5, 5, Infinity]) h.record(v, { p: "x" });
    },
  },
  {
    name: "observed gauge and counter, read at collection",
    direct(r) {
      r.observe({ name: "depth", help: "Q.", type: "gauge", labels: [] }, () => [[{}, 7]]);
      r.observe(
        { name: "dropped_total", help: "Dr.", type: "counter", labels: ["reason"] },
        () => [[{ reason: "full" }, 2], [{ reason: "shutdown" }, 0]],
      );
    },
    api(m) {
      m.createObservableGauge("depth", { description: "Q.", labels: [] })
        .addCallback((r) => r.observe(7));
      m.createObservableCounter("dropped_total", { description: "Dr.", labels: ["reason"] })
        .addCallback((r) => {
          r.observe(2, { reason: "full" });
          r.observe(0, { reason: "shutdown" });
        });
    },
  },
];

for (const t of twins) {
  Deno.test(`otel meter: ${t.name}: same Prometheus text and OTLP metrics as the registry's own`, () => {
    const direct = new MetricsRegistry({ maxSeriesPerInstrument: 1 });
    const api = new MetricsRegistry({ maxSeriesPerInstrument: 1 });
    t.direct(direct);
    t.api(new GatewayMeter(api));
    assert.deepEqual(api.collect(), direct.collect());
    assert.equal(renderPrometheus(api.collect()), renderPrometheus(direct.collect()));
    assert.deepEqual(
      encodeMetrics(api.collect(), resource, "1", times),
      encodeMetrics(direct.collect(), resource, "1", times),
    );
    assert.ok(!renderPrometheus(api.collect()).includes("MeterTestKey"));
  });
}

/** A config's instruments, without the gateway's options: the scrape lines they give. */
const userCases: [string, (m: GatewayMeter) => void, string[]][] = [
  [
    "a dotted counter name and attribute keys become Prometheus names",
    (m) => m.createCounter("app.calls").add(2, { "http.route": "/x" }),
    ['app_calls{http_route="/x"} 2'],
  ],
  [
    "labels come from the first recording; a missing one reads unknown, an extra is ignored",
    (m) => {
      const c = m.createCounter("c");
      c.add(1, { a: "1" });
      c.add(1, {});
      c.add(1, { a: "1", b: "2" });
    },
    ['c{a="1"} 2', 'c{a="unknown"} 1'],
  ],
  [
    "values are scrubbed",
    (m) => m.createCounter("k").add(1, { key: openaiKey }),
    ['k{key="[CREDENTIAL_REDACTED]"} 1'],
  ],
  [
    "an up-down counter sums, a gauge keeps the last value",
    (m) => {
      const u = m.createUpDownCounter("inflight");
      u.add(3);
      u.add(-1);
      m.createGauge("temp").record(5, { room: "a" });
      m.createGauge("temp").record(6, { room: "a" });
    },
    ["inflight 2", 'temp{room="a"} 6'],
  ],
  [
    "a histogram without advice gets OpenTelemetry's default buckets",
    (m) => m.createHistogram("ms").record(7),
    ['ms_bucket{le="0"} 0', 'ms_bucket{le="5"} 0', 'ms_bucket{le="10"} 1', "ms_count 1"],
  ],
  [
    "making an instrument twice returns the first",
    (m) => {
      m.createCounter("twice").add(1);
      m.createCounter("twice").add(1);
    },
    ["twice 2"],
  ],
  [
    "past the series bound, new label sets fold into other",
    (m) => {
      const g = m.createGauge("g");
      g.record(1, { k: "a" });
      g.record(2, { k: "b" });
      g.record(3, { k: "c" });
    },
    ['g{k="a"} 1', 'g{k="b"} 2', `g{k="${overflowLabel}"} 3`],
  ],
];

for (const [name, run, lines] of userCases) {
  Deno.test(`otel meter: ${name}`, () => {
    const r = new MetricsRegistry({ maxSeriesPerInstrument: 2 });
    run(new GatewayMeter(r));
    const text = renderPrometheus(r.collect()).split("\n");
    for (const line of lines) assert.ok(text.includes(line), `${line}\n${text.join("\n")}`);
  });
}

Deno.test("otel meter: a name clash or an invalid name records nothing and never throws", () => {
  const r = new MetricsRegistry();
  const m = new GatewayMeter(r);
  m.createCounter("same").add(1);
  m.createHistogram("same").record(1);
  m.createCounter("reserved_label", { labels: ["__name"] }).add(1);
  m.createObservableGauge("same").addCallback((o) => o.observe(1));
  const text = renderPrometheus(r.collect());
  assert.match(text, /^same 1$/m);
  assert.ok(!text.includes("reserved_label"));
  assert.equal(prometheusName("1st.metric-name"), "_1st_metric_name");
});

Deno.test("up-down counters are marked additive (a scrape over isolates sums them); gauges not", () => {
  const registry = new MetricsRegistry();
  const m = new GatewayMeter(registry);
  m.createUpDownCounter("open_streams").add(2);
  m.createObservableUpDownCounter("queued").addCallback((r) => r.observe(4));
  m.createGauge("setting").record(1);
  m.createObservableGauge("reading").addCallback((r) => r.observe(3));
  const mine = registry.collect().filter((f) => !f.name.startsWith("ongoingai_"));
  const additive = Object.fromEntries(mine.map((f) => [f.name, "additive" in f]));
  assert.deepEqual(additive, { open_streams: true, queued: true, setting: false, reading: false });
});

/**
 * The telemetry scenario's OTLP collector: its scan counts spans by kind as a full parse would,
 * and bodies that are not OTLP/JSON are refused and counted, whether or not they are sampled for
 * the full parse.
 */
import assert from "node:assert/strict";
import {
  countSpans,
  emptyCounts,
  fullParseEvery,
  scanSpanKinds,
  startOtlpSink,
  tally,
} from "../../bench/otlp_sink.ts";

const span = (kind: number, name = "chat") => ({
  traceId: "a".repeat(32),
  spanId: "b".repeat(16),
  name,
  kind,
  attributes: [{ key: "kind", value: { stringValue: "kind" } }],
  status: { code: 0 },
});
const traces = (kinds: number[], name?: string) =>
  JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: kinds.map((k) => span(k, name)) }] }],
  });

Deno.test("scanSpanKinds counts what a full parse counts", async (t) => {
  const cases: [string, string][] = [
    ["one of each kind", traces([1, 2, 3])],
    ["no spans", traces([])],
    ["unspecified and unknown kinds are other", traces([0, 4, 2])],
    ['a name holding "kind":2 (escaped quotes)', traces([2], '"kind":2')],
    [
      "whitespace around the colon",
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind" : 3}]}]}]}',
    ],
  ];
  for (const [name, raw] of cases) {
    await t.step(name, () => {
      assert.deepEqual(scanSpanKinds(raw), countSpans(JSON.parse(raw)));
    });
  }
  await t.step('a "kind" key holding a string is not OTLP/JSON', () => {
    assert.equal(scanSpanKinds('{"kind":"SPAN_KIND_SERVER"}'), null);
  });
});

Deno.test("tally counts exports and refuses bodies that are not OTLP/JSON", async (t) => {
  const cases: [string, string, string, 200 | 400][] = [
    ["a traces body", "/v1/traces", traces([2, 3]), 200],
    ["a metrics body", "/v1/metrics", '{"resourceMetrics":[]}', 200],
    ["a truncated traces body", "/v1/traces", traces([2]).slice(0, -3), 400],
    ["a traces body with a string kind", "/v1/traces", '{"kind":"x"}', 400],
    ["a sampled traces body that does not parse", "/v1/traces", '{"kind":2,}', 400],
    ["a metrics body that does not parse", "/v1/metrics", "{nope}", 400],
  ];
  for (const [name, path, raw, status] of cases) {
    await t.step(name, () => {
      const c = emptyCounts(); // a fresh count: its first trace body is the sampled one
      assert.equal(tally(c, path, raw), status);
      assert.equal(c.bad_bodies, status === 400 ? 1 : 0);
    });
  }
  await t.step("only one trace body in fullParseEvery is parsed; all are counted", () => {
    const c = emptyCounts();
    for (let i = 0; i < 2 * fullParseEvery; i++) tally(c, "/v1/traces", traces([2, 3, 1]));
    assert.equal(c.trace_requests, 2 * fullParseEvery);
    assert.equal(c.parsed_trace_bodies, 2);
    assert.deepEqual(c.spans, {
      server: 2 * fullParseEvery,
      client: 2 * fullParseEvery,
      internal: 2 * fullParseEvery,
      other: 0,
    });
  });
});

Deno.test("the sink worker answers exports over HTTP and reports counts", async () => {
  const sink = await startOtlpSink();
  try {
    const post = async (path: string, body: string) => {
      const res = await fetch(`http://${sink.endpoint}${path}`, { method: "POST", body });
      await res.body?.cancel();
      return res.status;
    };
    assert.equal(await post("/v1/traces", traces([2, 2, 3])), 200);
    assert.equal(await post("/v1/metrics", "{}"), 200);
    assert.equal(await post("/v1/traces", "not json"), 400);
    const c = await sink.counts();
    assert.equal(c.trace_requests, 1);
    assert.equal(c.metric_requests, 1);
    assert.equal(c.bad_bodies, 1);
    assert.deepEqual(c.spans, { server: 2, client: 1, internal: 0, other: 0 });
  } finally {
    await sink.close();
  }
});

import assert from "node:assert/strict";
import {
  batchSampled,
  batchSpan,
  batchSpanName,
  type BatchSpanSink,
  collectLinks,
  createSpanRecorder,
  createStoreSpans,
  maxBatchLinks,
  type SpanData,
  type SpanLink,
} from "../../src/telemetry/mod.ts";
import type { BatchFacts } from "../../src/telemetry/store_spans.ts";
import { encodeSpans } from "../../src/telemetry/otlp_encode.ts";
import type { StoreBatch, TraceRecord } from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const traceA = "4bf92f3577b34da6a3ce929d0e0e4736";
const linkA: SpanLink = { traceId: traceA, spanId: "00f067aa0ba902b7" };
const linkB: SpanLink = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331" };
const batchTrace = "11111111111111111111111111111111";
const batchSpanId = "2222222222222222";

const facts = (over: Partial<BatchFacts> = {}): BatchFacts => ({
  operation: "write_batch",
  size: 3,
  startMs: 1_700_000_000_000.25,
  endMs: 1_700_000_000_004.75,
  ok: true,
  errorClass: null,
  attempt: 1,
  ...over,
});

const batchSpanCases: {
  name: string;
  batch: BatchFacts;
  driver: "sqlite" | "postgres";
  links: SpanLink[];
  found: number;
  attributes: SpanData["attributes"];
  status: SpanData["status"];
  droppedLinks?: number;
}[] = [
  {
    name: "a written SQLite batch: attributes, unset status, one link per exported request",
    batch: facts(),
    driver: "sqlite",
    links: [linkA, linkB],
    found: 2,
    attributes: {
      "db.system": "sqlite",
      "ongoingai.store.operation": "write_batch",
      "ongoingai.store.batch_size": 3,
      "ongoingai.store.attempt": 1,
    },
    status: { code: "unset" },
  },
  {
    name: "a PostgreSQL batch refused while busy, on its second attempt: error status and class",
    batch: facts({ ok: false, errorClass: "contention", attempt: 2, size: 512 }),
    driver: "postgres",
    links: [linkA],
    found: 1,
    attributes: {
      "db.system": "postgresql",
      "ongoingai.store.operation": "write_batch",
      "ongoingai.store.batch_size": 512,
      "ongoingai.store.attempt": 2,
      "error.type": "contention",
    },
    status: { code: "error", message: "contention" },
  },
  {
    name: "one trace written alone while isolating a refused one, and refused itself",
    batch: facts({ operation: "write_one", size: 1, ok: false, errorClass: "invalid_data" }),
    driver: "sqlite",
    links: [],
    found: 0,
    attributes: {
      "db.system": "sqlite",
      "ongoingai.store.operation": "write_one",
      "ongoingai.store.batch_size": 1,
      "ongoingai.store.attempt": 1,
      "error.type": "invalid_data",
    },
    status: { code: "error", message: "invalid_data" },
  },
  {
    name: "a failure without a class still says it failed",
    batch: facts({ ok: false, errorClass: null }),
    driver: "sqlite",
    links: [],
    found: 0,
    attributes: {
      "db.system": "sqlite",
      "ongoingai.store.operation": "write_batch",
      "ongoingai.store.batch_size": 3,
      "ongoingai.store.attempt": 1,
      "error.type": "unknown",
    },
    status: { code: "error", message: "unknown" },
  },
  {
    name: "more exported requests than links: the rest are counted as dropped links",
    batch: facts({ size: 1000 }),
    driver: "postgres",
    links: [linkA, linkB],
    found: 700,
    attributes: {
      "db.system": "postgresql",
      "ongoingai.store.operation": "write_batch",
      "ongoingai.store.batch_size": 1000,
      "ongoingai.store.attempt": 1,
    },
    status: { code: "unset" },
    droppedLinks: 698,
  },
];

for (const c of batchSpanCases) {
  Deno.test(`batch span: ${c.name}`, () => {
    const span = batchSpan({
      batch: c.batch,
      driver: c.driver,
      links: c.links,
      found: c.found,
      traceId: batchTrace,
      spanId: batchSpanId,
    });
    assert.deepEqual(span, {
      traceId: batchTrace,
      spanId: batchSpanId,
      parentSpanId: null,
      name: batchSpanName,
      kind: "internal",
      startMs: c.batch.startMs,
      endMs: c.batch.endMs,
      attributes: c.attributes,
      status: c.status,
      ...(c.links.length === 0 ? {} : { links: c.links }),
      ...(c.droppedLinks === undefined ? {} : { droppedLinks: c.droppedLinks }),
    });
  });
}

// ratioSampled reads the low 52 bits of the trace id: these two sit at either end of the range.
const lowTrace = "0000000000000000f000000000000001";
const highTrace = "0000000000000000ffffffffffffffff";

const samplingCases: {
  name: string;
  linked: number;
  traceId: string;
  ratio: number;
  want: boolean;
}[] = [
  {
    name: "a linked request wins over ratio 0",
    linked: 1,
    traceId: highTrace,
    ratio: 0,
    want: true,
  },
  { name: "many linked requests, ratio 0", linked: 40, traceId: highTrace, ratio: 0, want: true },
  { name: "no link, ratio 1: always", linked: 0, traceId: highTrace, ratio: 1, want: true },
  { name: "no link, ratio 0: never", linked: 0, traceId: lowTrace, ratio: 0, want: false },
  {
    name: "no link, ratio 0.5, low trace id",
    linked: 0,
    traceId: lowTrace,
    ratio: 0.5,
    want: true,
  },
  {
    name: "no link, ratio 0.5, high trace id",
    linked: 0,
    traceId: highTrace,
    ratio: 0.5,
    want: false,
  },
];

for (const c of samplingCases) {
  Deno.test(`batch span sampling: ${c.name}`, () => {
    assert.equal(batchSampled(c.linked, c.traceId, c.ratio), c.want);
  });
}

const linkCases: {
  name: string;
  exported: boolean[];
  max: number;
  links: number;
  found: number;
}[] = [
  { name: "no exported request", exported: [false, false], max: 4, links: 0, found: 0 },
  { name: "some exported", exported: [true, false, true], max: 4, links: 2, found: 2 },
  {
    name: "more than the cap",
    exported: [true, true, true, true, true],
    max: 3,
    links: 3,
    found: 5,
  },
  { name: "an empty batch", exported: [], max: 4, links: 0, found: 0 },
];

for (const c of linkCases) {
  Deno.test(`batch span links: ${c.name}`, () => {
    const traces = c.exported.map(() => makeTrace() as TraceRecord);
    const byTrace = new Map<TraceRecord, SpanLink>();
    traces.forEach((t, i) => {
      if (c.exported[i]) {
        byTrace.set(t, { traceId: t.id, spanId: i.toString(16).padStart(16, "0") });
      }
    });
    const got = collectLinks(traces, (t) => byTrace.get(t), c.max);
    assert.equal(got.found, c.found);
    assert.equal(got.links.length, c.links);
    // In batch order, the first ones kept.
    const expected = traces.filter((t) => byTrace.has(t)).slice(0, c.max).map((t) =>
      byTrace.get(t)
    );
    assert.deepEqual(got.links, expected);
  });
}

Deno.test("batch span links: the default cap is OpenTelemetry's 128", () => {
  const traces = Array.from({ length: 300 }, () => makeTrace() as TraceRecord);
  const got = collectLinks(traces, (t) => ({ traceId: traceA, spanId: t.id.slice(16) }));
  assert.equal(maxBatchLinks, 128);
  assert.equal(got.links.length, 128);
  assert.equal(got.found, 300);
});

/** A request through the real span recorder, wired to the store spans as the gateway does. */
function recordRequest(
  recorder: ReturnType<typeof createSpanRecorder>,
  traceparent: string | null,
): { trace: TraceRecord; serverSpanId: string; traceId: string; sampled: boolean } {
  const span = recorder.start(new Headers(traceparent === null ? {} : { traceparent }));
  span.sentAt = 1;
  span.endedAt = 5;
  const trace = makeTrace() as TraceRecord;
  recorder.end({
    trace,
    span,
    prefix: "/openai",
    providerName: "openai",
    operation: "chat",
    requestModel: "gpt-4o-mini",
    responseModel: null,
    startedAt: 1_700_000_000_000,
    t0: 0,
  });
  return { trace, serverSpanId: span.serverSpanId, traceId: span.traceId, sampled: span.sampled };
}

function wired(samplingRatio: number, sinkOn = true) {
  const exported: SpanData[] = [];
  const sink: BatchSpanSink = { samplingRatio, export: (spans) => exported.push(...spans) };
  const store = createStoreSpans({ driver: "sqlite", sink: () => (sinkOn ? sink : null) });
  const recorder = createSpanRecorder({
    samplingRatio,
    export: (spans) => exported.push(...spans),
    exported: store.exported,
  });
  const batches = () => exported.filter((s) => s.name === batchSpanName);
  return { store, recorder, exported, batches };
}

const storeBatch = (traces: TraceRecord[], over: Partial<StoreBatch> = {}): StoreBatch => ({
  operation: "write_batch",
  traces,
  startMs: 1_700_000_000_010,
  endMs: 1_700_000_000_012,
  ok: true,
  errorClass: null,
  attempt: 1,
  ...over,
});

Deno.test("store spans: a batch links the server span of each exported request it writes, only those", () => {
  const w = wired(0);
  const sampled = recordRequest(w.recorder, `00-${traceA}-00f067aa0ba902b7-01`);
  const unsampled = recordRequest(w.recorder, `00-${linkB.traceId}-${linkB.spanId}-00`);
  const root = recordRequest(w.recorder, null); // ratio 0: not sampled
  assert.deepEqual([sampled.sampled, unsampled.sampled, root.sampled], [true, false, false]);
  w.store.onBatch(storeBatch([unsampled.trace, sampled.trace, root.trace]));
  const [batch, ...more] = w.batches();
  assert.equal(more.length, 0);
  assert.deepEqual(batch!.links, [{ traceId: traceA, spanId: sampled.serverSpanId }]);
  // Its own trace: a batch serves many requests and is the child of none.
  assert.notEqual(batch!.traceId, traceA);
  assert.match(batch!.traceId, /^[0-9a-f]{32}$/);
  assert.match(batch!.spanId, /^[0-9a-f]{16}$/);
  assert.equal(batch!.parentSpanId, null);
  assert.equal(batch!.attributes["ongoingai.store.batch_size"], 3);
  assert.equal(batch!.startMs, 1_700_000_000_010);
  assert.equal(batch!.endMs, 1_700_000_000_012);
});

Deno.test("store spans: a batch of unsampled requests only follows the ratio", () => {
  const never = wired(0);
  never.store.onBatch(storeBatch([recordRequest(never.recorder, null).trace]));
  assert.equal(never.batches().length, 0);
  const always = wired(1);
  // Sampled by ratio 1 too, but the batch holds a trace no recorder saw (a trace from before
  // span export was turned on).
  always.store.onBatch(storeBatch([makeTrace() as TraceRecord]));
  assert.equal(always.batches().length, 1);
  assert.equal(always.batches()[0]!.links, undefined);
});

Deno.test("store spans: with span export off a batch is neither built nor sent", () => {
  const w = wired(1, false);
  const req = recordRequest(w.recorder, `00-${traceA}-00f067aa0ba902b7-01`);
  w.store.onBatch(storeBatch([req.trace]));
  assert.equal(w.batches().length, 0);
});

Deno.test("store spans: every store call is a span, retries and failures included", () => {
  const w = wired(0);
  const req = recordRequest(w.recorder, `00-${traceA}-00f067aa0ba902b7-01`);
  w.store.onBatch(storeBatch([req.trace], { ok: false, errorClass: "connection" }));
  w.store.onBatch(storeBatch([req.trace], { attempt: 2 }));
  const spans = w.batches();
  assert.deepEqual(spans.map((s) => [s.status.code, s.attributes["ongoingai.store.attempt"]]), [
    ["error", 1],
    ["unset", 2],
  ]);
  for (const s of spans) assert.deepEqual(s.links, [{ traceId: traceA, spanId: req.serverSpanId }]);
  assert.notEqual(spans[0]!.spanId, spans[1]!.spanId);
});

Deno.test("store spans: OTLP JSON carries links with local sampled flags and the dropped count", () => {
  const span = batchSpan({
    batch: facts(),
    driver: "sqlite",
    links: [linkA],
    found: 3,
    traceId: batchTrace,
    spanId: batchSpanId,
  });
  const out = encodeSpans([span], { serviceName: "gw", serviceVersion: "0" }, "0")
    .resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.deepEqual(out.links, [{ ...linkA, flags: 0x101 }]);
  assert.equal(out.droppedLinksCount, 2);
  assert.equal(out.kind, 1);
  const plain = encodeSpans(
    [{ ...span, links: [], droppedLinks: 0 }],
    { serviceName: "gw", serviceVersion: "0" },
    "0",
  ).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal("links" in plain, false);
  assert.equal("droppedLinksCount" in plain, false);
});

Deno.test("store spans: nothing of the traces themselves leaves in a batch span", () => {
  const w = wired(1);
  const secret = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH";
  const trace = makeTrace({
    org_id: "acme-org",
    workspace_id: "acme-ws",
    request_body: `{"prompt":"the cheese cartel","key":"${secret}"}`,
    response_body: "a confidential answer",
    model: "gpt-4o-mini-secret-finetune",
  }) as TraceRecord;
  w.store.onBatch(storeBatch([trace]));
  const json = JSON.stringify(
    encodeSpans(w.batches(), { serviceName: "gw", serviceVersion: "0" }, "0"),
  );
  for (const leak of [trace.id, "acme", "cheese", "confidential", "AbCdEfGh", "finetune"]) {
    assert.ok(!json.includes(leak), `${leak} exported`);
  }
});

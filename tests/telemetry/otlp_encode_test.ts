import assert from "node:assert/strict";
import { encodeSpans, keyValues, spanJson, unixNano } from "../../src/telemetry/otlp_encode.ts";
import { scrubValue } from "../../src/telemetry/scrub.ts";
import { tracesUrl } from "../../src/telemetry/otlp_exporter.ts";
import type { SpanData } from "../../src/telemetry/spans.ts";

const span: SpanData = {
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  parentSpanId: "1111111111111111",
  name: "chat gpt-4o-mini",
  kind: "client",
  startMs: 1_700_000_000_123.456,
  endMs: 1_700_000_000_223.5,
  attributes: {
    "gen_ai.request.model": "gpt-4o-mini",
    "gen_ai.usage.input_tokens": 31,
    "ongoingai.cost_usd": { double: 0 },
    "ratio": 0.5,
    "flag": true,
    "leak": "Bearer sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
  },
  status: { code: "error", message: "failed with token=abcdefgh" },
};

Deno.test("otlp json: the ExportTraceServiceRequest mapping", () => {
  const doc = encodeSpans([span], { serviceName: "gw", serviceVersion: "1.2.3" }, "1.2.3");
  assert.deepEqual(doc.resourceSpans[0]!.resource.attributes, [
    { key: "service.name", value: { stringValue: "gw" } },
    { key: "service.version", value: { stringValue: "1.2.3" } },
  ]);
  const scope = doc.resourceSpans[0]!.scopeSpans[0]!;
  assert.deepEqual(scope.scope, { name: "ongoingai.gateway", version: "1.2.3" });
  assert.deepEqual(scope.spans[0], {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: "1111111111111111",
    name: "chat gpt-4o-mini",
    kind: 3,
    startTimeUnixNano: "1700000000123456000",
    endTimeUnixNano: "1700000000223500000",
    attributes: [
      { key: "gen_ai.request.model", value: { stringValue: "gpt-4o-mini" } },
      { key: "gen_ai.usage.input_tokens", value: { intValue: "31" } },
      { key: "ongoingai.cost_usd", value: { doubleValue: 0 } },
      { key: "ratio", value: { doubleValue: 0.5 } },
      { key: "flag", value: { boolValue: true } },
      { key: "leak", value: { stringValue: "[CREDENTIAL_REDACTED]" } },
    ],
    status: { code: 2, message: "failed with [CREDENTIAL_REDACTED]" },
  });
});

Deno.test("otlp json: a root span has no parentSpanId, kinds and status codes are numbers", () => {
  const doc = encodeSpans(
    [{ ...span, parentSpanId: null, kind: "server", status: { code: "unset" } }],
    { serviceName: "gw", serviceVersion: "0" },
    "0",
  );
  const out = doc.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal("parentSpanId" in out, false);
  assert.equal(out.kind, 2);
  assert.deepEqual(out.status, { code: 0 });
});

Deno.test("otlp json: nanosecond times are exact decimal strings", () => {
  assert.equal(unixNano(0), "0");
  assert.equal(unixNano(1.5), "1500000");
  assert.equal(unixNano(1_767_225_600_000), "1767225600000000000");
});

Deno.test("otlp endpoint: host:port, URLs, and the scheme deciding over insecure", () => {
  const cases: [string, boolean, string][] = [
    ["localhost:4318", true, "http://localhost:4318/v1/traces"],
    ["collector:4318", false, "https://collector:4318/v1/traces"],
    ["http://collector:4318", false, "http://collector:4318/v1/traces"],
    ["https://collector:4318/", true, "https://collector:4318/v1/traces"],
    ["https://otel.example.com/prefix", true, "https://otel.example.com/prefix/v1/traces"],
  ];
  for (const [endpoint, insecure, want] of cases) {
    assert.equal(tracesUrl(endpoint, insecure), want, endpoint);
  }
  assert.throws(() => tracesUrl("grpc://collector:4317", true), /grpc:\/\/ is not supported/);
});

Deno.test("otlp json: non-finite doubles are proto3 JSON strings, never null", () => {
  const odd: SpanData = {
    ...span,
    attributes: {
      "nan": { double: NaN },
      "inf": Infinity,
      "neg": { double: -Infinity },
    },
  };
  const json = JSON.stringify(encodeSpans([odd], { serviceName: "gw", serviceVersion: "1" }, "1"));
  assert.ok(!json.includes("null"), json);
  const back = JSON.parse(json).resourceSpans[0].scopeSpans[0].spans[0].attributes;
  assert.deepEqual(back, [
    { key: "nan", value: { doubleValue: "NaN" } },
    { key: "inf", value: { doubleValue: "Infinity" } },
    { key: "neg", value: { doubleValue: "-Infinity" } },
  ]);
});

Deno.test("otlp json: the span writer matches JSON.stringify of the OTLP objects, odd strings included", () => {
  const odd = 'quote " backslash \\ newline \n tab \t nul \u0000 lone \ud800 emoji 😀 é';
  const cases: SpanData[] = [
    span,
    { ...span, parentSpanId: null, status: { code: "ok" }, attributes: {} },
    {
      ...span,
      name: odd,
      attributes: { [odd]: odd, "neg": -3, "zero": -0, "big": 2 ** 60, "d": { double: 1e-7 } },
      status: { code: "error", message: odd },
      links: [{ traceId: span.traceId, spanId: span.spanId }],
      droppedLinks: 4,
    },
  ];
  for (const s of cases) {
    const want = {
      traceId: s.traceId,
      spanId: s.spanId,
      ...(s.parentSpanId === null ? {} : { parentSpanId: s.parentSpanId }),
      name: scrubValue(s.name),
      kind: { internal: 1, server: 2, client: 3 }[s.kind],
      startTimeUnixNano: unixNano(s.startMs),
      endTimeUnixNano: unixNano(Math.max(s.startMs, s.endMs)),
      attributes: keyValues(s.attributes),
      status: {
        code: { unset: 0, ok: 1, error: 2 }[s.status.code],
        ...(s.status.message === undefined ? {} : { message: scrubValue(s.status.message) }),
      },
      ...(s.links === undefined ? {} : {
        links: s.links.map((l) => ({ ...l, flags: 0x101 })),
      }),
      ...(s.droppedLinks ? { droppedLinksCount: s.droppedLinks } : {}),
    };
    assert.equal(spanJson(s), JSON.stringify(want));
  }
});

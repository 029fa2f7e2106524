import assert from "node:assert/strict";
import {
  createSpanRecorder,
  exchangeSpans,
  httpMethod,
  maxSpanNameModels,
} from "../../src/telemetry/spans.ts";
import type { TraceRecord } from "../../src/traces/mod.ts";
import { maxSpanStringLength } from "../../src/telemetry/scrub.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const span = {
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  parentSpanId: null,
  serverSpanId: "00f067aa0ba902b7",
  upstreamSpanId: "1111111111111111",
  sampled: true,
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01",
  sentAt: 10,
  endedAt: 50,
};

function spansFor(method: string) {
  return exchangeSpans({
    trace: makeTrace({ request_method: method, request_path: "/openai/v1/models" }),
    span,
    prefix: "/openai",
    providerName: "openai",
    operation: null,
    requestModel: null,
    responseModel: null,
    startedAt: 1_700_000_000_000,
    t0: 0,
  });
}

const cases: [string, string, string][] = [
  ["GET", "GET", "GET"],
  ["POST", "POST", "POST"],
  ["DELETE", "DELETE", "DELETE"],
  // Methods are case-sensitive: `get` is not GET.
  ["get", "_OTHER", "HTTP"],
  ["PURGE", "_OTHER", "HTTP"],
  ["X-RANDOM-1234", "_OTHER", "HTTP"],
];

for (const [input, attribute, name] of cases) {
  Deno.test(`spans: method ${input} is ${attribute} in attributes and ${name} in names`, () => {
    assert.deepEqual(httpMethod(input), { attribute, name });
    const [server, upstream] = spansFor(input);
    assert.equal(server!.name, `${name} /openai/*`);
    assert.equal(server!.attributes["http.request.method"], attribute);
    assert.equal(upstream!.name, `${name} upstream`);
    assert.equal(upstream!.attributes["http.request.method"], attribute);
  });
}

Deno.test("spans: a client-chosen method never reaches a span name or attribute", () => {
  const odd = "SK-PROJ-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const json = JSON.stringify(spansFor(odd));
  assert.ok(!json.includes(odd));
});

Deno.test("spans: a huge client model name is bounded (and scrubbed before the cut)", () => {
  const key = "sk-" + "proj-" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
  const huge = "m".repeat(maxSpanStringLength - 10) + key + "x".repeat(1_000_000);
  const [, upstream] = exchangeSpans({
    trace: makeTrace(),
    span,
    prefix: "/openai",
    providerName: "openai",
    operation: "chat",
    requestModel: huge,
    responseModel: huge,
    startedAt: 1_700_000_000_000,
    t0: 0,
  });
  for (const attr of ["gen_ai.request.model", "gen_ai.response.model"]) {
    const v = String(upstream!.attributes[attr]);
    assert.equal(v.length, maxSpanStringLength, attr);
    assert.ok(!v.includes("AbCdEf"), attr);
  }
  assert.ok(upstream!.name.length <= maxSpanStringLength + "chat ".length);
});

/** Upstream span names of exchanges with these models and statuses, through one recorder. */
function upstreamNames(exchanges: [string, number][]): string[] {
  const names: string[] = [];
  const recorder = createSpanRecorder({
    samplingRatio: 1,
    export: (spans) => names.push(...spans.filter((s) => s.kind === "client").map((s) => s.name)),
  });
  for (const [model, status] of exchanges) {
    const s = recorder.start(new Headers());
    s.sentAt = 1;
    s.endedAt = 2;
    recorder.end({
      trace: makeTrace({ response_status: status }) as TraceRecord,
      span: s,
      prefix: "/openai",
      providerName: "openai",
      operation: "chat",
      requestModel: model,
      responseModel: null,
      startedAt: 1_700_000_000_000,
      t0: 0,
    });
  }
  return names;
}

// Collectors index span names (Jaeger's and Tempo's operation lists): a client sending a fresh
// model name per request must not create a fresh span name per request.
Deno.test("spans: a model the upstream refused does not name the span (the attribute keeps it)", () => {
  assert.deepEqual(upstreamNames([["gpt-4o-mini", 200], ["no-such-model-8f3a", 404]]), [
    "chat gpt-4o-mini",
    "chat",
  ]);
});

Deno.test("spans: past maxSpanNameModels distinct models, further ones do not name spans", () => {
  const models = Array.from({ length: maxSpanNameModels + 50 }, (_, i) => `model-${i}`);
  const names = upstreamNames([...models, models[0]!].map((m) => [m, 200]));
  assert.equal(new Set(names).size, maxSpanNameModels + 1);
  assert.equal(names.at(-2), "chat");
  // A model already seen keeps its name.
  assert.equal(names.at(-1), "chat model-0");
});

Deno.test("spans: gen_ai.provider.name and the operation come from the caller (the adapter)", () => {
  const [, upstream] = exchangeSpans({
    trace: makeTrace(),
    span,
    prefix: "/gw",
    providerName: "aws.bedrock",
    operation: "embeddings",
    requestModel: "m",
    responseModel: null,
    startedAt: 1_700_000_000_000,
    t0: 0,
  });
  assert.equal(upstream!.attributes["gen_ai.provider.name"], "aws.bedrock");
  assert.equal(upstream!.attributes["gen_ai.operation.name"], "embeddings");
  assert.equal(upstream!.name, "embeddings m");
  // The provider id stays where it was.
  assert.equal(upstream!.attributes["gen_ai.system"], "openai");
});

/**
 * The trace of one WebSocket response, from a create frame and the events attributed to it, with
 * a fake clock: exact usage and cost from `response.completed` through the Responses API's own
 * usage parser, the time to the first delta, and the ways it ends early (cut, refused).
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/mod.ts";
import { GatewayError } from "../../src/errors/mod.ts";
import { createCostEstimator } from "../../src/pricing/mod.ts";
import { providerAdapters, responsesWebSocket } from "../../src/providers/mod.ts";
import { type ExchangeContext, lineageFrom, upstreamBase } from "../../src/proxy/mod.ts";
import { createFingerprinter, defaultTenant, type TraceRecord } from "../../src/traces/mod.ts";
import { ResponseTrace, type SocketFacts } from "../../src/ws_relay/response_trace.ts";
import { responseEvents, wsStubUsage } from "../support/responses_ws_stub.ts";

function setup(capture = false) {
  const result = validateConfig({
    providers: {
      openai: { prices: { "gpt-ws-test": { input: 1, output: 2, cached_input: 0.5 } } },
    },
  }, { env: {} });
  if (!result.ok) throw new Error("config");
  const provider = result.config.providers.find((p) => p.id === "openai")!;
  let clock = 1000;
  const recorded: TraceRecord[] = [];
  const ctx: ExchangeContext = {
    now: () => 1_700_000_000_000 + clock,
    monotonic: () => clock,
    fingerprint: createFingerprinter("secret-0123456789abcdef0123456789"),
    redactHeaders: new Set(["authorization"]),
    captureBodies: capture,
    bodyMaxSize: 1 << 20,
    record: (t) => recorded.push(t),
  };
  const req = new Request("http://gw.test/openai/v1/responses", {
    headers: { authorization: "Bearer sk-proj-unit-0000000000000000", "session-id": "s-1" },
  });
  const facts: SocketFacts = {
    req,
    route: {
      provider,
      adapter: providerAdapters.openai,
      base: upstreamBase(provider.upstream),
      cost: createCostEstimator(provider),
    },
    target: { path: "/openai/v1/responses", search: "" },
    upstreamPath: "/v1/responses",
    correlationId: "corr-00000000000000000000000000000000",
    lineage: lineageFrom(req.headers),
    tenant: defaultTenant,
    protocol: responsesWebSocket,
  };
  const frame = { text: '{"type":"response.create","model":"gpt-ws-test"}', bytes: 49 };
  const start = () =>
    new ResponseTrace(ctx, facts, {
      ...frame,
      model: "gpt-ws-test",
      maxTokens: null,
      generate: true,
      clientMetadata: null,
    });
  return { start, recorded, tick: (ms: number) => (clock += ms) };
}

function feed(r: ResponseTrace, events: Record<string, unknown>[], tick: (ms: number) => void) {
  let ended = false;
  for (const e of events) {
    tick(10);
    const text = JSON.stringify(e);
    ended = r.event(text, text.length, responsesWebSocket.serverEvent(text));
  }
  return ended;
}

Deno.test("response trace: a completed response: exact usage, cost, time to first delta", () => {
  const { start, recorded, tick } = setup(true);
  const r = start();
  assert.equal(feed(r, responseEvents("gpt-ws-test", "resp_9"), tick), true);
  const [t] = recorded;
  assert.equal(t!.usage_status, "exact");
  assert.equal(t!.input_tokens, wsStubUsage.input);
  assert.equal(t!.cached_input_tokens, wsStubUsage.cached);
  assert.equal(t!.output_tokens, wsStubUsage.output);
  assert.equal(t!.reasoning_tokens, wsStubUsage.reasoning);
  assert.ok(Math.abs(t!.estimated_cost_usd! - 0.0013) < 1e-12);
  // created, in_progress, item added, then the first delta: 4 events of 10 ms.
  assert.equal(t!.time_to_first_token_ms, 40);
  assert.equal(t!.metadata.stream_chunks, responseEvents("gpt-ws-test", "x").length);
  assert.equal(t!.metadata.response_id, "resp_9");
  assert.equal(t!.metadata.transport, "websocket");
  assert.equal(t!.request_bytes, 49);
  const body = new TextDecoder().decode(t!.response_body as Uint8Array);
  assert.ok(body.includes("event: response.output_text.delta\ndata: "));
});

Deno.test("response trace: cut before the end: unknown usage (null), the given code", () => {
  const { start, recorded, tick } = setup();
  const r = start();
  feed(r, responseEvents("gpt-ws-test", "r").slice(0, 4), tick);
  r.cut("upstream_idle_timeout", "idle");
  r.cut("client_aborted");
  assert.equal(recorded.length, 1, "recorded once");
  assert.equal(recorded[0]!.error_code, "upstream_idle_timeout");
  assert.equal(recorded[0]!.metadata.timeout_phase, "idle");
  assert.equal(recorded[0]!.usage_status, "unknown");
  assert.equal(recorded[0]!.total_tokens, null);
  assert.equal(recorded[0]!.estimated_cost_usd, null);
});

Deno.test("response trace: refused by limits: 429, no usage", () => {
  const { start, recorded } = setup();
  start().refused(new GatewayError("rate_limited", "limit"));
  assert.equal(recorded[0]!.response_status, 429);
  assert.equal(recorded[0]!.error_code, "rate_limited");
  assert.equal(recorded[0]!.usage_status, "none");
});

/**
 * The Responses API's WebSocket mode through a gateway on a real listener, against a stub that
 * speaks the protocol (tests/support/responses_ws_stub.ts): frames relayed unchanged, one trace
 * per response with exact usage and cost, the prewarm traced as a prewarm, the 426 answers (upstream
 * refuses, unreachable, silent, switched off, wrong path, PII policy), team-mode auth and
 * limits per `response.create`. The bounds are in ws_relay_bounds_test.ts.
 */
import assert from "node:assert/strict";
import {
  prewarmUsage,
  responseEvents,
  startResponsesWsStub,
  wsStubUsage,
} from "../support/responses_ws_stub.ts";
import { connectWs, rawUpgrade, startWsGateway } from "../support/ws_gateway.ts";
import { freePort } from "../support/process.ts";
import type { GatewayConfigInput } from "../../src/config/mod.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import type { OtlpTraceDoc } from "../support/otlp_decoded.ts";

const providerKey = "sk-proj-ws-relay-provider-key-0000000000";
const codexHeaders = {
  authorization: `Bearer ${providerKey}`,
  "openai-beta": "responses_websockets=2026-02-06",
  originator: "codex_exec",
  "user-agent": "codex_exec/0.171.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.171.0)",
  "session-id": "019af000-0000-7000-8000-000000000001",
  "thread-id": "019af000-0000-7000-8000-000000000001",
};
/** Known prices, so the cost is exact: (200 uncached x 1 + 1000 cached x 0.5 + 300 x 2) / 1e6. */
const priced: GatewayConfigInput = {
  providers: {
    openai: { prices: { "gpt-ws-test": { input: 1, output: 2, cached_input: 0.5 } } },
  },
};
const expectedCost = (200 * 1 + 1000 * 0.5 + 300 * 2) / 1e6;

const create = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: "response.create",
    model,
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
    stream: true,
    store: false,
    client_metadata: { turn_id: "turn-1" },
    ...extra,
  });

const path = "/openai/v1/responses";

Deno.test("ws relay: prewarm then a turn on one socket; events unchanged, one trace, exact usage and cost", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, priced);
  try {
    const c = await connectWs(`${gw.ws}${path}`, {
      ...codexHeaders,
      "x-ongoingai-gateway-key": "not-sent-upstream",
    });
    c.socket.send(create("gpt-ws-test", { generate: false, input: [] }));
    await c.untilTerminal(1);
    c.socket.send(create("gpt-ws-test"));
    const got = await c.untilTerminal(2);
    const want = [
      ...responseEvents("gpt-ws-test", "resp_1", true),
      ...responseEvents("gpt-ws-test", "resp_2"),
    ].map((e) => JSON.stringify(e));
    assert.deepEqual(got, want, "every event relayed unchanged and in order");

    const hs = stub.handshakes[0]!.headers;
    assert.equal(hs.authorization, `Bearer ${providerKey}`);
    assert.equal(hs["openai-beta"], "responses_websockets=2026-02-06");
    assert.equal(hs["session-id"], codexHeaders["session-id"]);
    // The runtime's WebSocket client puts its own product first (`Deno/2.9.6, <client's>`): the
    // client's user agent still arrives whole.
    assert.ok(hs["user-agent"]!.endsWith(codexHeaders["user-agent"]), hs["user-agent"]);
    assert.equal(hs["x-ongoingai-gateway-key"], undefined, "the gateway key never leaves");
    assert.equal(hs["sec-websocket-extensions"], undefined);
    assert.match(hs["x-ongoingai-correlation-id"] ?? "", /^corr-/);

    // `/api/live` (ongoingai top) counts the open socket apart from open requests, and the two
    // responses it carried in its windows.
    const live = async () => await (await fetch(`${gw.origin}/api/live`)).json();
    const open = await live();
    assert.equal(open.open_websockets, 1);
    assert.equal(open.open_requests, 0, "between responses the socket carries no request");
    assert.equal(open.last_minute.requests, 2);
    c.socket.close(1000);
    await c.closed;
    const deadline = Date.now() + 5_000;
    while ((await live()).open_websockets !== 0) {
      assert.ok(Date.now() < deadline, "the closed relay is no longer counted");
      await new Promise((r) => setTimeout(r, 20));
    }
    const [p, t] = await gw.tracesSettled(2);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(gw.traces.length, 2, "the prewarm and the turn");
    // The prewarm: traced with the usage the upstream reported for it, marked as a prewarm.
    assert.equal(p!.agent_request_kind, "prewarm");
    assert.equal(p!.model, "gpt-ws-test");
    assert.equal(p!.usage_status, "exact");
    assert.equal(p!.input_tokens, prewarmUsage.input);
    assert.equal(p!.output_tokens, prewarmUsage.output);
    assert.equal(p!.metadata.response_id, "resp_1");
    assert.equal(t!.agent_request_kind, null, "the turn claims no kind here");
    assert.equal(t!.model, "gpt-ws-test");
    assert.equal(t!.request_path, path);
    assert.equal(t!.request_method, "GET");
    assert.equal(t!.response_status, 200);
    assert.equal(t!.error_code, null);
    assert.equal(t!.usage_status, "exact");
    assert.equal(t!.input_tokens, wsStubUsage.input);
    assert.equal(t!.cached_input_tokens, wsStubUsage.cached);
    assert.equal(t!.output_tokens, wsStubUsage.output);
    assert.equal(t!.reasoning_tokens, wsStubUsage.reasoning);
    assert.notEqual(t!.input_tokens, prewarmUsage.input);
    assert.equal(t!.cost_status, "priced");
    assert.ok(Math.abs(t!.estimated_cost_usd! - expectedCost) < 1e-12, `${t!.estimated_cost_usd}`);
    assert.equal(t!.streaming, true);
    assert.notEqual(t!.time_to_first_token_us, null);
    assert.equal(t!.metadata.transport, "websocket");
    assert.equal(t!.metadata.response_id, "resp_2");
    assert.deepEqual(t!.request_headers["session-id"], [codexHeaders["session-id"]]);
    assert.deepEqual(t!.request_headers.authorization, ["[REDACTED]"]);
    assert.equal(t!.api_key_last4, "0000");
    assert.equal(t!.request_body, null, "bodies are not captured unless configured");
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws relay: captured bodies are the create frame and the events as an SSE transcript", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, {
    ...priced,
    tracing: { capture_bodies: true },
    pii: { mode: "off" },
  });
  try {
    const c = await connectWs(`${gw.ws}${path}`, codexHeaders);
    const frame = create("gpt-ws-test");
    c.socket.send(frame);
    await c.untilTerminal(1);
    const [t] = await gw.tracesSettled(1);
    assert.equal(t!.request_body, frame);
    const body = String(t!.response_body);
    assert.ok(body.startsWith("event: response.created\ndata: {"), body.slice(0, 80));
    assert.ok(body.includes("event: response.completed\ndata: "));
    assert.ok(!body.includes(providerKey));
    c.socket.close();
    await c.closed;
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws relay: stored bodies under redact_storage are redacted as over HTTPS; the client gets everything", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, { ...priced, tracing: { capture_bodies: true } });
  try {
    const c = await connectWs(`${gw.ws}${path}`, codexHeaders);
    c.socket.send(create("gpt-ws-test", {
      instructions: "mail alice@example.com",
      stub_say: "write to bob.smith@example.org today",
    }));
    const frames = await c.untilTerminal(1);
    assert.ok(frames.join("").includes("bob.s"), "relayed unchanged");
    assert.ok(stub.frames[0]!.includes("alice@example.com"), "forwarded unchanged");
    const [t] = await gw.tracesSettled(1);
    assert.equal(t!.metadata.redaction_mode, "redact_storage");
    assert.equal(t!.metadata.redaction_applied, true);
    assert.ok(!String(t!.request_body).includes("alice@example.com"), String(t!.request_body));
    const body = String(t!.response_body);
    assert.ok(!body.includes("bob.smith@example.org"), body);
    const deltas = body.split("\n").filter((l) => l.startsWith("data: ")).map((l) =>
      JSON.parse(l.slice(6))
    ).filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("");
    assert.ok(deltas.startsWith("write to "), deltas);
    assert.ok(!deltas.includes("bob.smith@"), `redacted across deltas too: ${deltas}`);
    assert.ok(body.includes("event: response.completed"));
    c.socket.close();
    await c.closed;
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws relay: with span export on, each response has its server and upstream spans under the handshake's traceparent", async () => {
  const stub = await startResponsesWsStub();
  const receiver = startOtlpReceiver<OtlpTraceDoc>();
  const gw = await startWsGateway(stub.url, {
    ...priced,
    observability: { otel: { enabled: true, endpoint: receiver.endpoint, metrics_enabled: false } },
  });
  const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
  try {
    const c = await connectWs(`${gw.ws}${path}`, {
      ...codexHeaders,
      traceparent: `00-${clientTrace}-00f067aa0ba902b7-01`,
    });
    c.socket.send(create("gpt-ws-test"));
    await c.untilTerminal(1);
    await gw.tracesSettled(1);
    c.socket.close();
    await c.closed;
    await gw.gateway.shutdownTelemetry();
    const spans = receiver.received.filter((x) => x.path === "/v1/traces").flatMap((x) =>
      x.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((sc) => sc.spans))
    );
    assert.equal(spans.length, 2);
    assert.ok(spans.every((sp) => sp.traceId === clientTrace));
    assert.ok(spans.some((sp) => sp.name === "GET /openai/*"), spans.map((sp) => sp.name).join());
  } finally {
    await gw.close();
    await stub.close();
    await receiver.close();
  }
});

Deno.test("ws relay: an error event before the response is its status, with no usage", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, priced);
  try {
    const c = await connectWs(`${gw.ws}${path}`, codexHeaders);
    c.socket.send(create("stub-error-429"));
    const [frame] = await c.untilTerminal(1);
    assert.match(frame!, /"status":429/);
    const [t] = await gw.tracesSettled(1);
    assert.equal(t!.response_status, 429);
    assert.equal(t!.usage_status, "none");
    assert.equal(t!.input_tokens, null);
    assert.equal(t!.estimated_cost_usd, null);
    c.socket.close();
    await c.closed;
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws relay: response.failed keeps its usage; two creates back to back get two traces", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, priced);
  try {
    const c = await connectWs(`${gw.ws}${path}`, codexHeaders);
    c.socket.send(create("stub-failed"));
    c.socket.send(create("gpt-ws-test"));
    await c.untilTerminal(2);
    const traces = await gw.tracesSettled(2);
    const byModel = Object.fromEntries(traces.map((t) => [t.model, t]));
    assert.equal(byModel["stub-failed"]!.usage_status, "exact");
    assert.equal(byModel["stub-failed"]!.metadata.response_id, "resp_1");
    assert.equal(byModel["gpt-ws-test"]!.usage_status, "exact");
    assert.equal(byModel["gpt-ws-test"]!.metadata.response_id, "resp_2");
    assert.equal(byModel["gpt-ws-test"]!.input_tokens, wsStubUsage.input);
    c.socket.close();
    await c.closed;
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws relay: an upstream that closes mid-response: the client sees the close, the trace is cut with unknown usage", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, priced);
  try {
    const c = await connectWs(`${gw.ws}${path}`, codexHeaders);
    c.socket.send(create("stub-abrupt"));
    const closed = await c.closed;
    assert.equal(closed.code, 1011);
    const [t] = await gw.tracesSettled(1);
    assert.equal(t!.error_code, "upstream_truncated");
    assert.equal(t!.usage_status, "unknown");
    assert.equal(t!.input_tokens, null, "unknown is null, never 0");
    assert.equal(t!.estimated_cost_usd, null);
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws relay: a client that leaves mid-response is traced client_aborted; the upstream is closed", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, priced);
  try {
    const c = await connectWs(`${gw.ws}${path}`, codexHeaders);
    c.socket.send(create("stub-silent"));
    while (c.received.length === 0) await new Promise((r) => setTimeout(r, 10));
    c.socket.close(1000, "bye");
    const [t] = await gw.tracesSettled(1);
    assert.equal(t!.error_code, "client_aborted");
    assert.equal(t!.usage_status, "unknown");
    while (stub.closes.length === 0) await new Promise((r) => setTimeout(r, 10));
    assert.equal(stub.closes[0]!.code, 1000);
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws relay: 426 with the cause when the upstream refuses, is unreachable or does not answer; nothing traced", async () => {
  const refusing = await startResponsesWsStub({ refuseUpgrade: 404 });
  const hanging = await startResponsesWsStub({ hang: true });
  const cases: [string, string, RegExp][] = [
    [refusing.url, "websocket_upstream_refused", /answered 404 to the WebSocket upgrade/],
    [`http://127.0.0.1:${freePort()}`, "websocket_upstream_unreachable", /could not be reached/],
    [hanging.url, "websocket_upstream_unreachable", /did not open in time.*no 101 within 300 ms/],
  ];
  try {
    for (const [upstream, code, message] of cases) {
      const gw = await startWsGateway(upstream, { proxy: { headers_timeout_ms: 300 } });
      try {
        const res = await rawUpgrade(gw.origin, path, codexHeaders);
        assert.equal(res.status, 426, code);
        const body = JSON.parse(res.body);
        assert.equal(body.error.code, code);
        assert.match(body.error.message, message);
        assert.match(body.error.message, /use HTTPS/);
        assert.match(res.headers.get("x-ongoingai-correlation-id") ?? "", /^corr-/);
        assert.equal(gw.traces.length, 0);
        assert.equal(gw.logs.find((l) => String(l.msg).includes("answered 426"))?.code, code);
      } finally {
        await gw.close();
      }
    }
    assert.equal(refusing.handshakes.length, 1, "one attempt, never a plain GET");
  } finally {
    await refusing.close();
    await hanging.close();
  }
});

Deno.test("ws relay: 426 without dialing when switched off, on other paths and providers, and under a PII policy that guards upstream traffic", async () => {
  const stub = await startResponsesWsStub();
  const cases: [GatewayConfigInput, string, RegExp][] = [
    [{ providers: { openai: { websockets: false } } }, path, /providers\.openai\.websockets/],
    [{}, "/openai/v1/chat/completions", /only on the Responses API/],
    [{}, "/anthropic/v1/messages", /only on the Responses API/],
    [{ pii: { mode: "redact_upstream" } }, path, /PII policy .* redact_upstream/],
    [{ pii: { mode: "block" } }, path, /mode block/],
  ];
  try {
    for (const [extra, target, message] of cases) {
      const gw = await startWsGateway(stub.url, extra);
      try {
        const res = await rawUpgrade(gw.origin, target, codexHeaders);
        assert.equal(res.status, 426, target);
        const body = JSON.parse(res.body);
        assert.equal(body.error.code, "websocket_not_relayed");
        assert.match(body.error.message, message);
      } finally {
        await gw.close();
      }
    }
    assert.equal(stub.handshakes.length, 0, "the upstream was never dialed");
  } finally {
    await stub.close();
  }
});

Deno.test("ws relay: team mode: the handshake needs a gateway key; limits apply per response.create", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, {
    ...priced,
    auth: {
      enabled: true,
      keys: [{
        id: "dev-1",
        token: "gw_ws_relay_team_token_0123456789",
        workspace_id: "ws-a",
        role: "developer",
        limits: { requests_per_minute: 1 },
      }],
    },
  });
  try {
    const denied = await rawUpgrade(gw.origin, path, codexHeaders);
    assert.equal(denied.status, 401);
    assert.equal(stub.handshakes.length, 0);

    const c = await connectWs(`${gw.ws}${path}`, {
      ...codexHeaders,
      "x-ongoingai-gateway-key": "gw_ws_relay_team_token_0123456789",
    });
    c.socket.send(create("gpt-ws-test"));
    await c.untilTerminal(1);
    c.socket.send(create("gpt-ws-test"));
    const frames = await c.untilTerminal(2);
    const refusal = JSON.parse(frames.at(-1)!);
    assert.equal(refusal.type, "error");
    assert.equal(refusal.status, 429);
    assert.equal(refusal.error.code, "rate_limited");
    assert.match(refusal.headers["retry-after"], /^\d+$/);
    assert.equal(stub.frames.length, 1, "the refused create never went upstream");
    const traces = await gw.tracesSettled(2);
    assert.equal(traces[0]!.gateway_key_id, "dev-1");
    assert.equal(traces[0]!.workspace_id, "ws-a");
    assert.equal(traces[0]!.usage_status, "exact");
    assert.equal(traces[1]!.error_code, "rate_limited");
    assert.equal(traces[1]!.response_status, 429);
    assert.equal(stub.handshakes[0]!.headers["x-ongoingai-gateway-key"], undefined);
    c.socket.close();
    await c.closed;
  } finally {
    await gw.close();
    await stub.close();
  }
});

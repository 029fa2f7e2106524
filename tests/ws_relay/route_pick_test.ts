/**
 * A `response.create` naming a route on a relayed socket: the pure outcome table, the target
 * choice over a real compiled route table and `Router` (breakers in memory), and the relay
 * socket driven frame by frame with fake sockets (the same over real sockets is in
 * tests/e2e/ws_relay_routes_test.ts).
 */
import assert from "node:assert/strict";
import { type GatewayConfig, validateConfig } from "../../src/config/mod.ts";
import { GatewayError } from "../../src/errors/mod.ts";
import { silentLogger } from "../../src/log/mod.ts";
import { createCostEstimator } from "../../src/pricing/mod.ts";
import { providerAdapters, responsesWebSocket } from "../../src/providers/mod.ts";
import {
  type ExchangeContext,
  lineageFrom,
  type ProxyRoute,
  type RoutingDeps,
  upstreamBase,
} from "../../src/proxy/mod.ts";
import { routingFor } from "../../src/server/routing.ts";
import { createFingerprinter, defaultTenant, type TraceRecord } from "../../src/traces/mod.ts";
import { wsBoundsOf } from "../../src/ws_relay/mod.ts";
import { RelaySocket } from "../../src/ws_relay/relay_socket.ts";
import {
  routeCreate,
  type SocketEntry,
  wsOutcome,
  type WsResponseEnd,
} from "../../src/ws_relay/route_pick.ts";
import { memoryRouting } from "../support/pool_router.ts";

Deno.test("ws route: how a response's end counts for the target's breaker", () => {
  const cases: [WsResponseEnd, string, string | number | null][] = [
    [
      { kind: "terminal", type: "response.completed", started: true, status: null },
      "success",
      null,
    ],
    [
      { kind: "terminal", type: "response.incomplete", started: true, status: null },
      "success",
      null,
    ],
    // The upstream refused the create (a 429, a 500) before it began: judged like that status.
    [{ kind: "terminal", type: "error", started: false, status: 503 }, "status", 503],
    [{ kind: "terminal", type: "error", started: false, status: 429 }, "status", 429],
    [
      { kind: "terminal", type: "error", started: true, status: null },
      "failed_before_commit",
      null,
    ],
    [
      { kind: "terminal", type: "response.failed", started: true, status: null },
      "failed_before_commit",
      null,
    ],
    // The upstream went silent or away: against the target.
    [{ kind: "cut", code: "upstream_idle_timeout", timeoutPhase: "idle" }, "timeout", "idle"],
    [{ kind: "cut", code: "upstream_truncated", timeoutPhase: null }, "failed_before_commit", null],
    // The client left, the gateway shut down or enforced a bound: no verdict on the target.
    [{ kind: "cut", code: "client_aborted", timeoutPhase: null }, "timeout", "total"],
    [{ kind: "cut", code: "shutting_down", timeoutPhase: null }, "timeout", "total"],
    [{ kind: "cut", code: "upstream_timeout", timeoutPhase: "total" }, "timeout", "total"],
  ];
  for (const [end, kind, detail] of cases) {
    const o = wsOutcome(end);
    assert.equal(o.kind, kind, JSON.stringify(end));
    if (o.kind === "status") assert.equal(o.status, detail);
    if (o.kind === "timeout") assert.equal(o.phase, detail);
  }
});

function configOf(): GatewayConfig {
  const result = validateConfig({
    proxy: { idle_timeout_ms: 1000 },
    providers: {
      openai: {},
      azure: { kind: "openai-compatible", upstream: "http://127.0.0.1:9/azure" },
    },
    routes: {
      main: {
        targets: [
          { provider: "azure", model: "az-model" },
          { provider: "openai", model: "gpt-4o-mini" },
          { provider: "openai", model: "gpt-4o" },
        ],
        circuit_breaker: { failures: 1, open_ms: 60_000 },
        retry: { attempts: 1 },
      },
      elsewhere: { targets: [{ provider: "azure", model: "az-model" }] },
    },
  }, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.config;
}

function proxyRoutes(config: GatewayConfig): Map<string, ProxyRoute> {
  return new Map(config.providers.map((p) => [p.id, {
    provider: p,
    adapter: providerAdapters[p.kind],
    base: upstreamBase(p.upstream),
    cost: createCostEstimator(p),
  }]));
}

const wallClock = 1_700_000_000_000;

function routingOf(config: GatewayConfig): RoutingDeps {
  return routingFor(config, proxyRoutes(config), memoryRouting(), silentLogger)!;
}

const entry: SocketEntry = {
  provider: { id: "openai", kind: "openai" },
  path: "/openai/v1/responses",
  headers: new Headers(),
  tenant: defaultTenant,
};

const frameOf = (model: string) => {
  // A 64-bit seed that re-serialising would round: the splice keeps it as written.
  const text = `{"type":"response.create", "model" : "${model}","seed":12345678901234567890,` +
    `"input":[]}`;
  return { text, bytes: text.length, model };
};

Deno.test("ws route: the first target on the socket's provider gets the create, its model spliced in", async () => {
  const deps = routingOf(configOf());
  const picked = await routeCreate({ deps }, entry, frameOf("main"), wallClock);
  assert.ok(picked !== null && !(picked instanceof GatewayError));
  assert.equal(picked.route, "main");
  assert.equal(picked.model, "gpt-4o-mini");
  assert.equal(
    picked.text,
    `{"type":"response.create", "model" : "gpt-4o-mini","seed":12345678901234567890,"input":[]}`,
  );
  assert.equal(picked.ticket.keyId, null, "the socket's own credentials, never a pool key");
});

Deno.test("ws route: a model that names no route is relayed as sent", async () => {
  const deps = routingOf(configOf());
  assert.equal(await routeCreate({ deps }, entry, frameOf("gpt-4.1"), wallClock), null);
});

Deno.test("ws route: an open breaker sends the create to the next target on this provider", async () => {
  const deps = routingOf(configOf());
  await deps.router.state.openBreaker("openai/gpt-4o-mini", wallClock, wallClock + 60_000);
  const picked = await routeCreate({ deps }, entry, frameOf("main"), wallClock + 1);
  assert.ok(picked !== null && !(picked instanceof GatewayError));
  assert.equal(picked.model, "gpt-4o");

  await deps.router.state.openBreaker("openai/gpt-4o", wallClock, wallClock + 60_000);
  const none = await routeCreate({ deps }, entry, frameOf("main"), wallClock + 2);
  assert.ok(none instanceof GatewayError);
  assert.equal(none.code, "websocket_route_unavailable");
  assert.equal(none.status, 400);
  assert.equal(none.details?.route, "main");
  assert.match(none.message, /circuit breaker open/);
  assert.match(none.message, /over HTTP/);
});

Deno.test("ws route: a route with no target on the socket's provider names where its targets are", async () => {
  const deps = routingOf(configOf());
  const err = await routeCreate({ deps }, entry, frameOf("elsewhere"), wallClock);
  assert.ok(err instanceof GatewayError);
  assert.equal(err.code, "websocket_route_unavailable");
  assert.match(err.message, /route elsewhere has no target on provider openai/);
  assert.match(err.message, /on azure/);
  assert.match(err.message, /supports_websockets = false/);
});

Deno.test("ws route: a failure reported from the socket opens the target's breaker", async () => {
  const deps = routingOf(configOf());
  const picked = await routeCreate({ deps }, entry, frameOf("main"), wallClock);
  assert.ok(picked !== null && !(picked instanceof GatewayError));
  picked.run.report(
    wsOutcome({ kind: "terminal", type: "error", started: false, status: 503 }),
    wallClock + 5,
  );
  assert.equal(
    deps.router.state.breaker("openai/gpt-4o-mini", wallClock + 6)?.target,
    "openai/gpt-4o-mini",
  );
});

// --- the relay socket, frame by frame ------------------------------------------------------

class FakeSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  binaryType = "blob";
  sent: string[] = [];
  closedWith: { code: number; reason: string } | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  onopen: (() => void) | null = null;
  send(data: string) {
    this.sent.push(data);
  }
  close(code: number, reason: string) {
    this.closedWith = { code, reason };
    this.readyState = WebSocket.CLOSED;
  }
  frame(data: string) {
    this.onmessage?.({ data });
  }
}

function relayOf() {
  const config = configOf();
  const deps = routingOf(config);
  const byId = proxyRoutes(config);
  const recorded: TraceRecord[] = [];
  const ctx: ExchangeContext = {
    now: () => wallClock,
    monotonic: () => 0,
    fingerprint: createFingerprinter("secret-0123456789abcdef0123456789"),
    redactHeaders: new Set(["authorization"]),
    captureBodies: false,
    bodyMaxSize: 1 << 20,
    record: (t) => recorded.push(t),
  };
  const req = new Request("http://gw.test/openai/v1/responses", {
    headers: { authorization: "Bearer sk-proj-unit-0000000000000000" },
  });
  const upstream = new FakeSocket();
  const client = new FakeSocket();
  const relay = new RelaySocket({
    ctx,
    bounds: wsBoundsOf(config),
    protocol: responsesWebSocket,
    admit: null,
    authorized: null,
    routing: { deps },
    closed: () => {},
    track: () => {},
  }, {
    req,
    route: byId.get("openai")!,
    target: { path: "/openai/v1/responses", search: "" },
    upstreamPath: "/v1/responses",
    correlationId: "corr-00000000000000000000000000000000",
    lineage: lineageFrom(req.headers),
    tenant: defaultTenant,
    protocol: responsesWebSocket,
  }, upstream as unknown as WebSocket);
  relay.attach(client as unknown as WebSocket);
  return { relay, upstream, client, recorded, deps };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const completed = (id: string, model: string) =>
  JSON.stringify({
    type: "response.completed",
    response: {
      id,
      model,
      usage: { input_tokens: 5, output_tokens: 2, total_tokens: 7 },
    },
  });

Deno.test("relay socket: a routed create goes up rewritten and its trace names the route and attempt", async () => {
  const s = relayOf();
  s.client.frame(frameOf("main").text);
  // Frames after it wait behind the choice, in order.
  s.client.frame(JSON.stringify({ type: "response.processed", response_id: "x" }));
  await settle();
  assert.equal(s.upstream.sent.length, 2);
  assert.equal(JSON.parse(s.upstream.sent[0]!).model, "gpt-4o-mini");
  assert.equal(JSON.parse(s.upstream.sent[1]!).type, "response.processed");
  s.upstream.frame(JSON.stringify({ type: "response.created", response: { id: "resp_1" } }));
  s.upstream.frame(completed("resp_1", "gpt-4o-mini"));
  assert.equal(s.recorded.length, 1);
  const t = s.recorded[0]!;
  assert.equal(t.route, "main");
  assert.equal(t.attempt_count, 1);
  assert.equal(t.model, "gpt-4o-mini");
  assert.deepEqual(
    t.attempts!.map((a) => [a.provider, a.model, a.outcome, a.status, a.committed]),
    [["openai", "gpt-4o-mini", "success", 200, true]],
  );
});

Deno.test("relay socket: a create the socket cannot serve gets an error event; the socket stays open", async () => {
  const s = relayOf();
  s.client.frame(frameOf("elsewhere").text);
  await settle();
  assert.equal(s.upstream.sent.length, 0, "nothing goes up");
  assert.equal(s.client.closedWith, null);
  const event = JSON.parse(s.client.sent[0]!);
  assert.equal(event.type, "error");
  assert.equal(event.status, 400);
  assert.equal(event.error.code, "websocket_route_unavailable");
  assert.match(event.error.message, /over HTTP/);
  const t = s.recorded[0]!;
  assert.equal(t.route, "elsewhere");
  assert.equal(t.attempt_count, 0);
  assert.equal(t.error_code, "upstream_unreachable");
  assert.equal(t.response_status, 400);
  // The next create, unrouted, goes through at once.
  s.client.frame(frameOf("gpt-4.1").text);
  assert.equal(JSON.parse(s.upstream.sent[0]!).model, "gpt-4.1");
});

Deno.test("relay socket: an upstream error before the response counts against the target's breaker", async () => {
  const s = relayOf();
  s.client.frame(frameOf("main").text);
  await settle();
  s.upstream.frame(
    JSON.stringify({ type: "error", status: 500, error: { type: "server_error", message: "x" } }),
  );
  const t = s.recorded[0]!;
  assert.deepEqual(t.attempts!.map((a) => [a.outcome, a.status]), [["status", 500]]);
  assert.equal(
    s.deps.router.state.breaker("openai/gpt-4o-mini", wallClock)?.target,
    "openai/gpt-4o-mini",
    "failures: 1 opens it",
  );
  // The next create on the same socket goes to the next target of this provider.
  s.client.frame(frameOf("main").text);
  await settle();
  assert.equal(JSON.parse(s.upstream.sent.at(-1)!).model, "gpt-4o");
});

/**
 * Routes over the Responses WebSocket relay, end to end: the real `serve` (SQLite store) with
 * routes in its config, a real WebSocket client, and the Responses WebSocket stub upstream
 * (tests/support/responses_ws_stub.ts). A `response.create` naming a route goes to the route's
 * first usable target on the socket's provider with its `model` rewritten, and its trace names
 * the route and the attempt; a route with no target on the socket's provider goes through the
 * gateway's HTTP path (ws_relay/bridge.ts; there it has no usable key here, so its error comes back
 * as the protocol's error event) and the socket goes on; a target that fails over the socket opens its breaker (GET /api/routes),
 * and the next create on the same socket goes to the next target.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import { startResponsesWsStub } from "../support/responses_ws_stub.ts";
import { connectWs } from "../support/ws_gateway.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const headers = {
  authorization: "Bearer sk-proj-ws-routes-e2e-0000000000000000",
  "openai-beta": "responses_websockets=2026-02-06",
};

async function serveWith(stubUrl: string, cwd: string): Promise<ServerProcess> {
  const port = freePort();
  await Deno.writeTextFile(
    join(cwd, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 3000 }
storage: { path: ./data/gw.db }
providers:
  openai: { upstream: "${stubUrl}" }
  backup: { kind: openai-compatible, upstream: "${stubUrl}" }
routes:
  ws-main:
    targets:
      - { provider: backup, model: backup-model }
      - { provider: openai, model: gpt-ws-a }
      - { provider: openai, model: gpt-ws-b }
  ws-flaky:
    targets:
      - { provider: openai, model: stub-failed }
      - { provider: openai, model: gpt-ws-b }
    circuit_breaker: { failures: 1, open_ms: 600000 }
  ws-elsewhere:
    targets:
      - { provider: backup, model: backup-model }
tracing: { flush_interval_ms: 10 }
`,
  );
  return await startServer([], { cwd, port });
}

const create = (model: string) =>
  JSON.stringify({
    type: "response.create",
    model,
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
    stream: true,
    store: false,
  });

async function traces(origin: string, n: number): Promise<Json[]> {
  return await poll(`${n} trace(s)`, async () => {
    const page = await (await fetch(`${origin}/api/traces?limit=50`)).json() as Json;
    return page.items.length >= n ? page.items as Json[] : undefined;
  });
}

const detail = async (origin: string, id: string) =>
  await (await fetch(`${origin}/api/traces/${id}`)).json() as Json;

Deno.test("ws relay e2e: a response.create naming a route goes to its target on the socket's provider", async () => {
  const stub = await startResponsesWsStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-ws-routes-" });
  const server = await serveWith(stub.url, cwd);
  try {
    const c = await connectWs(
      `${server.origin.replace("http:", "ws:")}/openai/v1/responses`,
      headers,
    );

    // 1. The route's first target is on another provider: the first one on openai answers.
    c.socket.send(create("ws-main"));
    const first = await c.untilTerminal(1);
    assert.equal(JSON.parse(stub.frames[0]!).model, "gpt-ws-a", "the model rewritten upstream");
    assert.equal(JSON.parse(first.at(-1)!).type, "response.completed");
    assert.equal(JSON.parse(first.at(-1)!).response.model, "gpt-ws-a");

    // 2. A route with no target on openai: sent through the gateway's HTTP path (bridge.ts),
    // where its only target needs a pool key it does not have: the route's own error, as an
    // error event; nothing goes up this socket.
    c.socket.send(create("ws-elsewhere"));
    const second = await c.untilTerminal(2);
    const error = JSON.parse(second.at(-1)!);
    assert.equal(error.type, "error");
    assert.equal(error.status, 503);
    assert.equal(error.error.code, "route_no_target");
    assert.match(error.error.message, /route ws-elsewhere has no target this request may use/);
    assert.equal(stub.frames.length, 1);

    // 3. The socket goes on: a failing target opens its breaker, the next create avoids it.
    c.socket.send(create("ws-flaky"));
    const third = await c.untilTerminal(3);
    assert.equal(JSON.parse(third.at(-1)!).type, "response.failed");
    assert.equal(JSON.parse(stub.frames[1]!).model, "stub-failed");
    const routes = await (await fetch(`${server.origin}/api/routes`)).json() as Json;
    const flaky = routes.routes.find((r: Json) => r.name === "ws-flaky");
    assert.equal(flaky.targets[0].breaker.phase, "open");
    c.socket.send(create("ws-flaky"));
    const fourth = await c.untilTerminal(4);
    assert.equal(JSON.parse(fourth.at(-1)!).type, "response.completed");
    assert.equal(JSON.parse(stub.frames[2]!).model, "gpt-ws-b");
    assert.equal(stub.handshakes.length, 1, "all of it on one socket");
    assert.equal(c.socket.readyState, WebSocket.OPEN);
    c.socket.close(1000);
    await c.closed;

    const all = await traces(server.origin, 4);
    assert.equal(all.length, 4);
    const details = await Promise.all(all.map((t) => detail(server.origin, t.id)));
    const find = (route: string, model: string) =>
      details.find((d) => d.route === route && d.model === model)!;
    const a = find("ws-main", "gpt-ws-a");
    const e = find("ws-elsewhere", "ws-elsewhere");
    const f = find("ws-flaky", "stub-failed");
    const b = find("ws-flaky", "gpt-ws-b");
    assert.equal(a.route, "ws-main");
    assert.equal(a.model, "gpt-ws-a");
    assert.equal(a.error_code, null);
    assert.equal(a.usage_status, "exact");
    assert.equal(a.metadata.transport, "websocket");
    assert.equal(a.attempt_count, 1);
    assert.deepEqual(
      a.attempts.map((x: Json) => [x.provider, x.model, x.key_id, x.outcome, x.committed]),
      [["openai", "gpt-ws-a", null, "success", true]],
    );
    assert.equal(e.route, "ws-elsewhere");
    assert.equal(e.attempt_count, 0);
    assert.equal(e.response_status, 503);
    assert.equal(e.error_code, "upstream_unreachable");
    assert.notEqual(e.metadata.transport, "websocket", "traced by the HTTP path it went through");
    assert.equal(f.route, "ws-flaky");
    assert.deepEqual(
      f.attempts.map((x: Json) => [x.model, x.outcome]),
      [["stub-failed", "failed_before_commit"]],
    );
    assert.equal(b.route, "ws-flaky");
    assert.deepEqual(b.attempts.map((x: Json) => [x.model, x.outcome]), [["gpt-ws-b", "success"]]);
  } finally {
    await server.stop();
    await stub.close();
    await Deno.remove(cwd, { recursive: true });
  }
});

/**
 * A WebSocket outlives its handshake, so it must not outlive what allowed it: a gateway key
 * revoked since is refused at the next `response.create` (1008, nothing sent upstream); a config
 * reload drains the old config's relays (1012 "service restart" once their open response ended),
 * and until they end the old generation stays live, so shutdown and `inflight()` still see them.
 */
import assert from "node:assert/strict";
import type { GatewayConfigInput } from "../../src/config/mod.ts";
import { tokenDigest } from "../../src/auth/mod.ts";
import { createGateway } from "../../src/server/gateway.ts";
import { createGenerations, type Generations } from "../../src/server/generations.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import type { TraceRecord } from "../../src/traces/mod.ts";
import { configFor, testSecret } from "../support/gateway_harness.ts";
import { startResponsesWsStub } from "../support/responses_ws_stub.ts";
import { connectWs, startWsGateway } from "../support/ws_gateway.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";

const providerKey = { authorization: "Bearer sk-proj-ws-revoke-provider-key-00000000" };
const path = "/openai/v1/responses";
const create = (model: string) =>
  JSON.stringify({ type: "response.create", model, input: [], stream: true });
const token = "gw_ws_revoke_team_token_0123456789";
const team = (id: string): GatewayConfigInput => ({
  auth: {
    enabled: true,
    keys: [{ id, token: `${token}_${id}`, workspace_id: "ws-a", role: "developer" }],
  },
});

Deno.test("ws revoke: a key revoked while its socket is open is refused at the next create (1008)", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, team("admin"));
  try {
    const stored = "gw_ws_revoke_stored_token_0123456789";
    await gw.store.createKey({
      id: "gk_dev",
      token_digest: tokenDigest(stored, testSecret),
      org_id: "default",
      workspace_id: "ws-a",
      name: "",
      description: "",
      role: "developer",
      permissions: [],
      created_by: "system",
      created_at: "2026-01-01T00:00:00.000Z",
      created_without_auth: false,
    });
    await gw.gateway.refreshKeys();
    const c = await connectWs(`${gw.ws}${path}`, {
      ...providerKey,
      "x-ongoingai-gateway-key": stored,
    });
    c.socket.send(create("gpt-ws-test"));
    await c.untilTerminal(1);
    assert.equal(await gw.store.revokeKey("gk_dev", "admin", "2026-01-02T00:00:00.000Z"), true);
    await gw.gateway.refreshKeys();
    c.socket.send(create("gpt-ws-test"));
    const closed = await c.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /gateway key no longer accepted \(invalid_gateway_key\)/);
    assert.equal(stub.frames.length, 1, "the create after the revocation never went up");
    const traces = await gw.tracesSettled(1);
    assert.equal(traces[0]!.gateway_key_id, "gk_dev");
  } finally {
    await gw.close();
    await stub.close();
  }
});

interface Served {
  gens: Generations;
  /** What a reload's new gateway is built with (the same store and writer). */
  deps: Parameters<typeof createGateway>[1];
  origin: string;
  traces: TraceRecord[];
  close(): Promise<void>;
}

/** Config generations behind a real listener, as `serve` runs them. */
async function serveGenerations(upstream: string): Promise<Served> {
  const store = await openSqliteStore({ path: ":memory:" });
  const traces: TraceRecord[] = [];
  const writer = {
    enqueue: (t: TraceRecord) => traces.push(t) > 0,
    snapshot: () => writerSnapshot({}),
  };
  const deps = { store, writer, keyHashSecret: testSecret };
  const first = configFor(upstream, team("dev-1"));
  const gens = createGenerations(createGateway(first, deps), first);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req, info) => gens.handle(req, info),
  );
  return {
    gens,
    deps,
    origin: `ws://127.0.0.1:${server.addr.port}`,
    traces,
    async close() {
      gens.beginShutdown();
      gens.abortInflight();
      await gens.recorded();
      gens.closeAll();
      await server.shutdown();
      await store.close();
    },
  };
}

function reload(s: Served, upstream: string): void {
  const next = configFor(upstream, team("other"));
  assert.notEqual(s.gens.swap(createGateway(next, s.deps), next), false);
}

const dev = { ...providerKey, "x-ongoingai-gateway-key": `${token}_dev-1` };

Deno.test("ws revoke: a reload closes an idle relay of the old config with 1012 at once", async () => {
  const stub = await startResponsesWsStub();
  const s = await serveGenerations(stub.url);
  try {
    const c = await connectWs(`${s.origin}${path}`, dev);
    c.socket.send(create("gpt-ws-test"));
    await c.untilTerminal(1);
    reload(s, stub.url);
    const closed = await c.closed;
    assert.equal(closed.code, 1012);
    assert.match(closed.reason, /service restart: the gateway's config was reloaded; reconnect/);
    assert.equal(stub.frames.length, 1);
    assert.equal(s.traces.length, 1);
  } finally {
    await s.close();
    await stub.close();
  }
});

Deno.test("ws revoke: a reload lets an open response end, then closes 1012; shutdown still reaches it meanwhile", async () => {
  // A local upstream speaking the protocol that holds each response open until released.
  const held: (() => void)[] = [];
  const up = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    let n = 0;
    socket.onmessage = (e) => {
      const model = JSON.parse(String(e.data)).model;
      const id = `resp_${++n}`;
      socket.send(JSON.stringify({ type: "response.created", response: { id, model } }));
      const usage = { input_tokens: 10, output_tokens: 2, total_tokens: 12 };
      const done = { type: "response.completed", response: { id, model, usage } };
      held.push(() => socket.send(JSON.stringify(done)));
    };
    return response;
  });
  const upstream = `http://127.0.0.1:${up.addr.port}`;
  const s = await serveGenerations(upstream);
  try {
    const a = await connectWs(`${s.origin}${path}`, dev);
    a.socket.send(create("gpt-ws-test"));
    while (a.received.length < 1) await new Promise((r) => setTimeout(r, 10));
    reload(s, upstream);
    assert.equal(s.gens.inflight(), 1, "the old generation's relay is still counted");
    held.shift()!();
    await a.untilTerminal(1);
    const closed = await a.closed;
    assert.equal(closed.code, 1012, "closed once its response ended");
    assert.equal(s.traces.length, 1);
    assert.equal(s.traces[0]!.usage_status, "exact");
    assert.equal(s.traces[0]!.error_code, null);

    // A second relay opened on the new config, then another reload: shutdown begins before its
    // response ends, and reaches the retired generation's relay.
    const b = await connectWs(`${s.origin}${path}`, {
      ...providerKey,
      "x-ongoingai-gateway-key": `${token}_other`,
    });
    b.socket.send(create("gpt-ws-test"));
    while (b.received.length < 1) await new Promise((r) => setTimeout(r, 10));
    reload(s, upstream);
    s.gens.beginShutdown();
    s.gens.abortInflight();
    const cut = await b.closed;
    assert.equal(cut.code, 1001);
    await s.gens.recorded();
    assert.equal(s.traces.length, 2);
    assert.equal(s.traces[1]!.error_code, "shutdown");
    assert.equal(s.gens.inflight(), 0);
  } finally {
    await s.close();
    await up.shutdown();
  }
});

/**
 * The relay's state machine with a fake clock, driven frame by frame: the upstream-silence check
 * counts from the upstream's last frame (a client's creates never reset it), a create whose
 * limit check ends after the upstream closed records the close's own code, and a drain closes
 * with its reason. The sockets here are minimal objects with the surface the relay uses
 * (`send`, `close`, `readyState`, `bufferedAmount`, the `on*` handlers), so each step is
 * deterministic; the same paths over real sockets are in tests/e2e/ws_relay*_test.ts.
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/mod.ts";
import { createCostEstimator } from "../../src/pricing/mod.ts";
import { providerAdapters, responsesWebSocket } from "../../src/providers/mod.ts";
import {
  type Admitted,
  type ExchangeContext,
  lineageFrom,
  upstreamBase,
} from "../../src/proxy/mod.ts";
import { createFingerprinter, defaultTenant, type TraceRecord } from "../../src/traces/mod.ts";
import { wsBoundsOf } from "../../src/ws_relay/mod.ts";
import { RelaySocket } from "../../src/ws_relay/relay_socket.ts";
import type { SocketFacts } from "../../src/ws_relay/response_trace.ts";

class FakeSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  binaryType = "blob";
  sent: (string | ArrayBuffer)[] = [];
  closedWith: { code: number; reason: string } | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  onopen: (() => void) | null = null;
  send(data: string | ArrayBuffer) {
    this.sent.push(data);
  }
  close(code: number, reason: string) {
    this.closedWith = { code, reason };
    this.readyState = WebSocket.CLOSED;
  }
  /** The peer sent a frame. */
  frame(data: string) {
    this.onmessage?.({ data });
  }
  /** The peer closed. */
  closedByPeer(code: number, reason: string) {
    this.readyState = WebSocket.CLOSED;
    this.onclose?.({ code, reason });
  }
}

function setup(admit: (() => Promise<Admitted>) | null = null) {
  const result = validateConfig({ proxy: { idle_timeout_ms: 1000 } }, { env: {} });
  if (!result.ok) throw new Error("config");
  const provider = result.config.providers.find((p) => p.id === "openai")!;
  let clock = 0;
  const recorded: TraceRecord[] = [];
  const ctx: ExchangeContext = {
    now: () => 1_700_000_000_000 + clock,
    monotonic: () => clock,
    fingerprint: createFingerprinter("secret-0123456789abcdef0123456789"),
    redactHeaders: new Set(["authorization"]),
    captureBodies: false,
    bodyMaxSize: 1 << 20,
    record: (t) => recorded.push(t),
  };
  const req = new Request("http://gw.test/openai/v1/responses", {
    headers: { authorization: "Bearer sk-proj-unit-0000000000000000" },
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
  const upstream = new FakeSocket();
  const client = new FakeSocket();
  const relay = new RelaySocket(
    {
      ctx,
      bounds: wsBoundsOf(result.config),
      protocol: responsesWebSocket,
      admit: admit === null ? null : () => admit(),
      authorized: null,
      closed: () => {},
      track: () => {},
    },
    facts,
    upstream as unknown as WebSocket,
  );
  relay.attach(client as unknown as WebSocket);
  return {
    relay,
    upstream,
    client,
    recorded,
    at: (ms: number) => (clock = ms),
  };
}

const closeCode = (socket: FakeSocket): number | null => socket.closedWith?.code ?? null;

const create = (model: string) => JSON.stringify({ type: "response.create", model, input: [] });

Deno.test("relay socket: upstream silence counts from its last frame; a client's create never resets it", () => {
  const s = setup();
  s.client.frame(create("m"));
  s.at(900);
  s.client.frame(create("m")); // used to restart the silence clock at 900
  s.at(1001);
  s.relay.tick(1001);
  assert.equal(closeCode(s.client), 1011);
  assert.match(s.client.closedWith!.reason, /upstream silent for 1000 ms/);
  assert.deepEqual(
    s.recorded.map((t) => t.error_code),
    ["upstream_idle_timeout", "upstream_idle_timeout"],
  );
});

Deno.test("relay socket: an upstream frame does reset the silence clock", () => {
  const s = setup();
  s.client.frame(create("m"));
  s.at(900);
  s.upstream.frame(JSON.stringify({ type: "response.created", response: { id: "resp_1" } }));
  s.at(1500);
  s.relay.tick(1500);
  assert.equal(closeCode(s.client), null);
  s.at(1901);
  s.relay.tick(1901);
  assert.equal(closeCode(s.client), 1011);
});

Deno.test("relay socket: a new response on a socket silent for long starts its own silence clock", () => {
  const s = setup();
  s.at(60_000);
  s.client.frame(create("m"));
  s.relay.tick(60_500);
  assert.equal(closeCode(s.client), null, "silence counts from the response's start");
});

Deno.test("relay socket: a create admitted after the upstream closed records the close's code", async () => {
  let release!: (a: Admitted) => void;
  const s = setup(() => new Promise<Admitted>((r) => (release = r)));
  s.client.frame(create("m"));
  assert.equal(s.upstream.sent.length, 0, "waiting for limits");
  s.upstream.closedByPeer(1011, "upstream went away");
  release({ settle: () => {} } as unknown as Admitted);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(s.upstream.sent.length, 0);
  assert.deepEqual(s.recorded.map((t) => t.error_code), ["upstream_truncated"]);
});

Deno.test("relay socket: a drain closes at once with its reason when no response is open", () => {
  const s = setup();
  s.relay.drain("reload");
  assert.equal(closeCode(s.client), 1012);
  const t = setup();
  t.client.frame(create("m"));
  t.relay.drain("shutdown");
  assert.equal(closeCode(t.client), null, "a response is open: it may end first");
  t.client.frame(create("m"));
  assert.equal(closeCode(t.client), 1001, "a new create while draining closes at once");
  assert.equal(t.upstream.sent.length, 1);
});

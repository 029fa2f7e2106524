/**
 * The relay's pure parts as tables: which response an event belongs to, the close codes each
 * side gets, the 426 decisions, reading a failed dial, and frame sizes.
 */
import assert from "node:assert/strict";
import { responsesWebSocket } from "../../src/providers/mod.ts";
import { PendingResponses } from "../../src/ws_relay/pending.ts";
import { clientClosed, cutReason, gatewayClose, upstreamClosed } from "../../src/ws_relay/close.ts";
import { dialRefusal, type RelayQuestion, relayRefusal } from "../../src/ws_relay/decide.ts";
import { dialFailureOf } from "../../src/ws_relay/dial.ts";
import { frameBytes, utf8Length } from "../../src/ws_relay/bounds.ts";

const ev = (o: Record<string, unknown>) => responsesWebSocket.serverEvent(JSON.stringify(o));

Deno.test("pending: events go to their response; a second create's refusal to the second", () => {
  const q = new PendingResponses<{ name: string; responseId: string | null }>();
  const a = { name: "a", responseId: null };
  const b = { name: "b", responseId: null };
  q.push(a);
  q.push(b);
  const steps: [Record<string, unknown>, string | undefined, number][] = [
    [{ type: "response.created", response: { id: "r1" } }, "a", 2],
    [{ type: "response.output_text.delta", delta: "x" }, "a", 2],
    [{ type: "error", status: 400, error: { code: "busy" } }, "b", 1],
    [{ type: "codex.rate_limits" }, "a", 1],
    [{ type: "response.completed", response: { id: "r1" } }, "a", 0],
    [{ type: "response.output_text.delta", delta: "late" }, undefined, 0],
  ];
  for (const [event, want, left] of steps) {
    assert.equal(q.take(ev(event))?.name, want, JSON.stringify(event));
    assert.equal(q.size, left);
  }
  assert.equal(a.responseId, "r1");
});

Deno.test("pending: ids route events of interleaved responses; an error with nothing started goes to the oldest", () => {
  const q = new PendingResponses<{ name: string; responseId: string | null }>();
  const a = { name: "a", responseId: null };
  const b = { name: "b", responseId: null };
  q.push(a);
  assert.equal(q.take(ev({ type: "error", status: 429 }))?.name, "a");
  q.push(a);
  q.push(b);
  a.responseId = null;
  assert.equal(q.take(ev({ type: "response.created", response: { id: "r1" } }))?.name, "a");
  assert.equal(q.take(ev({ type: "response.created", response: { id: "r2" } }))?.name, "b");
  assert.equal(q.take(ev({ type: "response.completed", response: { id: "r2" } }))?.name, "b");
  assert.equal(q.oldest?.name, "a");
  assert.deepEqual(q.drain().map((e) => e.name), ["a"]);
  assert.equal(q.size, 0);
});

Deno.test("close: what each side gets", () => {
  const cases: [string, ReturnType<typeof gatewayClose>, number, number, string][] = [
    ["client frame", gatewayClose("client_frame_too_large", 4096), 1009, 1000, "request_too_large"],
    [
      "upstream frame",
      gatewayClose("upstream_frame_too_large", 1),
      1009,
      1000,
      "upstream_truncated",
    ],
    ["slow client", gatewayClose("client_too_slow", 1), 1008, 1000, "client_aborted"],
    ["idle", gatewayClose("response_idle_timeout", 5), 1011, 1000, "upstream_idle_timeout"],
    ["shutdown", gatewayClose("shutdown", 0), 1001, 1000, "shutting_down"],
    ["upstream 1000", upstreamClosed(1000, "done"), 1000, 1000, "upstream_truncated"],
    ["upstream 1011", upstreamClosed(1011, "oops"), 1011, 1000, "upstream_truncated"],
    ["upstream dropped", upstreamClosed(1006, ""), 1014, 1000, "upstream_truncated"],
    ["upstream no code", upstreamClosed(1005, ""), 1014, 1000, "upstream_truncated"],
    ["client 1000", clientClosed(1000, "bye"), 1000, 1000, "client_aborted"],
    ["client 4001", clientClosed(4001, "app"), 1000, 4001, "client_aborted"],
    ["client 1001", clientClosed(1001, ""), 1000, 1000, "client_aborted"],
  ];
  for (const [name, action, client, upstream, trace] of cases) {
    assert.equal(action.client.code, client, name);
    assert.equal(action.upstream.code, upstream, name);
    assert.equal(action.trace, trace, name);
  }
  assert.equal(gatewayClose("response_idle_timeout", 5).timeoutPhase, "idle");
  assert.match(clientClosed(1001, "").upstream.reason, /client closed \(1001\)/);
  assert.match(gatewayClose("client_frame_too_large", 4096).client.reason, /over 4096 bytes/);
  const long = cutReason("é".repeat(100));
  assert.ok(new TextEncoder().encode(long).byteLength <= 123);
  assert.ok(long.endsWith("..."));
});

Deno.test("decide: 426 when not relayed, null when relayed", () => {
  const ok: RelayQuestion = {
    providerId: "openai",
    prefix: "/openai",
    path: "/openai/v1/responses",
    accepts: true,
    enabled: true,
    draining: false,
    open: 0,
    maxOpen: 2,
    openForKey: 0,
    maxPerKey: 1,
    guardingPolicy: null,
  };
  assert.equal(relayRefusal(ok), null);
  const cases: [Partial<RelayQuestion>, RegExp][] = [
    [{ accepts: false, path: "/openai/v1/chat/completions" }, /not on \/openai\/v1\/chat/],
    [{ enabled: false }, /providers\.openai\.websockets: false/],
    [{ draining: true }, /shutting down/],
    [{ open: 2 }, /2 WebSocket relays are open/],
    [{ openForKey: 1 }, /1 WebSocket relays are open for this key/],
    [{ guardingPolicy: { id: "strict/v1", mode: "block" } }, /strict\/v1 \(mode block\)/],
  ];
  for (const [change, message] of cases) {
    const err = relayRefusal({ ...ok, ...change });
    assert.equal(err?.status, 426);
    assert.equal(err?.code, "websocket_not_relayed");
    assert.match(err!.message, message);
    assert.match(err!.message, /use HTTPS/);
  }
});

Deno.test("dial: the runtime's error messages read as causes; each gets 426", () => {
  const cases: [string, string, number | null][] = [
    ["NetworkError: failed to connect to WebSocket: Invalid status code: 404", "refused", 404],
    ["NetworkError: failed to connect to WebSocket: tcp connect error", "unreachable", null],
    ["NetworkError: failed to connect to WebSocket: dns error", "unreachable", null],
  ];
  for (const [message, cause, status] of cases) {
    const f = dialFailureOf(message);
    assert.equal(f.cause, cause, message);
    if (f.cause === "refused") assert.equal(f.status, status);
    assert.ok(!f.detail.startsWith("NetworkError"));
    assert.equal(dialRefusal("openai", f).status, 426);
  }
  assert.equal(
    dialRefusal("x", { cause: "timeout", detail: "t" }).code,
    "websocket_upstream_unreachable",
  );
});

Deno.test("frame sizes: UTF-8 bytes counted without encoding", () => {
  for (const s of ["", "abc", "é", "€", "😀", "a😀b", "\ud800", "\udc00x", "日本語"]) {
    assert.equal(utf8Length(s), new TextEncoder().encode(s).byteLength, JSON.stringify(s));
  }
  assert.equal(frameBytes(new ArrayBuffer(7)), 7);
});

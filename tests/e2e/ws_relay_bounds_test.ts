/**
 * The WebSocket relay's bounds through a gateway on a real listener: oversize frames either way
 * (1009), an upstream silent during a response, a client that does not read (closed, not
 * buffered for), and shutdown with a response in progress (closed when the grace period ends,
 * traced as `shutdown`).
 */
import assert from "node:assert/strict";
import { startResponsesWsStub } from "../support/responses_ws_stub.ts";
import { connectWs, startWsGateway } from "../support/ws_gateway.ts";

const providerKey = "sk-proj-ws-relay-provider-key-0000000000";
const codexHeaders = { authorization: `Bearer ${providerKey}` };
const path = "/openai/v1/responses";
const create = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: "response.create", model, input: [], stream: true, ...extra });

Deno.test("ws relay: oversize frames close with 1009 (client side and upstream side)", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, {
    proxy: { max_request_body_bytes: 4096, max_decoded_response_bytes: 65536 },
  });
  try {
    const c = await connectWs(`${gw.ws}${path}`, codexHeaders);
    c.socket.send(create("gpt-ws-test", { instructions: "x".repeat(5000) }));
    const closed = await c.closed;
    assert.equal(closed.code, 1009);
    assert.match(closed.reason, /client frame over 4096 bytes/);
    assert.equal(stub.frames.length, 0, "the oversize frame never went upstream");

    const d = await connectWs(`${gw.ws}${path}`, codexHeaders);
    d.socket.send(create("stub-oversize-100000"));
    const dClosed = await d.closed;
    assert.equal(dClosed.code, 1009);
    assert.match(dClosed.reason, /upstream frame over 65536 bytes/);
    const [t] = await gw.tracesSettled(1);
    assert.equal(t!.error_code, "upstream_truncated");
    assert.equal(t!.usage_status, "unknown");
    // Counted and logged with the reason (at most a line a second: the first is there).
    const closes = gw.logs.filter((l) => String(l.msg).startsWith("WebSocket relay closed"));
    assert.equal(closes[0]?.reason, "client_frame_too_large");
    assert.equal(closes[0]?.closed, 1);
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws relay: an upstream silent during a response past proxy.idle_timeout_ms is closed and traced", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url, { proxy: { idle_timeout_ms: 200 } });
  try {
    const c = await connectWs(`${gw.ws}${path}`, codexHeaders);
    c.socket.send(create("stub-silent"));
    const closed = await c.closed;
    assert.equal(closed.code, 1011);
    assert.match(closed.reason, /upstream silent for 200 ms/);
    const [t] = await gw.tracesSettled(1);
    assert.equal(t!.error_code, "upstream_idle_timeout");
    assert.equal(t!.metadata.timeout_phase, "idle");
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws relay: a client that does not read is closed rather than buffered for", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url);
  try {
    // A raw client: it completes the handshake, sends one create, and never reads again.
    const { hostname, port } = new URL(gw.origin);
    const conn = await Deno.connect({ hostname, port: Number(port) });
    const head = [
      `GET ${path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      `Authorization: Bearer ${providerKey}`,
    ].join("\r\n");
    await conn.write(new TextEncoder().encode(`${head}\r\n\r\n`));
    await conn.read(new Uint8Array(1024));
    await conn.write(maskedTextFrame(create("stub-flood-600")));
    while (stub.closes.length === 0) await new Promise((r) => setTimeout(r, 20));
    assert.match(stub.closes[0]!.reason, /client reads too slowly/);
    const [t] = await gw.tracesSettled(1);
    assert.equal(t!.error_code, "client_aborted");
    conn.close();
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws relay: shutdown: a relay with a response in progress stays until the grace period ends, then 1001 and a shutdown trace", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url);
  try {
    const idle = await connectWs(`${gw.ws}${path}`, codexHeaders);
    const busy = await connectWs(`${gw.ws}${path}`, codexHeaders);
    busy.socket.send(create("stub-silent"));
    while (busy.received.length === 0) await new Promise((r) => setTimeout(r, 10));
    gw.gateway.beginShutdown();
    assert.equal((await idle.closed).code, 1001, "an idle relay closes at once");
    assert.equal(busy.socket.readyState, WebSocket.OPEN, "a busy one finishes its response");
    gw.gateway.abortInflight();
    const closed = await busy.closed;
    assert.equal(closed.code, 1001);
    assert.match(closed.reason, /shutting down/);
    const [t] = await gw.tracesSettled(1);
    assert.equal(t!.error_code, "shutdown");
    assert.equal(t!.usage_status, "unknown");
  } finally {
    await gw.close();
    await stub.close();
  }
});

/** A client frame as RFC 6455 wants it: FIN, text, masked. */
function maskedTextFrame(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const len = payload.length;
  const head = len < 126 ? [0x81, 0x80 | len] : [0x81, 0x80 | 126, len >> 8, len & 0xff];
  const mask = [1, 2, 3, 4];
  const out = new Uint8Array(head.length + 4 + len);
  out.set(head, 0);
  out.set(mask, head.length);
  for (let i = 0; i < len; i++) out[head.length + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}

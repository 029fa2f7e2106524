/**
 * The relay's frame rules and per-socket bounds, through a gateway on a real listener against the
 * Responses WebSocket stub (review of issue 18 item 2): client frames fail closed (binary 1003,
 * unreadable text 1007, an unknown type 1008; nothing of theirs reaches the upstream), acks pass,
 * at most two responses open per socket, prewarms limited and traced like any create, an error
 * event without a status traced with the status its type means, one key cannot take every relay,
 * and the handshake's Origin and Host checks.
 * Reloads and key revocation are in ws_relay_revoke_test.ts.
 */
import assert from "node:assert/strict";
import { prewarmUsage, startResponsesWsStub } from "../support/responses_ws_stub.ts";
import { connectWs, rawUpgrade, startWsGateway, type WsClient } from "../support/ws_gateway.ts";

const key = { authorization: "Bearer sk-proj-ws-rules-provider-key-000000000" };
const path = "/openai/v1/responses";
const create = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: "response.create", model, input: [], stream: true, ...extra });

/** A socket that completed one response, so a later close is the bad frame's doing. */
async function warmSocket(ws: string): Promise<WsClient> {
  const c = await connectWs(`${ws}${path}`, key);
  c.socket.send(create("gpt-ws-test"));
  await c.untilTerminal(1);
  return c;
}

Deno.test("ws rules: binary, unreadable and unknown client frames close the socket; none reaches the upstream", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url);
  const body = create("gpt-ws-test");
  const cases: [string, string | Uint8Array, number, RegExp][] = [
    ["a binary frame", new TextEncoder().encode(body), 1003, /binary frames are not relayed/],
    [
      "NaN: JSON to lenient parsers only",
      body.replace("}", ',"temperature":NaN}'),
      1007,
      /not valid JSON; text frames must be JSON objects with a string "type"/,
    ],
    ["an array", "[]", 1007, /not a JSON object/],
    ["no type", '{"model":"gpt-ws-test"}', 1007, /no string "type" field/],
    ["an unknown type", '{"type":"response.append","input":[]}', 1008, /"response\.append" is not/],
  ];
  try {
    for (const [name, frame, code, reason] of cases) {
      const before = stub.frames.length;
      const c = await warmSocket(gw.ws);
      c.socket.send(frame);
      const closed = await c.closed;
      assert.equal(closed.code, code, name);
      assert.match(closed.reason, reason, name);
      assert.equal(stub.frames.length, before + 1, `${name}: only the first create went up`);
    }
    const traces = await gw.tracesSettled(cases.length);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(gw.traces.length, cases.length, "one trace per socket: its first create");
    assert.ok(traces.every((t) => t.usage_status === "exact" && t.error_code === null));
    assert.equal(gw.logs.filter((l) => l.reason === "client_binary_frame").length, 1);
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws rules: a response.processed ack passes unchanged; the socket stays open", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url);
  try {
    const c = await warmSocket(gw.ws);
    const ack = '{"type":"response.processed","response_id":"resp_1"}';
    c.socket.send(ack);
    c.socket.send(create("gpt-ws-test"));
    await c.untilTerminal(2);
    assert.equal(stub.frames[1], ack);
    assert.equal(stub.frames.length, 3);
    assert.equal(c.socket.readyState, WebSocket.OPEN);
    assert.equal((await gw.tracesSettled(2)).length, 2);
    c.socket.close();
    await c.closed;
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws rules: a third response open on one socket closes it (1008); the first two are traced cut", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url);
  try {
    const c = await connectWs(`${gw.ws}${path}`, key);
    // The stub answers stub-silent with response.created only: the response stays open.
    for (let i = 0; i < 3; i++) {
      c.socket.send(create("stub-silent", { instructions: "x".repeat(1e5) }));
    }
    const closed = await c.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /too many responses open: 2 per socket/);
    assert.equal(stub.frames.length, 2, "the third create never went up");
    const traces = await gw.tracesSettled(2);
    assert.deepEqual(traces.map((t) => t.error_code), ["client_aborted", "client_aborted"]);
    assert.equal(gw.logs.filter((l) => l.reason === "too_many_responses").length, 1);
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws rules: a prewarm is limited like any create and traced with its usage, kind prewarm", async () => {
  const stub = await startResponsesWsStub();
  const token = "gw_ws_rules_team_token_0123456789";
  const gw = await startWsGateway(stub.url, {
    auth: {
      enabled: true,
      keys: [{
        id: "dev-1",
        token,
        workspace_id: "ws-a",
        role: "developer",
        limits: { requests_per_minute: 1 },
      }],
    },
  });
  try {
    const c = await connectWs(`${gw.ws}${path}`, { ...key, "x-ongoingai-gateway-key": token });
    c.socket.send(create("gpt-ws-test", { generate: false }));
    await c.untilTerminal(1);
    // Marking a create as a prewarm is no way around the limits: the one request is spent.
    c.socket.send(create("gpt-ws-test", { generate: false }));
    const frames = await c.untilTerminal(2);
    assert.equal(JSON.parse(frames.at(-1)!).error.code, "rate_limited");
    assert.equal(stub.frames.length, 1);
    const [p, refused] = await gw.tracesSettled(2);
    assert.equal(p!.agent_request_kind, "prewarm");
    assert.equal(p!.gateway_key_id, "dev-1");
    assert.equal(p!.input_tokens, prewarmUsage.input);
    assert.equal(p!.usage_status, "exact");
    assert.equal(refused!.error_code, "rate_limited");
    assert.equal(refused!.agent_request_kind, "prewarm");
    c.socket.close();
    await c.closed;
  } finally {
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws rules: an error event without a status is traced with the status its type means", async () => {
  // A local upstream speaking the protocol: each create answered by the error event its model names.
  const errors: Record<string, unknown> = {
    "err-invalid": { type: "invalid_request_error", code: "bad_param", message: "nope" },
    "err-rate": { type: "rate_limit_error", code: "rate_limit_exceeded", message: "slow" },
    "err-server": { type: "server_error", message: "boom" },
  };
  const up = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onmessage = (e) => {
      const model = JSON.parse(String(e.data)).model as string;
      socket.send(JSON.stringify({ type: "error", error: errors[model] }));
    };
    return response;
  });
  const gw = await startWsGateway(`http://127.0.0.1:${up.addr.port}`);
  try {
    const c = await connectWs(`${gw.ws}${path}`, key);
    const want: [string, number][] = [["err-invalid", 400], ["err-rate", 429], ["err-server", 502]];
    for (const [i, [model]] of want.entries()) {
      c.socket.send(create(model));
      await c.untilTerminal(i + 1);
    }
    const traces = await gw.tracesSettled(want.length);
    for (const [i, [model, status]] of want.entries()) {
      assert.equal(traces[i]!.model, model);
      assert.equal(traces[i]!.response_status, status, model);
      // As over HTTPS: an upstream's error answer is its status, not a gateway error code.
      assert.equal(traces[i]!.error_code, null, model);
      assert.equal(traces[i]!.usage_status, "none", model);
    }
    c.socket.close();
    await c.closed;
  } finally {
    await gw.close();
    await up.shutdown();
  }
});

Deno.test("ws rules: one key keeps at most 32 relays open (426 past it); another key still gets one", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url);
  const open: WsClient[] = [];
  try {
    for (let i = 0; i < 32; i++) open.push(await connectWs(`${gw.ws}${path}`, key));
    const refused = await rawUpgrade(gw.origin, path, key);
    assert.equal(refused.status, 426);
    const err = JSON.parse(refused.body).error;
    assert.equal(err.code, "websocket_not_relayed");
    assert.match(err.message, /32 WebSocket relays are open for this key/);
    const other = await connectWs(`${gw.ws}${path}`, {
      authorization: "Bearer sk-proj-ws-rules-other-key-0000000000000",
    });
    open.push(other);
    // A relay that closes gives its slot back.
    open[0]!.socket.close();
    await open[0]!.closed;
    await new Promise((r) => setTimeout(r, 50));
    open.push(await connectWs(`${gw.ws}${path}`, key));
  } finally {
    for (const c of open) c.socket.close();
    await Promise.all(open.map((c) => c.closed));
    await gw.close();
    await stub.close();
  }
});

Deno.test("ws rules: an upgrade from a cross-site page or under a foreign Host is refused before dialing", async () => {
  const stub = await startResponsesWsStub();
  const gw = await startWsGateway(stub.url);
  try {
    const crossSite = await rawUpgrade(gw.origin, path, { ...key, origin: "http://evil.example" });
    assert.equal(crossSite.status, 403);
    // A DNS-rebound page names its own host: the handshake written by hand with that Host.
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: Number(new URL(gw.origin).port),
    });
    const head = [
      `GET ${path} HTTP/1.1`,
      "Host: rebound.example:8080",
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      `Authorization: ${key.authorization}`,
    ];
    await conn.write(new TextEncoder().encode(`${head.join("\r\n")}\r\n\r\n`));
    const buf = new Uint8Array(1024);
    const n = await conn.read(buf);
    conn.close();
    const status = Number(
      /^HTTP\/1\.1 (\d{3})/.exec(new TextDecoder().decode(buf.subarray(0, n ?? 0)))?.[1],
    );
    assert.equal(status, 421);
    assert.equal(stub.handshakes.length, 0, "the upstream was never dialed");
  } finally {
    await gw.close();
    await stub.close();
  }
});

/**
 * The per-request connect limit (`UpstreamRequest.connectTimeoutMs`) of the native client: it
 * bounds opening a new connection (TCP and TLS handshake), replaces the client's own bound, and
 * fails as a `ConnectTimeout` a caller can tell from other failures. A loopback listener that
 * accepts TCP but never speaks TLS makes the handshake hang deterministically (a TCP connect on
 * loopback cannot be made to hang reliably). No durations are asserted.
 */
import assert from "node:assert/strict";
import { ConnectTimeout, createNativeClient } from "../../src/upstream/mod.ts";
import { answerEach, get, ok, rawServer } from "./servers.ts";

/** Accepts TCP, then reads (never answers) until the client goes: a TLS handshake hangs. */
const muteTls = () => rawServer((c) => c.readRequest().then(() => {}));

Deno.test("connect limit per request: a hanging handshake fails as ConnectTimeout, naming only the origin", async () => {
  const server = muteTls();
  const client = createNativeClient();
  try {
    const url = `https://127.0.0.1:${server.port}/v1/chat?key=secret-query`;
    const err = await get(client, url, {
      headers: { authorization: "Bearer sk-secret" },
      connectTimeoutMs: 30,
    }).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof ConnectTimeout, `a ConnectTimeout, got ${err}`);
    assert.equal(err.timeoutMs, 30);
    // connectTls may finish the handshake before it resolves: either step is "connecting".
    assert.match(
      err.message,
      /^(connecting to|TLS handshake with) 127\.0\.0\.1:\d+ timed out after 30 ms$/,
    );
    assert.doesNotMatch(err.message, /secret|v1\/chat/);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("connect limit per request: replaces the client's own bound for that request", async () => {
  const server = muteTls();
  // The client's own bound would wait an hour; the request's is what ends it.
  const client = createNativeClient({ connectTimeoutMs: 3_600_000 });
  try {
    const err = await get(client, `https://127.0.0.1:${server.port}/`, { connectTimeoutMs: 20 })
      .then(() => null, (e: unknown) => e);
    assert.ok(err instanceof ConnectTimeout);
    assert.equal(err.timeoutMs, 20);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("connect limit per request: the caller's abort wins and is not a ConnectTimeout", async () => {
  const server = muteTls();
  const client = createNativeClient();
  try {
    const ctl = new AbortController();
    const reason = new Error("client gone");
    ctl.abort(reason);
    const err = await get(client, `https://127.0.0.1:${server.port}/`, {
      signal: ctl.signal,
      connectTimeoutMs: 3_600_000,
    }).then(() => null, (e: unknown) => e);
    assert.equal(err, reason);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("connect limit per request: a pooled connection needs no opening, so the limit does not apply", async () => {
  const server = rawServer((c, s) => answerEach(c, s, () => ok("pong")));
  const client = createNativeClient();
  try {
    const first = await get(client, server.url);
    assert.equal(new TextDecoder().decode(await first.bytes()), "pong");
    // A limit of 0 would fail any new connection; the pooled one is used as it is.
    const second = await get(client, server.url, { connectTimeoutMs: 0 });
    assert.equal(new TextDecoder().decode(await second.bytes()), "pong");
    assert.equal(server.accepted, 1);
  } finally {
    client.close();
    await server.close();
  }
});

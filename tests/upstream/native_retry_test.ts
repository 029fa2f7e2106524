/**
 * When the native client sends a request again: only on a connection from the pool that died
 * before a single byte of an answer, only once, and only on a new connection.
 */
import assert from "node:assert/strict";
import { createNativeClient } from "../../src/upstream/mod.ts";
import { answerEach, get, ok, type RawConn, type RawServer, rawServer } from "./servers.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Runs `script` per connection index (0, 1, ...) and records every request. */
function scripted(scripts: ((c: RawConn, s: RawServer) => Promise<void>)[]): RawServer {
  return rawServer((c, s) => (scripts[c.index] ?? (async () => {}))(c, s));
}

/** Reads one request, records it, and returns without answering (the connection closes). */
const readThenHangUp = async (c: RawConn, s: RawServer) => {
  const req = await c.readRequest();
  if (req !== null) s.requests.push(req);
};

/** Answers the first request properly, the second with `second`, then closes. */
const answerTwice = (second: string) => async (c: RawConn, s: RawServer) => {
  for (const answer of [ok("first"), second]) {
    const req = await c.readRequest();
    if (req === null) return;
    s.requests.push(req);
    await c.write(answer);
  }
};

Deno.test("native retry: a reused connection that dies before answering is retried once, on a new connection", async () => {
  const server = scripted([
    (c, s) => answerEach(c, s, (i) => i === 0 ? ok("first") : null),
    (c, s) => answerEach(c, s, () => ok("second")),
  ]);
  const client = createNativeClient();
  try {
    assert.equal(text(await (await get(client, server.url)).bytes()), "first");
    const body = new TextEncoder().encode('{"n":2}');
    const res = await get(client, server.url, { method: "POST", body });
    assert.equal(text(await res.bytes()), "second");
    assert.equal(server.accepted, 2);
    assert.equal(server.requests.length, 3, "first, second (lost), second again");
    assert.ok(server.requests[2]!.endsWith('{"n":2}'), "the body went out again");
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("native retry: no retry once any byte of the answer arrived", async () => {
  const server = scripted([
    answerTwice("HTTP/1.1 200 OK\r\ncontent-le"),
    (c, s) => answerEach(c, s, () => ok("must not be asked")),
  ]);
  const client = createNativeClient();
  try {
    await (await get(client, server.url)).bytes();
    await assert.rejects(get(client, server.url), /in the middle of the response head/);
    assert.equal(server.accepted, 1);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("native retry: no retry on a fresh connection", async () => {
  const server = scripted([readThenHangUp, (c, s) => answerEach(c, s, () => ok("never"))]);
  const client = createNativeClient();
  try {
    await assert.rejects(get(client, server.url), /closed the connection before answering/);
    assert.equal(server.accepted, 1);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("native retry: only once: a retry that fails too is reported", async () => {
  const server = scripted([
    (c, s) => answerEach(c, s, (i) => i === 0 ? ok("first") : null),
    readThenHangUp,
    (c, s) => answerEach(c, s, () => ok("never")),
  ]);
  const client = createNativeClient();
  try {
    await (await get(client, server.url)).bytes();
    await assert.rejects(get(client, server.url), /closed the connection before answering/);
    assert.equal(server.accepted, 2);
    assert.equal(server.requests.length, 3);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("native retry: a body cut after the head is not retried", async () => {
  const server = scripted([
    answerTwice("HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nabc"),
    (c, s) => answerEach(c, s, () => ok("never")),
  ]);
  const client = createNativeClient();
  try {
    await (await get(client, server.url)).bytes();
    const res = await get(client, server.url);
    await assert.rejects(res.bytes(), /after 3 of 9 body bytes/);
    assert.equal(server.accepted, 1);
  } finally {
    client.close();
    await server.close();
  }
});

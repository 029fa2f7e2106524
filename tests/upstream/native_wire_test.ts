/**
 * What the native client puts on the wire and what it refuses to take from it: the request
 * head, caller mistakes refused before anything is sent, malformed answers, and error messages
 * that name the upstream and nothing of the request.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { createNativeClient } from "../../src/upstream/mod.ts";
import { answerEach, get, httpServer, ok, rawServer } from "./servers.ts";
import { tlsMaterial } from "./tls.ts";

const tls = await tlsMaterial();

Deno.test("native wire: the request head is the method, target, host, headers, length and identity coding", async () => {
  const server = rawServer((c, s) => answerEach(c, s, () => ok("x")));
  const client = createNativeClient();
  try {
    const body = new TextEncoder().encode("{}");
    const headers = { "content-type": "application/json", "x-Mixed-Case": "v" };
    await (await get(client, server.url + "/v1/x?y=1#frag", { method: "POST", headers, body }))
      .bytes();
    const res = await get(client, server.url + "?q", { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.decoded, false);
    await res.bytes();
    assert.deepEqual(server.requests, [
      `POST /v1/x?y=1 HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\ncontent-type: application/json\r\n` +
      `x-Mixed-Case: v\r\ncontent-length: 2\r\naccept-encoding: identity\r\n\r\n{}`,
      `GET /?q HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\naccept-encoding: gzip\r\n\r\n`,
    ]);
  } finally {
    client.close();
    await server.close();
  }
});

const refused: [string, Parameters<typeof get>[2], string?][] = [
  ["host set by the caller", { headers: { host: "evil.example" } }],
  ["content-length set by the caller", { headers: { "content-length": "0" } }],
  ["transfer-encoding set by the caller", { headers: { "transfer-encoding": "chunked" } }],
  ["connection set by the caller", { headers: { connection: "close" } }],
  ["a header name that is not a token", { headers: { "bad name": "v" } }],
  ["a header name with a colon", { headers: { "x:y": "v" } }],
  ["a value outside latin1", { headers: { "x-emoji": "👋" } }],
  ["a method that is not a token", { method: "GET /x HTTP/1.1\r\n" }],
  ["a space in the target", {}, "/a b"],
  ["a newline in the target", {}, "/a\nb"],
];

Deno.test("native wire: caller mistakes are TypeErrors and nothing is sent", async () => {
  const server = rawServer((c, s) => answerEach(c, s, () => ok("x")));
  const client = createNativeClient();
  try {
    for (const [name, init, path] of refused) {
      await assert.rejects(get(client, server.url + (path ?? "/"), init), TypeError, name);
    }
    for (const url of ["ftp://127.0.0.1/", "/relative", "http://user:pw@127.0.0.1/"]) {
      await assert.rejects(get(client, url), TypeError, url);
    }
    assert.equal(server.accepted, 0);
  } finally {
    client.close();
    await server.close();
  }
});

const malformed: [string, string, RegExp][] = [
  [
    "obsolete line folding",
    "HTTP/1.1 200 OK\r\nx: a\r\n b\r\ncontent-length: 0\r\n\r\n",
    /folding/,
  ],
  ["a bad status line", "HTTP/1.1 OK\r\ncontent-length: 0\r\n\r\n", /status line/],
  ["HTTP/2 on an HTTP/1.1 connection", "HTTP/2 200\r\n\r\n", /status line/],
  [
    "a space before the colon",
    "HTTP/1.1 200 OK\r\nx : y\r\ncontent-length: 0\r\n\r\n",
    /header name/,
  ],
  ["a bare LF", "HTTP/1.1 200 OK\nx: y\r\ncontent-length: 0\r\n\r\n", /status line/],
  ["a NUL in a value", "HTTP/1.1 200 OK\r\nx: a\0b\r\ncontent-length: 0\r\n\r\n", /control/],
  [
    "differing content-lengths",
    "HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab",
    /conflicting/,
  ],
  ["a negative content-length", "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n", /content-length/],
  [
    "an unsupported transfer-encoding",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n",
    /transfer-encoding/,
  ],
  ["101 without asking", "HTTP/1.1 101 Switching Protocols\r\n\r\n", /101/],
  ["a head over 64 KiB", `HTTP/1.1 200 OK\r\nx: ${"a".repeat(70_000)}\r\n\r\n`, /64 KiB/],
  [
    "a chunk size that is not hex",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
    /chunk size/,
  ],
  [
    "chunk data longer than declared",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nabc\r\n0\r\n\r\n",
    /longer/,
  ],
  [
    "a huge chunk size",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nfffffffffffffff\r\n",
    /too large/,
  ],
  [
    "a bad chunk extension",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1;\0\r\na\r\n0\r\n\r\n",
    /extension/,
  ],
];

Deno.test("native wire: malformed answers are errors that name the upstream", async () => {
  for (const [name, answer, pattern] of malformed) {
    const server = rawServer(async (c) => {
      await c.readRequest();
      await c.write(answer);
      await c.readRequest();
    });
    const client = createNativeClient();
    try {
      const error = await get(client, server.url).then((res) => res.bytes()).then(
        () => null,
        (err: Error) => err,
      );
      assert.ok(error instanceof Error, `${name}: rejected`);
      assert.match(error.message, pattern, name);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${server.port}`), name);
    } finally {
      client.close();
      await server.close();
    }
  }
});

Deno.test("native wire: a failed connect names host and port, never the query or a header", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const client = createNativeClient();
  const url = `http://127.0.0.1:${port}/v1/models?key=secret-query`;
  const error = await get(client, url, { headers: { authorization: "Bearer sk-secret" } }).then(
    () => null,
    (err: Error) => err,
  );
  assert.ok(error instanceof Error);
  assert.match(error.message, new RegExp(`^connecting to 127\\.0\\.0\\.1:${port} failed: `));
  assert.doesNotMatch(error.message, /secret|v1\/models/);
});

Deno.test("native wire: a connect timeout and an abort both end a hanging TLS handshake", async () => {
  // Accepts TCP but never speaks TLS: the handshake waits forever.
  const server = rawServer((c) => c.readRequest().then(() => {}));
  const client = createNativeClient({ connectTimeoutMs: 50 });
  try {
    const url = `https://127.0.0.1:${server.port}/`;
    await assert.rejects(
      get(client, url),
      /TLS handshake with 127\.0\.0\.1:\d+ timed out after 50 ms/,
    );
    const patient = createNativeClient();
    const ctl = new AbortController();
    const reason = new Error("shutdown");
    const pending = get(patient, url, { signal: ctl.signal });
    setTimeout(() => ctl.abort(reason), 20);
    await assert.rejects(pending, (err) => err === reason);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test({
  name: "native wire: TLS connections are reused, and an unknown CA is reported as a TLS failure",
  ignore: typeof tls === "string",
  async fn() {
    if (typeof tls === "string") return;
    const server = httpServer(() => new Response("secure"), tls);
    const trusting = createNativeClient({ tls: { caCerts: [tls.caCert] } });
    const untrusting = createNativeClient();
    try {
      for (let i = 0; i < 3; i++) await (await get(trusting, server.url)).bytes();
      assert.equal(server.connections.size, 1);
      await assert.rejects(
        get(untrusting, server.url),
        (err: Error) =>
          err.message.startsWith(`TLS handshake with localhost:${server.port} failed: `),
      );
    } finally {
      trusting.close();
      untrusting.close();
      await server.close();
    }
  },
});
if (typeof tls === "string") console.warn(`native wire TLS case skipped: ${tls}`);

Deno.test("native wire: overlapping reads of one body are a TypeError", async () => {
  const server = rawServer(async (c) => {
    await c.readRequest();
    await c.write("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nab");
    await c.readRequest();
  });
  const client = createNativeClient();
  try {
    const res = await get(client, server.url);
    assert.equal(new TextDecoder().decode((await res.read())!), "ab");
    const pending = res.read();
    await assert.rejects(res.read(), TypeError);
    res.cancel();
    await assert.rejects(pending);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("native wire: a coded body reaches the caller as sent, with decoded false", async () => {
  const gzipped = new Uint8Array(gzipSync(new TextEncoder().encode("hello, hello")));
  const server = httpServer(() =>
    new Response(gzipped.slice(), { headers: { "content-encoding": "gzip" } })
  );
  const client = createNativeClient();
  try {
    const res = await get(client, server.url, { headers: { "accept-encoding": "gzip" } });
    assert.equal(res.decoded, false);
    assert.deepEqual(await res.bytes(), gzipped);
  } finally {
    client.close();
    await server.close();
  }
});

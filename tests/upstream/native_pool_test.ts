/**
 * The native client's connection reuse: when a connection goes back to the pool, when it must
 * not, idle expiry, the pool bound, a server hanging up on an idle connection, and close().
 */
import assert from "node:assert/strict";
import { createNativeClient } from "../../src/upstream/mod.ts";
import { answerEach, eventually, get, httpServer, ok, rawServer } from "./servers.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("native pool: sequential requests share one connection", async () => {
  const server = httpServer(() => new Response("hi"));
  const client = createNativeClient();
  try {
    for (let i = 0; i < 5; i++) {
      assert.equal(text(await (await get(client, server.url)).bytes()), "hi");
    }
    assert.equal(server.connections.size, 1);
    assert.equal(client.idleConnections, 1);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("native pool: concurrent requests each get a connection, and the next wave reuses them", async () => {
  const server = httpServer(() => new Response("hi"));
  const client = createNativeClient();
  try {
    const wave = () =>
      Promise.all(Array.from({ length: 8 }, async () => (await get(client, server.url)).bytes()));
    await wave();
    const opened = server.connections.size;
    assert.ok(opened >= 1 && opened <= 8, `${opened} connections`);
    await wave();
    await wave();
    assert.equal(server.connections.size, opened, "later waves opened nothing new");
  } finally {
    client.close();
    await server.close();
  }
});

const reusableAfter: [string, string, string][] = [
  ["content-length", "GET", ok("body")],
  [
    "chunked with trailers",
    "GET",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nt: 1\r\n\r\n",
  ],
  ["HEAD", "HEAD", "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"],
  ["204", "GET", "HTTP/1.1 204 No Content\r\n\r\n"],
  ["304", "GET", "HTTP/1.1 304 Not Modified\r\ncontent-length: 9\r\n\r\n"],
  ["1xx then 200", "GET", "HTTP/1.1 100 Continue\r\n\r\n" + ok("x")],
  ["connection: keep-alive", "GET", ok("x", "connection: keep-alive\r\n")],
];

const notReusableAfter: [string, string][] = [
  ["connection: close", ok("x", "connection: close\r\n")],
  ["connection: close among other tokens", ok("x", "connection: upgrade, Close\r\n")],
  ["HTTP/1.0", "HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\nx"],
  [
    "both transfer-encoding and content-length",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 2\r\n\r\n1\r\nx\r\n0\r\n\r\n",
  ],
  ["bytes after the body", ok("x") + "junk"],
];

Deno.test("native pool: a connection is reused after a complete, well-framed answer", async () => {
  for (const [name, method, answer] of reusableAfter) {
    const server = rawServer((c, s) => answerEach(c, s, () => answer));
    const client = createNativeClient();
    try {
      for (let i = 0; i < 2; i++) await (await get(client, server.url, { method })).bytes();
      assert.equal(server.accepted, 1, name);
    } finally {
      client.close();
      await server.close();
    }
  }
});

Deno.test("native pool: a connection is not reused when the answer says or suggests so", async () => {
  for (const [name, answer] of notReusableAfter) {
    const server = rawServer((c, s) => answerEach(c, s, () => answer));
    const client = createNativeClient();
    try {
      for (let i = 0; i < 2; i++) await (await get(client, server.url)).bytes();
      assert.equal(server.accepted, 2, name);
      assert.equal(client.idleConnections, 0, name);
    } finally {
      client.close();
      await server.close();
    }
  }
});

Deno.test("native pool: a body cancelled or cut is never reused", async () => {
  const server = rawServer((c, s) => answerEach(c, s, () => ok("x".repeat(10))));
  const client = createNativeClient();
  try {
    (await get(client, server.url)).cancel();
    await (await get(client, server.url)).bytes();
    assert.equal(server.accepted, 2);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("native pool: the connection is back in the pool with the last body bytes", async () => {
  const answers = [
    ok("whole"),
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nend\r\n0\r\n\r\n",
  ];
  for (const answer of answers) {
    const server = rawServer((c, s) => answerEach(c, s, () => answer));
    const client = createNativeClient();
    try {
      const res = await get(client, server.url);
      assert.ok((await res.read()) !== null);
      assert.equal(client.idleConnections, 1, "before the final read() returned null");
      assert.equal(await res.read(), null);
    } finally {
      client.close();
      await server.close();
    }
  }
});

Deno.test("native pool: a server closing an idle connection is noticed before the next request", async () => {
  // Answers once, then hangs up on the idle connection.
  const hangUp = rawServer(async (c, s) => {
    const req = await c.readRequest();
    if (req === null) return;
    s.requests.push(req);
    await c.write(ok("once"));
  });
  const client = createNativeClient();
  try {
    assert.equal(text(await (await get(client, hangUp.url)).bytes()), "once");
    await eventually(() => client.idleConnections === 0, "the pool to drop the closed connection");
    assert.equal(text(await (await get(client, hangUp.url)).bytes()), "once");
    assert.equal(hangUp.accepted, 2);
    assert.equal(hangUp.requests.length, 2, "nothing was sent on the dead connection");
  } finally {
    client.close();
    await hangUp.close();
  }
});

Deno.test("native pool: idle connections expire after idleTimeoutMs", async () => {
  let now = 1_000_000;
  const server = rawServer((c, s) => answerEach(c, s, () => ok("x")));
  const client = createNativeClient({ idleTimeoutMs: 30_000, now: () => now });
  try {
    await (await get(client, server.url)).bytes();
    now += 29_000;
    await (await get(client, server.url)).bytes();
    assert.equal(server.accepted, 1, "still fresh after 29 s");
    now += 30_001;
    await (await get(client, server.url)).bytes();
    assert.equal(server.accepted, 2, "expired after 30 s idle");
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("native pool: maxIdlePerOrigin bounds what is kept", async () => {
  for (const max of [0, 2]) {
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    let arrived = 0;
    const server = httpServer(async () => {
      if (++arrived === 4) release();
      await gate;
      return new Response("x");
    });
    const client = createNativeClient({ maxIdlePerOrigin: max });
    try {
      await Promise.all(
        Array.from({ length: 4 }, async () => (await get(client, server.url)).bytes()),
      );
      assert.equal(server.connections.size, 4);
      assert.equal(client.idleConnections, max);
    } finally {
      client.close();
      await server.close();
    }
  }
});

Deno.test("native pool: close() drops idle connections, retires busy ones, and the client still works", async () => {
  const server = rawServer((c, s) => answerEach(c, s, () => ok("x")));
  const client = createNativeClient();
  try {
    await (await get(client, server.url)).bytes();
    const busy = await get(client, server.url);
    client.close();
    assert.equal(client.idleConnections, 0);
    await busy.bytes();
    assert.equal(client.idleConnections, 0, "a connection from before close() is not pooled");
    await (await get(client, server.url)).bytes();
    assert.equal(client.idleConnections, 1);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("native pool: idle connections nobody comes back for are closed by the sweeper", async () => {
  let closedByClient = false;
  const server = rawServer(async (c, s) => {
    await answerEach(c, s, () => ok("x"));
    closedByClient = true; // answerEach returns when the client closes the connection
  });
  const client = createNativeClient({ idleTimeoutMs: 60 });
  try {
    await (await get(client, server.url)).bytes();
    assert.equal(client.idleConnections, 1);
    await eventually(() => closedByClient, "the sweeper to close the idle connection");
    assert.equal(client.idleConnections, 0);
  } finally {
    client.close();
    await server.close();
  }
});

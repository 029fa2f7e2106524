/**
 * Conformance cases about bodies and their end: framing, interim answers, streaming, cuts,
 * aborts and cancellation. Shared by every UpstreamClient implementation.
 */
import assert from "node:assert/strict";
import type { UpstreamClient, UpstreamResponse } from "../../src/upstream/mod.ts";
import { answerEach, get, httpServer, ok, type RawConn, rawServer } from "./servers.ts";
import type { Case } from "./conformance.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function readAll(res: UpstreamResponse): Promise<string> {
  let out = "";
  for (let c = await res.read(); c !== null; c = await res.read()) out += text(c);
  return out;
}

/** Sends a GET to a raw server that answers the first request with `answer` (then closes). */
async function rawExchange(
  client: UpstreamClient,
  answer: (c: RawConn) => Promise<void>,
  method = "GET",
): Promise<{ res: UpstreamResponse; close: () => Promise<void> }> {
  const server = rawServer(async (c) => {
    if (await c.readRequest() === null) return;
    await answer(c);
  });
  const res = await get(client, server.url + "/", { method });
  return { res, close: () => server.close() };
}

const framed: [string, string, string][] = [
  [
    "chunked with extensions and trailers",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" +
    '5;ext=1;q="a b"\r\nhello\r\n1\r\n \r\nB\r\nworld, done\r\n0\r\nx-trailer: t\r\n\r\n',
    "hello world, done",
  ],
  [
    "content-length",
    "HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\nhello, world",
    "hello, world",
  ],
  [
    "read until close",
    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end",
    "until the end",
  ],
  [
    "interim 100 and 103 answers skipped",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n" +
    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok",
    "ok",
  ],
];

const cut: [string, string][] = [
  ["content-length", "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"],
  ["mid-chunk", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab"],
  ["before the last chunk", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n"],
  [
    "in the trailers",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nx: 1\r\n",
  ],
];

export const bodyCases: Record<string, Case> = {
  "bodies framed every way arrive whole, even written one byte at a time": async (client) => {
    for (const [name, wire, body] of framed) {
      const { res, close } = await rawExchange(client, (c) => c.writeBytewise(wire));
      try {
        assert.equal(res.status, 200, name);
        assert.equal(await readAll(res), body, name);
      } finally {
        await close();
      }
    }
  },

  "no body for HEAD, 204 and 304": async (client) => {
    const cases: [string, string][] = [
      ["HEAD", "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"],
      ["GET", "HTTP/1.1 204 No Content\r\n\r\n"],
      ["GET", "HTTP/1.1 304 Not Modified\r\ncontent-length: 5\r\n\r\n"],
    ];
    for (const [method, answer] of cases) {
      // The server keeps the connection open: a client waiting for a body would hang here.
      const { res, close } = await rawExchange(client, async (c) => {
        await c.write(answer);
        await c.readRequest();
      }, method);
      try {
        assert.equal(await res.read(), null, answer);
        assert.equal((await res.bytes()).length, 0, answer);
      } finally {
        await close();
      }
    }
  },

  "a body cut short throws from read() and from bytes()": async (client) => {
    for (const [name, wire] of cut) {
      for (const how of ["read", "bytes"] as const) {
        const { res, close } = await rawExchange(client, (c) => c.write(wire));
        try {
          await assert.rejects(
            how === "read" ? readAll(res) : res.bytes(),
            Error,
            `${name} ${how}`,
          );
        } finally {
          await close();
        }
      }
    }
  },

  "streamed chunks are handed over as they arrive": async (client) => {
    let send!: ReadableStreamDefaultController<Uint8Array>;
    const server = httpServer(() =>
      new Response(new ReadableStream({ start: (c) => void (send = c) }), {
        headers: { "content-type": "text/event-stream" },
      })
    );
    try {
      const res = await get(client, server.url);
      // The next event is only sent once the previous one was received: no buffering can pass.
      for (let i = 0; i < 5; i++) {
        const event = `data: ${i}\n\n`;
        send.enqueue(new TextEncoder().encode(event));
        let got = "";
        while (got.length < event.length) got += text((await res.read())!);
        assert.equal(got, event);
      }
      send.close();
      assert.equal(await res.read(), null);
    } finally {
      await server.close();
    }
  },

  "a 10 MB body streams in bounded pieces while it is produced": async (client) => {
    const total = 10 * 1024 * 1024;
    const piece = new Uint8Array(64 * 1024).fill(120);
    let produced = 0;
    const server = httpServer(() =>
      new Response(
        new ReadableStream({
          pull(c) {
            if (produced >= total) return c.close();
            c.enqueue(piece.slice());
            produced += piece.length;
          },
        }, { highWaterMark: 0 }),
      )
    );
    try {
      const res = await get(client, server.url);
      let received = 0;
      let pieces = 0;
      let maxPiece = 0;
      let sawProducerAhead = false;
      for (let c = await res.read(); c !== null; c = await res.read()) {
        if (pieces === 0) sawProducerAhead = produced < total;
        received += c.length;
        pieces++;
        maxPiece = Math.max(maxPiece, c.length);
      }
      assert.equal(received, total);
      assert.ok(pieces > 10, `${pieces} pieces`);
      assert.ok(maxPiece <= 1024 * 1024, `largest piece ${maxPiece} bytes`);
      assert.ok(sawProducerAhead, "the first piece arrived before the server had produced it all");
    } finally {
      await server.close();
    }
  },

  "an already aborted signal rejects at once with its reason": async (client) => {
    const server = httpServer(() => new Response("never"));
    try {
      const ctl = new AbortController();
      const reason = new Error("my reason");
      ctl.abort(reason);
      await assert.rejects(
        get(client, server.url, { signal: ctl.signal }),
        (err) => err === reason,
      );
      assert.equal(server.connections.size, 0);
    } finally {
      await server.close();
    }
  },

  "an abort while waiting for the head rejects send with the reason": async (client) => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((r) => arrived = r);
    const server = rawServer(async (c) => {
      await c.readRequest();
      arrived();
      await c.readRequest(); // never answers; returns when the client closes
    });
    try {
      const ctl = new AbortController();
      const reason = new Error("headers timeout");
      const pending = get(client, server.url, { method: "POST", signal: ctl.signal });
      await requestArrived;
      ctl.abort(reason);
      await assert.rejects(pending, (err) => err === reason);
    } finally {
      await server.close();
    }
  },

  "an abort during the body rejects the pending and later reads with the reason": async (
    client,
  ) => {
    const server = rawServer(async (c) => {
      await c.readRequest();
      await c.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nfirst");
      await c.readRequest();
    });
    try {
      const ctl = new AbortController();
      const reason = new Error("client gone");
      const res = await get(client, server.url, { signal: ctl.signal });
      assert.equal(text((await res.read())!), "first");
      const pending = res.read();
      ctl.abort(reason);
      await assert.rejects(pending, (err) => err === reason);
      await assert.rejects(res.read(), (err) => err === reason);
    } finally {
      await server.close();
    }
  },

  "cancel ends the body, never throws, and later reads fail": async (client) => {
    const server = rawServer((c, s) => answerEach(c, s, () => ok("x".repeat(100_000))));
    try {
      const res = await get(client, server.url);
      res.cancel();
      res.cancel();
      await assert.rejects(res.read());
    } finally {
      await server.close();
    }
  },
};

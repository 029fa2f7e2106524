/**
 * Body framing decoded from a scripted connection, cut at every byte offset: the bytes handed
 * out and the moment the body counts as complete must not depend on how the bytes arrived.
 */
import assert from "node:assert/strict";
import { type BodyReader, framingOf } from "../../src/upstream/body.ts";
import type { Origin } from "../../src/upstream/origin.ts";
import { parseHead } from "../../src/upstream/response_head.ts";
import { Wire } from "../../src/upstream/wire.ts";

const origin: Origin = {
  key: "http://test:80",
  tls: false,
  hostname: "test",
  port: 80,
  hostHeader: "test",
  label: "test:80",
};

/** A connection that returns the given pieces one read at a time, then EOF. */
function scriptedWire(pieces: Uint8Array[]): Wire {
  const queue = [...pieces];
  const conn = {
    read(p: Uint8Array): Promise<number | null> {
      const next = queue.shift();
      if (next === undefined) return Promise.resolve(null);
      if (next.length > p.length) {
        queue.unshift(next.subarray(p.length));
        p.set(next.subarray(0, p.length));
        return Promise.resolve(p.length);
      }
      p.set(next);
      return Promise.resolve(next.length);
    },
    close() {},
  };
  return new Wire(conn as unknown as Deno.Conn, origin, 0);
}

const enc = (s: string) => new TextEncoder().encode(s);

async function decode(head: string, pieces: Uint8Array[]) {
  const body = framingOf("GET", parseHead(head)).body;
  const wire = scriptedWire(pieces);
  const out: number[] = [];
  let completeWithLastData = false;
  for (let c = await body.read(wire); c !== null; c = await body.read(wire)) {
    out.push(...c);
    completeWithLastData = body.complete;
  }
  return { text: new TextDecoder().decode(new Uint8Array(out)), completeWithLastData, body };
}

/** Every split in two, and one byte per read. */
function splits(wire: Uint8Array): Uint8Array[][] {
  const all: Uint8Array[][] = [];
  for (let i = 0; i <= wire.length; i++) all.push([wire.subarray(0, i), wire.subarray(i)]);
  all.push(Array.from(wire, (b) => new Uint8Array([b])));
  return all;
}

const chunkedHead = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked";
const cases: [string, string, string, string][] = [
  ["plain chunks", chunkedHead, "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n", "Wikipedia"],
  ["extensions", chunkedHead, '4;a=1;b="x y";c\r\nWiki\r\n0;end\r\n\r\n', "Wiki"],
  ["trailers", chunkedHead, "2\r\nok\r\n0\r\nx-usage: 12\r\nx-b: 2\r\n\r\n", "ok"],
  ["upper-case hex, leading zeros", chunkedHead, "00A\r\n0123456789\r\n000\r\n\r\n", "0123456789"],
  ["utf-8 split inside a character", chunkedHead, "2\r\n\xe2\x82\r\n1\r\n\xac\r\n0\r\n\r\n", "€"],
  ["content-length", "HTTP/1.1 200 OK\r\ncontent-length: 9", "Wikipedia", "Wikipedia"],
];

Deno.test("framing: chunked and content-length bodies decode the same however the bytes are cut", async () => {
  for (const [name, head, wireText, expected] of cases) {
    const wire = Uint8Array.from(wireText, (c) => c.charCodeAt(0));
    for (const pieces of splits(wire)) {
      const { text, completeWithLastData } = await decode(head, pieces);
      assert.equal(text, expected, `${name}, ${pieces.length} pieces`);
      if (pieces.length === 2 && pieces[1]!.length === 0) {
        assert.ok(completeWithLastData, `${name}: complete as soon as the last data is handed out`);
      }
    }
  }
});

const broken: [string, string, RegExp][] = [
  ["cut mid-chunk", "5\r\nab", /before the last chunk/],
  ["cut before the terminator", "2\r\nab\r\n", /before the last chunk/],
  ["cut in the trailers", "2\r\nab\r\n0\r\nx: 1\r\n", /before the last chunk/],
  ["bare LF after the size", "2\nab\r\n0\r\n\r\n", /bare LF/],
  ["no CRLF after the data", "2\r\nabX\r\n0\r\n\r\n", /longer than its declared size/],
  ["empty size", "\r\nab\r\n0\r\n\r\n", /invalid chunk size/],
  ["space before the size", " 2\r\nab\r\n0\r\n\r\n", /invalid chunk size/],
  ["sign in the size", "+2\r\nab\r\n0\r\n\r\n", /invalid chunk size/],
  ["junk after the size", "2x\r\nab\r\n0\r\n\r\n", /extension/],
  ["invalid trailer", "2\r\nab\r\n0\r\nno colon here\r\n\r\n", /trailer/],
];

Deno.test("framing: malformed or cut chunked bodies throw, however the bytes are cut", async () => {
  for (const [name, wireText, pattern] of broken) {
    for (const pieces of splits(enc(wireText))) {
      await assert.rejects(
        decode(chunkedHead, pieces),
        pattern,
        `${name}, ${pieces.length} pieces`,
      );
    }
  }
});

Deno.test("framing: content-length cut short reports how much arrived", async () => {
  await assert.rejects(
    decode("HTTP/1.1 200 OK\r\ncontent-length: 10", [enc("abc")]),
    /test:80 closed the connection after 3 of 10 body bytes/,
  );
});

Deno.test("framing: a body until close ends cleanly at EOF and keeps no connection", async () => {
  const { text, body } = await decode("HTTP/1.1 200 OK", [enc("a"), enc("bc")]);
  assert.equal(text, "abc");
  assert.equal(body.complete, true);
  assert.equal(framingOf("GET", parseHead("HTTP/1.1 200 OK")).reusable, false);
});

Deno.test("framing: each read hands out what arrived, without waiting for a full chunk", async () => {
  const body: BodyReader = framingOf("GET", parseHead(chunkedHead)).body;
  const wire = scriptedWire([enc("a\r\n01234"), enc("56789\r\n0\r\n\r\n")]);
  assert.equal(new TextDecoder().decode((await body.read(wire))!), "01234");
  assert.equal(body.complete, false);
  assert.equal(new TextDecoder().decode((await body.read(wire))!), "56789");
  assert.equal(body.complete, true);
  assert.equal(await body.read(wire), null);
});

const noBody: [string, string][] = [
  ["HEAD", "HTTP/1.1 200 OK\r\ncontent-length: 5"],
  ["GET", "HTTP/1.1 204 No Content"],
  ["GET", "HTTP/1.1 304 Not Modified\r\ntransfer-encoding: chunked"],
];

Deno.test("framing: HEAD, 204 and 304 have no body whatever their headers say", () => {
  for (const [method, head] of noBody) {
    const framing = framingOf(method, parseHead(head));
    assert.equal(framing.body.complete, true, head);
    assert.equal(framing.reusable, true, head);
  }
});

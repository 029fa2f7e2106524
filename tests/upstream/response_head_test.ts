/**
 * Response head parsing on its own: what is accepted as it is, and what is refused.
 */
import assert from "node:assert/strict";
import {
  declaredLength,
  findHeadEnd,
  latin1,
  parseHead,
} from "../../src/upstream/response_head.ts";

Deno.test("response head: status, reason, lower-case names in wire order, OWS trimmed", () => {
  const head = parseHead(
    "HTTP/1.1 429 Too Many Requests\r\nRetry-After:  2 \r\nSet-Cookie: a=1\r\nx-empty:\r\nset-cookie:b=2",
  );
  assert.equal(head.status, 429);
  assert.equal(head.statusText, "Too Many Requests");
  assert.deepEqual(head.headers, [
    ["retry-after", "2"],
    ["set-cookie", "a=1"],
    ["x-empty", ""],
    ["set-cookie", "b=2"],
  ]);
  assert.equal(head.http11, true);
});

const accepted: [string, Partial<ReturnType<typeof parseHead>>][] = [
  ["HTTP/1.1 200", { status: 200, statusText: "" }],
  ["HTTP/1.1 200 ", { status: 200, statusText: "" }],
  ["HTTP/1.0 200 OK", { http11: false }],
  ["HTTP/1.1 200 OK\r\ncontent-length: 5\r\nContent-Length: 5", { contentLength: "5,5" }],
  ["HTTP/1.1 200 OK\r\nConnection: Keep-Alive, close", { connectionClose: true }],
  ["HTTP/1.1 200 OK\r\nconnection: closed", { connectionClose: false }],
  ["HTTP/1.1 200 OK\r\nx: caf\xe9 \tv", { headers: [["x", "caf\xe9 \tv"]] }],
];

Deno.test("response head: accepted shapes", () => {
  for (const [text, expected] of accepted) {
    const head = parseHead(text);
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(head[key as keyof typeof head], value, `${JSON.stringify(text)} ${key}`);
    }
  }
});

const refused: [string, RegExp][] = [
  ["HTTP/1.1 20 OK", /status line/],
  ["HTTP/1.1 099 Low", /status code/],
  ["HTTP/1.2 200 OK", /status line/],
  ["http/1.1 200 OK", /status line/],
  ["HTTP/1.1 200 OK\r\n folded", /folding/],
  ["HTTP/1.1 200 OK\r\n\tfolded", /folding/],
  ["HTTP/1.1 200 OK\r\n: no name", /without a name/],
  ["HTTP/1.1 200 OK\r\nno colon", /without a name/],
  ["HTTP/1.1 200 OK\r\nx\ty: 1", /header name/],
  ["HTTP/1.1 200 OK\r\nx: a\rb", /control/],
  ["HTTP/1.1 200 OK\r\nx: a\x7fb", /control/],
  ["HTTP/1.1 200 OK\r", /status line/],
];

Deno.test("response head: malformed heads are refused", () => {
  for (const [text, pattern] of refused) {
    assert.throws(() => parseHead(text), pattern, JSON.stringify(text));
  }
});

Deno.test("response head: content-length values", () => {
  assert.equal(declaredLength("0"), 0);
  assert.equal(declaredLength("42, 42"), 42);
  for (const bad of ["", "-1", "1.5", "0x10", "1 2", "1,2", "9999999999999999"]) {
    assert.throws(() => declaredLength(bad), /content-length/, bad);
  }
});

Deno.test("response head: the end is found after the blank line, only within the bytes read", () => {
  const bytes = new TextEncoder().encode("xxHTTP/1.1 200 OK\r\na: b\r\n\r\nbody\r\n\r\n");
  assert.equal(findHeadEnd(bytes, 0, 2, bytes.length), 27);
  assert.equal(findHeadEnd(bytes, 0, 2, 26), -1);
  assert.equal(findHeadEnd(bytes, 20, 2, bytes.length), 27, "resumes from a later offset");
});

Deno.test("response head: latin1 decoding keeps every byte as one character", () => {
  const bytes = Uint8Array.from({ length: 256 * 40 }, (_, i) => i % 256);
  const text = latin1(bytes, 0, bytes.length);
  assert.equal(text.length, bytes.length);
  assert.ok(Array.from(text).every((ch, i) => ch.charCodeAt(0) === i % 256));
});

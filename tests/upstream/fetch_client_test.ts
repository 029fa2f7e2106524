/**
 * What only the fetch adapter does: the runtime removes gzip and br itself, and says so
 * through `decoded`; other codings reach the caller as sent.
 */
import assert from "node:assert/strict";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { createFetchClient } from "../../src/upstream/mod.ts";
import { get, httpServer } from "./servers.ts";

const plain = new TextEncoder().encode("hello, hello, hello");
const codings: [string, Uint8Array, boolean][] = [
  ["gzip", new Uint8Array(gzipSync(plain)), true],
  ["br", new Uint8Array(brotliCompressSync(plain)), true],
  ["deflate", new Uint8Array(deflateSync(plain)), false],
  ["identity", plain, false],
];

Deno.test("fetch client: decoded is true exactly when the runtime removed the coding", async () => {
  const server = httpServer((req) => {
    const [coding, body] = codings.find(([c]) => req.url.endsWith("/" + c))!;
    return new Response(body.slice(), { headers: { "content-encoding": coding } });
  });
  const client = createFetchClient();
  try {
    for (const [coding, sent, decoded] of codings) {
      const res = await get(client, `${server.url}/${coding}`);
      assert.equal(res.decoded, decoded, coding);
      assert.deepEqual(await res.bytes(), decoded ? plain : sent, coding);
    }
  } finally {
    client.close();
    await server.close();
  }
});

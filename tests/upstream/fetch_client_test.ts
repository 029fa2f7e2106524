/**
 * What only the fetch adapter does: it asks for identity, so the runtime never removes a coding
 * itself; every coding reaches the caller as sent, with `decoded` false.
 */
import assert from "node:assert/strict";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { createFetchClient } from "../../src/upstream/mod.ts";
import { get, httpServer } from "./servers.ts";

const plain = new TextEncoder().encode("hello, hello, hello");
const codings: [string, Uint8Array, boolean][] = [
  ["gzip", new Uint8Array(gzipSync(plain)), false],
  ["br", new Uint8Array(brotliCompressSync(plain)), false],
  ["deflate", new Uint8Array(deflateSync(plain)), false],
  ["identity", plain, false],
];

Deno.test("fetch client: every coding reaches the caller as sent", async () => {
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

Deno.test("fetch client: a compressed answer is never inflated by the runtime (bomb amplification)", async () => {
  // The runtime decodes gzip and br unless the request says exactly `identity`. It would then
  // inflate a compression bomb for the client without any bound; the gateway's own side decoder
  // is bounded, so the fetch client asks for identity and passes whatever arrives as sent.
  const bomb = new Uint8Array(gzipSync(new Uint8Array(8 * 1024 * 1024)));
  const seen: (string | null)[] = [];
  const server = httpServer((req) => {
    seen.push(req.headers.get("accept-encoding"));
    return new Response(bomb.slice(), { headers: { "content-encoding": "gzip" } });
  });
  const client = createFetchClient();
  try {
    for (const asked of [undefined, "gzip, br", "identity"]) {
      const headers: Record<string, string> = asked === undefined
        ? {}
        : { "accept-encoding": asked };
      const res = await client.send({
        method: "GET",
        url: `${server.url}/bomb`,
        headers,
        body: null,
        signal: new AbortController().signal,
      });
      assert.equal(res.decoded, false, String(asked));
      assert.equal((await res.bytes()).length, bomb.length, String(asked));
    }
    assert.deepEqual(seen, ["identity", "identity", "identity"]);
  } finally {
    client.close();
    await server.close();
  }
});

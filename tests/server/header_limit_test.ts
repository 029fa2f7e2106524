import assert from "node:assert/strict";
import { headerBytes, headersTooLarge } from "../../src/server/header_limit.ts";
import { startHarness } from "../support/gateway_harness.ts";

Deno.test("header limit: names and values plus 4 separator bytes per header", () => {
  assert.equal(headerBytes(new Headers()), 0);
  assert.equal(headerBytes(new Headers({ ab: "cde" })), 2 + 3 + 4);
  assert.equal(headerBytes(new Headers({ a: "1", b: "22" })), 1 + 1 + 4 + 1 + 2 + 4);
});

Deno.test("header limit: the boundary is inclusive, one byte over is a 431 naming the setting", () => {
  const at = (n: number) => new Headers({ "x-f": "f".repeat(n - 3 - 4) });
  assert.equal(headersTooLarge(at(1000), 1000), null);
  const err = headersTooLarge(at(1001), 1000);
  assert.equal(err?.status, 431);
  assert.equal(err?.code, "headers_too_large");
  assert.match(err!.message, /1001 bytes.*server\.max_header_bytes/);
});

Deno.test("header limit: the gateway refuses before forwarding, on any route, untraced", async () => {
  const h = await startHarness({ server: { max_header_bytes: 2048 } });
  try {
    for (const path of ["/openai/v1/chat/completions", "/api/health", "/no-such-route"]) {
      const res = await h.request(path, {
        method: "POST",
        headers: { "x-filler": "f".repeat(2048) },
        body: "{}",
      });
      assert.equal(res.status, 431, path);
      assert.equal((await res.json()).error.code, "headers_too_large", path);
      assert.match(res.headers.get("x-ongoingai-correlation-id")!, /./);
    }
    const fits = await h.request("/api/health", { headers: { "x-filler": "f".repeat(1500) } });
    assert.equal(fits.status, 200);
    await fits.body?.cancel();
    assert.equal(h.stub.requests.length, 0);
    assert.equal(h.traces.length, 0);
  } finally {
    await h.close();
  }
});

import assert from "node:assert/strict";
import { readBodyCapped } from "../../src/proxy/body.ts";
import { GatewayError } from "../../src/errors/mod.ts";

const enc = new TextEncoder();

function chunked(parts: string[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      const p = parts[i++];
      if (p === undefined) c.close();
      else c.enqueue(enc.encode(p));
    },
  });
}

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request("http://gw.test/x", { method: "POST", body, headers });

Deno.test("bodies within the cap come back whole, with or without Content-Length", async () => {
  const withLength = await readBodyCapped(post("hello world"), 11);
  assert.equal(new TextDecoder().decode(withLength!), "hello world");
  const streamed = await readBodyCapped(post(chunked(["hello", " ", "world"])), 11);
  assert.equal(new TextDecoder().decode(streamed!), "hello world");
  assert.equal(await readBodyCapped(new Request("http://gw.test/x"), 10), null);
});

Deno.test("bodies over the cap are refused: declared length at once, chunked while counting", async () => {
  for (const req of [post("x".repeat(12)), post(chunked(["x".repeat(6), "x".repeat(6)]))]) {
    await assert.rejects(
      readBodyCapped(req, 11),
      (e) =>
        e instanceof GatewayError && e.code === "request_too_large" && /11 bytes/.test(e.message),
    );
  }
});

Deno.test("an abort ends a read that never completes, with the abort's reason", async () => {
  const stalled = () => new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
  for (const req of [post(stalled()), post(stalled(), { "content-length": "50" })]) {
    const ac = new AbortController();
    const reading = readBodyCapped(req, 100, ac.signal);
    ac.abort(new Error("shutdown"));
    await assert.rejects(reading, /shutdown/);
  }
});

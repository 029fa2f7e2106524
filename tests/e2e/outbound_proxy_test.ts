/**
 * Behind an outbound proxy only the runtime's fetch honours `HTTPS_PROXY`: with it set, serve
 * says so and uses that client, and requests still flow.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, startServer } from "../support/process.ts";
import { startUpstreamStub, stubUsage } from "../support/upstream_stub.ts";

Deno.test("e2e: HTTPS_PROXY in the environment switches the upstream client to fetch", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-proxyenv-" });
  const stub = await startUpstreamStub();
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port} }\nproviders:\n  openai: { upstream: "${stub.url}" }\n`,
  );
  // The stub is plain http, which HTTPS_PROXY does not cover: traffic still reaches it directly.
  const server = await startServer([], {
    cwd: dir,
    port,
    env: { HTTPS_PROXY: "http://127.0.0.1:9" },
  });
  try {
    const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test-0000000000" },
      body: JSON.stringify({ model: "gpt-4o-mini" }),
    });
    assert.equal((await res.json()).usage.prompt_tokens, stubUsage.chat.prompt);
    const stopped = await server.stop();
    assert.equal(stopped.code, 0);
    assert.match(
      stopped.logs,
      /HTTPS_PROXY is set: upstreams are reached through the runtime's fetch client/,
    );
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * A route of one Bedrock target the gateway signs for with its own AWS key, end to end:
 * `src/main.ts serve` as a subprocess, a loopback upstream speaking Bedrock's restJson1 wire format.
 * A client whose query SigV4 cannot sign (a malformed percent-escape) gets the 400 the unrouted
 * path gives, however often it asks: nothing is sent, nothing retried, and the target's circuit
 * breaker (opening after 2 failures here) stays closed, so other clients are served as before.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startBedrockStub } from "../support/bedrock_stub.ts";
import { freePort, startServer } from "../support/process.ts";

const model = "anthropic.claude-3-haiku-20240307-v1:0";

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    bedrock: {
      kind: "bedrock",
      upstream: "${upstream}",
      aws: {
        region: "us-east-1",
        access_key_id: "AKIAGATEWAY000000001",
        secret_access_key: "gatewaysecretEXAMPLEKEY0123456789",
      },
    },
  },
  routes: {
    "claude-r": {
      targets: [{ provider: "bedrock", model: "${model}" }],
      retry: { attempts: 3, backoff_ms: 10, max_backoff_ms: 20 },
      circuit_breaker: { failures: 2, open_ms: 600000 },
    },
  },
  tracing: { flush_interval_ms: 10 },
});
`;

const converse = {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "hi" }] }] }),
};

Deno.test("e2e routes: a query SigV4 cannot sign is the client's 400 and never opens the breaker", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-routesign-" }));
  const stub = startBedrockStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  try {
    const unrouted = await fetch(
      `${server.origin}/bedrock/model/${encodeURIComponent(model)}/converse?x=%zz`,
      converse,
    );
    assert.equal(unrouted.status, 400);
    const expected = (await unrouted.json()).error;
    assert.equal(expected.code, "bad_request");
    assert.match(expected.message, /malformed percent-escape/);
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${server.origin}/bedrock/model/claude-r/converse?x=%zz`, converse);
      assert.equal(r.status, 400);
      assert.deepEqual((await r.json()).error, expected);
    }
    assert.equal(stub.seen.length, 0, "nothing was sent upstream");

    const status = await (await fetch(`${server.origin}/api/routes`)).json();
    const [target] = status.routes.find((r: { name: string }) => r.name === "claude-r").targets;
    assert.equal(target.breaker.phase, "closed", JSON.stringify(target));
    assert.equal(target.consecutive_failures, 0);
    assert.equal(target.last_minute.failures, 0);

    const good = await fetch(`${server.origin}/bedrock/model/claude-r/converse`, converse);
    assert.equal(good.status, 200, await good.clone().text());
    await good.arrayBuffer();
    assert.equal(stub.seen.length, 1);
    assert.match(stub.seen[0]!.authorization ?? "", /^AWS4-HMAC-SHA256 Credential=AKIAGATEWAY/);
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});

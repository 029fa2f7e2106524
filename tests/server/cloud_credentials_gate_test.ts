/**
 * The gateway wires the key pools' rule for its own cloud credentials into the proxy
 * (server/gateway.ts `cloudCredentialsAllowed`): a config that slipped past `check` with `aws` on
 * a listener beyond loopback and no auth gets nothing signed and nothing sent; the same config on
 * loopback is signed, its model operations only. The bedrock upstream here is a local listener recording what reaches it.
 */
import assert from "node:assert/strict";
import { createGateway } from "../../src/server/gateway.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import { configFor, testSecret } from "../support/gateway_harness.ts";

Deno.test("gateway: its aws credentials sign only for a loopback listener or team mode", async () => {
  const seen: (string | null)[] = [];
  const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seen.push(req.headers.get("authorization"));
    return Response.json({ usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } });
  });
  const store = await openSqliteStore({ path: ":memory:" });
  try {
    for (const host of ["127.0.0.1", "0.0.0.0"]) {
      const config = configFor("http://127.0.0.1:9", {
        server: { host: "127.0.0.1" },
        providers: {
          bedrock: {
            kind: "bedrock",
            upstream: `http://127.0.0.1:${upstream.addr.port}`,
            aws: {
              region: "us-east-1",
              access_key_id: "AKIAGATEWAY000000001",
              secret_access_key: "gatewaysecretEXAMPLE",
            },
          },
        },
      });
      // As if `check` had been skipped: the proxy must hold the line itself.
      config.server.host = host;
      const writer = {
        enqueue: () => true,
        snapshot: () => ({}) as never,
      };
      const gateway = createGateway(config, { store, writer, keyHashSecret: testSecret });
      try {
        const before = seen.length;
        const res = await gateway.fetch(
          new Request("http://gw.test/bedrock/model/amazon.nova-lite-v1%3A0/converse", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "hi" }] }] }),
          }),
        );
        const body = await res.json();
        if (host === "127.0.0.1") {
          assert.equal(res.status, 200, JSON.stringify(body));
          assert.match(seen.at(-1) ?? "", /^AWS4-HMAC-SHA256 Credential=AKIAGATEWAY/);
          // Not a model operation: refused, nothing signed or sent (async jobs, lists).
          for (
            const [method, path] of [
              ["POST", "/async-invoke"],
              ["GET", "/async-invoke?maxResults=100"],
            ] as const
          ) {
            const sent = seen.length;
            const other = await gateway.fetch(
              new Request(`http://gw.test/bedrock${path}`, {
                method,
                ...(method === "POST"
                  ? { body: JSON.stringify({ modelId: "amazon.nova-reel-v1:1" }) }
                  : {}),
              }),
            );
            const err = await other.json();
            assert.equal(other.status, 400, path);
            assert.equal(err.error.code, "invalid_provider_path", path);
            assert.equal(seen.length, sent, path);
          }
        } else {
          assert.equal(res.status, 500, JSON.stringify(body));
          assert.equal(body.error.code, "upstream_credentials_invalid");
          assert.match(
            body.error.message,
            /^providers\.bedrock\.aws: the gateway's own credentials serve requests only in team mode/,
          );
          assert.equal(seen.length, before, "nothing reached the upstream");
        }
      } finally {
        gateway.close();
        await gateway.shutdownTelemetry();
      }
    }
  } finally {
    await store.close();
    await upstream.shutdown();
  }
});

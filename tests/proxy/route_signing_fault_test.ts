/**
 * A routed attempt the gateway cannot sign for AWS because of the client's own request (a
 * malformed percent-escape in its query, `sigv4_invalid_request`): the route loop ends with the
 * 400 the unrouted path answers, sends nothing, does not retry, and leaves the target's circuit
 * breaker alone, so one client cannot open it for everyone. In process (the gateway harness),
 * the Bedrock upstream a loopback stub speaking its restJson1 wire format.
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";
import { startBedrockStub } from "../support/bedrock_stub.ts";

const model = "anthropic.claude-3-haiku-20240307-v1:0";
const body = {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "hi" }] }] }),
};

Deno.test("route loop: a query SigV4 cannot sign is the client's 400, no retry, no breaker failure", async () => {
  const stub = startBedrockStub();
  const h = await startHarness({
    // The gateway's own credentials serve only on loopback or in team mode.
    server: { host: "127.0.0.1" },
    providers: {
      bedrock: {
        kind: "bedrock",
        upstream: stub.url,
        aws: {
          region: "us-east-1",
          access_key_id: "AKIAGATEWAY000000001",
          secret_access_key: "gatewaysecretEXAMPLE",
        },
      },
    },
    routes: {
      "claude-r": {
        targets: [{ provider: "bedrock", model }],
        retry: { attempts: 3 },
        circuit_breaker: { failures: 2, open_ms: 600000 },
      },
    },
  });
  try {
    const unrouted = await h.request(
      `/bedrock/model/${encodeURIComponent(model)}/converse?x=%zz`,
      body,
    );
    const unroutedError = (await unrouted.json()).error;
    assert.equal(unrouted.status, 400);
    assert.equal(unroutedError.code, "bad_request");
    for (let i = 0; i < 3; i++) {
      const r = await h.request("/bedrock/model/claude-r/converse?x=%zz", body);
      assert.equal(r.status, 400, "the unrouted answer, not a gateway failure");
      assert.deepEqual((await r.json()).error, unroutedError);
    }
    assert.equal(stub.seen.length, 0, "nothing was sent upstream");

    const traces = await h.tracesSettled(4);
    for (const t of traces.slice(1)) {
      assert.equal(t.error_code, "bad_request");
      assert.equal(t.response_status, 400);
      assert.deepEqual(t.attempts, [], "no attempt was made (nor retried)");
    }

    const view = await h.gateway.routing!.router.view(h.gateway.routing!.staticRoutes, Date.now());
    const [target] = view.targets;
    assert.equal(target?.breaker, "closed");
    assert.equal(target?.consecutiveFailures, 0);
    assert.equal(target?.failuresLastMinute, 0);

    // Another client's well-formed request is served as before.
    const good = await h.request("/bedrock/model/claude-r/converse", body);
    assert.equal(good.status, 200, await good.clone().text());
    await good.arrayBuffer();
    assert.equal(stub.seen.length, 1);
    assert.match(stub.seen[0]!.authorization ?? "", /^AWS4-HMAC-SHA256 Credential=AKIAGATEWAY/);
  } finally {
    await h.close();
    await stub.close();
  }
});

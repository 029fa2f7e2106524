/**
 * A routed attempt whose gateway credentials cannot be had (the service account's token endpoint
 * is down): nothing is sent, the attempt record says `credentials_failed`, the target's breaker
 * does not count it (the upstream did nothing wrong), and the next target answers. When it is the
 * last target, the client gets the error the provider gives unrouted
 * (`upstream_credentials_unavailable`), not an unreachable upstream. In process (the gateway
 * harness); the Vertex upstream is a loopback server answering Anthropic's Messages document as
 * Vertex `rawPredict` does, the token endpoint a closed loopback port.
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

const pair = await crypto.subtle.generateKey(
  {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  },
  true,
  ["sign", "verify"],
);
const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
const pem = `-----BEGIN PRIVATE KEY-----\n${
  b64(der).match(/.{1,64}/g)!.join("\n")
}\n-----END PRIVATE KEY-----\n`;

/** A closed port: a listener opened and shut, so connecting is refused. */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const keyJson = JSON.stringify({
  type: "service_account",
  project_id: "project-123",
  private_key_id: "kid-1",
  private_key: pem,
  client_email: "gateway@project-123.iam.gserviceaccount.com",
  token_uri: `http://127.0.0.1:${closedPort()}/token`,
});

const model = "claude-sonnet-4-5@20250929";

function startVertexStub() {
  const seen: { path: string; authorization: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    seen.push({ path: new URL(req.url).pathname, authorization: req.headers.get("authorization") });
    return Response.json({
      id: "msg_vrtx_01",
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text: "Hello" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 9, output_tokens: 2 },
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

/** The client enters at `vertex-b`, whose provider takes its own token. */
const path = (m: string) =>
  `/vertex-b/v1/projects/project-123/locations/us-east5/publishers/anthropic/models/${m}:rawPredict`;
const request = {
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer client-token-0123" },
  body: JSON.stringify({
    anthropic_version: "vertex-2023-10-16",
    max_tokens: 16,
    messages: [{ role: "user", content: "hi" }],
  }),
};

Deno.test("route loop: the gateway's credentials failing is credentials_failed, breaker-neutral, next target", async () => {
  const up = startVertexStub();
  const h = await startHarness({
    // The gateway's own credentials serve only on loopback or in team mode.
    server: { host: "127.0.0.1" },
    providers: {
      vertex: { kind: "vertex", upstream: up.url, gcp: { service_account_json: keyJson } },
      "vertex-b": { kind: "vertex", upstream: up.url },
    },
    routes: {
      both: {
        targets: [{ provider: "vertex", model }, { provider: "vertex-b", model }],
        retry: { attempts: 2 },
        circuit_breaker: { failures: 1, open_ms: 600000 },
      },
      alone: {
        targets: [{ provider: "vertex", model }],
        retry: { attempts: 2 },
        circuit_breaker: { failures: 1, open_ms: 600000 },
      },
    },
  });
  try {
    const res = await h.request(path("both"), request);
    assert.equal(res.status, 200, await res.clone().text());
    await res.arrayBuffer();
    assert.equal(up.seen.length, 1, "only the second target was sent the request");
    assert.equal(up.seen[0]!.authorization, "Bearer client-token-0123");

    const alone = await h.request(path("alone"), request);
    const error = (await alone.json()).error;
    assert.equal(alone.status, 502);
    assert.equal(error.code, "upstream_credentials_unavailable", JSON.stringify(error));
    assert.match(
      error.message,
      /providers\.vertex\.gcp: the gateway could not get an access token/,
    );
    assert.equal(up.seen.length, 1, "nothing more was sent");

    const [served, refused] = await h.tracesSettled(2);
    assert.deepEqual(
      served!.attempts!.map((a) => [a.provider, a.outcome, a.reason, a.status, a.committed]),
      [
        ["vertex", "credentials_failed", "credentials_failed", null, false],
        ["vertex-b", "success", null, 200, true],
      ],
    );
    assert.equal(served!.provider, "vertex-b");
    assert.deepEqual(
      refused!.attempts!.map((a) => [a.provider, a.outcome]),
      [["vertex", "credentials_failed"]],
      "not retried on the same target: its credentials fail alike",
    );
    assert.equal(refused!.error_code, "upstream_unreachable");

    // With `failures: 1`, one failure would have opened the breaker.
    const view = await h.gateway.routing!.router.view(h.gateway.routing!.staticRoutes, Date.now());
    for (const t of view.targets) {
      assert.equal(t.breaker, "closed", t.target);
      assert.equal(t.consecutiveFailures, 0, t.target);
    }
  } finally {
    await h.close();
    await up.close();
  }
});

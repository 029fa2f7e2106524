/**
 * A gateway key in a provider credential position would be forwarded to the provider (S3): the
 * gate refuses such a proxy request (400) and never names the key; API routes, which forward
 * nothing, are not affected. A missing-key 401 says where the misplaced key went.
 */
import assert from "node:assert/strict";
import { endpoints } from "../../src/api/mod.ts";
import { createGate } from "../../src/auth/gate.ts";
import { validateConfig } from "../../src/config/mod.ts";
import { GatewayError } from "../../src/errors/mod.ts";

const keyA = "gw-gate-a-0123456789abcdef";
const keyB = "gw-gate-b-fedcba9876543210";
const providerKey = "sk-proj-gate-provider-000000000000";

function gate() {
  const result = validateConfig({
    auth: {
      enabled: true,
      keys: [
        { id: "a", token: keyA, workspace_id: "a", role: "developer" },
        { id: "b", token: keyB, workspace_id: "b", role: "developer" },
      ],
    },
  }, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return createGate(result.config, "gate-test-secret-0123456789", { endpoints });
}

function refusal(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error("expected a GatewayError");
}

const proxyPath = "/openai/v1/chat/completions";

Deno.test("gate: a gateway key in a credential header or query parameter is refused", () => {
  const g = gate();
  try {
    const positions: [Record<string, string>, string, string][] = [
      [{ authorization: `Bearer ${keyA}` }, "", "the authorization header"],
      [{ authorization: keyB }, "", "the authorization header"],
      [{ "x-api-key": ` ${keyA} ` }, "", "the x-api-key header"],
      [{ "api-key": keyB }, "", "the api-key header"],
      [{ "x-goog-api-key": keyA }, "", "the x-goog-api-key header"],
      [{}, `?key=${encodeURIComponent(keyA)}`, "the key query parameter"],
      [{}, `?alt=sse&api_key=${keyB}`, "the api_key query parameter"],
    ];
    for (const [credential, search, where] of positions) {
      const headers = new Headers({ "x-ongoingai-gateway-key": keyA, ...credential });
      const err = refusal(() => g.check("POST", proxyPath, headers, search));
      assert.equal(err.code, "bad_request", where);
      assert.equal(err.status, 400);
      assert.ok(err.message.startsWith(where), err.message);
      assert.ok(!err.message.includes(keyA) && !err.message.includes(keyB), "key in the message");
    }
  } finally {
    g.close();
  }
});

Deno.test("gate: provider keys pass; API routes forward nothing and are not checked", () => {
  const g = gate();
  try {
    const headers = new Headers({
      "x-ongoingai-gateway-key": keyA,
      authorization: `Bearer ${providerKey}`,
      "x-api-key": providerKey,
    });
    assert.equal(g.check("POST", proxyPath, headers, "?key=not-a-gateway-key")?.keyId, "a");
    const api = new Headers({ "x-ongoingai-gateway-key": keyA, authorization: `Bearer ${keyA}` });
    assert.equal(g.check("GET", "/api/traces", api)?.keyId, "a");
  } finally {
    g.close();
  }
});

Deno.test("gate: without the gateway header, the 401 says where the key was put instead", () => {
  const g = gate();
  try {
    const err = refusal(() =>
      g.check("POST", proxyPath, new Headers({ authorization: `Bearer ${keyA}` }))
    );
    assert.equal(err.code, "missing_gateway_key");
    assert.match(err.message, /the one sent in the authorization header belongs there instead/);
    assert.ok(!err.message.includes(keyA));
    const plain = refusal(() =>
      g.check("POST", proxyPath, new Headers({ authorization: `Bearer ${providerKey}` }))
    );
    assert.equal(
      plain.message,
      "this route needs a gateway key in the X-OngoingAI-Gateway-Key header",
    );
  } finally {
    g.close();
  }
});

/**
 * What a routed attempt makes of the gateway's credentials failing to apply
 * (proxy/route_attempt.ts `clientFault`, on the error proxy/upstream_auth.ts answers unrouted):
 * only a request SigV4 cannot sign because of what the client sent ends the route with the
 * client's 400; every failure of the gateway's own credentials moves on to the next target as
 * `credentials_failed`, never as a connection failure charged to the upstream.
 */
import assert from "node:assert/strict";
import { CloudAuthError, type CloudAuthErrorReason } from "../../src/cloud_auth/mod.ts";
import type { ResolvedProvider } from "../../src/config/mod.ts";
import { clientFault } from "../../src/proxy/route_attempt.ts";
import { gatewayErrorOf } from "../../src/proxy/upstream_auth.ts";
import { classify } from "../../src/routing/mod.ts";

const provider = { id: "cloud", kind: "vertex" } as ResolvedProvider;

const table: [CloudAuthErrorReason, string, boolean][] = [
  ["sigv4_invalid_request", "bad_request", true],
  ["sigv4_no_region", "upstream_credentials_invalid", false],
  ["sigv4_credentials_invalid", "upstream_credentials_invalid", false],
  ["gcp_service_account_invalid", "upstream_credentials_invalid", false],
  ["gcp_token_unreachable", "upstream_credentials_unavailable", false],
  ["gcp_token_refused", "upstream_credentials_unavailable", false],
  ["gcp_token_response_invalid", "upstream_credentials_unavailable", false],
];

for (const [reason, code, fault] of table) {
  Deno.test(`clientFault: ${reason} is ${fault ? "the client's 400" : "credentials_failed"}`, () => {
    const error = gatewayErrorOf(provider, new CloudAuthError(reason, "what failed"));
    assert.equal(error.code, code);
    assert.equal(clientFault({ kind: "denied", error }), fault);
  });
}

Deno.test("credentials_failed: the next target, no breaker failure, no key effect", () => {
  for (const pooled of [false, true]) {
    const c = classify({ kind: "credentials_failed", detail: "token endpoint down" }, {
      pooled,
      now: 0,
    });
    assert.deepEqual([c.verdict, c.breaker, c.key, c.reason], [
      "next",
      "neutral",
      "none",
      "credentials_failed",
    ]);
  }
});

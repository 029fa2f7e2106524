/**
 * Security headers on everything the gateway answers itself (API routes, its errors on every
 * route, the top-level handler's errors), and never on a proxied provider answer.
 */
import assert from "node:assert/strict";
import { securityHeaders } from "../../src/errors/mod.ts";
import { errorResponse, GatewayError } from "../../src/errors/mod.ts";
import { startHarness } from "../support/gateway_harness.ts";

const expected = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

function assertSecured(res: Response, what: string) {
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(res.headers.get(name), value, `${what}: ${name}`);
  }
}

Deno.test("security headers: the table is the one the issue asks for", () => {
  assert.deepEqual({ ...securityHeaders }, expected);
});

Deno.test("security headers: every gateway-made error carries them", () => {
  const res = errorResponse(new GatewayError("request_too_large", "too big"), {
    "cache-control": "max-age=60",
  });
  assertSecured(res, "errorResponse");
});

Deno.test("security headers: on API answers and gateway errors, not on provider answers", async () => {
  const h = await startHarness({
    auth: {
      enabled: true,
      keys: [{ id: "k1", token: "gw_test_token_0123456789", role: "admin" }],
    },
  });
  const key = { "x-ongoingai-gateway-key": "gw_test_token_0123456789" };
  try {
    const gatewayMade: [string, RequestInit, number][] = [
      ["/", {}, 200],
      ["/api/health", {}, 200],
      ["/api/openapi.json", { headers: key }, 200],
      ["/api/traces", { headers: key }, 200],
      ["/api/traces/export?format=csv", { headers: key }, 200],
      ["/api/traces", {}, 401], // thrown by auth inside the API app
      ["/api/nothing-here", { headers: key }, 404], // the top-level handler renders it
      ["/api/traces", { method: "POST", headers: key }, 405], // rendered in routes.ts
      ["/api/gateway-keys", {
        method: "POST",
        headers: { ...key, "content-type": "application/json" },
        body: "{not json",
      }, 400],
      ["/api/gateway-keys", { method: "POST", headers: key, body: "{}" }, 415], // text/plain
      ["/api/traces", { headers: { ...key, origin: "https://evil.example" } }, 403], // cross-site
      ["/openai/v1/chat/completions", { method: "POST" }, 401], // provider route, refused
      ["/openai/..%2fanthropic/v1/messages", {}, 400], // bad path on the top-level handler
    ];
    for (const [path, init, status] of gatewayMade) {
      const res = await h.request(path, init);
      await res.body?.cancel();
      assert.equal(res.status, status, path);
      assertSecured(res, `${init.method ?? "GET"} ${path}`);
    }

    const proxied = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: { ...key, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [] }),
    });
    await proxied.body?.cancel();
    assert.equal(proxied.status, 200);
    for (const name of Object.keys(expected)) {
      assert.equal(proxied.headers.get(name), null, `provider answer: ${name}`);
    }

    const upstreamError = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: { ...key, "content-type": "application/json", "x-stub-status": "429" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [] }),
    });
    await upstreamError.body?.cancel();
    assert.equal(upstreamError.status, 429, "the provider's own error passes through");
    assert.equal(upstreamError.headers.get("x-frame-options"), null);
  } finally {
    await h.close();
  }
});

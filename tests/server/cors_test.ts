/**
 * CORS: off unless configured, exact origins only, preflights answered by the gateway (never
 * forwarded), and upstream `Access-Control-*` headers never passed on.
 */
import assert from "node:assert/strict";
import { createCors } from "../../src/server/cors.ts";
import { clientResponseHeaders } from "../../src/proxy/headers.ts";
import { createGateway } from "../../src/server/gateway.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import { configFor, startHarness, testSecret } from "../support/gateway_harness.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";

const allowedOrigin = "https://app.example.com";

const preflight = (origin: string, path = "/openai/v1/chat/completions", extra = {}) =>
  new Request(`http://gw.test${path}`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "Authorization, Content-Type",
      ...extra,
    },
  });

const accessControl = (h: Headers) =>
  [...h.keys()].filter((name) => name.startsWith("access-control-"));

Deno.test("cors: only an exactly listed origin is allowed, whatever it looks like", () => {
  const cors = createCors({ allowed_origins: [allowedOrigin, "http://localhost:5173"] });
  const cases: { origin: string; allowed: boolean; why: string }[] = [
    { origin: allowedOrigin, allowed: true, why: "listed" },
    { origin: "http://localhost:5173", allowed: true, why: "listed with a port" },
    { origin: "https://app.example.com.evil.io", allowed: false, why: "listed origin as prefix" },
    { origin: "https://evil.io/https://app.example.com", allowed: false, why: "as a suffix" },
    { origin: "https://evilapp.example.com", allowed: false, why: "shares a suffix" },
    { origin: "https://sub.app.example.com", allowed: false, why: "a subdomain" },
    { origin: "http://app.example.com", allowed: false, why: "another scheme" },
    { origin: "https://app.example.com:8443", allowed: false, why: "another port" },
    { origin: "https://APP.example.com", allowed: false, why: "not the serialised form" },
    { origin: "https://app.example.com/", allowed: false, why: "not an origin" },
    { origin: "http://localhost:51730", allowed: false, why: "a longer port" },
    { origin: "http://localhost.attacker.com", allowed: false, why: "localhost as a prefix" },
    { origin: "null", allowed: false, why: "the opaque origin" },
    { origin: "*", allowed: false, why: "a wildcard" },
    { origin: "", allowed: false, why: "empty" },
  ];
  for (const c of cases) {
    const res = cors.preflight(preflight(c.origin))!;
    assert.ok(res !== null, c.why);
    if (c.allowed) {
      assert.equal(res.status, 204, c.why);
      assert.equal(res.headers.get("access-control-allow-origin"), c.origin, c.why);
    } else {
      assert.equal(res.status, 403, c.why);
      assert.deepEqual(accessControl(res.headers), [], c.why);
    }
    assert.equal(res.headers.get("access-control-allow-credentials"), null, c.why);

    const actual = cors.decorate(
      new Request("http://gw.test/api/traces", { headers: { origin: c.origin } }),
      new Response("{}"),
    );
    assert.equal(
      actual.headers.get("access-control-allow-origin"),
      c.allowed ? c.origin : null,
      `actual response: ${c.why}`,
    );
    assert.equal(actual.headers.get("vary"), "Origin", c.why);
  }
});

Deno.test("cors: off by default; a preflight is refused and nothing says Access-Control", () => {
  const cors = createCors({ allowed_origins: [] });
  const res = cors.preflight(preflight(allowedOrigin))!;
  assert.equal(res.status, 403);
  assert.deepEqual(accessControl(res.headers), []);
  assert.match(res.headers.get("content-type")!, /application\/json/);
  const actual = cors.decorate(
    new Request("http://gw.test/", { headers: { origin: allowedOrigin } }),
    new Response("{}"),
  );
  assert.deepEqual(accessControl(actual.headers), []);
  assert.equal(actual.headers.get("vary"), null);
});

Deno.test("cors: what is and is not a preflight", () => {
  const cors = createCors({ allowed_origins: [allowedOrigin] });
  const cases: { init: RequestInit; preflight: boolean; why: string }[] = [
    {
      init: {
        method: "OPTIONS",
        headers: { origin: allowedOrigin, "access-control-request-method": "POST" },
      },
      preflight: true,
      why: "OPTIONS with Origin and Access-Control-Request-Method",
    },
    {
      init: { method: "OPTIONS", headers: { origin: allowedOrigin } },
      preflight: false,
      why: "no requested method",
    },
    {
      init: { method: "OPTIONS", headers: { "access-control-request-method": "POST" } },
      preflight: false,
      why: "no Origin",
    },
    {
      init: {
        method: "GET",
        headers: { origin: allowedOrigin, "access-control-request-method": "POST" },
      },
      preflight: false,
      why: "not OPTIONS",
    },
  ];
  for (const c of cases) {
    const res = cors.preflight(new Request("http://gw.test/api/traces", c.init));
    assert.equal(res !== null, c.preflight, c.why);
  }
});

Deno.test("cors: preflight headers are reflected only as header names, or fixed by config", () => {
  const reflecting = createCors({ allowed_origins: [allowedOrigin], max_age_s: 600 });
  const reflected = reflecting.preflight(preflight(allowedOrigin, "/api/traces", {
    "access-control-request-headers": "Authorization, X-Api-Key, bad header, (x)",
  }))!;
  assert.equal(reflected.headers.get("access-control-allow-headers"), "authorization, x-api-key");
  assert.equal(reflected.headers.get("access-control-max-age"), "600");
  assert.match(reflected.headers.get("access-control-allow-methods")!, /POST/);
  assert.match(reflected.headers.get("vary")!, /^Origin\b/);
  assert.equal(reflected.headers.get("x-content-type-options"), "nosniff");

  const fixed = createCors({
    allowed_origins: [allowedOrigin],
    allowed_headers: ["authorization", "content-type"],
  }).preflight(preflight(allowedOrigin, "/api/traces", {
    "access-control-request-headers": "x-anything",
  }))!;
  assert.equal(fixed.headers.get("access-control-allow-headers"), "authorization, content-type");
  assert.equal(fixed.headers.get("access-control-max-age"), null);
});

Deno.test("cors: upstream Access-Control-* headers never reach the client", () => {
  const out = clientResponseHeaders(
    [
      ["content-type", "application/json"],
      ["access-control-allow-origin", "*"],
      ["access-control-allow-credentials", "true"],
      ["access-control-expose-headers", "x-request-id"],
      ["x-request-id", "req_1"],
    ],
    "corr-1",
    { decoded: false, bodyRewritten: false },
  );
  assert.deepEqual(out.map(([name]) => name), [
    "content-type",
    "x-request-id",
    "x-ongoingai-correlation-id",
  ]);
});

Deno.test("cors gateway: a preflight is answered on provider and API routes, never forwarded", async () => {
  const h = await startHarness({
    server: { cors: { allowed_origins: [allowedOrigin] } },
    auth: {
      enabled: true,
      keys: [{ id: "k1", token: "gw_test_token_0123456789", role: "developer" }],
    },
  });
  try {
    for (const path of ["/openai/v1/chat/completions", "/api/traces", "/api/gateway-keys"]) {
      const res = await h.gateway.fetch(preflight(allowedOrigin, path));
      assert.equal(res.status, 204, path);
      assert.equal(res.headers.get("access-control-allow-origin"), allowedOrigin, path);
      assert.match(res.headers.get("x-ongoingai-correlation-id")!, /./, path);
      const evil = await h.gateway.fetch(preflight("https://app.example.com.evil.io", path));
      assert.equal(evil.status, 403, path);
      assert.deepEqual(accessControl(evil.headers), [], path);
      assert.equal((await evil.json()).error.code, "forbidden");
    }
    assert.equal(h.stub.requests.length, 0);
    assert.equal(h.traces.length, 0);

    // Actual requests: the allowed origin may read answers, errors (401) included.
    const res = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: {
        origin: allowedOrigin,
        "x-ongoingai-gateway-key": "gw_test_token_0123456789",
        "content-type": "application/json",
      },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [] }),
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(res.headers.get("access-control-allow-origin"), allowedOrigin);
    assert.match(res.headers.get("vary")!, /Origin/);
    const denied = await h.request("/api/traces", { headers: { origin: allowedOrigin } });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get("access-control-allow-origin"), allowedOrigin);
    const other = await h.request("/api/health", { headers: { origin: "https://evil.io" } });
    assert.equal(other.status, 403, "an actual request from another origin is refused");
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    assert.equal(other.headers.get("vary"), "Origin");
  } finally {
    await h.close();
  }
});

Deno.test("cors gateway: off, an upstream's permissive CORS is removed from its answer", async () => {
  const config = configFor("http://upstream.test");
  const store = await openSqliteStore({ path: ":memory:" });
  const gateway = createGateway(config, {
    store,
    writer: { enqueue: () => true, snapshot: () => writerSnapshot({}) },
    keyHashSecret: testSecret,
    fetch: () =>
      Promise.resolve(
        new Response('{"id":"x"}', {
          headers: {
            "content-type": "application/json",
            "access-control-allow-origin": "*",
            "access-control-allow-headers": "*",
          },
        }),
      ),
  });
  try {
    // A program (no Origin) gets the answer without the upstream's CORS headers.
    const res = await gateway.fetch(new Request("http://gw.test/openai/v1/models"));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '{"id":"x"}');
    assert.deepEqual(accessControl(res.headers), []);
    assert.equal(res.headers.get("vary"), null);
    // A page gets nothing at all: with CORS off, no origin may call the gateway.
    const page = await gateway.fetch(
      new Request("http://gw.test/openai/v1/models", {
        headers: { origin: "https://evil.example" },
      }),
    );
    assert.equal(page.status, 403);
    assert.match((await page.json()).error.message, /CORS is off/);
    assert.deepEqual(accessControl(page.headers), []);
  } finally {
    gateway.close();
    await store.close();
  }
});

Deno.test("cors: crossSite refuses what a page on another origin sends, not what programs send", () => {
  const cors = createCors({ allowed_origins: [allowedOrigin] });
  const off = createCors({ allowed_origins: [] });
  const cases: {
    why: string;
    method?: string;
    headers: Record<string, string>;
    refused: boolean;
  }[] = [
    { why: "a program: no Origin, no fetch metadata", headers: {}, refused: false },
    { why: "the allowed origin", headers: { origin: allowedOrigin }, refused: false },
    {
      why: "the allowed origin, cross-site metadata",
      headers: { origin: allowedOrigin, "sec-fetch-site": "cross-site" },
      refused: false,
    },
    { why: "another origin", headers: { origin: "https://evil.example" }, refused: true },
    { why: "the opaque origin", headers: { origin: "null" }, refused: true },
    { why: "an empty Origin", headers: { origin: "" }, refused: true },
    {
      why: "no-cors GET (<img>): cross-site, no Origin",
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
      refused: true,
    },
    {
      why: "same-site (another port of localhost), no Origin",
      headers: { "sec-fetch-site": "same-site", "sec-fetch-mode": "no-cors" },
      refused: true,
    },
    {
      why: "a POST navigation without Origin",
      method: "POST",
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
      refused: true,
    },
    {
      why: "a top-level GET navigation: the user reads it, not the page",
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
      refused: false,
    },
    { why: "typed in the address bar", headers: { "sec-fetch-site": "none" }, refused: false },
    { why: "same-origin", headers: { "sec-fetch-site": "same-origin" }, refused: false },
  ];
  for (const c of cases) {
    const req = () =>
      new Request("http://gw.test/openai/v1/models", {
        method: c.method ?? "GET",
        headers: c.headers,
      });
    const res = cors.crossSite(req());
    assert.equal(res?.status ?? null, c.refused ? 403 : null, c.why);
    if (res !== null) assert.deepEqual(accessControl(res.headers), [], c.why);
    // With CORS off, no Origin at all is allowed; programs still pass.
    const offRes = off.crossSite(req());
    const refusedOff = c.refused || "origin" in c.headers;
    assert.equal(offRes?.status ?? null, refusedOff ? 403 : null, `off: ${c.why}`);
  }
});

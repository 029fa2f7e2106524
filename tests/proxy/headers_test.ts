import assert from "node:assert/strict";
import {
  acceptEncodingFor,
  clientResponseHeaders,
  upstreamRequestHeaders,
} from "../../src/proxy/headers.ts";

Deno.test("request headers: end-to-end headers pass, hop-by-hop and gateway key stop", () => {
  const incoming = new Headers({
    authorization: "Bearer sk-proj-abc",
    "x-api-key": "sk-ant-abc",
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "prompt-caching-2024-07-31",
    "openai-organization": "org-1",
    "content-type": "application/json",
    connection: "keep-alive, x-drop-me",
    "x-drop-me": "1",
    "keep-alive": "timeout=5",
    te: "trailers",
    trailer: "x",
    upgrade: "h2c",
    "proxy-authorization": "Basic x",
    host: "gw.local",
    "content-length": "12",
    "accept-encoding": "zstd, gzip;q=0.8, br",
    "x-ongoingai-gateway-key": "gw-secret",
    "x-ongoingai-correlation-id": "client-set",
  });
  const out = upstreamRequestHeaders(incoming, {
    gatewayKeyHeader: "x-ongoingai-gateway-key",
    correlationId: "corr-1",
  });
  assert.deepEqual(out, {
    authorization: "Bearer sk-proj-abc",
    "x-api-key": "sk-ant-abc",
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "prompt-caching-2024-07-31",
    "openai-organization": "org-1",
    "content-type": "application/json",
    "accept-encoding": "gzip;q=0.8, br",
    "x-ongoingai-correlation-id": "corr-1",
  });
});

Deno.test("request headers: the attribution claims meant for the gateway never reach the provider", () => {
  const out = upstreamRequestHeaders(
    new Headers({
      "x-ongoingai-user": "alice",
      "x-ongoingai-session-id": "s-1",
      "x-ongoingai-trace-group-id": "g-1",
      "x-claude-code-session-id": "c-1",
    }),
    { gatewayKeyHeader: "x-gw", correlationId: "corr-3" },
  );
  // The developer label (wrap's default is the login name) and the gateway's session header stop
  // here; the lineage headers and the agents' own headers pass, as the original forwards them.
  assert.deepEqual(out, {
    "x-ongoingai-trace-group-id": "g-1",
    "x-claude-code-session-id": "c-1",
    "x-ongoingai-correlation-id": "corr-3",
  });
});

Deno.test("request headers: naming the correlation header in Connection cannot remove it", () => {
  const out = upstreamRequestHeaders(
    new Headers({ connection: "x-ongoingai-correlation-id" }),
    { gatewayKeyHeader: "x-gw", correlationId: "corr-2" },
  );
  assert.equal(out["x-ongoingai-correlation-id"], "corr-2");
});

/** The pairs as the client sees them, from upstream headers given as a Headers object. */
const respond = (
  upstream: Headers,
  correlationId: string,
  opts: { decoded: boolean; bodyRewritten: boolean },
) => {
  const pairs: [string, string][] = [];
  upstream.forEach((v, k) => pairs.push([k, v]));
  return new Headers(clientResponseHeaders(pairs, correlationId, opts));
};

Deno.test("response headers: hop-by-hop dropped, cookies kept separate, correlation added", () => {
  const upstream = new Headers([
    ["content-type", "text/event-stream"],
    ["transfer-encoding", "chunked"],
    ["connection", "close"],
    ["x-ratelimit-remaining-requests", "99"],
    ["set-cookie", "a=1"],
    ["set-cookie", "b=2"],
    ["content-length", "10"],
  ]);
  const out = respond(upstream, "corr-3", {
    decoded: false,
    bodyRewritten: false,
  });
  assert.equal(out.get("transfer-encoding"), null);
  assert.equal(out.get("connection"), null);
  assert.equal(out.get("x-ratelimit-remaining-requests"), "99");
  assert.deepEqual(out.getSetCookie(), ["a=1", "b=2"]);
  assert.equal(out.get("content-length"), "10");
  assert.equal(out.get("x-ongoingai-correlation-id"), "corr-3");
});

Deno.test("response headers: a decoded or rewritten body loses its encoding and length", () => {
  const upstream = new Headers({ "content-encoding": "gzip", "content-length": "55" });
  const decoded = respond(upstream, "c", {
    decoded: true,
    bodyRewritten: false,
  });
  assert.equal(decoded.get("content-encoding"), null);
  assert.equal(decoded.get("content-length"), null);
  const rewritten = respond(upstream, "c", {
    decoded: false,
    bodyRewritten: true,
  });
  assert.equal(rewritten.get("content-encoding"), "gzip");
  assert.equal(rewritten.get("content-length"), null);
});

Deno.test("accept-encoding keeps only codings the gateway can read usage through", () => {
  const table: [string, string | null][] = [
    ["gzip, deflate, br", "gzip, deflate, br"],
    ["gzip, deflate, br, zstd", "gzip, deflate, br"],
    ["zstd", null],
    ["br;q=1.0, gzip;q=0.8, *;q=0.1", "br;q=1.0, gzip;q=0.8"],
    ["identity", "identity"],
    ["", null],
  ];
  for (const [given, want] of table) assert.equal(acceptEncodingFor(given), want, given);
});

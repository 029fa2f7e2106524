/**
 * `resolveRoute`: which route a request asks for, by its body's `model` and the entry point's
 * wire format (a provider prefix, or the root `/v1`, which speaks OpenAI's), and route functions
 * run through their bounded wrapper.
 */
import assert from "node:assert/strict";
import { type GatewayConfigInput, validateConfig } from "../../src/config/mod.ts";
import type { ProviderKind } from "../../src/providers/mod.ts";
import {
  compileRoutes,
  evaluateRouteFunction,
  maxRouteHeaders,
  maxRouteHeaderValue,
  resolveRoute,
  type RouteFacts,
  RouteFunctionError,
  routeRequest,
  type RouteTable,
} from "../../src/routing/mod.ts";

const seen: unknown[] = [];

function table(input: GatewayConfigInput): RouteTable {
  const result = validateConfig(input, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return compileRoutes(result.config);
}

const routes = table({
  providers: {
    groq: { upstream: "https://api.groq.com/openai" },
    azure: { upstream: "https://example.openai.azure.com/openai" },
    vertex: { kind: "vertex" },
  },
  proxy: { headers_timeout_ms: 600_000, idle_timeout_ms: 300_000 },
  routes: {
    "gpt-main": {
      targets: [{ provider: "openai", model: "gpt-main" }, { provider: "azure", model: "gpt-4o" }],
      timeouts: { first_token_ms: 10_000, total_ms: null },
      circuit_breaker: false,
    },
    "claude-main": {
      targets: [
        { provider: "anthropic", model: "claude-sonnet-4-5" },
        { provider: "anthropic", model: "claude-opus-4-1", on_context_length: true },
      ],
    },
    "meta-llama/Llama-3-70b": { targets: [{ provider: "groq", model: "llama-3.3-70b" }] },
    coded: {
      retry: { attempts: 1 },
      targets: (req) =>
        req.body_bytes > 1000 ? [{ provider: "groq", model: "big", weight: 2 }] : "gpt-main",
    },
    "no-route": () => null,
    thrower: () => {
      throw new Error("boom: sk-secret-in-message");
    },
    "to-function": () => "coded",
    "to-missing": () => "gpt-mian",
    "to-anthropic": () => "claude-main",
    "wrong-format": () => [{ provider: "vertex", model: "gemini-2.5-pro" }],
    "translated-targets": () => [{ provider: "anthropic", model: "claude" }],
    "vertex-main": { targets: [{ provider: "vertex", model: "gemini-2.5-pro" }] },
    "unknown-provider": () => [{ provider: "opnai", model: "x" }],
    "bad-weight": () => [{ provider: "openai", model: "x", weight: -1 }],
    empty: () => [],
    async: (() => Promise.resolve("gpt-main")) as unknown as () => null,
    "number-answer": (() => 42) as unknown as () => null,
    mutator: (req) => {
      (req as { model: string }).model = "changed";
      return null;
    },
    spy: (req) => {
      seen.push(req);
      return null;
    },
  },
});

const entries: Record<string, { id: string; kind: ProviderKind } | null> = {
  openai: { id: "openai", kind: "openai" },
  groq: { id: "groq", kind: "openai-compatible" },
  anthropic: { id: "anthropic", kind: "anthropic" },
  gemini: { id: "gemini", kind: "gemini" },
  root: null,
};

function facts(entry: keyof typeof entries, model: string | null, bodyBytes = 10): RouteFacts {
  return {
    entry: entries[entry] ?? null,
    model,
    path: "/v1/chat/completions",
    tenant: { org_id: "default", workspace_id: "default", gateway_key_id: null },
    headers: new Headers({ "content-type": "application/json" }),
    bodyBytes,
  };
}

/** [name, entry, model, body bytes, expected route name (null: none)] */
const resolveRows: Array<[string, keyof typeof entries, string | null, number, string | null]> = [
  ["no model in the body: no route", "openai", null, 10, null],
  ["a model that is no route: forward as today", "openai", "gpt-4o", 10, null],
  ["a route at its own provider's prefix", "openai", "gpt-main", 10, "gpt-main"],
  ["a route at another prefix of the same wire format", "groq", "gpt-main", 10, "gpt-main"],
  // Issue 21: OpenAI and Anthropic clients reach targets of another protocol, translated.
  [
    "a route at a prefix of another wire format: translated",
    "anthropic",
    "gpt-main",
    10,
    "gpt-main",
  ],
  ["a Gemini client is not translated: none", "gemini", "gpt-main", 10, null],
  [
    "a Vertex route for an OpenAI client: none (no Vertex translation)",
    "root",
    "vertex-main",
    10,
    null,
  ],
  ["an OpenAI-format route at the root /v1", "root", "gpt-main", 10, "gpt-main"],
  ["an Anthropic route at the root /v1: translated", "root", "claude-main", 10, "claude-main"],
  [
    "a function's targets of another protocol: translated",
    "openai",
    "translated-targets",
    10,
    "translated-targets",
  ],
  ["an Anthropic route at the anthropic prefix", "anthropic", "claude-main", 10, "claude-main"],
  ["a name with / in it", "openai", "meta-llama/Llama-3-70b", 10, "meta-llama/Llama-3-70b"],
  ["names are exact: another case is no route", "openai", "GPT-MAIN", 10, null],
  ["a function naming a route gets that route", "openai", "coded", 10, "gpt-main"],
  ["a function returning targets keeps its own name", "openai", "coded", 5000, "coded"],
  ["a function returning null: no route", "openai", "no-route", 10, null],
];

for (const [name, entry, model, bytes, want] of resolveRows) {
  Deno.test(`resolveRoute: ${name}`, () => {
    const got = resolveRoute(routes, facts(entry, model, bytes));
    assert.equal(got?.name ?? null, want);
  });
}

Deno.test("resolveRoute: a static route in the plan's shape, timeouts inherited from proxy", () => {
  const got = resolveRoute(routes, facts("openai", "gpt-main"));
  assert.deepEqual(got, {
    name: "gpt-main",
    strategy: "fallback",
    targets: [
      { provider: "openai", model: "gpt-main", weight: 1, onContextLength: false },
      { provider: "azure", model: "gpt-4o", weight: 1, onContextLength: false },
    ],
    retry: { attempts: 2, backoffMs: 250, maxBackoffMs: 8000, maxRetryAfterMs: 10_000 },
    timeouts: {
      connectMs: 10_000,
      firstByteMs: 600_000,
      firstTokenMs: 10_000,
      idleMs: 300_000,
      totalMs: null,
    },
    breaker: null,
    streamCommit: "first_content",
    maxBufferBytes: 4 * 1024 * 1024,
  });
});

Deno.test("resolveRoute: the larger-context mark and the default breaker", () => {
  const got = resolveRoute(routes, facts("anthropic", "claude-main"));
  assert.deepEqual(got?.targets.map((t) => t.onContextLength), [false, true]);
  assert.deepEqual(got?.breaker, { failures: 5, openMs: 30_000 });
});

Deno.test("resolveRoute: a function's targets with the route's own policy", () => {
  const got = resolveRoute(routes, facts("groq", "coded", 5000));
  assert.deepEqual(got?.targets, [
    { provider: "groq", model: "big", weight: 2, onContextLength: false },
  ]);
  assert.equal(got?.retry.attempts, 1);
});

Deno.test("resolveRoute: a route name may equal its first target's model", () => {
  const t = table({
    routes: {
      "gpt-4o": {
        targets: [{ provider: "openai", model: "gpt-4o" }, {
          provider: "openai",
          model: "gpt-4o-mini",
        }],
      },
    },
  });
  const got = resolveRoute(t, facts("openai", "gpt-4o"));
  assert.deepEqual(got?.targets.map((x) => x.model), ["gpt-4o", "gpt-4o-mini"]);
});

/** [route, entry, what the message says] */
const failureRows: Array<[string, keyof typeof entries, RegExp]> = [
  ["thrower", "openai", /^the route function of routes.thrower threw an error$/],
  ["to-function", "openai", /returned "coded", a route given by a function/],
  ["to-missing", "openai", /returned "gpt-mian", which is not a route/],
  [
    "to-anthropic",
    "gemini",
    /returned "claude-main", whose targets speak the anthropic wire format, for a request in the gemini one \(no translation between them\)/,
  ],
  ["wrong-format", "openai", /returned \[0\]: vertex, which speaks the vertex wire format/],
  ["unknown-provider", "openai", /returned \[0\]: "opnai" which is not an enabled provider/],
  [
    "bad-weight",
    "openai",
    /returned an invalid target: \[0\].weight: must be 0 or more: 0 makes the target a last resort/,
  ],
  ["empty", "openai", /returned no targets; return null for no route/],
  ["async", "openai", /returned a Promise; route functions must be synchronous/],
  ["number-answer", "openai", /returned a number; expected targets, a route name or null/],
  ["mutator", "openai", /routes.mutator threw an error/],
];

for (const [route, entry, message] of failureRows) {
  Deno.test(`resolveRoute: route function failure: ${route}`, () => {
    assert.throws(
      () => resolveRoute(routes, facts(entry, route)),
      (err: unknown) => {
        assert.ok(err instanceof RouteFunctionError);
        assert.equal(err.code, "route_function_failed");
        assert.equal(err.status, 500);
        assert.match(err.message, message);
        return true;
      },
    );
  });
}

Deno.test("resolveRoute: what a function threw is kept for the log, not the client", () => {
  try {
    resolveRoute(routes, facts("openai", "thrower"));
    assert.fail("expected a throw");
  } catch (err) {
    assert.ok(err instanceof RouteFunctionError);
    assert.doesNotMatch(err.message, /sk-secret/);
    assert.equal(err.detail, "Error: boom: sk-secret-in-message");
  }
});

Deno.test("resolveRoute: the function gets a frozen copy without credentials", () => {
  seen.length = 0;
  const headers = new Headers({
    authorization: "Bearer sk-client",
    "x-api-key": "sk-ant-client",
    "x-ongoingai-gateway-key": "ogk_team",
    cookie: "session=1",
    "X-OngoingAI-Session-Id": "s-1",
    "Content-Type": "application/json",
  });
  resolveRoute(routes, {
    ...facts("openai", "spy", 1234),
    headers,
    tenant: { org_id: "acme", workspace_id: "ml", gateway_key_id: "k1" },
  });
  const req = seen[0] as Record<string, unknown>;
  assert.deepEqual(req, {
    model: "spy",
    tenant: { org_id: "acme", workspace_id: "ml", gateway_key_id: "k1" },
    headers: { "content-type": "application/json", "x-ongoingai-session-id": "s-1" },
    body_bytes: 1234,
    path: "/v1/chat/completions",
  });
  assert.ok(
    Object.isFrozen(req) && Object.isFrozen(req["headers"]) && Object.isFrozen(req["tenant"]),
  );
});

Deno.test("routeRequest: headers are bounded in number and length", () => {
  const headers = new Headers();
  for (let i = 0; i < 100; i++) headers.set(`x-h-${String(i).padStart(3, "0")}`, "v");
  headers.set("x-a-long", "y".repeat(5000));
  const req = routeRequest({
    model: "m",
    tenant: { org_id: "o", workspace_id: "w", gateway_key_id: null },
    headers,
    bodyBytes: 0,
    path: "/v1/x",
  }, "X-Team-Key");
  assert.equal(Object.keys(req.headers).length, maxRouteHeaders);
  assert.equal(req.headers["x-a-long"]?.length, maxRouteHeaderValue);
});

Deno.test("routeRequest: the configured gateway key header is hidden too", () => {
  const req = routeRequest({
    model: "m",
    tenant: { org_id: "o", workspace_id: "w", gateway_key_id: null },
    headers: new Headers({ "X-Team-Key": "ogk_secret", accept: "*/*" }),
    bodyBytes: 0,
    path: "/v1/x",
  }, "X-Team-Key");
  assert.deepEqual(req.headers, { accept: "*/*" });
});

Deno.test("evaluateRouteFunction: answers as values, never a throw", () => {
  const req = routeRequest({
    model: "m",
    tenant: { org_id: "o", workspace_id: "w", gateway_key_id: null },
    headers: new Headers(),
    bodyBytes: 0,
    path: "/v1/x",
  }, "x-ongoingai-gateway-key");
  assert.deepEqual(evaluateRouteFunction("r", () => null, req), { ok: true, value: null });
  assert.deepEqual(evaluateRouteFunction("r", () => "other", req), { ok: true, value: "other" });
  assert.deepEqual(evaluateRouteFunction("r", () => [{ provider: "openai", model: "a" }], req), {
    ok: true,
    value: [{ provider: "openai", model: "a", weight: 1, on_context_length: false }],
  });
  const many = Array.from({ length: 17 }, () => ({ provider: "openai", model: "a" }));
  const tooMany = evaluateRouteFunction("r", () => many, req);
  assert.ok(!tooMany.ok && /17 targets; at most 16/.test(tooMany.message));
  const extraKey = evaluateRouteFunction(
    "r",
    () => [{ provider: "openai", model: "a", modle: "b" } as never],
    req,
  );
  assert.ok(!extraKey.ok && /invalid target: \[0\]/.test(extraKey.message));
  const thrownString = evaluateRouteFunction("r", () => {
    throw "plain";
  }, req);
  assert.ok(!thrownString.ok && thrownString.detail === "plain");
});

Deno.test("compileRoutes: a function route costs nothing until a request names it", () => {
  let calls = 0;
  const t = table({ routes: { lazy: () => (calls++, null) } });
  resolveRoute(t, facts("openai", "gpt-4o"));
  assert.equal(calls, 0);
  resolveRoute(t, facts("openai", "lazy"));
  assert.equal(calls, 1);
});

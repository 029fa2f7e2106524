/**
 * Which targets a routed request may use and which credentials each attempt carries: a key the
 * client sent for one provider never reaches another; a pool key only when the client sent none
 * and pools may serve; the pool key in the header its provider kind reads.
 */
import assert from "node:assert/strict";
import { openAiAdapter } from "../../src/providers/mod.ts";
import {
  attemptCredentials,
  attemptSearch,
  chooseTargets,
  type RoutingDeps,
  sessionKey,
} from "../../src/proxy/route_context.ts";
import { ModelRewriter } from "../../src/proxy/route_attempt.ts";
import { MemoryRoutingState, type RoutedRoute, Router } from "../../src/routing/mod.ts";
import { proxyRoute } from "./proxy_route_fixture.ts";

const routes = new Map([
  ["openai", proxyRoute("openai", "openai")],
  ["azure", proxyRoute("azure", "openai-compatible")],
  ["pooled", proxyRoute("pooled", "openai-compatible")],
]);

function deps(poolsAllowed: boolean): RoutingDeps {
  return {
    table: { routes: new Map(), formats: new Map(), gatewayKeyHeader: "x-ongoingai-key" },
    staticRoutes: [],
    router: new Router(new MemoryRoutingState(), []),
    routes,
    secrets: new Map([["pooled", new Map([["k1", "sk-pool"]])]]),
    poolsAllowed,
  };
}

const route: RoutedRoute = {
  name: "main",
  strategy: "fallback",
  targets: [
    { provider: "openai", model: "a", weight: 1, onContextLength: false },
    { provider: "azure", model: "b", weight: 1, onContextLength: false },
    { provider: "pooled", model: "c", weight: 1, onContextLength: true },
    { provider: "gone", model: "d", weight: 1, onContextLength: false },
  ],
  retry: { attempts: 1, backoffMs: 1, maxBackoffMs: 1, maxRetryAfterMs: 1 },
  timeouts: { connectMs: null, firstByteMs: null, firstTokenMs: null, idleMs: null, totalMs: null },
  breaker: null,
  streamCommit: "first_content",
  maxBufferBytes: 1024,
};

Deno.test("chooseTargets: the targets each request may use", () => {
  const rows: [string, boolean, Record<string, string>, string[], boolean][] = [
    ["client key, pools allowed", true, { authorization: "Bearer sk-client" }, ["openai/a"], false],
    ["client key (another header)", true, { "x-api-key": "sk-ant" }, ["openai/a"], false],
    ["no key, pools allowed", true, {}, ["openai/a", "pooled/c"], true],
    ["no key, pools not allowed", false, {}, ["openai/a"], false],
  ];
  for (const [name, allowed, headers, want, usePools] of rows) {
    const got = chooseTargets(deps(allowed), route, "openai", new Headers(headers));
    assert.deepEqual(got.route.targets.map((t) => `${t.provider}/${t.model}`), want, name);
    assert.equal(got.usePools, usePools, name);
    assert.equal(got.skipped.length, 4 - want.length, name);
  }
  const pooled = chooseTargets(deps(true), route, "openai", new Headers()).route.targets[1]!;
  assert.equal(pooled.contextWindow, Number.MAX_SAFE_INTEGER, "on_context_length: larger window");
  const keyed = chooseTargets(
    deps(true),
    route,
    "openai",
    new Headers({ authorization: "Bearer k" }),
  );
  assert.match(keyed.skipped[0]!, /never sent to another provider/);
});

Deno.test("attemptCredentials: the client's key stays with its provider; pool keys by kind", () => {
  const client = { authorization: "Bearer sk-client", "x-api-key": "sk-ant" };
  const rows: [string, string, string | null, Record<string, string>][] = [
    ["openai", "openai", null, client],
    ["azure", "openai", null, {}],
    ["pooled", "openai", "sk-pool", { authorization: "Bearer sk-pool" }],
    ["openai", "openai", "sk-pool", { authorization: "Bearer sk-pool" }],
  ];
  for (const [target, entry, pool, want] of rows) {
    const headers: Record<string, string> = { ...client, accept: "application/json" };
    attemptCredentials(headers, routes.get(target)!, entry, pool);
    assert.deepEqual(headers, { ...want, accept: "application/json" }, `${target} with ${pool}`);
  }
  const headers: Record<string, string> = {};
  attemptCredentials(headers, proxyRoute("claude", "anthropic"), "openai", "sk-ant-pool");
  assert.deepEqual(headers, { "x-api-key": "sk-ant-pool" });
});

Deno.test("ModelRewriter: `model` is spliced in for another model, every other byte kept", () => {
  const enc = new TextEncoder();
  const prepare = (text: string) =>
    openAiAdapter.prepareRequest({
      method: "POST",
      path: "/v1/chat/completions",
      contentType: "application/json",
      body: enc.encode(text),
      streamUsage: false,
    });
  const rows: [string, string, string, string][] = [
    [
      "a 64-bit seed and an escape survive byte for byte",
      `{"model":"main",  "seed": 12345678901234567890,"messages":[{"role":"user","content":"caf\\u00e9"}]}`,
      "gpt-4o",
      `{"model":"gpt-4o",  "seed": 12345678901234567890,"messages":[{"role":"user","content":"caf\\u00e9"}]}`,
    ],
    [
      "a model that is not first, spacing kept",
      `{ "messages": [], "model" : "main" , "n": 1.0 }`,
      "o4-mini",
      `{ "messages": [], "model" : "o4-mini" , "n": 1.0 }`,
    ],
    [
      "a model to escape",
      `{"model":"main"}`,
      'we"ird\\',
      `{"model":"we\\"ird\\\\"}`,
    ],
    ["a byte-order mark stays", `\uFEFF{"model":"main","x":1}`, "m2", `\uFEFF{"model":"m2","x":1}`],
  ];
  for (const [name, text, model, want] of rows) {
    const r = new ModelRewriter(prepare(text));
    const b = r.body(model)!;
    assert.equal(new TextDecoder("utf-8", { ignoreBOM: true }).decode(b), want, name);
    assert.equal(r.body(model), b, `${name}: one splice per model`);
  }
  const same = prepare(`{"model":"main","seed":12345678901234567890}`);
  assert.equal(
    new ModelRewriter(same).body("main"),
    same.body,
    "the same model: the client's bytes",
  );
  const notJson = prepare("not json");
  assert.equal(new ModelRewriter(notJson).body("x"), notJson.body);
  assert.equal(new ModelRewriter({ ...notJson, body: null }).body("x"), null);
});

Deno.test("prepareRequest: prompt_cache_key read with the body, for session affinity", () => {
  const prepare = (body: unknown) =>
    openAiAdapter.prepareRequest({
      method: "POST",
      path: "/v1/responses",
      contentType: "application/json",
      body: new TextEncoder().encode(JSON.stringify(body)),
      streamUsage: false,
    });
  assert.equal(prepare({ model: "m", prompt_cache_key: "pck-1" }).promptCacheKey, "pck-1");
  assert.equal(prepare({ model: "m", prompt_cache_key: 5 }).promptCacheKey, undefined);
  assert.equal(prepare({ model: "m" }).promptCacheKey, undefined);
});

Deno.test("sessionKey: an agent's session header, else prompt_cache_key, per tenant", () => {
  const tenant = { org_id: "o", workspace_id: "w" };
  const rows: [string, Record<string, string>, unknown, string | null][] = [
    ["Claude Code", { "x-claude-code-session-id": "cc-1" }, undefined, "o/w/cc-1"],
    ["Codex", { "session-id": "cx-1", "thread-id": "t" }, "pk", "o/w/cx-1"],
    ["older Codex", { session_id: "cx-0" }, undefined, "o/w/cx-0"],
    ["prompt_cache_key", {}, "pk-1", "o/w/pk-1"],
    ["none", {}, 42, null],
    ["too long", { "session-id": "x".repeat(300) }, undefined, null],
  ];
  for (const [name, headers, key, want] of rows) {
    assert.equal(sessionKey(new Headers(headers), key, tenant), want, name);
  }
});

Deno.test("attemptSearch: a key in the query never goes to another provider", () => {
  const rows: [string, boolean, string][] = [
    ["?key=sk-1&alt=sse", true, "?key=sk-1&alt=sse"],
    ["?key=sk-1&alt=sse", false, "?alt=sse"],
    ["?api_key=a&api-key=b", false, ""],
    ["", false, ""],
  ];
  for (const [search, same, want] of rows) assert.equal(attemptSearch(search, same), want, search);
});

/**
 * Routes through the whole in-process gateway in team mode: the root `/v1` takes the gateway key
 * like a provider prefix, forwards only a model naming a route (OpenAI format), and a request
 * without a provider key is sent with a pool key; the `Router` is reachable from the gateway.
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

const token = "gw-routes-a-0123456789abcdef";
const poolKey = "sk-proj-POOLROOT0123456789abcdefghijkl";

const teamRoutes = {
  auth: { enabled: true, keys: [{ id: "key-a", token, org_id: "org-1", workspace_id: "ws" }] },
  providers: { openai: { keys: [{ id: "p1", key: poolKey }] } },
  routes: { "gpt-main": { targets: [{ provider: "openai", model: "gpt-4o-mini" }] } },
};

const chat = (model: string, headers: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
});

Deno.test("root /v1: gateway key required, routes only, pool key when the client sent none", async () => {
  const h = await startHarness(teamRoutes);
  try {
    assert.ok(h.gateway.routing?.router !== undefined, "the Router is exposed");
    const view = await h.gateway.routing!.router.view(h.gateway.routing!.staticRoutes, Date.now());
    assert.ok(JSON.stringify(view).includes("openai/gpt-4o-mini"), JSON.stringify(view));
    const anon = await h.request("/v1/chat/completions", chat("gpt-main", {}));
    assert.equal(anon.status, 401, await anon.text());

    const key = { "X-OngoingAI-Gateway-Key": token };
    const routed = await h.request("/v1/chat/completions", chat("gpt-main", key));
    assert.equal(routed.status, 200, await routed.clone().text());
    await routed.arrayBuffer();
    const sent = h.stub.requests.at(-1)!;
    assert.equal(sent.path, "/v1/chat/completions");
    assert.equal(JSON.parse(sent.body).model, "gpt-4o-mini");
    assert.equal(sent.headers["authorization"], `Bearer ${poolKey}`);
    assert.equal(sent.headers["x-ongoingai-gateway-key"], undefined);

    const before = h.stub.requests.length;
    const unrouted = await h.request("/v1/chat/completions", chat("gpt-4o", key));
    assert.equal(unrouted.status, 404);
    assert.match((await unrouted.json()).error.message, /serves routes only/);
    assert.equal(h.stub.requests.length, before, "not forwarded");

    // At a provider prefix, the client's own key wins over the pool.
    const own = await h.request(
      "/openai/v1/chat/completions",
      chat("gpt-main", { ...key, authorization: "Bearer sk-proj-CLIENTOWN0123456789abcdefgh" }),
    );
    assert.equal(own.status, 200);
    await own.arrayBuffer();
    assert.equal(
      h.stub.requests.at(-1)!.headers["authorization"],
      "Bearer sk-proj-CLIENTOWN0123456789abcdefgh",
    );
    const traces = await h.tracesSettled(3);
    const last = traces.at(-1)!;
    assert.equal(last.provider, "openai");
    assert.match(last.model, /^gpt-4o-mini/);
  } finally {
    await h.close();
  }
});

/**
 * The reservation a limited request makes (server/limits.ts `estimateOf`) is priced as its trace
 * will be settled (proxy/exchange.ts passes the upstream path to `route.cost`): Claude on a
 * regional Vertex endpoint is reserved at the regional price, not the global one.
 */
import assert from "node:assert/strict";
import type { ModelPrice, ResolvedProvider } from "../../src/config/mod.ts";
import { vertexPrices } from "../../src/pricing/builtin_cloud_prices.ts";
import { estimateOf } from "../../src/server/limits.ts";
import { proxyRoutes } from "../../src/server/proxy_routes.ts";
import { configFor } from "../support/gateway_harness.ts";

const vertex: ResolvedProvider = {
  id: "vertex",
  kind: "vertex",
  prefix: "/vertex",
  upstream: "https://aiplatform.googleapis.com",
  prices: {},
  stream_usage: true,
};
const config = configFor("http://127.0.0.1:9");
config.providers.push(vertex);
const route = proxyRoutes(config, undefined).get(vertex)!;

const model = "claude-sonnet-4-5@20250929";
const pathAt = (location: string) =>
  `/v1/projects/p/locations/${location}/publishers/anthropic/models/${model}:rawPredict`;
const row = vertexPrices.models["claude-sonnet-4-5"] as ModelPrice;
const regional = row.scope_multipliers?.regional ?? 1;
// 4000 bytes: 1000 input tokens; max_tokens 1000. claude-sonnet-4-5: 3 in, 15 out per 1M.
const listCost = (1000 * 3 + 1000 * 15) / 1e6;

Deno.test("limits: the reservation is priced for the request's path, as the settlement is", () => {
  assert.ok(regional > 1, "the table has a regional multiplier for Claude on Vertex");
  const table: [string, string, number][] = [
    ["regional endpoint", pathAt("us-east5"), listCost * regional],
    ["global endpoint", pathAt("global"), listCost],
  ];
  for (const [name, path, want] of table) {
    const estimate = estimateOf({ route, model, maxTokens: 1000, requestBytes: 4000, path }, 0);
    assert.equal(estimate.tokens, 2000, name);
    assert.ok(Math.abs(estimate.costUsd - want) < 1e-12, `${name}: ${estimate.costUsd} ≠ ${want}`);
    // What the exchange's settlement would price for the same usage and path.
    const settled = route.cost(
      model,
      {
        model,
        status: "exact",
        parseErrors: 0,
        usage: {
          input_tokens: 1000,
          cached_input_tokens: 0,
          cache_write_tokens: 0,
          output_tokens: 1000,
          reasoning_tokens: 0,
          total_tokens: 2000,
        },
      },
      0,
      path,
    );
    assert.equal(estimate.costUsd, settled.estimated_cost_usd, name);
  }
});

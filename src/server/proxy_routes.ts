/**
 * The proxy's forwarding routes of one config generation: one per provider, and the root `/v1`
 * (the OpenAI wire format with no provider of its own) that serves routes only.
 */
import type { GatewayConfig, ResolvedProvider } from "../config/mod.ts";
import { createCostEstimator, type PriceSources } from "../pricing/mod.ts";
import { providerAdapters, wireFormatOf } from "../providers/mod.ts";
import { type ProxyRoute, upstreamBase } from "../proxy/mod.ts";

/** Keyed by provider, so matching is `matchProvider` over the config's own (ordered) list. */
export function proxyRoutes(
  config: GatewayConfig,
  prices: PriceSources | undefined,
): Map<ResolvedProvider, ProxyRoute> {
  return new Map<ResolvedProvider, ProxyRoute>(
    config.providers.map((provider) => [provider, proxyRouteOf(provider, prices)]),
  );
}

/** How the proxy forwards to one provider: its adapter, upstream base and prices. */
function proxyRouteOf(provider: ResolvedProvider, prices: PriceSources | undefined): ProxyRoute {
  const adapter = providerAdapters[provider.kind];
  return {
    provider,
    adapter,
    base: upstreamBase(provider.upstream),
    // The adapter knows how its provider names models (Bedrock profiles, Gemini resources) and,
    // from the request path the exchange passes, the endpoint scope (Vertex's location).
    cost: createCostEstimator(provider, prices, adapter.priceKeyOf?.bind(adapter)),
  };
}

/**
 * The root `/v1/...` endpoint: the OpenAI wire format with no provider of its own (prefix "").
 * Only a request whose model names a route is forwarded, to that route's targets.
 */
export function rootRoute(config: GatewayConfig, prices: PriceSources | undefined): ProxyRoute {
  const provider: ResolvedProvider = {
    id: "root",
    kind: "openai",
    prefix: "",
    upstream: "http://127.0.0.1/",
    prices: {},
    stream_usage: config.providers.some((p) => wireFormatOf[p.kind] === "openai" && p.stream_usage),
  };
  return proxyRouteOf(provider, prices);
}

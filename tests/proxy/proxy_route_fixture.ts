/** A provider's forwarding route as the route loop sees it, for unit tests (no upstream behind it). */
import type { ResolvedProvider } from "../../src/config/mod.ts";
import { providerAdapters } from "../../src/providers/mod.ts";
import type { ProxyRoute } from "../../src/proxy/mod.ts";

export function proxyRoute(id: string, kind: ResolvedProvider["kind"]): ProxyRoute {
  return {
    provider: {
      id,
      kind,
      prefix: `/${id}`,
      upstream: "http://127.0.0.1:9",
      prices: {},
      stream_usage: true,
    },
    adapter: providerAdapters[kind],
    base: { origin: "http://127.0.0.1:9", basePath: "" },
    cost: () => ({ estimated_cost_usd: null, cost_status: "unknown_usage" }),
  };
}

/**
 * The route loop's parts for one config generation: the route table (`compileRoutes`), the key
 * pools with their secrets, and a `Router` over the routing state that outlives reloads (breakers
 * and key blocks in `RoutingState`, PostgreSQL's when the store is PostgreSQL; session affinity
 * and latencies shared too). Per-instance counts (rpm windows, failure counts) start afresh with
 * a new config, whose pools may differ.
 */
import { type GatewayConfig, isLoopbackHost } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { ProxyRoute, RoutingDeps } from "../proxy/mod.ts";
import {
  AffinityCache,
  compileRoutes,
  KeyPool,
  LatencyTracker,
  MemoryRoutingState,
  Router,
  type RoutingState,
} from "../routing/mod.ts";
import type { TraceStore } from "../store/mod.ts";
import type { RoutingMetrics } from "../telemetry/mod.ts";

/** What every config generation shares (serve keeps one; a test may pass its own). */
export interface SharedRouting {
  state: RoutingState;
  affinity: AffinityCache;
  latency: LatencyTracker;
}

export function sharedRouting(store: TraceStore): SharedRouting {
  const pg = (store as { routingState?: RoutingState }).routingState;
  return {
    state: pg !== undefined && typeof pg.breaker === "function" ? pg : new MemoryRoutingState(),
    affinity: new AffinityCache(),
    latency: new LatencyTracker(),
  };
}

/** The routing deps of this config, or undefined when it has no routes (nothing to resolve). */
export function routingFor(
  config: GatewayConfig,
  routes: ReadonlyMap<string, ProxyRoute>,
  shared: SharedRouting,
  log: Logger,
  metrics: RoutingMetrics | null = null,
): RoutingDeps | undefined {
  const table = compileRoutes(config);
  if (table.routes.size === 0) return undefined;
  const pools: KeyPool[] = [];
  const secrets = new Map<string, Map<string, string>>();
  for (const p of config.providers) {
    if (p.keys === undefined || p.keys.length === 0) continue;
    pools.push(
      new KeyPool(
        p.id,
        p.keys.map((k) => ({
          id: k.id,
          weight: k.weight,
          ...(k.rpm === null ? {} : { rpm: k.rpm }),
          ...(k.tpm === null ? {} : { tpm: k.tpm }),
          ...(k.group === null ? {} : { group: k.group }),
        })),
      ),
    );
    secrets.set(p.id, new Map(p.keys.map((k) => [k.id, k.key])));
  }
  const router = new Router(shared.state, pools, {
    affinity: shared.affinity,
    latency: shared.latency,
    ...(metrics === null ? {} : {
      onBreakerTransition: (target: string, to: "open" | "half_open" | "closed") =>
        metrics.breakerTransition({ target, toPhase: to }),
    }),
    onStateError: (err) =>
      log.warn("routing state write failed; routing goes on with what it knows", {
        error: err instanceof Error ? err.message : String(err),
      }),
  });
  const staticRoutes = [...table.routes.values()].flatMap((c) =>
    c.kind === "static" ? [c.route] : []
  );
  return {
    table,
    staticRoutes,
    router,
    routes,
    secrets,
    poolsAllowed: config.auth.enabled || isLoopbackHost(config.server.host),
    metrics,
  };
}

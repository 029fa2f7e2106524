/**
 * The route loop's parts for one config generation: the route table (`compileRoutes`), the key
 * pools with their secrets, and a `Router` over what outlives reloads (`SharedRouting`): breakers,
 * probes and key blocks in `RoutingState` (PostgreSQL's when the store is PostgreSQL), and this
 * instance's counts: consecutive failures and recent outcomes per target, latencies, session
 * affinity, and the pool keys' rpm/tpm windows by provider and key id. So a reload in the middle
 * of a minute neither gives a key a fresh rpm window nor forgets a target's failures; a key the
 * new config drops loses its counts, a key whose rpm changed keeps its window under the new limit.
 */
import { type GatewayConfig, isLoopbackHost } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import { type ProxyRoute, type RoutingDeps, StateSeals } from "../proxy/mod.ts";
import {
  AffinityCache,
  compileRoutes,
  FailureCounts,
  KeyPool,
  KeyUsage,
  LatencyTracker,
  MemoryRoutingState,
  RecentOutcomes,
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
  failures: FailureCounts;
  recent: RecentOutcomes;
  keyUsage: KeyUsage;
  /** The thinking state seal's keys and Chat id map (translation, issue 21). */
  seals?: StateSeals;
}

/** What a new process starts with: `state` from the store when it shares one (PostgreSQL). */
export function sharedRouting(store: TraceStore): SharedRouting {
  const pg = (store as { routingState?: RoutingState }).routingState;
  return {
    state: pg !== undefined && typeof pg.breaker === "function" ? pg : new MemoryRoutingState(),
    affinity: new AffinityCache(),
    latency: new LatencyTracker(),
    failures: new FailureCounts(),
    recent: new RecentOutcomes(),
    keyUsage: new KeyUsage(),
    seals: new StateSeals(),
  };
}

/**
 * The config's key pools, their counts kept in `usage` (the previous generation's continue; the
 * counts of keys the config no longer holds are dropped).
 */
export function keyPoolsOf(config: GatewayConfig, usage: KeyUsage): KeyPool[] {
  const pools = config.providers.flatMap((p) =>
    p.keys === undefined || p.keys.length === 0 ? [] : [
      new KeyPool(
        p.id,
        p.keys.map((k) => ({
          id: k.id,
          weight: k.weight,
          ...(k.rpm === null ? {} : { rpm: k.rpm }),
          ...(k.tpm === null ? {} : { tpm: k.tpm }),
          ...(k.group === null ? {} : { group: k.group }),
        })),
        usage,
      ),
    ]
  );
  usage.retain(pools);
  return pools;
}

/** The routing deps of this config, or undefined when it has no routes (nothing to resolve). */
export function routingFor(
  config: GatewayConfig,
  routes: ReadonlyMap<string, ProxyRoute>,
  shared: SharedRouting,
  log: Logger,
  metrics: RoutingMetrics | null = null,
): RoutingDeps | undefined {
  // Before the early return: a config without routes drops the counts of keys it removed too.
  const pools = keyPoolsOf(config, shared.keyUsage);
  const table = compileRoutes(config);
  if (table.routes.size === 0) return undefined;
  const secrets = new Map<string, Map<string, string>>();
  for (const p of config.providers) {
    if (p.keys === undefined || p.keys.length === 0) continue;
    secrets.set(p.id, new Map(p.keys.map((k) => [k.id, k.key])));
  }
  const router = new Router(shared.state, pools, {
    affinity: shared.affinity,
    latency: shared.latency,
    failures: shared.failures,
    recent: shared.recent,
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

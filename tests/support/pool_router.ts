/**
 * A real `Router` over a config's key pools, in memory, as the gateway builds one (tests of the
 * routes endpoints make theirs here).
 */
import type { GatewayConfig } from "../../src/config/mod.ts";
import {
  AffinityCache,
  FailureCounts,
  KeyUsage,
  LatencyTracker,
  MemoryRoutingState,
  RecentOutcomes,
  Router,
  type RouterOptions,
} from "../../src/routing/mod.ts";
import { keyPoolsOf, type SharedRouting } from "../../src/server/routing.ts";

/** Routing state in memory, as `serve` shares one across config generations. */
export function memoryRouting(): SharedRouting {
  return {
    state: new MemoryRoutingState(),
    affinity: new AffinityCache(),
    latency: new LatencyTracker(),
    failures: new FailureCounts(),
    recent: new RecentOutcomes(),
    keyUsage: new KeyUsage(),
  };
}

export function routerFor(config: GatewayConfig, options: RouterOptions = {}): Router {
  return new Router(new MemoryRoutingState(), keyPoolsOf(config, new KeyUsage()), options);
}

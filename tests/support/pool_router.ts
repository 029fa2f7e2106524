/**
 * A real `Router` over a config's key pools, in memory, as the gateway builds one (tests of the
 * routes endpoints make theirs here), and pool keys in trouble for the CLI commands to show.
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
  type RoutingState,
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

/** openai's pool key team-a disabled after a 401, team-b cooling down for 90 s after a 429. */
export async function troubledKeys(state: RoutingState, now: number): Promise<void> {
  await state.disableKey(
    { kind: "key", provider: "openai", id: "team-a" },
    now,
    "status_401_auth",
  );
  await state.coolDown(
    { kind: "key", provider: "openai", id: "team-b" },
    now,
    now + 90_000,
    "status_429_rate_limited",
  );
}

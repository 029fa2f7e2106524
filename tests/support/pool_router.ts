/**
 * A real `Router` over a config's key pools, in memory, as the gateway builds one (until the
 * route loop's own builder lands, tests of the routes endpoints make theirs here).
 */
import type { GatewayConfig } from "../../src/config/mod.ts";
import {
  AffinityCache,
  KeyPool,
  LatencyTracker,
  MemoryRoutingState,
  Router,
  type RouterOptions,
} from "../../src/routing/mod.ts";
import type { SharedRouting } from "../../src/server/routing.ts";

/** Routing state in memory, as `serve` shares one across config generations. */
export function memoryRouting(): SharedRouting {
  return {
    state: new MemoryRoutingState(),
    affinity: new AffinityCache(),
    latency: new LatencyTracker(),
  };
}

export function routerFor(config: GatewayConfig, options: RouterOptions = {}): Router {
  const pools = config.providers.flatMap((p) =>
    p.keys === undefined ? [] : [
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
    ]
  );
  return new Router(new MemoryRoutingState(), pools, options);
}

/**
 * Routing (issue 19): routes resolved from config, and the pure policy core that decides each
 * upstream attempt: outcome classification, backoff and Retry-After, the attempt plan, circuit
 * breakers, key pools with cooldowns, strategies, session affinity, and the `RoutingState`
 * contract that the store implements for sharing between instances.
 */
export type {
  AttemptOutcome,
  PhaseTimeouts,
  PoolKey,
  ProviderErrorFacts,
  ResolvedRoute,
  RetryPolicy,
  RouteTarget,
  Strategy,
  StreamCommit,
} from "./types.ts";

/**
 * Routing (issue 19): routes resolved from config, and the pure policy core that decides each
 * upstream attempt: outcome classification, backoff and Retry-After, the attempt plan, circuit
 * breakers, key pools with cooldowns, strategies, session affinity, and the `RoutingState`
 * contract that the store implements for sharing between instances.
 */
export type {
  AttemptOutcome,
  AttemptRecord,
  PhaseTimeouts,
  PoolKey,
  ProviderErrorFacts,
  ResolvedRoute,
  RetryPolicy,
  RouteTarget,
  Strategy,
  StreamCommit,
} from "./types.ts";
export {
  type BreakerEffect,
  type Classification,
  classify,
  type ClassifyContext,
  type KeyEffect,
  retryableStatuses,
  type Verdict,
} from "./classify.ts";
export { fullJitterMs } from "./backoff.ts";
export {
  maxHintMs,
  parseGoDuration,
  parseRetryAfter,
  parseRetryAfterMs,
  parseRfc3339,
  providerResetMs,
  waitHintMs,
} from "./retry_after.ts";
export {
  type AttemptPlanState,
  attemptTimeouts,
  canFailOver,
  decide,
  decideClassified,
  type Decision,
  isLastPossible,
  newPlan,
  nextCandidate,
  nextTarget,
} from "./plan.ts";
export {
  type Admission,
  admission,
  type BreakerPhase,
  breakerPhase,
  breakerStep,
  type BreakerTransition,
  FailureCounts,
} from "./breaker.ts";
export {
  KeyPool,
  type KeyState,
  KeyUsage,
  maxExactRpm,
  SlidingCount,
  SlidingLog,
  windowMs,
} from "./key_pool.ts";
export { type Affinity, AffinityCache, maxSessionKeyChars } from "./affinity.ts";
export { LatencyTracker } from "./latency.ts";
export { type OrderInput, orderTargets, targetId } from "./strategy.ts";
export { pickWeighted } from "./weighted.ts";
export {
  boundedReason,
  type BreakerRecord,
  inForce,
  type KeyBlock,
  type KeyScope,
  mergeCooldown,
  type ProbeClaim,
  type RoutingState,
  type RoutingStateSnapshot,
  scopeKey,
} from "./state.ts";
export { MemoryRoutingState } from "./memory_state.ts";
export {
  type KeyView,
  RecentOutcomes,
  type RoutingView,
  routingView,
  type TargetView,
  type ViewSources,
} from "./snapshot.ts";
export {
  type AttemptTicket,
  type NextAttempt,
  Router,
  type RouterOptions,
  RouteRun,
  type StartOptions,
} from "./run.ts";
export * from "./routes.ts";

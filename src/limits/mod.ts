/**
 * Rate limits and budgets: requests and tokens per minute, tokens and cost per UTC day, per key
 * and per workspace, reserved before forwarding and settled with real usage.
 */
export {
  type Charge,
  chargesFor,
  type CounterStore,
  type Estimate,
  fits,
  type LimitHit,
  type LimitName,
  type LimitScope,
  type LimitSet,
  MemoryCounters,
  settlement,
  type Subject,
} from "./core.ts";
export {
  type Admission,
  anyLimit,
  type ConfigLimits,
  defaultOutputTokens,
  keyLimitSet,
  Limiter,
  limitSetOf,
  type Reservation,
  type Who,
} from "./limiter.ts";

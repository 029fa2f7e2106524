/**
 * The routing state that outlives a request and, on PostgreSQL, is shared by every instance:
 * circuit breakers that are open, pool keys (and key groups) cooling down, keys disabled until an
 * operator re-enables them. Failure counts, rpm/tpm windows, latencies and session affinity stay
 * in each instance (routing's hot path writes nothing).
 *
 * Reads are synchronous and answer from what this instance knows (the PostgreSQL implementation:
 * a cache refreshed in the background at most every `refreshMs`, triggered by reads); writes
 * happen on state changes only, update this instance at once and the database after. So another
 * instance sees a change within one refresh interval, and the one atomic operation, the claim of
 * a half-open breaker's single probe, asks the database itself.
 */

/** A breaker that is not closed (closed breakers have no record). `target`: "provider/model". */
export interface BreakerRecord {
  target: string;
  openedAt: number;
  /** Until then the target gets no traffic; after it, one probe may be claimed. */
  openUntil: number;
  /** A claimed probe runs until then (a lease, so a probe whose instance died is not waited for). */
  probeUntil: number | null;
}

/** A pool key or a group of keys sharing one quota, of one provider. */
export interface KeyScope {
  kind: "key" | "group";
  provider: string;
  id: string;
}

export interface KeyBlock {
  scope: KeyScope;
  state: "cooling" | "disabled";
  since: number;
  /** Cooling: until then. Disabled: null (until an operator re-enables the key). */
  until: number | null;
  /** Short and fixed ("status_429_rate_limited"); never a provider's message (it may echo a key). */
  reason: string;
}

export type ProbeClaim =
  /** This caller holds the probe. */
  | "probe"
  /** The breaker closed meanwhile: go ahead as usual. */
  | "closed"
  /** Still open, or another request holds the probe: go elsewhere. */
  | "busy";

export interface RoutingStateSnapshot {
  breakers: BreakerRecord[];
  blocks: KeyBlock[];
  /** PostgreSQL: the last failed refresh or write, else null. Memory: always null. */
  lastError: string | null;
}

export interface RoutingState {
  /** True when other instances see this state (PostgreSQL). */
  readonly shared: boolean;
  breaker(target: string, now: number): BreakerRecord | null;
  /** The block on a key or group in force at `now` (expired cooldowns are none). */
  blocked(scope: KeyScope, now: number): KeyBlock | null;
  /** Opens (or re-opens) the breaker until `openUntil`; any claimed probe is over. */
  openBreaker(target: string, now: number, openUntil: number): Promise<void>;
  /** The half-open breaker's single probe; atomic across instances on PostgreSQL. */
  claimProbe(target: string, now: number, leaseMs: number): Promise<ProbeClaim>;
  /** The probe ended without a verdict (client gone, key problem): another may probe. */
  releaseProbe(target: string, now: number): Promise<void>;
  closeBreaker(target: string, now: number): Promise<void>;
  /** Cools a key or group down until `until`; an existing later deadline is kept. */
  coolDown(scope: KeyScope, now: number, until: number, reason: string): Promise<void>;
  /** Disables a key until `enableKey`. */
  disableKey(scope: KeyScope, now: number, reason: string): Promise<void>;
  /** Clears a key's (or group's) block, cooling or disabled; false when there was none. */
  enableKey(scope: KeyScope, now: number): Promise<boolean>;
  /** Everything in force at `now`, read fresh (for the API). */
  snapshot(now: number): Promise<RoutingStateSnapshot>;
}

/** Fixed reasons only, bounded (a defence: callers pass short codes). */
export function boundedReason(reason: string): string {
  return reason.replace(/[^\w.:-]/g, "_").slice(0, 120);
}

/**
 * A cooldown merged into what a scope already has: a disabled key stays disabled; a live
 * cooldown keeps the later deadline (a re-cool never shortens it); an expired one is replaced.
 * Both implementations use this, so they agree.
 */
export function mergeCooldown(
  existing: KeyBlock | null,
  scope: KeyScope,
  now: number,
  until: number,
  reason: string,
): KeyBlock {
  if (existing?.state === "disabled") return existing;
  const live = existing !== null && existing.until !== null && existing.until > now;
  if (live && existing.until! >= until) return existing;
  return {
    scope,
    state: "cooling",
    since: live ? existing.since : now,
    until,
    reason: boundedReason(reason),
  };
}

/** Whether a block is in force at `now`. */
export function inForce(block: KeyBlock | null, now: number): KeyBlock | null {
  if (block === null) return null;
  if (block.state === "disabled") return block;
  return block.until !== null && block.until > now ? block : null;
}

export function scopeKey(s: KeyScope): string {
  return `${s.kind}:${s.provider}/${s.id}`;
}

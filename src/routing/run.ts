/**
 * The route loop's side of the policy: a `Router` per config generation (its key pools; the
 * counts it keeps, failures, latency, affinity and the pools' rpm/tpm windows, may be passed in
 * so they outlive it; breakers, probes and key blocks live in `RoutingState`) and a
 * `RouteRun` per client request. The loop asks `next()` for the attempt to make (target, pool key,
 * limits of each phase), makes it, and tells `report()` what it came to; `report()` applies the
 * consequences (breaker, key cooldown or disablement, latency, affinity) and returns the
 * decision. No timers, no I/O besides `RoutingState`: waiting is the loop's job.
 */
import type { AttemptOutcome, PhaseTimeouts, ResolvedRoute, RouteTarget } from "./types.ts";
import type { RoutingState } from "./state.ts";
import { classify } from "./classify.ts";
import { fullJitterMs } from "./backoff.ts";
import { admission, type BreakerPhase, breakerStep, FailureCounts } from "./breaker.ts";
import type { KeyPool } from "./key_pool.ts";
import { AffinityCache } from "./affinity.ts";
import { LatencyTracker } from "./latency.ts";
import { orderTargets, targetId } from "./strategy.ts";
import { RecentOutcomes, type RoutingView, routingView } from "./snapshot.ts";
import {
  type AttemptPlanState,
  attemptTimeouts,
  canFailOver,
  decideClassified,
  type Decision,
  newPlan,
  nextCandidate,
} from "./plan.ts";

export interface RouterOptions {
  /** A pool key's 429 without a usable wait hint cools it this long (default 30 s). */
  defaultCooldownMs?: number;
  /** No cooldown is longer, whatever the upstream said (default 1 h). */
  maxCooldownMs?: number;
  /** Lease of a half-open probe on a route without a total budget (default 60 s). */
  probeLeaseMs?: number;
  /** least_latency: share of requests that try a random target first (default 0.05). */
  exploration?: number;
  /** A state write failed (PostgreSQL down): routing goes on with what it knows. */
  onStateError?: (err: unknown) => void;
  /** This instance moved a breaker: opened, closed, half-open by claiming the probe (metrics). */
  onBreakerTransition?: (target: string, to: BreakerPhase) => void;
  affinity?: AffinityCache;
  latency?: LatencyTracker;
  /** Consecutive failures per target; pass the previous generation's so a reload forgets none. */
  failures?: FailureCounts;
  /** Attempts and failures of the last minute per target (the API's rates), likewise. */
  recent?: RecentOutcomes;
}

export interface StartOptions {
  now: number;
  random: () => number;
  /** A tenant-scoped session key (agent session id, `prompt_cache_key`); null: no affinity. */
  session: string | null;
  /** Use the providers' key pools (the client sent no key of its own and pools are allowed). */
  usePools: boolean;
  /**
   * Providers whose pool is used whatever `usePools` says: targets reached by translation,
   * where the client's key (for its own protocol's provider) is never sent (issue 21).
   */
  pooled?: ReadonlySet<string>;
}

export interface AttemptTicket {
  kind: "attempt";
  /** 1-based, over the whole request. */
  number: number;
  targetIndex: number;
  target: RouteTarget;
  /** "provider/model". */
  targetId: string;
  /** The pool key to send with, or null: the client's own key (or the provider's single key). */
  keyId: string | null;
  /** This attempt is a half-open breaker's probe. */
  probe: boolean;
  /**
   * No other target can follow it, so its failover timeouts (response headers, first token, and
   * the idle gap before the commit point) are lifted up to the total budget: see
   * `attemptTimeouts`. Retries left on the same target do not count, as such a timeout is never
   * retried there.
   */
  last: boolean;
  timeouts: PhaseTimeouts;
}

export type NextAttempt =
  | AttemptTicket
  /**
   * Every remaining target lacks a usable pool key, and one comes back within
   * `retry.maxRetryAfterMs` (a cooldown or an rpm window ends): wait, then call `next()` again.
   * Failing at once instead is what peers' users complain of (LiteLLM #3646).
   */
  | { kind: "wait"; waitMs: number; reason: string }
  | { kind: "give_up"; reason: string };

export class Router {
  readonly state: RoutingState;
  readonly pools: ReadonlyMap<string, KeyPool>;
  readonly affinity: AffinityCache;
  readonly latency: LatencyTracker;
  readonly failures: FailureCounts;
  readonly recent: RecentOutcomes;
  readonly options: Required<
    Omit<RouterOptions, "affinity" | "latency" | "failures" | "recent">
  >;

  constructor(state: RoutingState, pools: Iterable<KeyPool>, options: RouterOptions = {}) {
    this.state = state;
    this.pools = new Map([...pools].map((p) => [p.provider, p]));
    this.affinity = options.affinity ?? new AffinityCache();
    this.latency = options.latency ?? new LatencyTracker();
    this.failures = options.failures ?? new FailureCounts();
    this.recent = options.recent ?? new RecentOutcomes();
    this.options = {
      defaultCooldownMs: options.defaultCooldownMs ?? 30_000,
      maxCooldownMs: options.maxCooldownMs ?? 3600_000,
      probeLeaseMs: options.probeLeaseMs ?? 60_000,
      exploration: options.exploration ?? 0.05,
      onStateError: options.onStateError ?? (() => {}),
      onBreakerTransition: options.onBreakerTransition ?? (() => {}),
    };
  }

  start(route: ResolvedRoute, opts: StartOptions): RouteRun {
    const bound = opts.session === null ? null : this.affinity.get(opts.session, opts.now);
    const sticky = bound === null
      ? -1
      : route.targets.findIndex((t) => targetId(t) === bound.target);
    const order = orderTargets(route, {
      now: opts.now,
      random: opts.random,
      latency: this.latency,
      sticky: sticky < 0 ? null : sticky,
      exploration: this.options.exploration,
    });
    return new RouteRun(this, route, order, opts, sticky < 0 ? null : (bound?.keyId ?? null));
  }

  /** Tokens an answer used, against its pool key's tpm. */
  recordTokens(provider: string, keyId: string, tokens: number, now: number): void {
    this.pools.get(provider)?.recordTokens(keyId, tokens, now);
  }

  /** For the API: targets of `routes` (and any open breaker), pool keys. */
  view(routes: readonly ResolvedRoute[], now: number): Promise<RoutingView> {
    return routingView(this, routes, now);
  }

  /** Fire and forget: the hot path never waits for a state write. */
  write(p: Promise<unknown>): void {
    p.catch(this.options.onStateError);
  }
}

export class RouteRun {
  readonly #router: Router;
  readonly #opts: StartOptions;
  readonly #plan: AttemptPlanState & { attempts: number[]; unavailable: Set<number> };
  #pending: number | null;
  #rotate = false;
  #preferredKey: string | null;
  #count = 0;
  #current: AttemptTicket | null = null;
  /** Per target: pool keys that failed in this request (each is tried once). */
  readonly #failedKeys = new Map<number, Set<string>>();
  /** Targets skipped for want of a usable pool key (a wait may bring one back). */
  readonly #keyBlocked = new Set<number>();
  #waits = 0;

  constructor(
    router: Router,
    route: ResolvedRoute,
    order: number[],
    opts: StartOptions,
    preferredKey: string | null,
  ) {
    this.#router = router;
    this.#opts = opts;
    const plan = newPlan(route, order, opts.now);
    const latency = router.latency;
    this.#plan = {
      ...plan,
      attempts: [...plan.attempts],
      unavailable: new Set(),
      expectedMs: route.targets.map((t) => latency.estimate(targetId(t), opts.now)),
    };
    this.#pending = order[0] ?? null;
    this.#preferredKey = preferredKey;
  }

  get plan(): AttemptPlanState {
    return this.#plan;
  }

  /** The attempt to make now, or give up (no target left, or the total budget is spent). */
  async next(now: number): Promise<NextAttempt> {
    const plan = this.#plan;
    // Bounded: each pass either returns or marks one more target unavailable.
    for (let guard = 0; guard <= plan.route.targets.length; guard++) {
      if (plan.deadline !== null && now >= plan.deadline) {
        return { kind: "give_up", reason: "total_budget_spent" };
      }
      const t = this.#pending;
      if (t === null) {
        const w = this.#waitForKeys(now);
        return w === null
          ? { kind: "give_up", reason: "no_target_left" }
          : { kind: "wait", waitMs: w.waitMs, reason: "pool_keys_unavailable" };
      }
      plan.position = plan.order.indexOf(t);
      const ticket = await this.#acquire(t, now);
      if (ticket !== null) return ticket;
      plan.unavailable.add(t);
      this.#rotate = false;
      this.#pending = nextCandidate(plan, undefined, now);
    }
    return { kind: "give_up", reason: "no_target_left" };
  }

  async #acquire(t: number, now: number): Promise<AttemptTicket | null> {
    const plan = this.#plan;
    const target = plan.route.targets[t]!;
    const id = targetId(target);
    const { state } = this.#router;
    let probe = false;
    if (plan.route.breaker !== null) {
      const admit = admission(state.breaker(id, now), now);
      if (admit === "skip") return null;
      if (admit === "probe") {
        const lease = plan.deadline === null
          ? this.#router.options.probeLeaseMs
          : plan.deadline - now;
        const claim = await state.claimProbe(id, now, lease);
        if (claim === "busy") return null;
        probe = claim === "probe";
        if (probe) this.#router.options.onBreakerTransition(id, "half_open");
      }
    }
    const keyId = this.#pickKey(t, target, now);
    if (keyId === false) {
      if (probe) this.#router.write(state.releaseProbe(id, now));
      this.#keyBlocked.add(t);
      return null;
    }
    const last = !canFailOver(plan, now);
    if (!this.#rotate) plan.attempts[t] = (plan.attempts[t] ?? 0) + 1;
    this.#rotate = false;
    plan.pooled = keyId !== null;
    this.#current = {
      kind: "attempt",
      number: ++this.#count,
      targetIndex: t,
      target,
      targetId: id,
      keyId,
      probe,
      last,
      timeouts: attemptTimeouts(plan, now, last),
    };
    return this.#current;
  }

  /** The pool key for the attempt; null: no pool in use; false: the pool has no usable key. */
  #pickKey(t: number, target: RouteTarget, now: number): string | null | false {
    const use = this.#opts.usePools || this.#opts.pooled?.has(target.provider) === true;
    const pool = use ? this.#router.pools.get(target.provider) : undefined;
    if (pool === undefined) return null;
    const { state } = this.#router;
    const key = pool.pick(
      now,
      this.#opts.random,
      (s) => state.blocked(s, now)?.state ?? null,
      this.#failedKeys.get(t),
      t === this.#plan.order[0] ? this.#preferredKey : null,
    );
    return key === null ? false : key.id;
  }

  /**
   * What the attempt `next()` gave came to. `latencyMs`: its time to first byte, when it
   * succeeded (least_latency learns from it).
   */
  report(outcome: AttemptOutcome, now: number, facts: { latencyMs?: number } = {}): Decision {
    const ticket = this.#current;
    if (ticket === null) throw new Error("RouteRun.report called without an attempt from next()");
    this.#current = null;
    const c = classify(outcome, { pooled: ticket.keyId !== null, now });
    this.#router.recent.record(ticket.targetId, c.breaker === "failure", now);
    this.#applyBreaker(ticket, c.breaker, now);
    this.#applyKey(ticket, c.key, c.hintMs, c.reason, now);
    const session = this.#opts.session;
    if (c.verdict === "answer" && c.breaker === "success" && outcome.kind === "success") {
      if (facts.latencyMs !== undefined) {
        this.#router.latency.record(ticket.targetId, facts.latencyMs, now);
      }
      if (session !== null) {
        this.#router.affinity.set(session, { target: ticket.targetId, keyId: ticket.keyId }, now);
      }
    } else if (session !== null && c.verdict !== "answer") {
      this.#router.affinity.delete(session);
    }
    const why = this.#unavailableNow(ticket, now);
    if (why !== null) this.#plan.unavailable.add(ticket.targetIndex);
    if (why === "keys") this.#keyBlocked.add(ticket.targetIndex);
    let d = decideClassified(this.#plan, c, outcome, now, this.#opts.random);
    if (d.kind === "give_up" && c.verdict !== "stop") {
      const w = this.#waitForKeys(now);
      if (w !== null) {
        d = {
          kind: "retry",
          target: w.target,
          waitMs: w.waitMs,
          rotateKey: true,
          reason: `${c.reason}_wait_for_key`,
        };
      }
    }
    this.#pending = d.kind === "retry" || d.kind === "next" ? d.target : null;
    this.#rotate = d.kind === "retry" && d.rotateKey;
    return d;
  }

  /**
   * When only pool keys stand in the way, the soonest moment one comes back, if within
   * `maxRetryAfterMs` and the budget: that target becomes the pending one, its keys eligible again.
   * Bounded: at most `retry.attempts` waits per request.
   */
  #waitForKeys(now: number): { target: number; waitMs: number } | null {
    const plan = this.#plan;
    const { retry } = plan.route;
    const pools = this.#opts.usePools || (this.#opts.pooled?.size ?? 0) > 0;
    if (this.#waits >= Math.max(1, retry.attempts) || !pools) return null;
    const { state } = this.#router;
    let best: { target: number; at: number } | null = null;
    for (const t of this.#keyBlocked) {
      const target = plan.route.targets[t]!;
      const breaker = state.breaker(targetId(target), now);
      if (plan.route.breaker !== null && admission(breaker, now) === "skip") continue;
      const pool = this.#router.pools.get(target.provider);
      for (const k of pool?.keys ?? []) {
        const at = pool!.availableAt(k, now, (s) => state.blocked(s, now));
        if (at !== null && (best === null || at < best.at)) best = { target: t, at };
      }
    }
    if (best === null) return null;
    // Never a tight loop, even when a key is back already.
    const jitter = fullJitterMs(
      this.#waits,
      retry.backoffMs,
      retry.maxBackoffMs,
      this.#opts.random,
    );
    const waitMs = Math.max(best.at - now, jitter);
    if (waitMs > retry.maxRetryAfterMs) return null;
    const expected = plan.expectedMs?.[best.target] ?? 0;
    if (plan.deadline !== null && now + waitMs + expected >= plan.deadline) return null;
    this.#waits++;
    plan.unavailable.delete(best.target);
    this.#keyBlocked.delete(best.target);
    this.#failedKeys.delete(best.target);
    this.#pending = best.target;
    this.#rotate = true;
    return { target: best.target, waitMs };
  }

  #applyBreaker(ticket: AttemptTicket, effect: "success" | "failure" | "neutral", now: number) {
    const policy = this.#plan.route.breaker;
    if (policy === null) return;
    const { state, failures } = this.#router;
    const recorded = state.breaker(ticket.targetId, now) !== null;
    const step = breakerStep(effect, failures.get(ticket.targetId), policy, ticket.probe, recorded);
    failures.set(ticket.targetId, step.transition === "open" ? 0 : step.failures);
    if (step.transition === "open") {
      this.#router.write(state.openBreaker(ticket.targetId, now, now + policy.openMs));
      this.#router.options.onBreakerTransition(ticket.targetId, "open");
    } else if (step.transition === "close") {
      this.#router.write(state.closeBreaker(ticket.targetId, now));
      this.#router.options.onBreakerTransition(ticket.targetId, "closed");
    } else if (step.transition === "release_probe") {
      this.#router.write(state.releaseProbe(ticket.targetId, now));
    }
  }

  #applyKey(
    ticket: AttemptTicket,
    effect: "none" | "cool_down" | "disable",
    hintMs: number | null,
    reason: string,
    now: number,
  ) {
    const pool = this.#router.pools.get(ticket.target.provider);
    const key = pool?.keys.find((k) => k.id === ticket.keyId);
    if (effect === "none" || pool === undefined || key === undefined) return;
    const failed = this.#failedKeys.get(ticket.targetIndex) ?? new Set<string>();
    failed.add(key.id);
    this.#failedKeys.set(ticket.targetIndex, failed);
    const { state, options } = this.#router;
    if (effect === "disable") {
      this.#router.write(state.disableKey(pool.scopes(key)[0]!, now, reason));
      return;
    }
    const ms = Math.min(options.maxCooldownMs, hintMs ?? options.defaultCooldownMs);
    for (const s of pool.scopes(key)) this.#router.write(state.coolDown(s, now, now + ms, reason));
  }

  /** Why the target cannot take another attempt now: breaker open, no usable key left; null. */
  #unavailableNow(ticket: AttemptTicket, now: number): "breaker" | "keys" | null {
    const { state } = this.#router;
    if (
      this.#plan.route.breaker !== null &&
      admission(state.breaker(ticket.targetId, now), now) === "skip"
    ) return "breaker";
    if (ticket.keyId === null) return null;
    const pool = this.#router.pools.get(ticket.target.provider)!;
    const failed = this.#failedKeys.get(ticket.targetIndex);
    const usable = pool.keys.some((k) =>
      !failed?.has(k.id) &&
      pool.stateOf(k, now, (s) => state.blocked(s, now)?.state ?? null) === "usable"
    );
    return usable ? null : "keys";
  }
}

/**
 * The attempt plan of one client request and the decision after each attempt: retry the same
 * target (after a full-jitter backoff or the upstream's wait hint), move to the next target, pass
 * the answer through, or give up. Pure: the caller passes the clock and the randomness, and says
 * which targets are unavailable right now (breaker open, probe taken, no usable pool key).
 */
import type { AttemptOutcome, PhaseTimeouts, ResolvedRoute } from "./types.ts";
import { type Classification, classify } from "./classify.ts";
import { fullJitterMs } from "./backoff.ts";

export interface AttemptPlanState {
  route: ResolvedRoute;
  /** Target indices in the order this request tries them (a permutation, see strategy.ts). */
  order: readonly number[];
  /** Position in `order` of the target of the last attempt. */
  position: number;
  /** Per target index: attempts started (key rotations excluded, see `Decision`). */
  attempts: readonly number[];
  /** Absolute end of the request's total budget (ms); null: unlimited. */
  deadline: number | null;
  /** Targets to skip now. */
  unavailable: ReadonlySet<number>;
  /** The last attempt used a pool key. */
  pooled: boolean;
  /**
   * Extension of the plan: per target index, the least time an attempt is expected to need (the
   * recent time to first byte), or null when unknown. An attempt that cannot get even that
   * within the budget left is not started.
   */
  expectedMs?: readonly (number | null)[];
}

export type Decision =
  | { kind: "answer"; reason: string }
  /**
   * The same target after `waitMs`. `rotateKey`: the key failed, not the target; the next attempt
   * uses another pool key at once and does not count against `retry.attempts` (each key is used
   * at most once per target and request, so the pool bounds it).
   */
  | { kind: "retry"; target: number; waitMs: number; rotateKey: boolean; reason: string }
  | { kind: "next"; target: number; reason: string }
  | { kind: "give_up"; last: AttemptOutcome; reason: string };

export function newPlan(
  route: ResolvedRoute,
  order: readonly number[],
  startedAt: number,
): AttemptPlanState {
  return {
    route,
    order,
    position: 0,
    attempts: route.targets.map(() => 0),
    deadline: route.timeouts.totalMs === null ? null : startedAt + route.timeouts.totalMs,
    unavailable: new Set(),
    pooled: false,
  };
}

/** The decision after an attempt on `plan.order[plan.position]` came to `outcome`. */
export function decide(
  plan: AttemptPlanState,
  outcome: AttemptOutcome,
  now: number,
  random: () => number,
): Decision {
  return decideClassified(
    plan,
    classify(outcome, { pooled: plan.pooled, now }),
    outcome,
    now,
    random,
  );
}

/** `decide` for an outcome already classified (the route run needs the classification too). */
export function decideClassified(
  plan: AttemptPlanState,
  c: Classification,
  outcome: AttemptOutcome,
  now: number,
  random: () => number,
): Decision {
  if (c.verdict === "answer") return { kind: "answer", reason: c.reason };
  if (c.verdict === "stop" || (plan.deadline !== null && now >= plan.deadline)) {
    return { kind: "give_up", last: outcome, reason: "total_budget_spent" };
  }
  const current = plan.order[plan.position]!;
  switch (c.verdict) {
    case "rotate_key":
      return plan.unavailable.has(current)
        ? nextTarget(plan, outcome, c.reason, undefined, now)
        : { kind: "retry", target: current, waitMs: 0, rotateKey: true, reason: c.reason };
    case "retry":
      return retrySame(plan, c, outcome, now, random);
    case "next":
      return nextTarget(plan, outcome, c.reason, undefined, now);
    case "larger_context": {
      const larger = nextTarget(plan, outcome, c.reason, largerThan(plan, current), now);
      // No larger target: the provider's own error is the answer the client needs.
      return larger.kind === "give_up" ? { kind: "answer", reason: c.reason } : larger;
    }
  }
}

function retrySame(
  plan: AttemptPlanState,
  c: Classification,
  outcome: AttemptOutcome,
  now: number,
  random: () => number,
): Decision {
  const current = plan.order[plan.position]!;
  const { retry } = plan.route;
  const made = plan.attempts[current] ?? 0;
  if (made >= retry.attempts || plan.unavailable.has(current)) {
    return nextTarget(plan, outcome, c.reason, undefined, now);
  }
  if (c.hintMs !== null && c.hintMs > retry.maxRetryAfterMs) {
    return nextTarget(plan, outcome, `${c.reason}_wait_beyond_max_retry_after`, undefined, now);
  }
  const jitter = fullJitterMs(made - 1, retry.backoffMs, retry.maxBackoffMs, random);
  const waitMs = Math.max(c.hintMs ?? 0, jitter);
  // A retry that cannot beat the budget left after its wait is not started.
  if (!fits(plan, current, now + waitMs)) {
    return nextTarget(plan, outcome, `${c.reason}_wait_beyond_budget`, undefined, now);
  }
  return { kind: "retry", target: current, waitMs, rotateKey: false, reason: c.reason };
}

function largerThan(plan: AttemptPlanState, current: number): (t: number) => boolean {
  const mine = plan.route.targets[current]?.contextWindow;
  return (t) => {
    const theirs = plan.route.targets[t]?.contextWindow;
    return theirs !== undefined && (mine === undefined || theirs > mine);
  };
}

/** Whether an attempt on `target` starting at `at` can get its expected time within the budget. */
function fits(plan: AttemptPlanState, target: number, at: number): boolean {
  if (plan.deadline === null) return true;
  return at + (plan.expectedMs?.[target] ?? 0) < plan.deadline;
}

/**
 * The first later target in order that is available, has attempts left and passes `accept` (and,
 * given `now`, can beat the budget left).
 */
export function nextTarget(
  plan: AttemptPlanState,
  last: AttemptOutcome,
  reason: string,
  accept: (target: number) => boolean = () => true,
  now?: number,
): Decision {
  const found = nextCandidate(plan, accept, now);
  return found === null
    ? { kind: "give_up", last, reason: `${reason}_no_target_left` }
    : { kind: "next", target: found, reason };
}

/** See `nextTarget`; null when there is none. */
export function nextCandidate(
  plan: AttemptPlanState,
  accept: (t: number) => boolean = () => true,
  now?: number,
): number | null {
  for (let p = plan.position + 1; p < plan.order.length; p++) {
    const t = plan.order[p]!;
    if (plan.unavailable.has(t)) continue;
    if ((plan.attempts[t] ?? 0) >= plan.route.retry.attempts) continue;
    if (now !== undefined && !fits(plan, t, now)) continue;
    if (accept(t)) return t;
  }
  return null;
}

/**
 * Whether an attempt about to start on `plan.order[plan.position]` is the last one this request
 * can make: no retry left on the target and no later target to fail over to.
 */
export function isLastPossible(plan: AttemptPlanState, now?: number): boolean {
  const current = plan.order[plan.position]!;
  const after = (plan.attempts[current] ?? 0) + 1;
  return after >= plan.route.retry.attempts && nextCandidate(plan, () => true, now) === null;
}

/**
 * Whether another target can follow the attempt about to start on `plan.order[plan.position]`
 * (available, with attempts left, able to beat the budget). A header or first-token timeout is
 * never retried on the same target (classify.ts): without such a target it ends the request.
 */
export function canFailOver(plan: AttemptPlanState, now?: number): boolean {
  return nextCandidate(plan, () => true, now) !== null;
}

/**
 * The limits of one attempt starting at `now`: each phase clipped to what is left of the total
 * budget. `last`: no failover can follow the attempt (`!canFailOver`), so a failover timeout
 * (response headers, first token) could only end the request: cutting it would gain nothing, and
 * those limits are lifted up to the total budget left. Retries left on the same target do not
 * change that, since such a timeout is never retried there. Without a total budget there is
 * nothing to lift them to and they stay: an unbounded wait on a silent upstream is worse. The
 * connect limit stays (a connection not open within it is an unreachable host, and is retried on
 * the same target while attempts are left), and so does the idle limit, which after the commit
 * point is what ends a stalled stream (before it, the route loop lifts it with the others).
 */
export function attemptTimeouts(plan: AttemptPlanState, now: number, last: boolean): PhaseTimeouts {
  const t = plan.route.timeouts;
  const remaining = plan.deadline === null ? null : Math.max(0, plan.deadline - now);
  const clip = (ms: number | null): number | null =>
    ms === null ? remaining : remaining === null ? ms : Math.min(ms, remaining);
  const lift = (ms: number | null): number | null =>
    last && remaining !== null ? remaining : clip(ms);
  return {
    connectMs: clip(t.connectMs),
    firstByteMs: lift(t.firstByteMs),
    firstTokenMs: lift(t.firstTokenMs),
    idleMs: clip(t.idleMs),
    totalMs: remaining,
  };
}

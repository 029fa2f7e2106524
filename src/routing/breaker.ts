/**
 * Circuit breakers per target ("provider/model"): closed until `failures` consecutive failures,
 * then open for `openMs` (the target gets no traffic), then half-open: exactly one probe goes
 * through while every other request goes elsewhere; the probe's success closes the breaker, its
 * failure opens it again. The open/half-open part lives in `RoutingState` (shared on
 * PostgreSQL); consecutive failures are counted per instance, so the healthy path writes nothing.
 */
import type { BreakerRecord } from "./state.ts";
import type { BreakerEffect } from "./classify.ts";

export type BreakerPhase = "closed" | "open" | "half_open";

/** How a request may use the target now. */
export type Admission = "go" | "skip" | "probe";

export function breakerPhase(record: BreakerRecord | null, now: number): BreakerPhase {
  if (record === null) return "closed";
  return now < record.openUntil ? "open" : "half_open";
}

/** "probe": the caller must claim the probe (`RoutingState.claimProbe`) before sending. */
export function admission(record: BreakerRecord | null, now: number): Admission {
  if (record === null) return "go";
  if (now < record.openUntil) return "skip";
  if (record.probeUntil !== null && now < record.probeUntil) return "skip";
  return "probe";
}

export type BreakerTransition = "open" | "close" | "release_probe" | null;

/**
 * The transition after an attempt. `failures`: this instance's consecutive failures before it;
 * `probe`: the attempt was the half-open probe; `recorded`: a breaker record exists (an open
 * breaker that this instance did not probe closes on a success too, e.g. a request admitted just
 * before another instance opened it).
 */
export function breakerStep(
  effect: BreakerEffect,
  failures: number,
  policy: { failures: number; openMs: number },
  probe: boolean,
  recorded: boolean,
): { failures: number; transition: BreakerTransition } {
  switch (effect) {
    case "success":
      return { failures: 0, transition: probe || recorded ? "close" : null };
    case "failure": {
      const n = failures + 1;
      return { failures: n, transition: probe || n >= policy.failures ? "open" : null };
    }
    case "neutral":
      return { failures, transition: probe ? "release_probe" : null };
  }
}

/** Consecutive failures per target in this instance, bounded (oldest forgotten first). */
export class FailureCounts {
  readonly #counts = new Map<string, number>();
  constructor(readonly maxTargets = 10_000) {}

  get(target: string): number {
    return this.#counts.get(target) ?? 0;
  }

  set(target: string, n: number): void {
    this.#counts.delete(target);
    if (n === 0) return;
    this.#counts.set(target, n);
    if (this.#counts.size > this.maxTargets) {
      this.#counts.delete(this.#counts.keys().next().value!);
    }
  }
}

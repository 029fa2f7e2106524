/**
 * What `GET /api/routes` and `ongoingai routes` show: per target, its breaker (shared) and this
 * instance's recent attempts, failures and latency; per pool key, whether it is usable, cooling
 * down (until when, why), disabled or at its rpm/tpm, and its use in the last minute.
 */
import type { ResolvedRoute } from "./types.ts";
import type { KeyPool, KeyState } from "./key_pool.ts";
import type { FailureCounts } from "./breaker.ts";
import { type BreakerPhase, breakerPhase } from "./breaker.ts";
import type { LatencyTracker } from "./latency.ts";
import type { RoutingState } from "./state.ts";
import { scopeKey } from "./state.ts";
import { targetId } from "./strategy.ts";
import { SlidingCount } from "./key_pool.ts";

/** Attempts and failures per target in the last minute, in this instance (bounded). */
export class RecentOutcomes {
  readonly #targets = new Map<string, { attempts: SlidingCount; failures: SlidingCount }>();
  constructor(readonly maxTargets = 10_000) {}

  record(target: string, failed: boolean, now: number): void {
    let t = this.#targets.get(target);
    if (t === undefined) {
      t = { attempts: new SlidingCount(), failures: new SlidingCount() };
      this.#targets.set(target, t);
      if (this.#targets.size > this.maxTargets) {
        this.#targets.delete(this.#targets.keys().next().value!);
      }
    }
    t.attempts.add(1, now);
    if (failed) t.failures.add(1, now);
  }

  lastMinute(target: string, now: number): { attempts: number; failures: number } {
    const t = this.#targets.get(target);
    return t === undefined
      ? { attempts: 0, failures: 0 }
      : { attempts: t.attempts.estimate(now), failures: t.failures.estimate(now) };
  }
}

export interface TargetView {
  target: string;
  breaker: BreakerPhase;
  /** Open: until when. */
  openUntil: number | null;
  probeInFlight: boolean;
  /** This instance's view (not shared): consecutive failures, the last minute, latency. */
  consecutiveFailures: number;
  attemptsLastMinute: number;
  failuresLastMinute: number;
  /** Recent time to first byte, ms; null: no recent measurement (never shown as 0). */
  latencyMs: number | null;
}

export interface KeyView {
  provider: string;
  id: string;
  group: string | null;
  state: KeyState;
  /** Cooling: until when (the later of the key's and its group's). */
  until: number | null;
  /** Disabled or cooling: since when (of the block shown); null when usable or saturated. */
  since: number | null;
  reason: string | null;
  requestsLastMinute: number;
  tokensLastMinute: number;
  rpm: number | null;
  tpm: number | null;
}

export interface RoutingView {
  shared: boolean;
  lastError: string | null;
  targets: TargetView[];
  keys: KeyView[];
}

export interface ViewSources {
  state: RoutingState;
  pools: ReadonlyMap<string, KeyPool>;
  failures: FailureCounts;
  latency: LatencyTracker;
  recent: RecentOutcomes;
}

export async function routingView(
  src: ViewSources,
  routes: readonly ResolvedRoute[],
  now: number,
): Promise<RoutingView> {
  const snap = await src.state.snapshot(now);
  const breakers = new Map(snap.breakers.map((b) => [b.target, b]));
  const ids = new Set<string>();
  for (const r of routes) for (const t of r.targets) ids.add(targetId(t));
  for (const b of snap.breakers) ids.add(b.target);
  const targets = [...ids].sort().map((id): TargetView => {
    const b = breakers.get(id) ?? null;
    const recent = src.recent.lastMinute(id, now);
    return {
      target: id,
      breaker: breakerPhase(b, now),
      openUntil: b !== null && now < b.openUntil ? b.openUntil : null,
      probeInFlight: b !== null && b.probeUntil !== null && now < b.probeUntil,
      consecutiveFailures: src.failures.get(id),
      attemptsLastMinute: Math.round(recent.attempts),
      failuresLastMinute: Math.round(recent.failures),
      latencyMs: src.latency.estimate(id, now),
    };
  });
  const blocks = new Map(snap.blocks.map((b) => [scopeKey(b.scope), b]));
  const keys: KeyView[] = [];
  for (const pool of src.pools.values()) {
    for (const k of pool.keys) {
      const found = pool.scopes(k).map((s) => blocks.get(scopeKey(s))).filter((b) =>
        b !== undefined
      );
      const disabled = found.find((b) => b.state === "disabled");
      const cooling = found.filter((b) => b.state === "cooling")
        .sort((a, b) => (b.until ?? 0) - (a.until ?? 0))[0];
      const use = pool.usage(k.id, now) ?? { requests: 0, tokens: 0 };
      keys.push({
        provider: pool.provider,
        id: k.id,
        group: k.group ?? null,
        state: pool.stateOf(k, now, (s) => blocks.get(scopeKey(s))?.state ?? null),
        until: disabled !== undefined ? null : cooling?.until ?? null,
        since: (disabled ?? cooling)?.since ?? null,
        reason: (disabled ?? cooling)?.reason ?? null,
        requestsLastMinute: Math.round(use.requests),
        tokensLastMinute: Math.round(use.tokens),
        rpm: k.rpm ?? null,
        tpm: k.tpm ?? null,
      });
    }
  }
  return { shared: src.state.shared, lastError: snap.lastError, targets, keys };
}

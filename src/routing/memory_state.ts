/**
 * The in-process `RoutingState`: one instance (SQLite, or no store). Bounded: at most
 * `maxEntries` breakers and as many key blocks; past that, expired entries go first, then the
 * oldest.
 */
import {
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

export class MemoryRoutingState implements RoutingState {
  readonly shared = false;
  readonly #breakers = new Map<string, BreakerRecord>();
  readonly #blocks = new Map<string, KeyBlock>();
  readonly #maxEntries: number;

  constructor(options: { maxEntries?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  breaker(target: string, _now?: number): BreakerRecord | null {
    return this.#breakers.get(target) ?? null;
  }

  blocked(scope: KeyScope, now: number): KeyBlock | null {
    return inForce(this.#blocks.get(scopeKey(scope)) ?? null, now);
  }

  openBreaker(target: string, now: number, openUntil: number): Promise<void> {
    const was = this.#breakers.get(target);
    this.#breakers.delete(target);
    this.#breakers.set(target, {
      target,
      openedAt: now,
      openUntil: Math.max(openUntil, was !== undefined && was.openUntil > now ? was.openUntil : 0),
      probeUntil: null,
    });
    this.#bound(this.#breakers, (b) => b.openUntil <= now && (b.probeUntil ?? 0) <= now);
    return Promise.resolve();
  }

  claimProbe(target: string, now: number, leaseMs: number): Promise<ProbeClaim> {
    const b = this.#breakers.get(target);
    if (b === undefined) return Promise.resolve("closed");
    if (now < b.openUntil || (b.probeUntil !== null && now < b.probeUntil)) {
      return Promise.resolve("busy");
    }
    b.probeUntil = now + leaseMs;
    return Promise.resolve("probe");
  }

  releaseProbe(target: string, _now?: number): Promise<void> {
    const b = this.#breakers.get(target);
    if (b !== undefined) b.probeUntil = null;
    return Promise.resolve();
  }

  closeBreaker(target: string, _now?: number): Promise<void> {
    this.#breakers.delete(target);
    return Promise.resolve();
  }

  coolDown(scope: KeyScope, now: number, until: number, reason: string): Promise<void> {
    const k = scopeKey(scope);
    const merged = mergeCooldown(this.#blocks.get(k) ?? null, scope, now, until, reason);
    this.#blocks.delete(k);
    this.#blocks.set(k, merged);
    this.#bound(this.#blocks, (b) => inForce(b, now) === null);
    return Promise.resolve();
  }

  disableKey(scope: KeyScope, now: number, reason: string): Promise<void> {
    const k = scopeKey(scope);
    const was = this.#blocks.get(k);
    if (was?.state === "disabled") return Promise.resolve();
    this.#blocks.delete(k);
    this.#blocks.set(k, {
      scope,
      state: "disabled",
      since: now,
      until: null,
      reason: boundedReason(reason),
    });
    this.#bound(this.#blocks, (b) => inForce(b, now) === null);
    return Promise.resolve();
  }

  enableKey(scope: KeyScope, _now?: number): Promise<boolean> {
    return Promise.resolve(this.#blocks.delete(scopeKey(scope)));
  }

  snapshot(now: number): Promise<RoutingStateSnapshot> {
    const blocks = [...this.#blocks.values()].filter((b) => inForce(b, now) !== null);
    return Promise.resolve({
      breakers: [...this.#breakers.values()].map((b) => ({ ...b })),
      blocks: blocks.map((b) => ({ ...b, scope: { ...b.scope } })),
      lastError: null,
    });
  }

  /** Drops what no longer matters, then the oldest, until the map fits. */
  #bound<V>(map: Map<string, V>, expired: (v: V) => boolean): void {
    if (map.size <= this.#maxEntries) return;
    for (const [k, v] of map) if (expired(v)) map.delete(k);
    for (const k of map.keys()) {
      if (map.size <= this.#maxEntries) break;
      map.delete(k);
    }
  }
}

/**
 * Recent latency per target for the least_latency strategy: an exponentially weighted moving
 * average of successful attempts' time to first byte, per instance. A sample older than `staleMs`
 * no longer counts, so a target that was slow (and therefore not chosen) is measured again.
 */

export class LatencyTracker {
  readonly #ewma = new Map<string, { ms: number; at: number }>();
  readonly alpha: number;
  readonly staleMs: number;
  readonly maxTargets: number;

  constructor(options: { alpha?: number; staleMs?: number; maxTargets?: number } = {}) {
    this.alpha = options.alpha ?? 0.3;
    this.staleMs = options.staleMs ?? 60_000;
    this.maxTargets = options.maxTargets ?? 10_000;
  }

  record(target: string, ms: number, now: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const was = this.estimate(target, now);
    const next = was === null ? ms : was + this.alpha * (ms - was);
    this.#ewma.delete(target);
    this.#ewma.set(target, { ms: next, at: now });
    if (this.#ewma.size > this.maxTargets) this.#ewma.delete(this.#ewma.keys().next().value!);
  }

  /** The current estimate, or null when there is none or it is stale. */
  estimate(target: string, now: number): number | null {
    const e = this.#ewma.get(target);
    return e === undefined || now - e.at > this.staleMs ? null : e.ms;
  }
}

/**
 * Routing state (circuit breakers, key cooldowns, disabled keys) with several serving isolates
 * (`server.workers`): the main isolate's `RoutingState` (in memory, or PostgreSQL's shared by
 * every instance) stays the one truth. A worker reads a mirror of it synchronously, as the route
 * loop needs, and sends every write to the main isolate; the half-open breaker's single probe is
 * claimed there, so one isolate probes. After each write, whoever made it, the main isolate sends
 * every worker a fresh snapshot; a worker's own write shows in its mirror at once, as the
 * PostgreSQL state shows its instance's writes before the database has them.
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
} from "../routing/mod.ts";
import type { Rpc } from "./worker_rpc.ts";
import { overriding } from "./overriding.ts";

const writes = [
  "openBreaker",
  "claimProbe",
  "releaseProbe",
  "closeBreaker",
  "coolDown",
  "disableKey",
  "enableKey",
] as const;

/** What a worker's mirror asks of the main isolate's state: its writes and a snapshot. */
export const relayedRoutingCalls: readonly string[] = [...writes, "snapshot"];

/**
 * The main isolate's state, telling `changed` the snapshot after writes: one snapshot read at a
 * time, and writes that land while one is read are told by the next (a failing provider trips
 * many requests at once; PostgreSQL's snapshot is a query).
 */
export function broadcastingRoutingState(
  state: RoutingState,
  changed: (snapshot: RoutingStateSnapshot) => void,
): RoutingState {
  let queued = false;
  let reading: Promise<void> = Promise.resolve();
  const after = () => {
    if (queued) return;
    queued = true;
    reading = reading.then(async () => {
      queued = false;
      try {
        changed(await state.snapshot(Date.now()));
      } catch { /* the next write or refresh sends it */ }
    });
  };
  // Each write, then the snapshot; reads pass through.
  const wrote = (name: (typeof writes)[number]) => async (...args: unknown[]) => {
    const method = state[name] as (...a: unknown[]) => Promise<unknown>;
    const result = await method.apply(state, args);
    after();
    return result;
  };
  return overriding(
    state,
    Object.fromEntries(writes.map((name) => [name, wrote(name)])) as Partial<RoutingState>,
  );
}

/** A worker's view: reads from the mirror, writes to the main isolate (and the mirror at once). */
export class RelayedRoutingState implements RoutingState {
  #breakers = new Map<string, BreakerRecord>();
  #blocks = new Map<string, KeyBlock>();

  constructor(private readonly rpc: Rpc, readonly shared: boolean) {}

  /**
   * Shared with other instances (PostgreSQL): their changes reach the main isolate's state, not
   * as writes here, so the mirror is also read again every `ms`. Returns the stop function.
   */
  follow(ms: number): () => void {
    if (!this.shared) return () => {};
    const timer = setInterval(() => {
      this.snapshot(Date.now()).then((s) => this.apply(s), () => {});
    }, ms);
    Deno.unrefTimer(timer);
    return () => clearInterval(timer);
  }

  /** The main isolate's snapshot replaces the mirror. */
  apply(snapshot: RoutingStateSnapshot): void {
    this.#breakers = new Map(snapshot.breakers.map((b) => [b.target, { ...b }]));
    this.#blocks = new Map(snapshot.blocks.map((b) => [scopeKey(b.scope), { ...b }]));
  }

  breaker(target: string, _now?: number): BreakerRecord | null {
    return this.#breakers.get(target) ?? null;
  }

  blocked(scope: KeyScope, now: number): KeyBlock | null {
    return inForce(this.#blocks.get(scopeKey(scope)) ?? null, now);
  }

  async openBreaker(target: string, now: number, openUntil: number): Promise<void> {
    const was = this.#breakers.get(target);
    const until = Math.max(openUntil, was !== undefined && was.openUntil > now ? was.openUntil : 0);
    this.#breakers.set(target, { target, openedAt: now, openUntil: until, probeUntil: null });
    await this.#main("openBreaker", target, now, openUntil);
  }

  async claimProbe(target: string, now: number, leaseMs: number): Promise<ProbeClaim> {
    const claim = await this.#main<ProbeClaim>("claimProbe", target, now, leaseMs);
    const b = this.#breakers.get(target);
    if (claim === "probe" && b !== undefined) b.probeUntil = now + leaseMs;
    if (claim === "closed") this.#breakers.delete(target);
    return claim;
  }

  async releaseProbe(target: string, now: number): Promise<void> {
    const b = this.#breakers.get(target);
    if (b !== undefined) b.probeUntil = null;
    await this.#main("releaseProbe", target, now);
  }

  async closeBreaker(target: string, now: number): Promise<void> {
    this.#breakers.delete(target);
    await this.#main("closeBreaker", target, now);
  }

  async coolDown(scope: KeyScope, now: number, until: number, reason: string): Promise<void> {
    const k = scopeKey(scope);
    this.#blocks.set(k, mergeCooldown(this.#blocks.get(k) ?? null, scope, now, until, reason));
    await this.#main("coolDown", scope, now, until, reason);
  }

  async disableKey(scope: KeyScope, now: number, reason: string): Promise<void> {
    const k = scopeKey(scope);
    if (this.#blocks.get(k)?.state !== "disabled") {
      const block: KeyBlock = {
        scope,
        state: "disabled",
        since: now,
        until: null,
        reason: boundedReason(reason),
      };
      this.#blocks.set(k, block);
    }
    await this.#main("disableKey", scope, now, reason);
  }

  async enableKey(scope: KeyScope, now: number): Promise<boolean> {
    this.#blocks.delete(scopeKey(scope));
    return await this.#main<boolean>("enableKey", scope, now);
  }

  snapshot(now: number): Promise<RoutingStateSnapshot> {
    return this.#main<RoutingStateSnapshot>("snapshot", now);
  }

  #main<T = void>(method: string, ...args: unknown[]): Promise<T> {
    return this.rpc.call<T>("routing", method, args);
  }
}

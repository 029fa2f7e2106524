/**
 * Idle connections per origin, newest on top: the most recently used connection is the one
 * most likely still open on the server's side, and the old ones at the bottom age out. Expiry
 * is checked when a connection is taken, and a single unref'd sweeper (one per client, running
 * only while something idles) closes the ones nobody comes back for.
 */
import type { Origin } from "./origin.ts";
import type { Wire } from "./wire.ts";

export interface PoolOptions {
  maxIdlePerOrigin: number;
  idleTimeoutMs: number;
  now: () => number;
}

export class Pool {
  /** Bumped by `close()`: connections opened before it are closed instead of kept. */
  generation = 0;
  #idle = new Map<string, Wire[]>();
  #count = 0;
  #sweeper: ReturnType<typeof setInterval> | null = null;

  constructor(readonly opts: PoolOptions) {}

  get idleCount(): number {
    return this.#count;
  }

  take(origin: Origin): Wire | null {
    const stack = this.#idle.get(origin.key);
    if (stack === undefined) return null;
    const wire = stack.pop();
    if (wire === undefined) return null;
    this.#count--;
    if (wire.idleSince > this.opts.now() - this.opts.idleTimeoutMs) return wire;
    // The newest one expired, so every older one below it did too.
    wire.destroy();
    for (const old of stack) old.destroy();
    this.#count -= stack.length;
    stack.length = 0;
    return null;
  }

  put(wire: Wire): void {
    if (wire.closed || wire.generation !== this.generation || this.opts.maxIdlePerOrigin <= 0) {
      wire.destroy();
      return;
    }
    let stack = this.#idle.get(wire.origin.key);
    if (stack === undefined) this.#idle.set(wire.origin.key, stack = []);
    if (stack.length >= this.opts.maxIdlePerOrigin) {
      stack.shift()!.destroy();
      this.#count--;
    }
    stack.push(wire);
    this.#count++;
    wire.park(this.opts.now(), this.#gone);
    if (this.#sweeper === null) {
      const sweeper = setInterval(() => this.#sweep(), Math.max(50, this.opts.idleTimeoutMs / 2));
      Deno.unrefTimer(sweeper);
      this.#sweeper = sweeper;
    }
  }

  /** Closes every idle connection; ones still in use are closed when they come back. */
  close(): void {
    this.generation++;
    for (const stack of this.#idle.values()) for (const wire of stack) wire.destroy();
    this.#idle.clear();
    this.#count = 0;
    this.#stopSweeper();
  }

  /** The server hung up on an idle connection (or sent bytes nobody asked for). */
  #gone = (wire: Wire): void => {
    wire.destroy();
    const stack = this.#idle.get(wire.origin.key);
    const i = stack === undefined ? -1 : stack.indexOf(wire);
    if (i >= 0) {
      stack!.splice(i, 1);
      this.#count--;
    }
  };

  #sweep(): void {
    const limit = this.opts.now() - this.opts.idleTimeoutMs;
    for (const [key, stack] of this.#idle) {
      let expired = 0;
      while (expired < stack.length && stack[expired]!.idleSince <= limit) {
        stack[expired]!.destroy();
        expired++;
      }
      if (expired > 0) {
        stack.splice(0, expired);
        this.#count -= expired;
      }
      if (stack.length === 0) this.#idle.delete(key);
    }
    if (this.#count === 0) this.#stopSweeper();
  }

  #stopSweeper(): void {
    if (this.#sweeper !== null) {
      clearInterval(this.#sweeper);
      this.#sweeper = null;
    }
  }
}

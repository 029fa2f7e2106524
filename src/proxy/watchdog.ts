/**
 * Upstream timeouts for every open exchange, checked by one ticker instead of a timer per
 * request: time to response headers, silence between body chunks, and a total deadline.
 * Recording activity is an assignment, so a busy stream costs nothing per chunk, and a request
 * that finishes quickly (almost all of them) never touches a timer. The ticker runs only while
 * exchanges are open.
 *
 * It also tells an exchange when its upstream is slow to answer, so the exchange can start
 * watching for the client going away only then: listening on every request's abort signal
 * costs throughput, and a client cannot waste much upstream work in the first few milliseconds.
 */

export type TimeoutPhase = "headers" | "idle" | "total";

export interface TimeoutLimits {
  headers_timeout_ms: number;
  idle_timeout_ms: number;
  total_timeout_ms: number;
}

/** Monotonic milliseconds of one exchange. */
export interface Timing {
  t0: number;
  /** When response headers arrived; null while waiting for them. */
  headersAt: number | null;
  /**
   * Since when the gateway has been waiting for the upstream's next body chunk; null while it is
   * not waiting (the client has not asked for more), so a slow reader is never "idle upstream".
   */
  waitingSince: number | null;
}

/** Pure: the limit this exchange has passed at `now`, if any. A total limit of 0 is none. */
export function expiredPhase(t: Timing, limits: TimeoutLimits, now: number): TimeoutPhase | null {
  if (limits.total_timeout_ms > 0 && now - t.t0 >= limits.total_timeout_ms) return "total";
  if (t.headersAt === null) {
    return now - t.t0 >= limits.headers_timeout_ms ? "headers" : null;
  }
  return t.waitingSince !== null && now - t.waitingSince >= limits.idle_timeout_ms ? "idle" : null;
}

export interface Watched extends Timing {
  /** Called once when a limit is passed; the watchdog forgets the exchange. */
  expire(phase: TimeoutPhase): void;
  /** Called once when headers take longer than `slowHeadersMs`. */
  slowHeaders(): void;
}

export interface WatchdogOptions {
  limits: TimeoutLimits;
  /** How often limits are checked; a timeout fires up to this much late. */
  tickMs: number;
  slowHeadersMs: number;
  now: () => number;
}

export class Watchdog {
  #open = new Set<Watched>();
  #slowSeen = new WeakSet<Watched>();
  #interval: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly opts: WatchdogOptions) {}

  add(w: Watched): void {
    this.#open.add(w);
    if (this.#interval === undefined) {
      this.#interval = setInterval(() => this.check(), this.opts.tickMs);
      Deno.unrefTimer(this.#interval);
    }
  }

  delete(w: Watched): void {
    this.#open.delete(w);
    if (this.#open.size === 0 && this.#interval !== undefined) {
      clearInterval(this.#interval);
      this.#interval = undefined;
    }
  }

  /** One pass over the open exchanges; the ticker calls it, tests may too. */
  check(): void {
    const now = this.opts.now();
    for (const w of this.#open) {
      const phase = expiredPhase(w, this.opts.limits, now);
      if (phase !== null) {
        this.delete(w);
        w.expire(phase);
      } else if (
        w.headersAt === null && now - w.t0 >= this.opts.slowHeadersMs && !this.#slowSeen.has(w)
      ) {
        this.#slowSeen.add(w);
        w.slowHeaders();
      }
    }
  }
}

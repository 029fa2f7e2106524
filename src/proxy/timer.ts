/**
 * Upstream timeouts for one exchange with a single timer: time to response headers, silence
 * between body chunks, and a total deadline. Recording activity is an assignment, not a timer
 * reset, so a busy stream costs nothing per chunk; the timer re-arms itself when it fires early.
 */

export type TimeoutPhase = "headers" | "idle" | "total";

export interface TimeoutLimits {
  headers_timeout_ms: number;
  idle_timeout_ms: number;
  total_timeout_ms: number;
}

export class ExchangeTimer {
  #start: number;
  #last: number;
  #inBody = false;
  #handle: ReturnType<typeof setTimeout> | undefined;
  #done = false;
  #armedAt = 0;

  constructor(
    private readonly limits: TimeoutLimits,
    private readonly onTimeout: (phase: TimeoutPhase) => void,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.#start = this.#last = now();
    this.#arm();
  }

  headersReceived(): void {
    this.#inBody = true;
    this.#last = this.now();
    // The idle deadline may be earlier than the headers deadline the timer was armed for.
    if (this.#deadline().at < this.#armedAt) {
      clearTimeout(this.#handle);
      this.#arm();
    }
  }

  activity(): void {
    this.#last = this.now();
  }

  stop(): void {
    this.#done = true;
    if (this.#handle !== undefined) clearTimeout(this.#handle);
  }

  #deadline(): { at: number; phase: TimeoutPhase } {
    const total = this.#start + this.limits.total_timeout_ms;
    const phase = this.#inBody
      ? { at: this.#last + this.limits.idle_timeout_ms, phase: "idle" as const }
      : { at: this.#start + this.limits.headers_timeout_ms, phase: "headers" as const };
    return total <= phase.at ? { at: total, phase: "total" } : phase;
  }

  #arm(): void {
    const { at } = this.#deadline();
    this.#armedAt = at;
    const handle = setTimeout(() => this.#fire(), Math.max(0, at - this.now()));
    Deno.unrefTimer(handle);
    this.#handle = handle;
  }

  #fire(): void {
    if (this.#done) return;
    const { at, phase } = this.#deadline();
    if (this.now() >= at) {
      this.#done = true;
      this.onTimeout(phase);
    } else {
      this.#arm();
    }
  }
}

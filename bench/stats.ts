/**
 * Percentiles and the result shapes shared by the load generators (wrk and the Deno client),
 * so that every scenario reads one format whichever tool measured it.
 */

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  count: number;
}

/** Nearest-rank percentiles of samples in milliseconds, rounded to the microsecond. */
export function percentiles(samples: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const at = (q: number) => n === 0 ? 0 : round3(sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]!);
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: n === 0 ? 0 : round3(sorted[n - 1]!),
    count: n,
  };
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** A saturation (closed-loop) measurement. */
export interface LoadResult {
  tool: "wrk" | "deno-client";
  requests: number;
  duration_s: number;
  rps: number;
  mb_per_s: number;
  latency_ms: Percentiles;
  /** Responses other than 2xx, and connect/read/write errors: these mean something broke. */
  errors: number;
  /** Requests that did not finish within the tool's timeout (slowness, not breakage). */
  timeouts: number;
  /** What a failure looked like, when there were errors. */
  first_error?: string;
  /** CPU of the measured process (every thread) per request, when the caller named one. */
  cpu_us_per_request?: number | null;
}

/** Growable sample buffer with a hard cap, so a long run cannot exhaust memory. */
export class Samples {
  #data = new Float64Array(1024);
  #n = 0;
  constructor(readonly cap = 2_000_000) {}
  push(x: number): void {
    if (this.#n >= this.cap) return;
    if (this.#n === this.#data.length) {
      const next = new Float64Array(Math.min(this.cap, this.#data.length * 2));
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.#n++] = x;
  }
  get length(): number {
    return this.#n;
  }
  values(): Float64Array {
    return this.#data.subarray(0, this.#n);
  }
}

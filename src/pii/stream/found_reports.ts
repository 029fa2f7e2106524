/**
 * What a stream redactor tells its caller about findings: the new ones after each chunk
 * (`onFound`), and all of them once at the end, block or cancel (`onCounts`).
 */
import type { Counts } from "../types.ts";

export class FoundReports {
  readonly #counts: Counts;
  readonly #onFound: ((counts: Counts) => void) | undefined;
  readonly #onCounts: ((counts: Counts) => void) | undefined;
  /** What `onFound` has been told so far. */
  readonly #told: Counts = {};
  #ended = false;

  /** `counts` is the stream's own, read at each report. */
  constructor(
    counts: Counts,
    onFound: ((counts: Counts) => void) | undefined,
    onCounts: ((counts: Counts) => void) | undefined,
  ) {
    this.#counts = counts;
    this.#onFound = onFound;
    this.#onCounts = onCounts;
  }

  /** Tells `onFound` what was counted since it was last told. */
  found(): void {
    if (this.#onFound === undefined) return;
    const fresh: Counts = {};
    let any = false;
    for (const [key, n] of Object.entries(this.#counts)) {
      const told = this.#told[key] ?? 0;
      if (n > told) {
        fresh[key] = n - told;
        this.#told[key] = n;
        any = true;
      }
    }
    if (any) this.#onFound(fresh);
  }

  /** The stream is over: the last `onFound`, then `onCounts` once. */
  end(): void {
    this.found();
    if (this.#ended) return;
    this.#ended = true;
    this.#onCounts?.({ ...this.#counts });
  }
}

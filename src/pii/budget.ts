/**
 * The budget of one redaction, and the slices it runs in. Redaction is CPU work on the event
 * loop: a 32 MiB body full of e-mail addresses takes seconds, during which no other request (not
 * even a health check) would be answered. So the redactors are generators that yield at points
 * where they can stop, a `Meter` says when a slice has run long enough, and `drive` gives the
 * event loop a turn between slices. Past the budget (`pii.scan_budget`: active time and
 * findings), the meter throws `ScanBudgetExceeded`; the caller decides what that means (drop the
 * stored copy, refuse the request).
 */

export interface ScanBudget {
  /** Most active redaction time for one body, in milliseconds (time spent yielded not counted). */
  timeMs: number;
  /** Most findings in one body. */
  maxFindings: number;
}

/** The defaults of `pii.scan_budget`. */
export const defaultScanBudget: ScanBudget = { timeMs: 5_000, maxFindings: 100_000 };

/** How long a slice runs before the event loop gets a turn. */
const defaultSliceMs = 10;

export class ScanBudgetExceeded extends Error {
  constructor(readonly limit: "time" | "findings", readonly budget: ScanBudget) {
    super(
      limit === "time"
        ? `PII redaction took more than ${budget.timeMs} ms`
        : `PII redaction found more than ${budget.maxFindings} values`,
    );
    this.name = "ScanBudgetExceeded";
  }

  /** The config key that would have allowed it. */
  get key(): string {
    return this.limit === "time" ? "pii.scan_budget.time_ms" : "pii.scan_budget.max_findings";
  }
}

export interface MeterOptions {
  budget?: ScanBudget | null;
  sliceMs?: number;
  now?: () => number;
}

/**
 * Measures one redaction. `due()` is asked at every point where the work may pause: it is true
 * once the current slice has used its time, and throws when the whole budget is used. A meter
 * without a budget never throws; one with `sliceMs: Infinity` never asks to pause.
 */
export class Meter {
  readonly budget: ScanBudget | null;
  readonly #sliceMs: number;
  readonly #now: () => number;
  findings = 0;
  /** Active time of the finished slices. */
  #spent = 0;
  #sliceStart: number;
  /** How many slices ran (one more than the pauses): what the tests look at. */
  slices = 1;

  constructor(opts: MeterOptions = {}) {
    this.budget = opts.budget ?? null;
    this.#sliceMs = opts.sliceMs ?? defaultSliceMs;
    this.#now = opts.now ?? (() => performance.now());
    this.#sliceStart = this.#now();
  }

  /** Counts findings; throws past the findings budget. */
  found(n: number): void {
    this.findings += n;
    if (this.budget !== null && this.findings > this.budget.maxFindings) {
      throw new ScanBudgetExceeded("findings", this.budget);
    }
  }

  /** Active time so far, in milliseconds. */
  get activeMs(): number {
    return this.#spent + (this.#now() - this.#sliceStart);
  }

  /** True when the slice is over (pause now); throws past the time budget. */
  due(): boolean {
    if (this.budget === null && this.#sliceMs === Infinity) return false;
    const elapsed = this.#now() - this.#sliceStart;
    if (this.budget !== null && this.#spent + elapsed > this.budget.timeMs) {
      throw new ScanBudgetExceeded("time", this.budget);
    }
    return elapsed >= this.#sliceMs;
  }

  /** The pause is over: a new slice starts (time spent paused is not the redaction's). */
  resumed(): void {
    this.slices++;
    this.#sliceStart = this.#now();
  }

  /** The slice is about to pause: its time is added to the total. */
  paused(): void {
    this.#spent += this.#now() - this.#sliceStart;
  }
}

/** A meter that never pauses and has no budget: for synchronous callers. */
export function unmetered(): Meter {
  return new Meter({ sliceMs: Infinity });
}

/**
 * Work that may pause: it asks `meter.due()` where it could stop and yields when that is true;
 * each yield is a pause. Returns its result.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs steps to the end without pausing (for synchronous callers). */
export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Gives the event loop a turn: timers and I/O (a health check) run before the next slice. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs steps, pausing at each yield. Returns the result directly when the work never paused (a
 * small body: no extra turn of the event loop, nothing changes for callers), a promise otherwise.
 * Throws (or rejects) with `ScanBudgetExceeded` past the budget.
 */
export function drive<T>(steps: Steps<T>, meter: Meter, pause = nextTurn): T | Promise<T> {
  const r = steps.next();
  return r.done ? r.value : continueAsync(steps, meter, pause);
}

async function continueAsync<T>(steps: Steps<T>, meter: Meter, pause: () => Promise<void>) {
  for (;;) {
    meter.paused();
    await pause();
    meter.resumed();
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * What a stream redactor engine sends, and how it stops: shared by the SSE (sse_redactor.ts) and
 * AWS event-stream (eventstream_redactor.ts) engines. Output waits here until the engine's caller
 * takes it; a stop (a finding in `block` mode, a bound, the findings budget) appends the framing's
 * own ending (`ending`: an SSE error event, an AWS exception message), tells the caller once, and
 * every later input is ignored.
 */
import { ScanBudgetExceeded } from "../budget.ts";
import type { Counts } from "../types.ts";
import { FoundReports } from "./found_reports.ts";

export interface EngineOutputOptions {
  mode: "redact" | "block";
  onCounts?: (counts: Counts) => void;
  onFound?: (counts: Counts) => void;
  onBlocked?: (counts: Counts) => void;
  onStopped?: (code: string, message: string) => void;
}

export class EngineOutput {
  readonly #opts: EngineOutputOptions;
  readonly #counts: Counts;
  readonly #ending: (code: string, message: string) => Uint8Array;
  readonly reports: FoundReports;
  #out: Uint8Array[] = [];
  #stopped = false;

  /** `counts`: the stream's own; `ending`: the bytes that end a stopped stream. */
  constructor(
    counts: Counts,
    opts: EngineOutputOptions,
    ending: (code: string, message: string) => Uint8Array,
  ) {
    this.#counts = counts;
    this.#opts = opts;
    this.#ending = ending;
    this.reports = new FoundReports(counts, opts.onFound, opts.onCounts);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  send(bytes: Uint8Array): void {
    this.#out.push(bytes);
  }

  /** What is ready to go, emptied. */
  take(): Uint8Array[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  /**
   * One step of the engine (a chunk read, the end): past the findings budget the stream stops;
   * new findings are reported; what is ready goes out. Nothing once stopped.
   */
  step(work: () => void): Uint8Array[] {
    if (this.#stopped) return [];
    try {
      work();
    } catch (err) {
      this.overBudget(err);
    }
    this.reports.found();
    return this.take();
  }

  /** Block mode: true (and the stream stopped) once anything was found. */
  blocked(): boolean {
    if (this.#opts.mode !== "block" || Object.keys(this.#counts).length === 0) return false;
    const kinds = Object.keys(this.#counts).sort().join(", ");
    this.#stop(
      "pii_blocked",
      `The response was stopped by the gateway's PII policy (detected: ${kinds}).`,
    );
    this.#opts.onBlocked?.({ ...this.#counts });
    this.reports.end();
    return true;
  }

  /** Stopped by a bound: the client gets the ending, the caller hears why. */
  bound(code: string, message: string): void {
    this.#stop(code, message);
    this.#opts.onStopped?.(code, message);
  }

  /** Past the findings budget: what was not sent yet is dropped, the stream ends with an error. */
  overBudget(err: unknown): void {
    if (!(err instanceof ScanBudgetExceeded)) throw err;
    // Output of the event being redacted may be half built: none of it goes out.
    this.#out = [];
    this.bound(
      "pii_scan_budget_exceeded",
      `The response stream held more values than the gateway checks (${err.message}).`,
    );
  }

  #stop(code: string, message: string): void {
    this.#stopped = true;
    this.#out.push(this.#ending(code, message));
    this.reports.end();
  }
}

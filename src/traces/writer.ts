/**
 * The bounded asynchronous trace writer. Requests hand traces to `enqueue`, which never waits:
 * a full queue refuses (and counts) instead of slowing a request. One write loop drains the queue
 * in batches, one store transaction per batch.
 *
 * A full batch is written at once; a partial one waits at most `flushIntervalMs` for company.
 * Transient store failures (busy, connection, disk full) keep the traces queued and retry with
 * capped exponential backoff; the queue bound still applies, so a long outage ends in counted
 * `queue_full` refusals, never in unbounded memory. Other failures are isolated by writing the
 * batch one trace at a time, and only the traces the store refuses are dropped (`write_failed`).
 */
import type { CapturedBody, TraceRecord } from "./trace.ts";
import { classifyWriteError, isTransient, type WriteErrorClass } from "./write_errors.ts";
import { type DropReason, type TraceWriterSnapshot, WriterCounters } from "./writer_stats.ts";
import {
  observeBatch,
  reportFailure,
  type StoreBatch,
  type WriteFailure,
  type WriterLog,
} from "./writer_report.ts";

export type { StoreBatch, WriteFailure, WriterLog } from "./writer_report.ts";

export interface WriterTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/**
 * Where the writer puts traces: the trace store, seen from below (the store implements it).
 * `writeBatch` writes all traces in one transaction and is idempotent by trace id.
 */
export interface TraceSink {
  writeBatch(traces: readonly TraceRecord[]): Promise<void>;
}

export interface TraceWriterOptions {
  store: TraceSink;
  queueSize: number;
  batchSize: number;
  flushIntervalMs: number;
  /**
   * Captured body bytes allowed in the queue. Beyond it a new trace is still queued but without
   * its bodies (counted, and marked in its metadata), so that capture under load cannot grow
   * memory without bound while usage and cost are never lost. Default 64 MiB.
   */
  maxQueuedBodyBytes?: number;
  /**
   * Captured body bytes in one batch (a batch has at least one trace). The store copies a batch
   * more than once (to the worker, into SQLite's encoding), so this bounds those copies instead
   * of letting one batch carry the whole queue's bodies. Default 4 MiB.
   */
  maxBatchBodyBytes?: number;
  /** Backoff for transient failures: doubles from `initialMs` (100) up to `maxMs` (5000). */
  retry?: { initialMs?: number; maxMs?: number };
  /** Default the global timers; tests pass a fake clock. */
  timers?: WriterTimers;
  /** Epoch milliseconds, for `last_drop_at`. */
  now?: () => number;
  /** Every failed store call. Must not throw (errors from it are ignored). */
  onError?: (failure: WriteFailure) => void;
  /** Failures are logged here too: warn while traces are kept, error when some are dropped. */
  log?: WriterLog;
  /**
   * Told about every store call once it answers (telemetry builds a span from it). Called
   * synchronously; it must neither keep nor change `traces`, and errors from it are ignored.
   * Unset, the writer reads no extra clocks and allocates nothing for it.
   */
  onBatch?: (batch: StoreBatch) => void;
  /** Monotonic ms for `onBatch` durations; default `performance.now`. */
  monotonic?: () => number;
}

export interface TraceWriter {
  /** Never blocks or awaits. False (and counted) when the queue is full or the writer stopping. */
  enqueue(trace: TraceRecord): boolean;
  snapshot(): TraceWriterSnapshot;
  /** Resolves when every trace accepted before the call is written or dropped. */
  flush(): Promise<void>;
  /**
   * Stops accepting, writes what is queued, and resolves `{ flushed: true }`; or, after
   * `timeoutMs`, drops what is still waiting (`shutdown_timeout`) and resolves `{ flushed: false }`.
   * Idempotent: later calls return the first call's result.
   */
  shutdown(timeoutMs: number): Promise<{ flushed: boolean }>;
}

const defaultTimers: WriterTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

export function createTraceWriter(options: TraceWriterOptions): TraceWriter {
  return new BoundedTraceWriter(options);
}

class BoundedTraceWriter implements TraceWriter {
  readonly #opts: TraceWriterOptions;
  readonly #timers: WriterTimers;
  readonly #now: () => number;
  readonly #monotonic: () => number;
  readonly #counters = new WriterCounters();
  /** Slots before `#head` were taken (null: a written trace must not stay reachable here). */
  #pending: (TraceRecord | null)[] = [];
  #head = 0;
  #inFlight: TraceRecord[] = [];
  #state: TraceWriterSnapshot["state"] = "running";
  #storeState: TraceWriterSnapshot["store_state"] = "ok";
  #pumping = false;
  #abandoned = false;
  #timer: unknown = null;
  #wakeSleep: (() => void) | null = null;
  #waiters: { target: number; resolve: () => void }[] = [];
  #shutdown: Promise<{ flushed: boolean }> | null = null;
  #bodyBytes = 0;

  constructor(options: TraceWriterOptions) {
    for (const key of ["queueSize", "batchSize", "flushIntervalMs"] as const) {
      if (!(Number.isInteger(options[key]) && options[key] > 0)) {
        throw new RangeError(`trace writer ${key} must be a positive integer`);
      }
    }
    this.#opts = options;
    this.#timers = options.timers ?? defaultTimers;
    this.#now = options.now ?? Date.now;
    this.#monotonic = options.monotonic ?? performance.now.bind(performance);
  }

  get #waiting(): number {
    return this.#pending.length - this.#head;
  }

  get #depth(): number {
    return this.#waiting + this.#inFlight.length;
  }

  enqueue(trace: TraceRecord): boolean {
    if (this.#state !== "running") return this.#reject("shutdown");
    if (this.#depth >= this.#opts.queueSize) return this.#reject("queue_full");
    const bodies = traceBodySize(trace);
    if (bodies > 0 && this.#bodyBytes + bodies > (this.#opts.maxQueuedBodyBytes ?? 64 * 2 ** 20)) {
      trace.request_body = trace.response_body = null;
      trace.metadata.bodies_dropped = "queue_memory";
      this.#counters.bodiesDropped++;
    } else {
      this.#bodyBytes += bodies;
    }
    this.#pending.push(trace);
    this.#counters.accepted++;
    this.#counters.highWatermark = Math.max(this.#counters.highWatermark, this.#depth);
    if (!this.#pumping) {
      if (this.#fullBatchWaiting()) this.#arm(0);
      else if (this.#timer === null) this.#arm(this.#opts.flushIntervalMs);
    }
    return true;
  }

  snapshot(): TraceWriterSnapshot {
    return this.#counters.snapshot(
      this.#state,
      this.#storeState,
      this.#opts.queueSize,
      this.#depth,
      this.#inFlight.length,
    );
  }

  flush(): Promise<void> {
    const target = this.#counters.accepted;
    if (this.#counters.settled >= target) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#waiters.push({ target, resolve }));
    this.#start();
    return done;
  }

  shutdown(timeoutMs: number): Promise<{ flushed: boolean }> {
    this.#shutdown ??= this.#stop(timeoutMs);
    return this.#shutdown;
  }

  async #stop(timeoutMs: number): Promise<{ flushed: boolean }> {
    this.#state = "stopping";
    let timer: unknown = null;
    const timedOut = new Promise<false>((resolve) => {
      timer = this.#timers.setTimeout(() => resolve(false), timeoutMs);
    });
    const flushed = await Promise.race([this.flush().then(() => true as const), timedOut]);
    this.#timers.clearTimeout(timer);
    if (!flushed) {
      // What is mid-write stays counted in the depth until the store answers; the rest is lost.
      this.#abandoned = true;
      this.#counters.drop("shutdown_timeout", this.#waiting, this.#now());
      this.#released(this.#pending.slice(this.#head) as TraceRecord[]);
      this.#pending = [];
      this.#head = 0;
      this.#wakeSleep?.();
      this.#settleWaiters();
    }
    this.#state = "stopped";
    return { flushed };
  }

  #reject(reason: DropReason): false {
    this.#counters.drop(reason, 1, this.#now());
    return false;
  }

  #arm(ms: number): void {
    this.#clearTimer();
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      this.#start();
    }, ms);
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #start(): void {
    this.#clearTimer();
    if (!this.#pumping) void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#waiting > 0 && !this.#abandoned) {
        const end = this.#batchEnd();
        this.#inFlight = this.#pending.slice(this.#head, end) as TraceRecord[];
        // Until the next compaction the array still has these slots: with 1 MB bodies captured,
        // a thousand written traces held there kept a gigabyte alive (issue 23).
        this.#pending.fill(null, this.#head, end);
        this.#head = end;
        this.#compact();
        await this.#writeInFlight();
        this.#settleWaiters();
        const urgent = this.#state !== "running" || this.#waiters.length > 0;
        if (!urgent && this.#waiting > 0 && !this.#fullBatchWaiting()) {
          this.#arm(this.#opts.flushIntervalMs);
          break;
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** A batch full by count or by body bytes is waiting: no reason to wait for company. */
  #fullBatchWaiting(): boolean {
    return this.#waiting >= this.#opts.batchSize || this.#batchEnd() < this.#pending.length;
  }

  /** Where the next batch ends: at batch_size traces, or earlier at the batch's body budget. */
  #batchEnd(): number {
    const end = Math.min(this.#head + this.#opts.batchSize, this.#pending.length);
    const budget = this.#opts.maxBatchBodyBytes ?? 4 * 2 ** 20;
    let bytes = 0;
    for (let i = this.#head; i < end; i++) {
      bytes += traceBodySize(this.#pending[i]!);
      if (bytes > budget && i > this.#head) return i;
    }
    return end;
  }

  /** Writes `#inFlight` until every trace in it is written or dropped. */
  async #writeInFlight(): Promise<void> {
    let isolate = false;
    let attempt = 1;
    let delay = this.#opts.retry?.initialMs ?? 100;
    const maxDelay = this.#opts.retry?.maxMs ?? 5_000;
    while (this.#inFlight.length > 0) {
      if (this.#abandoned) {
        this.#counters.drop("shutdown_timeout", this.#inFlight.length, this.#now());
        this.#released(this.#inFlight);
        this.#inFlight = [];
        return;
      }
      const chunk = isolate ? this.#inFlight.slice(0, 1) : this.#inFlight;
      const operation = isolate ? "write_one" : "write_batch";
      const watched = this.#opts.onBatch !== undefined;
      const wall = watched ? this.#now() : 0;
      const mono = watched ? this.#monotonic() : 0;
      try {
        await this.#opts.store.writeBatch(chunk);
        if (watched) this.#observe(wall, mono, operation, chunk, attempt, null);
        attempt = 1;
        this.#released(chunk);
        this.#inFlight = this.#inFlight.slice(chunk.length);
        this.#counters.written += chunk.length;
        this.#counters.batchesWritten++;
        if (this.#storeState === "degraded") {
          this.#storeState = "ok";
          this.#opts.log?.info("trace store writable again; queued traces are being written", {
            queue_depth: this.#depth,
          });
        }
        continue;
      } catch (error) {
        const cls = classifyWriteError(error);
        if (watched) this.#observe(wall, mono, operation, chunk, attempt, cls);
        this.#counters.failures[cls]++;
        const base = { operation, error, error_class: cls, batch_size: chunk.length } as const;
        if (isTransient(cls)) {
          this.#storeState = "degraded";
          this.#report({ ...base, transient: true, dropped: 0, retry_in_ms: delay });
          if (!this.#abandoned) await this.#sleep(delay);
          delay = Math.min(delay * 2, maxDelay);
          attempt++;
        } else if (chunk.length > 1) {
          isolate = true;
          attempt = 1;
          this.#report({ ...base, transient: false, dropped: 0, retry_in_ms: null });
        } else {
          this.#released(chunk);
          this.#inFlight = this.#inFlight.slice(1);
          this.#counters.drop("write_failed", 1, this.#now());
          this.#report({ ...base, transient: false, dropped: 1, retry_in_ms: null });
        }
      }
    }
  }

  #observe(
    wall: number,
    mono: number,
    operation: StoreBatch["operation"],
    traces: readonly TraceRecord[],
    attempt: number,
    errorClass: WriteErrorClass | null,
  ): void {
    const elapsed = this.#monotonic() - mono;
    observeBatch(this.#opts.onBatch, elapsed, {
      operation,
      traces,
      startMs: wall,
      errorClass,
      attempt,
    });
  }

  #report(failure: WriteFailure): void {
    reportFailure(failure, this.#opts, this.#depth);
  }

  #released(traces: readonly TraceRecord[]): void {
    for (const t of traces) this.#bodyBytes -= traceBodySize(t);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const id = this.#timers.setTimeout(() => {
        this.#wakeSleep = null;
        resolve();
      }, ms);
      this.#wakeSleep = () => {
        this.#timers.clearTimeout(id);
        this.#wakeSleep = null;
        resolve();
      };
    });
  }

  #settleWaiters(): void {
    const settled = this.#counters.settled;
    const still = [];
    for (const waiter of this.#waiters) {
      if (waiter.target <= settled) waiter.resolve();
      else still.push(waiter);
    }
    this.#waiters = still;
  }

  /** Drops consumed slots so the array does not grow with the total ever queued. */
  #compact(): void {
    if (this.#head === this.#pending.length) {
      this.#pending = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
      this.#pending = this.#pending.slice(this.#head);
      this.#head = 0;
    }
  }
}

export type { DropReason, PressureState, TraceWriterSnapshot } from "./writer_stats.ts";
export { classifyWriteError, isTransient, type WriteErrorClass } from "./write_errors.ts";

/** The captured body bytes a queued trace holds (the writer's `maxQueuedBodyBytes` counts them). */
export function traceBodySize(t: TraceRecord): number {
  return size(t.request_body) + size(t.response_body);
}

/** Bytes, or for a string its UTF-16 length: close enough for a memory budget, and O(1). */
const size = (body: CapturedBody | null) =>
  body === null ? 0 : typeof body === "string" ? body.length : body.byteLength;

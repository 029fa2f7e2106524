/**
 * What the trace writer tells the outside about its store calls: `onBatch` (telemetry builds a
 * span from each call) and failures (`onError` and the log). Neither may stop trace writing, so
 * an observer's or a log's error is swallowed here.
 */
import type { TraceRecord } from "./trace.ts";
import type { WriteErrorClass } from "./write_errors.ts";

export interface WriteFailure {
  /** `write_batch`: a whole batch; `write_one`: one trace, while isolating a bad one. */
  operation: "write_batch" | "write_one";
  error: unknown;
  error_class: WriteErrorClass;
  transient: boolean;
  batch_size: number;
  /** Traces dropped because of this failure; 0 when they stay queued. */
  dropped: number;
  /** When the same traces are tried again; null when they are not retried as they are. */
  retry_in_ms: number | null;
}

/** One store call, as `onBatch` sees it. */
export interface StoreBatch {
  operation: WriteFailure["operation"];
  /** The traces handed to the store (read only, and only during the call). */
  traces: readonly TraceRecord[];
  /** Wall-clock ms when the call began, and when the store answered (with fractions). */
  startMs: number;
  endMs: number;
  ok: boolean;
  /** Why the store refused, when it did. */
  errorClass: WriteErrorClass | null;
  /** 1 for the first call with these traces; each transient-failure retry adds one. */
  attempt: number;
}

/** The part of the gateway's logger the writer uses. */
export interface WriterLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Tells `onBatch` about one store call. Wall start plus a monotonic duration: a clock step
 * mid-call cannot give a negative span.
 */
export function observeBatch(
  onBatch: ((batch: StoreBatch) => void) | undefined,
  elapsedMs: number,
  call: Omit<StoreBatch, "endMs" | "ok">,
): void {
  try {
    onBatch?.({ ...call, endMs: call.startMs + elapsedMs, ok: call.errorClass === null });
  } catch {
    // An observer's failure must not stop trace writing.
  }
}

/** Tells `onError` and logs: error when traces were dropped, warn while they are kept. */
export function reportFailure(
  failure: WriteFailure,
  hooks: { onError?: ((failure: WriteFailure) => void) | undefined; log?: WriterLog | undefined },
  queueDepth: number,
): void {
  try {
    hooks.onError?.(failure);
    const fields = {
      operation: failure.operation,
      batch_size: failure.batch_size,
      error_class: failure.error_class,
      error: failure.error instanceof Error ? failure.error.message : String(failure.error),
    };
    if (failure.dropped > 0) {
      hooks.log?.error("trace persistence failed; dropped trace records", {
        ...fields,
        failed_count: failure.dropped,
      });
    } else if (failure.transient) {
      hooks.log?.warn("trace store write failed; traces kept queued for a retry", {
        ...fields,
        retry_in_ms: failure.retry_in_ms,
        queue_depth: queueDepth,
      });
    } else {
      hooks.log?.warn("trace batch refused by the store; writing its traces one by one", {
        ...fields,
      });
    }
  } catch {
    // A broken log hook must not stop trace writing.
  }
}

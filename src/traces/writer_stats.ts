/**
 * The writer's counters and the snapshot it reports (health, diagnostics, tests).
 *
 * Invariant, true after every step and checked by the tests:
 *   accepted === written + dropped_after_accept + queue_depth
 * where `accepted` counts `enqueue` calls that returned true and `queue_depth` counts every
 * accepted trace not yet written or dropped (waiting or in a write). Enqueue rejections are not
 * accepted: they are counted in `rejected`; `dropped` is the total of both kinds of loss.
 */
import { type WriteErrorClass, writeErrorClasses } from "./write_errors.ts";

/**
 * - `queue_full`, `shutdown`: refused by `enqueue` (queue at capacity, or writer stopping).
 * - `write_failed`: accepted, then refused by the store for a reason retrying cannot fix.
 * - `shutdown_timeout`: accepted, still unwritten when shutdown ran out of time.
 */
export const dropReasons = ["queue_full", "shutdown", "write_failed", "shutdown_timeout"] as const;
export type DropReason = (typeof dropReasons)[number];

/** As the original: `saturated` >= 100 %, `high` >= 80, `elevated` >= 50, else `ok`. */
export const pressureStates = ["ok", "elevated", "high", "saturated"] as const;
export type PressureState = (typeof pressureStates)[number];

export interface TraceWriterSnapshot {
  state: "running" | "stopping" | "stopped";
  /** `degraded` while a transient store failure is being retried. */
  store_state: "ok" | "degraded";
  queue_capacity: number;
  queue_depth: number;
  /** The part of `queue_depth` inside the current write (or waiting to retry it). */
  queue_in_flight: number;
  queue_depth_high_watermark: number;
  queue_utilization_pct: number;
  queue_high_watermark_utilization_pct: number;
  queue_pressure_state: PressureState;
  queue_high_watermark_pressure_state: PressureState;
  accepted: number;
  written: number;
  rejected: number;
  dropped_after_accept: number;
  dropped: number;
  dropped_by_reason: Record<DropReason, number>;
  last_drop_at: string | null;
  last_drop_reason: DropReason | null;
  batches_written: number;
  /** Traces queued without their captured bodies because the body budget was used up. */
  bodies_dropped: number;
  /** Failed store calls (a retried batch counts once per attempt). */
  write_failures_total: number;
  write_failures_by_class: Record<WriteErrorClass, number>;
}

export function utilizationPct(depth: number, capacity: number): number {
  return depth >= capacity ? 100 : Math.floor((depth * 100) / capacity);
}

export function pressureState(pct: number): PressureState {
  if (pct >= 100) return "saturated";
  if (pct >= 80) return "high";
  if (pct >= 50) return "elevated";
  return "ok";
}

export class WriterCounters {
  accepted = 0;
  written = 0;
  batchesWritten = 0;
  bodiesDropped = 0;
  highWatermark = 0;
  lastDropAt: number | null = null;
  lastDropReason: DropReason | null = null;
  readonly drops = Object.fromEntries(dropReasons.map((r) => [r, 0])) as Record<DropReason, number>;
  readonly failures = Object.fromEntries(writeErrorClasses.map((c) => [c, 0])) as Record<
    WriteErrorClass,
    number
  >;

  drop(reason: DropReason, count: number, now: number): void {
    if (count <= 0) return;
    this.drops[reason] += count;
    this.lastDropAt = now;
    this.lastDropReason = reason;
  }

  get rejected(): number {
    return this.drops.queue_full + this.drops.shutdown;
  }

  get droppedAfterAccept(): number {
    return this.drops.write_failed + this.drops.shutdown_timeout;
  }

  /** Accepted traces that reached an end: written or dropped. */
  get settled(): number {
    return this.written + this.droppedAfterAccept;
  }

  snapshot(
    state: TraceWriterSnapshot["state"],
    storeState: TraceWriterSnapshot["store_state"],
    capacity: number,
    depth: number,
    inFlight: number,
  ): TraceWriterSnapshot {
    const pct = utilizationPct(depth, capacity);
    const highPct = utilizationPct(this.highWatermark, capacity);
    return {
      state,
      store_state: storeState,
      queue_capacity: capacity,
      queue_depth: depth,
      queue_in_flight: inFlight,
      queue_depth_high_watermark: this.highWatermark,
      queue_utilization_pct: pct,
      queue_high_watermark_utilization_pct: highPct,
      queue_pressure_state: pressureState(pct),
      queue_high_watermark_pressure_state: pressureState(highPct),
      accepted: this.accepted,
      written: this.written,
      rejected: this.rejected,
      dropped_after_accept: this.droppedAfterAccept,
      dropped: this.rejected + this.droppedAfterAccept,
      dropped_by_reason: { ...this.drops },
      last_drop_at: this.lastDropAt === null ? null : new Date(this.lastDropAt).toISOString(),
      last_drop_reason: this.lastDropReason,
      batches_written: this.batchesWritten,
      bodies_dropped: this.bodiesDropped,
      write_failures_total: Object.values(this.failures).reduce((a, b) => a + b, 0),
      write_failures_by_class: { ...this.failures },
    };
  }
}

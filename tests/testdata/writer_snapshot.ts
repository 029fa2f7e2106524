/**
 * A complete, consistent writer snapshot for tests (accepted = written + dropped after accept +
 * depth); override what the test is about.
 */
import type { TraceWriterSnapshot } from "../../src/traces/mod.ts";

export function writerSnapshot(overrides: Partial<TraceWriterSnapshot> = {}): TraceWriterSnapshot {
  return {
    state: "running",
    store_state: "ok",
    queue_capacity: 16_384,
    queue_depth: 2,
    queue_in_flight: 1,
    queue_depth_high_watermark: 9_000,
    queue_utilization_pct: 0,
    queue_high_watermark_utilization_pct: 54,
    queue_pressure_state: "ok",
    queue_high_watermark_pressure_state: "elevated",
    accepted: 120,
    written: 117,
    rejected: 3,
    dropped_after_accept: 1,
    dropped: 4,
    dropped_by_reason: { queue_full: 3, shutdown: 0, write_failed: 1, shutdown_timeout: 0 },
    last_drop_at: "2026-03-01T09:00:30.000Z",
    last_drop_reason: "write_failed",
    batches_written: 12,
    bodies_dropped: 5,
    write_failures_total: 3,
    write_failures_by_class: {
      contention: 2,
      connection: 0,
      timeout: 0,
      storage: 0,
      constraint: 1,
      invalid_data: 0,
      unknown: 0,
    },
    ...overrides,
  };
}

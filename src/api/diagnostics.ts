/**
 * `GET /api/diagnostics/trace-pipeline`: the trace writer's queue and loss figures, for an
 * operator asking "are traces being lost, and why". Names follow the original's
 * `trace-pipeline-diagnostics.v1` where it had them; every field is always present (zero or null
 * rather than omitted), so the shape does not change with the state.
 *
 * The figures are the whole gateway's, not one tenant's: there is no per-tenant queue.
 */
import { z } from "zod";
import {
  dropReasons,
  pressureStates,
  type TraceWriterSnapshot,
  writeErrorClasses,
} from "../traces/mod.ts";

export const traceDiagnosticsSchemaVersion = "trace-pipeline-diagnostics.v1";

const count = z.number().int().nonnegative();
const pct = z.number().int().min(0).max(100);
const pressure = z.enum(pressureStates);

function countsBy<const T extends readonly [string, ...string[]]>(keys: T) {
  return z.object(
    Object.fromEntries(keys.map((k) => [k, count])) as Record<T[number], typeof count>,
  );
}

export const traceDiagnosticsSchema = z.object({
  writer_state: z.enum(["running", "stopping", "stopped"])
    .describe("stopping and stopped only during shutdown"),
  store_state: z.enum(["ok", "degraded"])
    .describe("degraded while a transient store failure is being retried"),
  store_driver: z.enum(["sqlite", "postgres"]),
  queue_capacity: count.describe("tracing.queue_size"),
  queue_depth: count.describe("traces accepted and not yet written or dropped"),
  queue_in_flight: count.describe("the part of queue_depth inside the current store write"),
  queue_depth_high_watermark: count.describe("the largest queue_depth since start"),
  queue_utilization_pct: pct,
  queue_high_watermark_utilization_pct: pct,
  queue_pressure_state: pressure.describe("saturated >= 100 %, high >= 80, elevated >= 50"),
  queue_high_watermark_pressure_state: pressure,
  enqueue_accepted_total: count,
  written_total: count,
  batches_written_total: count,
  enqueue_dropped_total: count.describe("refused on arrival: queue full or shutting down"),
  write_dropped_total: count.describe("accepted, then lost: store refused, or shutdown timeout"),
  total_dropped_total: count,
  dropped_by_reason: countsBy(dropReasons),
  last_drop_at: z.string().nullable().describe("RFC 3339 UTC; null when nothing was dropped"),
  last_drop_reason: z.enum(dropReasons).nullable(),
  bodies_dropped_total: count
    .describe("traces stored without their captured bodies (queue body budget used up)"),
  write_failures_total: count.describe("failed store calls; a retried batch counts per attempt"),
  write_failures_by_class: countsBy(writeErrorClasses),
});

export const traceDiagnosticsResponseSchema = z.object({
  schema_version: z.literal(traceDiagnosticsSchemaVersion),
  generated_at: z.string().describe("RFC 3339 UTC"),
  diagnostics: traceDiagnosticsSchema,
});

export type TraceDiagnostics = z.infer<typeof traceDiagnosticsSchema>;
export type TraceDiagnosticsResponse = z.infer<typeof traceDiagnosticsResponseSchema>;

export interface TraceDiagnosticsInputs {
  snapshot: TraceWriterSnapshot;
  storeDriver: "sqlite" | "postgres";
  /** Epoch ms. */
  now: number;
}

export function traceDiagnosticsBody(i: TraceDiagnosticsInputs): TraceDiagnosticsResponse {
  const s = i.snapshot;
  return {
    schema_version: traceDiagnosticsSchemaVersion,
    generated_at: new Date(i.now).toISOString(),
    diagnostics: {
      writer_state: s.state,
      store_state: s.store_state,
      store_driver: i.storeDriver,
      queue_capacity: s.queue_capacity,
      queue_depth: s.queue_depth,
      queue_in_flight: s.queue_in_flight,
      queue_depth_high_watermark: s.queue_depth_high_watermark,
      queue_utilization_pct: s.queue_utilization_pct,
      queue_high_watermark_utilization_pct: s.queue_high_watermark_utilization_pct,
      queue_pressure_state: s.queue_pressure_state,
      queue_high_watermark_pressure_state: s.queue_high_watermark_pressure_state,
      enqueue_accepted_total: s.accepted,
      written_total: s.written,
      batches_written_total: s.batches_written,
      enqueue_dropped_total: s.rejected,
      write_dropped_total: s.dropped_after_accept,
      total_dropped_total: s.dropped,
      dropped_by_reason: { ...s.dropped_by_reason },
      last_drop_at: s.last_drop_at,
      last_drop_reason: s.last_drop_reason,
      bodies_dropped_total: s.bodies_dropped,
      write_failures_total: s.write_failures_total,
      write_failures_by_class: { ...s.write_failures_by_class },
    },
  };
}

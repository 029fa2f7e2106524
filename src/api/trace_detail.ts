/**
 * `GET /api/traces/:id` body: the stored trace plus its lineage, read from the `lineage_*`
 * metadata keys with the original's defaults (a trace is its own immutable checkpoint).
 */
import type { z } from "zod";
import type { Trace } from "../traces/mod.ts";
import type { traceDetailSchema, traceLineageSchema } from "./contract/mod.ts";

/** Inferred from the schemas the OpenAPI document is generated from. */
export type TraceLineage = z.output<typeof traceLineageSchema>;
export type TraceDetail = z.output<typeof traceDetailSchema>;

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

export function lineageOf(trace: Trace): TraceLineage {
  const m = trace.metadata;
  const seq = m.lineage_checkpoint_seq;
  return {
    group_id: text(m.lineage_group_id) ?? trace.trace_group_id,
    thread_id: text(m.lineage_thread_id),
    run_id: text(m.lineage_run_id),
    checkpoint_id: text(m.lineage_checkpoint_id) ?? trace.id,
    parent_checkpoint_id: text(m.lineage_parent_checkpoint_id),
    checkpoint_seq: typeof seq === "number" && Number.isSafeInteger(seq) && seq >= 0 ? seq : null,
    immutable: typeof m.lineage_immutable === "boolean" ? m.lineage_immutable : true,
  };
}

export function traceDetail(trace: Trace): TraceDetail {
  return { ...trace, lineage: lineageOf(trace) };
}

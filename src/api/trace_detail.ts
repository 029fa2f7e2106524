/**
 * `GET /api/traces/:id` body: the stored trace plus its lineage, read from the `lineage_*`
 * metadata keys with the original's defaults (a trace is its own immutable checkpoint).
 */
import type { z } from "zod";
import { lineageOf as traceLineageOf, type Trace } from "../traces/mod.ts";
import type { traceDetailSchema, traceLineageSchema } from "./contract/mod.ts";

/** Inferred from the schemas the OpenAPI document is generated from. */
export type TraceLineage = z.output<typeof traceLineageSchema>;
export type TraceDetail = z.output<typeof traceDetailSchema>;

/** The lineage with the original's defaults (traces/lineage.ts, shared with `debug`). */
export function lineageOf(trace: Trace): TraceLineage {
  return traceLineageOf(trace);
}

export function traceDetail(trace: Trace): TraceDetail {
  return { ...trace, lineage: lineageOf(trace) };
}

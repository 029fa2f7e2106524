/**
 * Compile-time proof that the response schemas describe the types the store and the trace
 * pipeline produce: `deno check` fails here when a field is added, removed or retyped on one side
 * only. Types owned by the API (HealthBody, TraceDetail) are inferred from the schemas instead.
 */
import type { z } from "zod";
import type { TracePage, TraceSummary } from "../../store/mod.ts";
import type { CostStatus, Trace, TraceErrorCode, UsageStatus } from "../../traces/mod.ts";
import type {
  costStatusSchema,
  traceErrorCodeSchema,
  traceSchema,
  tracesResponseSchema,
  traceSummarySchema,
  usageStatusSchema,
} from "./schemas.ts";

/** True only when A and B are the same type (optional and readonly modifiers included). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

/** Same keys, and each property's type identical. */
type SameShape<A, B> = Equal<keyof A, keyof B> extends true
  ? { [K in keyof A & keyof B]: Equal<A[K], B[K]> }[keyof A & keyof B] extends true ? true
  : false
  : false;

function assertTrue<_T extends true>(): void {}

assertTrue<Equal<z.output<typeof usageStatusSchema>, UsageStatus>>();
assertTrue<Equal<z.output<typeof costStatusSchema>, CostStatus>>();
assertTrue<Equal<z.output<typeof traceErrorCodeSchema>, TraceErrorCode>>();
assertTrue<SameShape<z.output<typeof traceSchema>, Trace>>();
assertTrue<SameShape<z.output<typeof traceSummarySchema>, TraceSummary>>();
assertTrue<SameShape<z.output<typeof tracesResponseSchema>, TracePage>>();

/**
 * The JSON parts of the export as zod schemas, for the OpenAPI document: one NDJSON line is a
 * `traceExportRecordSchema` object (the stored trace, every field, no lineage). The type checks
 * below fail to compile when the schema and `Trace` drift apart.
 */
import { z } from "zod";
import type { Trace } from "../traces/mod.ts";
import { perTokenField } from "../providers/mod.ts";
import {
  attemptsField,
  attributionFields,
  costBreakdownSchema,
  costStatusSchema,
  routeFields,
  traceErrorCodeSchema,
  usageStatusSchema,
} from "./contract/schemas.ts";

const nullableInt = z.number().int().nullable();
const headers = z.record(z.string(), z.array(z.string()));

export const traceExportRecordSchema = z.object({
  id: z.string(),
  trace_group_id: z.string().nullable(),
  org_id: z.string(),
  workspace_id: z.string(),
  gateway_key_id: z.string().nullable(),
  timestamp: z.string().describe("RFC 3339 UTC, when the request arrived"),
  created_at: z.string().describe("RFC 3339 UTC, when the trace was built"),
  provider: z.string(),
  model: z.string(),
  request_method: z.string(),
  request_path: z.string(),
  request_headers: headers,
  request_body: z.string().nullable(),
  request_body_truncated: z.boolean(),
  response_status: z.number().int(),
  response_headers: headers,
  response_body: z.string().nullable(),
  response_body_truncated: z.boolean(),
  ...perTokenField(() => nullableInt),
  usage_status: usageStatusSchema,
  latency_ms: z.number().int(),
  time_to_first_token_ms: nullableInt,
  time_to_first_token_us: nullableInt,
  api_key_hash: z.string().nullable(),
  api_key_last4: z.string().nullable(),
  estimated_cost_usd: z.number().nullable(),
  cost_status: costStatusSchema,
  cost_breakdown: costBreakdownSchema,
  streaming: z.boolean(),
  error_code: traceErrorCodeSchema.nullable(),
  client_aborted: z.boolean(),
  correlation_id: z.string(),
  request_bytes: z.number().int(),
  response_bytes: z.number().int(),
  ...attributionFields,
  ...routeFields,
  attempts: attemptsField,
  metadata: z.record(z.string(), z.unknown()),
});

type Record_ = z.infer<typeof traceExportRecordSchema>;
const _recordIsTrace: [Record_] extends [Trace] ? ([Trace] extends [Record_] ? true : never)
  : never = true;
void _recordIsTrace;

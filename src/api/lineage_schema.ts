/**
 * The `debug-chain.v1` document as zod schemas, for the OpenAPI contract of
 * `GET /api/traces/{id}/lineage` (the same document `ongoingai debug --format json` prints).
 * type_checks-style assertions below keep them equal to the TypeScript types the builder uses.
 */
import { z } from "zod";
import type { CheckpointDiff, DebugChainDocument } from "./lineage_document.ts";

const count = () => z.int().nonnegative();
const when = (what: string) => z.iso.datetime().describe(`${what}, RFC 3339 UTC`);
const id = () => z.string();

const selection = z.object({
  trace_id: id().exactOptional(),
  trace_group_id: id().exactOptional(),
  thread_id: id().exactOptional(),
  run_id: id().exactOptional(),
  session_id: id().exactOptional().describe("Ours: an agent session as the chain."),
}).describe("What was asked for; the API sets trace_id.");

const options = z.object({
  limit: z.int().min(1).max(500),
  include_diff: z.boolean(),
  include_headers: z.boolean(),
  include_bodies: z.boolean().describe("Whether bodies are in the checkpoints."),
  bodies_withheld: z.literal(true).exactOptional().describe(
    "Present when include_bodies=true was asked but the caller's key lacks bodies:read: the " +
      "bodies, and every body figure of the diffs, are left out.",
  ),
});

const checkpointLineage = z.object({
  group_id: id().exactOptional(),
  thread_id: id().exactOptional(),
  run_id: id().exactOptional(),
  checkpoint_id: id().exactOptional(),
  parent_checkpoint_id: id().exactOptional(),
  checkpoint_seq: count().exactOptional(),
  immutable: z.boolean(),
});

export const debugCheckpointSchema = z.object({
  step: count().describe("1-based place in the chain; 0 for the source."),
  id: id(),
  timestamp: when("When the request arrived"),
  created_at: when("When the trace was built"),
  provider: z.string(),
  model: z.string(),
  request_method: z.string(),
  request_path: z.string(),
  response_status: z.int().min(100).max(599),
  input_tokens: count().nullable(),
  output_tokens: count().nullable(),
  total_tokens: count().nullable(),
  estimated_cost_usd: z.number().nonnegative().nullable(),
  latency_ms: count(),
  time_to_first_token_ms: count().nullable(),
  time_to_first_token_us: count().nullable(),
  session_id: id().exactOptional().describe("The agent session, when the trace has one."),
  lineage: checkpointLineage,
  metadata: z.record(z.string(), z.unknown()),
  request_headers: z.string().exactOptional().describe(
    "With include_headers: the stored header map as JSON text (credentials redacted).",
  ),
  response_headers: z.string().exactOptional(),
  request_body: z.string().nullable().exactOptional().describe(
    "With include_bodies (and bodies:read): the stored body; null when not captured.",
  ),
  request_body_truncated: z.boolean().exactOptional(),
  response_body: z.string().nullable().exactOptional(),
  response_body_truncated: z.boolean().exactOptional(),
}).meta({ id: "DebugCheckpoint", description: "One trace of a lineage chain." });

const delta = () => z.int().nullable();
const size = () => count().nullable();

export const checkpointDiffSchema = z.object({
  from_checkpoint_id: id(),
  to_checkpoint_id: id(),
  provider_changed: z.boolean(),
  model_changed: z.boolean(),
  request_method_changed: z.boolean(),
  request_path_changed: z.boolean(),
  response_status_changed: z.boolean(),
  input_tokens_delta: delta(),
  output_tokens_delta: delta(),
  total_tokens_delta: delta(),
  latency_delta_ms: z.int(),
  estimated_cost_delta_usd: z.number().nullable(),
  request_headers_changed: z.boolean(),
  response_headers_changed: z.boolean(),
  request_body_changed: z.boolean().nullable().describe(
    "By SHA-256; null when either body is unknown (not captured, withheld) or both kept parts " +
      "match but one was cut at the capture cap.",
  ),
  response_body_changed: z.boolean().nullable(),
  request_headers_bytes_from: count(),
  request_headers_bytes_to: count(),
  response_headers_bytes_from: count(),
  response_headers_bytes_to: count(),
  request_body_bytes_from: size(),
  request_body_bytes_to: size(),
  response_body_bytes_from: size(),
  response_body_bytes_to: size(),
  metadata_keys_added: z.array(z.string()),
  metadata_keys_removed: z.array(z.string()),
  metadata_keys_changed: z.array(z.string()).describe(
    "Keys in both whose values' JSON differs (by SHA-256); sorted.",
  ),
}).meta({
  id: "DebugCheckpointDiff",
  description: "What changed from one checkpoint to the next.",
});

export const debugChainSchema = z.object({
  schema_version: z.literal("debug-chain.v1"),
  generated_at: when("When the document was made"),
  selection,
  options,
  source_trace_id: id(),
  source_timestamp: when("The source trace's created_at"),
  source: debugCheckpointSchema,
  chain: z.object({
    group_id: id().exactOptional(),
    thread_id: id().exactOptional(),
    run_id: id().exactOptional(),
    session_id: id().exactOptional(),
    target_checkpoint_id: id(),
    checkpoint_count: count(),
    truncated: z.boolean().describe("More traces matched than limit."),
    checkpoints: z.array(debugCheckpointSchema),
    lineage_identifier: z.enum([
      "(single trace)",
      "trace_group_id",
      "lineage_thread_id",
      "lineage_run_id",
      "session_id",
      "composite_filter",
    ]).describe(
      "What links the chain: the source's group (with its thread and run), thread, run, or " +
        "(ours) its agent session when it has no lineage headers.",
    ),
  }),
  diffs: z.array(checkpointDiffSchema).exactOptional().describe("With diff=true."),
}).meta({
  id: "DebugChain",
  description: "A trace's lineage chain in order (debug-chain.v1, as `ongoingai debug` prints it).",
});

// The schemas and the builder's types must describe the same document.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _doc: Same<z.output<typeof debugChainSchema>, DebugChainDocument> = true;
const _diff: Same<z.output<typeof checkpointDiffSchema>, CheckpointDiff> = true;
void _doc;
void _diff;

/**
 * The `debug-chain.v1` document (reference section 1.6) from traces already read and ordered:
 * checkpoints and the diffs between consecutive ones. Pure; `ongoingai debug` and
 * `GET /api/traces/{id}/lineage` both print it.
 *
 * As the original, except where it showed unknown as zero: token counts, costs and time to first
 * token stay null when unknown, and so do their deltas; a body that was not captured has no byte
 * count and no change flag (null), and a body cut at the capture cap whose kept part is the same
 * as the other's cannot be called unchanged (null). A `lineage.checkpoint_seq` of 0 is shown.
 */
import { createHash } from "node:crypto";
import { lineageOf, type Trace } from "../traces/mod.ts";

export const debugChainSchemaVersion = "debug-chain.v1";

export interface ChainSelection {
  trace_id?: string;
  trace_group_id?: string;
  thread_id?: string;
  run_id?: string;
  /** Ours: an agent session (`Trace.session_id`) as the chain. */
  session_id?: string;
}

export interface ChainOptions {
  limit: number;
  include_diff: boolean;
  include_headers: boolean;
  include_bodies: boolean;
  /** Ours, API only: bodies were asked for but the caller lacks `bodies:read`. */
  bodies_withheld?: true;
}

export interface CheckpointLineage {
  group_id?: string;
  thread_id?: string;
  run_id?: string;
  checkpoint_id?: string;
  parent_checkpoint_id?: string;
  checkpoint_seq?: number;
  immutable: boolean;
}

export interface Checkpoint {
  step: number;
  id: string;
  timestamp: string;
  created_at: string;
  provider: string;
  model: string;
  request_method: string;
  request_path: string;
  response_status: number;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  estimated_cost_usd: number | null;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  time_to_first_token_us: number | null;
  session_id?: string;
  lineage: CheckpointLineage;
  metadata: Record<string, unknown>;
  /** The stored header map as JSON text (the original's raw stored string). */
  request_headers?: string;
  response_headers?: string;
  /** The stored body; null when it was not captured. */
  request_body?: string | null;
  request_body_truncated?: boolean;
  response_body?: string | null;
  response_body_truncated?: boolean;
}

export interface CheckpointDiff {
  from_checkpoint_id: string;
  to_checkpoint_id: string;
  provider_changed: boolean;
  model_changed: boolean;
  request_method_changed: boolean;
  request_path_changed: boolean;
  response_status_changed: boolean;
  input_tokens_delta: number | null;
  output_tokens_delta: number | null;
  total_tokens_delta: number | null;
  latency_delta_ms: number;
  estimated_cost_delta_usd: number | null;
  request_headers_changed: boolean;
  response_headers_changed: boolean;
  request_body_changed: boolean | null;
  response_body_changed: boolean | null;
  request_headers_bytes_from: number;
  request_headers_bytes_to: number;
  response_headers_bytes_from: number;
  response_headers_bytes_to: number;
  request_body_bytes_from: number | null;
  request_body_bytes_to: number | null;
  response_body_bytes_from: number | null;
  response_body_bytes_to: number | null;
  metadata_keys_added: string[];
  metadata_keys_removed: string[];
  metadata_keys_changed: string[];
}

export type LineageIdentifier =
  | "(single trace)"
  | "trace_group_id"
  | "lineage_thread_id"
  | "lineage_run_id"
  | "session_id"
  | "composite_filter";

export interface DebugChainDocument {
  schema_version: typeof debugChainSchemaVersion;
  generated_at: string;
  selection: ChainSelection;
  options: ChainOptions;
  source_trace_id: string;
  source_timestamp: string;
  source: Checkpoint;
  chain: {
    group_id?: string;
    thread_id?: string;
    run_id?: string;
    session_id?: string;
    target_checkpoint_id: string;
    checkpoint_count: number;
    truncated: boolean;
    checkpoints: Checkpoint[];
    lineage_identifier: LineageIdentifier;
  };
  diffs?: CheckpointDiff[];
}

const encoder = new TextEncoder();
export const sha256Hex = (data: string | Uint8Array) =>
  createHash("sha256").update(data).digest("hex");
const bytes = (s: string) => encoder.encode(s).byteLength;

/** JSON with object keys sorted at every depth: one text per value, as Go's encoder gives. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function checkpointLineage(trace: Trace): CheckpointLineage {
  const l = lineageOf(trace);
  const out: CheckpointLineage = { immutable: l.immutable };
  if (l.group_id !== null) out.group_id = l.group_id;
  if (l.thread_id !== null) out.thread_id = l.thread_id;
  if (l.run_id !== null) out.run_id = l.run_id;
  out.checkpoint_id = l.checkpoint_id;
  if (l.parent_checkpoint_id !== null) out.parent_checkpoint_id = l.parent_checkpoint_id;
  if (l.checkpoint_seq !== null) out.checkpoint_seq = l.checkpoint_seq;
  return { ...out, immutable: l.immutable };
}

export function toCheckpoint(trace: Trace, step: number, options: ChainOptions): Checkpoint {
  const c: Checkpoint = {
    step,
    id: trace.id,
    timestamp: trace.timestamp,
    created_at: trace.created_at,
    provider: trace.provider,
    model: trace.model,
    request_method: trace.request_method,
    request_path: trace.request_path,
    response_status: trace.response_status,
    input_tokens: trace.input_tokens,
    output_tokens: trace.output_tokens,
    total_tokens: trace.total_tokens,
    estimated_cost_usd: trace.estimated_cost_usd,
    latency_ms: trace.latency_ms,
    time_to_first_token_ms: trace.time_to_first_token_ms,
    time_to_first_token_us: trace.time_to_first_token_us,
    lineage: checkpointLineage(trace),
    metadata: trace.metadata ?? {},
  };
  if (trace.session_id !== null) c.session_id = trace.session_id;
  if (options.include_headers) {
    c.request_headers = JSON.stringify(trace.request_headers);
    c.response_headers = JSON.stringify(trace.response_headers);
  }
  if (options.include_bodies) {
    c.request_body = trace.request_body;
    c.request_body_truncated = trace.request_body_truncated;
    c.response_body = trace.response_body;
    c.response_body_truncated = trace.response_body_truncated;
  }
  return c;
}

const delta = (from: number | null, to: number | null) =>
  from === null || to === null ? null : to - from;

interface Body {
  text: string | null;
  truncated: boolean;
}

/** Changed by SHA-256; null when either side is unknown, or both kept parts match but one was cut. */
function bodyChanged(from: Body, to: Body): boolean | null {
  if (from.text === null || to.text === null) return null;
  if (sha256Hex(from.text) !== sha256Hex(to.text)) return true;
  return from.truncated || to.truncated ? null : false;
}

function metadataKeyDiff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const added: string[] = [], removed: string[] = [], changed: string[] = [];
  for (const key of keys) {
    if (!(key in before)) added.push(key);
    else if (!(key in after)) removed.push(key);
    else if (sha256Hex(canonicalJson(before[key])) !== sha256Hex(canonicalJson(after[key]))) {
      changed.push(key);
    }
  }
  return { added, removed, changed };
}

/**
 * Consecutive checkpoints compared. `bodiesKnown` false (the caller may not read bodies): every
 * body figure is null, so the diff tells nothing about them.
 */
export function checkpointDiffs(items: readonly Trace[], bodiesKnown = true): CheckpointDiff[] {
  const diffs: CheckpointDiff[] = [];
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1]!, b = items[i]!;
    const reqH = [JSON.stringify(a.request_headers), JSON.stringify(b.request_headers)] as const;
    const resH = [JSON.stringify(a.response_headers), JSON.stringify(b.response_headers)] as const;
    const body = (t: Trace, which: "request" | "response"): Body =>
      bodiesKnown
        ? { text: t[`${which}_body`], truncated: t[`${which}_body_truncated`] }
        : { text: null, truncated: false };
    const size = (x: Body) => (x.text === null ? null : bytes(x.text));
    const [aReq, bReq, aRes, bRes] = [
      body(a, "request"),
      body(b, "request"),
      body(a, "response"),
      body(b, "response"),
    ];
    const keys = metadataKeyDiff(a.metadata ?? {}, b.metadata ?? {});
    diffs.push({
      from_checkpoint_id: a.id,
      to_checkpoint_id: b.id,
      provider_changed: a.provider.trim() !== b.provider.trim(),
      model_changed: a.model.trim() !== b.model.trim(),
      request_method_changed: a.request_method.trim() !== b.request_method.trim(),
      request_path_changed: a.request_path.trim() !== b.request_path.trim(),
      response_status_changed: a.response_status !== b.response_status,
      input_tokens_delta: delta(a.input_tokens, b.input_tokens),
      output_tokens_delta: delta(a.output_tokens, b.output_tokens),
      total_tokens_delta: delta(a.total_tokens, b.total_tokens),
      latency_delta_ms: b.latency_ms - a.latency_ms,
      estimated_cost_delta_usd: delta(a.estimated_cost_usd, b.estimated_cost_usd),
      request_headers_changed: sha256Hex(reqH[0]) !== sha256Hex(reqH[1]),
      response_headers_changed: sha256Hex(resH[0]) !== sha256Hex(resH[1]),
      request_body_changed: bodyChanged(aReq, bReq),
      response_body_changed: bodyChanged(aRes, bRes),
      request_headers_bytes_from: bytes(reqH[0]),
      request_headers_bytes_to: bytes(reqH[1]),
      response_headers_bytes_from: bytes(resH[0]),
      response_headers_bytes_to: bytes(resH[1]),
      request_body_bytes_from: size(aReq),
      request_body_bytes_to: size(bReq),
      response_body_bytes_from: size(aRes),
      response_body_bytes_to: size(bRes),
      metadata_keys_added: keys.added,
      metadata_keys_removed: keys.removed,
      metadata_keys_changed: keys.changed,
    });
  }
  return diffs;
}

/**
 * A complete, valid Trace for tests, with every field set; override what the test is about.
 */
import type { Trace } from "../../src/traces/trace.ts";

let counter = 0;

/** Distinct ids in creation order, 32 hex characters like real trace ids. */
export function fixtureId(): string {
  counter++;
  return counter.toString(16).padStart(32, "0");
}

export function makeTrace(overrides: Partial<Trace> = {}): Trace {
  return {
    id: fixtureId(),
    trace_group_id: null,
    org_id: "default",
    workspace_id: "default",
    gateway_key_id: null,
    timestamp: "2026-03-01T10:00:00.000Z",
    created_at: "2026-03-01T10:00:01.250Z",
    provider: "openai",
    model: "gpt-4o-mini",
    request_method: "POST",
    request_path: "/openai/v1/chat/completions",
    request_headers: { "Content-Type": ["application/json"], Authorization: ["[REDACTED]"] },
    request_body: null,
    request_body_truncated: false,
    response_status: 200,
    response_headers: { "Content-Type": ["application/json"] },
    response_body: null,
    response_body_truncated: false,
    input_tokens: 12,
    output_tokens: 30,
    total_tokens: 42,
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    usage_status: "exact",
    latency_ms: 1250,
    time_to_first_token_ms: 45,
    time_to_first_token_us: 45_000,
    api_key_hash: "hmac-sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    api_key_last4: "wxyz",
    estimated_cost_usd: 0.0000198,
    cost_status: "priced",
    cost_breakdown: null,
    streaming: false,
    error_code: null,
    client_aborted: false,
    correlation_id: "corr-0001",
    request_bytes: 180,
    response_bytes: 620,
    agent: null,
    agent_version: null,
    session_id: null,
    agent_thread_id: null,
    agent_turn_id: null,
    agent_request_kind: null,
    developer: null,
    route: null,
    attempt_count: 1,
    attempts: null,
    metadata: { lineage_checkpoint_id: "x", lineage_immutable: true, stream_chunks: 0 },
    ...overrides,
  };
}

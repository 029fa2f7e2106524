/**
 * `live.v1` documents for the pure tests, checked against the API's own schema so a fixture can
 * never drift from what the gateway sends.
 */
import {
  type LiveBusiestEntry,
  type LiveRecentRequest,
  type LiveResponse,
  liveResponseSchema,
  type LiveWindowFigures,
} from "../../src/api/mod.ts";

export function window(o: Partial<LiveWindowFigures> = {}): LiveWindowFigures {
  return {
    seconds: 10,
    truncated: false,
    requests: 23,
    errors: 1,
    input_tokens: 9000,
    output_tokens: 3040,
    total_tokens: 12040,
    unknown_usage_count: 0,
    cost_usd: 0.0123,
    unpriced_count: 0,
    partial_count: 0,
    requests_per_second: 2.3,
    tokens_per_second: 1204,
    cost_usd_per_minute: 0.0738,
    error_rate: 1 / 23,
    ...o,
  };
}

export function entry(name: string, o: Partial<LiveBusiestEntry> = {}): LiveBusiestEntry {
  return {
    name,
    provider: "openai",
    label: null,
    requests: 10,
    errors: 0,
    total_tokens: 4300,
    unknown_usage_count: 0,
    cost_usd: 0.05,
    unpriced_count: 0,
    partial_count: 0,
    ...o,
  };
}

export function recent(o: Partial<LiveRecentRequest> = {}): LiveRecentRequest {
  return {
    trace_id: "t-1",
    ended_at: "2026-12-07T15:06:23.512Z",
    provider: "openai",
    model: "gpt-4o-mini",
    status: 200,
    error_code: null,
    streaming: true,
    latency_ms: 840,
    time_to_first_token_ms: 212,
    total_tokens: 43,
    cost_usd: 0.000042,
    cost_status: "priced",
    key: "...abcd",
    agent: "claude-code",
    session_id: "s-42",
    developer: "ana",
    ...o,
  };
}

export function liveDoc(o: Partial<LiveResponse> = {}): LiveResponse {
  const doc: LiveResponse = {
    schema_version: "live.v1",
    generated_at: "2026-12-07T15:06:24.000Z",
    started_at: "2026-12-07T14:00:00.000Z",
    scope: { org_id: null, workspace_id: null },
    filter: null,
    sort: "requests",
    open_requests: 3,
    open_websockets: 0,
    open_streams: 1,
    last_10s: window(),
    last_minute: window({ seconds: 60, requests: 120, requests_per_second: 2 }),
    pipeline: { queue_depth: 4, queue_capacity: 10000, dropped_total: 2, dropped_last_minute: 0 },
    busiest: {
      models: [entry("gpt-4o-mini"), entry("claude-sonnet-4-5", { provider: "anthropic" })],
      keys: [entry("fp-0a1b2c", { label: "...abcd" })],
      sessions: [entry("s-42", { provider: null, label: "claude-code ana" })],
    },
    recent: [recent(), recent({ trace_id: "t-2", status: 429, error_code: "rate_limited" })],
    ...o,
  };
  return liveResponseSchema.parse(doc);
}

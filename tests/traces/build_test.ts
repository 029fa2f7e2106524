import assert from "node:assert/strict";
import { buildTrace, credentialHeaders } from "../../src/traces/mod.ts";
import { facts } from "./facts_fixture.ts";

Deno.test("buildTrace: exact usage, times, ttft and lineage", () => {
  const t = buildTrace(facts(), credentialHeaders);
  assert.equal(t.model, "gpt-4o-mini-2024-07-18");
  assert.equal(t.input_tokens, 10);
  assert.equal(t.total_tokens, 15);
  assert.equal(t.reasoning_tokens, 1);
  assert.equal(t.usage_status, "exact");
  assert.equal(t.timestamp, "2026-11-22T10:00:00.000Z");
  assert.equal(t.created_at, "2026-11-22T10:00:01.000Z");
  assert.equal(t.latency_ms, 1000);
  assert.equal(t.time_to_first_token_us, 42123);
  assert.equal(t.time_to_first_token_ms, 43);
  assert.equal(t.trace_group_id, "g");
  assert.equal(t.metadata.lineage_run_id, "r");
  assert.equal(t.metadata.lineage_checkpoint_seq, 3);
  assert.equal(t.metadata.lineage_checkpoint_id, "t1");
  assert.equal(t.metadata.api_key_last4, "cret");
});

Deno.test("buildTrace: unknown usage leaves tokens and cost null, never 0", () => {
  const t = buildTrace(
    facts({
      report: { model: null, usage: null, status: "unknown", parseErrors: 1 },
      cost: { estimated_cost_usd: null, cost_status: "unknown_usage" },
      errorCode: "upstream_truncated",
    }),
    credentialHeaders,
  );
  for (
    const f of ["input_tokens", "output_tokens", "total_tokens", "estimated_cost_usd"] as const
  ) {
    assert.equal(t[f], null, f);
  }
  assert.equal(t.usage_status, "unknown");
  assert.equal(t.model, "gpt-4o-mini");
  assert.equal(t.error_code, "upstream_truncated");
  assert.equal(t.metadata.usage_parse_errors, 1);
});

Deno.test("buildTrace: credentials are redacted in stored headers", () => {
  const t = buildTrace(facts(), credentialHeaders);
  assert.deepEqual(t.request_headers, {
    authorization: ["[REDACTED]"],
    "x-api-key": ["[REDACTED]"],
    "x-ongoingai-gateway-key": ["[REDACTED]"],
    "content-type": ["application/json"],
  });
  assert.deepEqual(t.response_headers["set-cookie"], ["[REDACTED]"]);
  assert.ok(!JSON.stringify(t).includes("sk-proj-secret"));
});

Deno.test("buildTrace: non-streaming responses have no time to first token", () => {
  const t = buildTrace(facts({ streaming: false }), credentialHeaders);
  assert.equal(t.time_to_first_token_ms, null);
  assert.equal(t.time_to_first_token_us, null);
});

Deno.test("buildTrace: client abort sets the flag from the error code", () => {
  const t = buildTrace(facts({ errorCode: "client_aborted", status: 499 }), credentialHeaders);
  assert.equal(t.client_aborted, true);
  assert.equal(t.response_status, 499);
});

Deno.test("buildTrace: the timeout phase and an in-band stream error land in metadata, only when set", () => {
  const plain = buildTrace(facts(), credentialHeaders).metadata;
  assert.equal("timeout_phase" in plain, false);
  assert.equal("upstream_stream_error" in plain, false);
  const timedOut = buildTrace(
    facts({ errorCode: "upstream_idle_timeout", timeoutPhase: "idle", upstreamStreamError: true }),
    credentialHeaders,
  ).metadata;
  assert.equal(timedOut.timeout_phase, "idle");
  assert.equal(timedOut.upstream_stream_error, true);
});

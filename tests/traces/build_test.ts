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

Deno.test("buildTrace: a report's corrupt frames and usage anomaly reach the metadata", () => {
  const table: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ["neither", {}, {}],
    ["corrupt frames", { frameErrors: 2, parseErrors: 2 }, { usage_frame_errors: 2 }],
    [
      "an anomaly",
      { usageAnomaly: "bedrock_openai_cache_double_count" },
      { usage_anomaly: "bedrock_openai_cache_double_count" },
    ],
  ];
  for (const [name, extra, want] of table) {
    const report = { model: null, usage: null, status: "none" as const, parseErrors: 0, ...extra };
    const t = buildTrace(facts({ report }), credentialHeaders);
    assert.equal(t.metadata.usage_frame_errors, want.usage_frame_errors, name);
    assert.equal(t.metadata.usage_anomaly, want.usage_anomaly, name);
  }
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

Deno.test("buildTrace: attribution from the request headers, claimed values scrubbed", () => {
  const codex = new Headers({
    "user-agent": "codex_exec/0.171.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.171.0)",
    "session-id": "01a24c4c-221f-7292-8afe-3e9679c05007",
    "thread-id": "01a24c4c-221f-7292-8afe-3e9679c05007",
    "x-codex-turn-metadata": JSON.stringify({ turn_id: "turn-1", request_kind: "turn" }),
    "x-ongoingai-user": "alice",
  });
  const keyId = { org_id: "default", workspace_id: "default", gateway_key_id: "gk_team_alice" };
  const cases: [string, Parameters<typeof facts>[0], Record<string, unknown>][] = [
    ["without team mode the claimed user is the developer", { requestHeaders: codex }, {
      agent: "codex",
      agent_version: "0.171.0",
      session_id: "01a24c4c-221f-7292-8afe-3e9679c05007",
      agent_thread_id: "01a24c4c-221f-7292-8afe-3e9679c05007",
      agent_turn_id: "turn-1",
      agent_request_kind: "turn",
      developer: "alice",
      claimed_user: undefined,
    }],
    ["in team mode the gateway key is; the claim is kept apart", {
      requestHeaders: codex,
      tenant: keyId,
    }, { developer: "gk_team_alice", claimed_user: "alice" }],
    ["team mode without a claim", { tenant: keyId }, {
      developer: "gk_team_alice",
      claimed_user: undefined,
      agent: null,
    }],
    ["a WebSocket relay's turn id from the frame wins", {
      requestHeaders: codex,
      agentTurnId: "turn-from-frame",
    }, { agent_turn_id: "turn-from-frame" }],
    ["a relay's unsafe turn id is dropped", { requestHeaders: codex, agentTurnId: "a b" }, {
      agent_turn_id: null,
    }],
    ["a relay with no turn (prewarm)", { requestHeaders: codex, agentTurnId: null }, {
      agent_turn_id: null,
    }],
    ["a relay's request kind from the frame wins", {
      requestHeaders: codex,
      agentRequestKind: "prewarm",
    }, { agent_request_kind: "prewarm" }],
    ["an unsafe request kind from a relay", { requestHeaders: codex, agentRequestKind: "<k>" }, {
      agent_request_kind: null,
    }],
    ["a credential claimed as the user is never stored", {
      requestHeaders: new Headers({
        "x-ongoingai-user": "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
      }),
    }, { developer: "[CREDENTIAL_REDACTED]" }],
    ["nothing claimed", {}, {
      agent: null,
      agent_version: null,
      session_id: null,
      agent_thread_id: null,
      agent_turn_id: null,
      agent_request_kind: null,
      developer: null,
    }],
  ];
  for (const [name, over, want] of cases) {
    const t = buildTrace(facts(over), credentialHeaders);
    const got: Record<string, unknown> = { ...t, claimed_user: t.metadata.claimed_user };
    for (const [field, value] of Object.entries(want)) {
      assert.equal(got[field], value, `${name}: ${field}`);
    }
  }
});

/**
 * The replay planner (api/replay_plan.ts) over a table of stored traces: every refusal with the
 * message that says what to do, the headers sent again, the answer protocols and the key header.
 * Overrides are in replay_plan_overrides_test.ts.
 */
import assert from "node:assert/strict";
import {
  planReplay,
  replayableBody,
  type ReplayContext,
  type ReplayPlan,
} from "../../src/api/replay_plan.ts";
import type { ReplayOptions } from "../../src/api/replay_options.ts";
import type { Trace } from "../../src/traces/mod.ts";
import { chatBody, ctx, noRoutes, refusal, stored, text } from "./replay_plan_fixture.ts";

Deno.test("replay plan: each refusal names its reason and what to do", () => {
  const cases: {
    name: string;
    trace: Partial<Trace>;
    options?: ReplayOptions;
    c?: ReplayContext;
    reason: string;
    says: RegExp[];
  }[] = [
    {
      name: "capture off",
      trace: { request_body: null, request_bytes: 180 },
      reason: "body_not_captured",
      says: [/tracing\.capture_bodies: false/, /Turn on tracing\.capture_bodies/],
    },
    {
      name: "dropped from a full queue (as the writer marks it: a string)",
      trace: {
        request_body: null,
        request_bytes: 180,
        metadata: { bodies_dropped: "queue_memory" },
      },
      reason: "body_not_captured",
      says: [/dropped from a full trace queue/, /queue_max_body_bytes/],
    },
    {
      name: "dropped from a full queue (boolean)",
      trace: { request_body: null, request_bytes: 180, metadata: { bodies_dropped: true } },
      reason: "body_not_captured",
      says: [/dropped from a full trace queue/],
    },
    {
      name: "PII storage drop",
      trace: {
        request_body: null,
        request_bytes: 180,
        metadata: { redaction_storage_drop: true, redaction_storage_drop_reason: "scan_failed" },
      },
      reason: "body_not_captured",
      says: [/could not redact it/, /\(scan_failed\)/],
    },
    {
      name: "truncated",
      trace: { request_body: '{"model":"gpt', request_body_truncated: true, request_bytes: 9000 },
      reason: "body_truncated",
      says: [/cut at tracing\.body_max_size/, /had 9000 bytes/, /Raise tracing\.body_max_size/],
    },
    {
      name: "altered (exact flag)",
      trace: { metadata: { request_body_altered: true, redaction_policy_id: "strict" } },
      reason: "body_altered",
      says: [/policy strict/, /allow_redacted: true/, /--allow-redacted/],
    },
    {
      name: "altered (legacy trace: only redaction_applied)",
      trace: { metadata: { redaction_applied: true, redaction_mode: "redact_storage" } },
      reason: "body_altered",
      says: [/not the bytes the client sent/],
    },
    {
      name: "provider gone",
      trace: { request_path: "/mistral/v1/chat/completions" },
      reason: "provider_gone",
      says: [/\/mistral\/v1\/chat\/completions/, /no configured provider/, /pass provider/],
    },
    {
      name: "root /v1 path without any route",
      trace: { request_path: "/v1/chat/completions" },
      c: noRoutes,
      reason: "provider_gone",
      says: [/no configured provider/],
    },
    {
      name: "provider unknown",
      trace: {},
      options: { provider: "nope" },
      reason: "provider_unknown",
      says: [/provider nope is not configured/],
    },
    {
      name: "provider of another wire format",
      trace: {},
      options: { provider: "anthropic" },
      reason: "provider_protocol",
      says: [
        /anthropic \(anthropic\) does not take the paths/,
        /openai wire format/,
        /name a route/,
      ],
    },
    {
      name: "set on a body that is not JSON",
      trace: { request_body: "not json", request_bytes: 8 },
      options: { set: { temperature: 0 } },
      reason: "body_not_json",
      says: [/not a JSON object/],
    },
    {
      name: "set on a JSON array",
      trace: { request_body: "[1,2]", request_bytes: 5 },
      options: { set: { temperature: 0 } },
      reason: "body_not_json",
      says: [/not a JSON object/],
    },
    {
      name: "set on a GET without a body",
      trace: { request_method: "GET", request_body: null, request_bytes: 0 },
      options: { set: { temperature: 0 } },
      reason: "body_not_json",
      says: [/not a JSON object/],
    },
    {
      name: "WebSocket frame that is not JSON",
      trace: { request_body: "nope", request_bytes: 4, metadata: { transport: "websocket" } },
      reason: "body_not_json",
      says: [/WebSocket frame is not a JSON object/],
    },
  ];
  for (const c of cases) {
    const base = stored();
    const trace = {
      ...base,
      ...c.trace,
      metadata: { ...base.metadata, ...c.trace.metadata },
    };
    const got = refusal(trace, c.options, c.c);
    assert.equal(got.code, "not_replayable", c.name);
    assert.equal(got.reason, c.reason, c.name);
    assert.ok(got.message.includes(trace.id) || c.reason === "provider_unknown", c.name);
    for (const re of c.says) assert.match(got.message, re, c.name);
  }
});

Deno.test("replay plan: allow_redacted sends an altered body as stored; a truncated one never", () => {
  const altered = stored({ metadata: { request_body_altered: true } });
  const plan = planReplay(altered, { allow_redacted: true }, ctx);
  assert.equal(text(plan.body), chatBody);
  assert.deepEqual(plan.changed, []);
  assert.equal(replayableBody(altered, true), chatBody);
  const legacy = stored({
    metadata: { redaction_applied: true, redaction_mode: "redact_storage" },
  });
  assert.equal(replayableBody(legacy, true), chatBody);
  const cut = stored({ request_body_truncated: true });
  assert.throws(() => replayableBody(cut, true), /cut at tracing\.body_max_size/);
});

Deno.test("replay plan: a legacy trace under redact_upstream is refused too", () => {
  // The stored body is what the provider got, not what the client sent.
  const trace = stored({
    metadata: { redaction_applied: true, redaction_mode: "redact_upstream" },
  });
  assert.equal(refusal(trace).reason, "body_altered");
});

Deno.test("replay plan: traces that are the bytes sent are not refused as altered", () => {
  const cases: { name: string; metadata: Record<string, unknown> }[] = [
    { name: "no PII policy", metadata: {} },
    { name: "policy found nothing", metadata: { redaction_applied: false, redaction_mode: "x" } },
    {
      name: "a new trace with a redaction elsewhere (a header): it says the body is as received",
      metadata: {
        redaction_applied: true,
        redaction_mode: "redact_storage",
        request_body_altered: false,
      },
    },
  ];
  for (const c of cases) {
    const trace = stored({ metadata: c.metadata });
    assert.equal(replayableBody(trace, false), chatBody, c.name);
  }
});

Deno.test("replay plan: a GET without a body is replayed without one", () => {
  const trace = stored({
    request_method: "GET",
    request_path: "/openai/v1/models",
    request_body: null,
    request_bytes: 0,
  });
  const plan = planReplay(trace, {}, ctx);
  assert.equal(plan.method, "GET");
  assert.equal(plan.url, "/openai/v1/models");
  assert.equal(plan.body, null);
  // The stored content-type is kept as sent; none is added for a request without a body.
  assert.deepEqual(plan.headers, [["content-type", "application/json"]]);
  assert.equal(plan.answerProtocol, null);
});

Deno.test("replay plan: a plain replay is the stored request byte for byte", () => {
  const plan = planReplay(stored(), {}, ctx);
  assert.equal(plan.method, "POST");
  assert.equal(plan.url, "/openai/v1/chat/completions");
  assert.equal(text(plan.body), chatBody);
  assert.deepEqual(plan.changed, []);
  assert.deepEqual(plan.notes, []);
  assert.equal(plan.answerProtocol, "openai.chat");
  assert.equal(plan.sourceAnswerProtocol, "openai.chat");
});

Deno.test("replay plan: only protocol headers are sent again", () => {
  const trace = stored({
    request_headers: {
      "Content-Type": ["application/json; charset=utf-8"],
      "anthropic-version": ["2023-06-01"],
      "anthropic-beta": ["a-2025", "b-2026"],
      "OpenAI-Beta": ["responses=v1"],
      "User-Agent": ["claude-cli/2.1.332"],
      "x-claude-code-session-id": ["s-1"],
      "session_id": ["s-2"],
      "x-ongoingai-session-id": ["s-3"],
      "originator": ["codex_cli_rs"],
      "Authorization": ["[REDACTED]"],
      "x-api-key": ["[REDACTED]"],
      "cookie": ["[REDACTED]"],
      "accept": ["[EMAIL_REDACTED:3f2a9c0d11e4b7a8]"],
    },
  });
  const plan = planReplay(trace, {}, ctx);
  assert.deepEqual(plan.headers, [
    ["content-type", "application/json; charset=utf-8"],
    ["anthropic-version", "2023-06-01"],
    ["anthropic-beta", "a-2025, b-2026"],
    ["openai-beta", "responses=v1"],
  ]);
  const bare = planReplay(stored({ request_headers: { "user-agent": ["x"] } }), {}, ctx);
  assert.deepEqual(bare.headers, [["content-type", "application/json"]]);
  const noBody = planReplay(
    stored({
      request_method: "GET",
      request_path: "/openai/v1/models",
      request_body: null,
      request_bytes: 0,
      request_headers: {},
    }),
    {},
    ctx,
  );
  assert.deepEqual(noBody.headers, []);
});

Deno.test("replay plan: the answer protocols of the destination and of the source", () => {
  const cases: {
    name: string;
    trace: Partial<Trace>;
    options?: ReplayOptions;
    answer: string | null;
    source: string | null;
  }[] = [
    { name: "chat", trace: {}, answer: "openai.chat", source: "openai.chat" },
    {
      name: "responses",
      trace: { request_path: "/openai/v1/responses" },
      answer: "openai.responses",
      source: "openai.responses",
    },
    {
      name: "anthropic",
      trace: { provider: "anthropic", request_path: "/anthropic/v1/messages" },
      answer: "anthropic.messages",
      source: "anthropic.messages",
    },
    {
      name: "gemini",
      trace: { provider: "gemini", request_path: "/gemini/v1beta/models/m:generateContent" },
      answer: "gemini.generate",
      source: "gemini.generate",
    },
    {
      name: "bedrock converse",
      trace: { provider: "bedrock", request_path: "/bedrock/model/amazon.nova-pro-v1:0/converse" },
      answer: "bedrock.converse",
      source: "bedrock.converse",
    },
    {
      name: "embeddings are not a message",
      trace: { request_path: "/openai/v1/embeddings", request_body: '{"input":"x"}' },
      answer: null,
      source: null,
    },
    {
      name: "a routed, translated source answered in its upstream's protocol",
      trace: {
        request_path: "/v1/chat/completions",
        metadata: { client_protocol: "openai.chat", upstream_protocol: "anthropic.messages" },
      },
      answer: "openai.chat",
      source: "anthropic.messages",
    },
    {
      name: "a source whose provider is gone from the config",
      trace: { provider: "retired" },
      answer: "openai.chat",
      source: null,
    },
  ];
  for (const c of cases) {
    const plan = planReplay(stored(c.trace), c.options ?? {}, ctx);
    assert.equal(plan.answerProtocol, c.answer, c.name);
    assert.equal(plan.sourceAnswerProtocol, c.source, c.name);
  }
});

Deno.test("replay plan: a given key goes in the header the destination reads", () => {
  const cases: { trace: Partial<Trace>; options?: ReplayOptions; header: [string, string] }[] = [
    { trace: {}, header: ["authorization", "Bearer K"] },
    { trace: {}, options: { provider: "groq" }, header: ["authorization", "Bearer K"] },
    {
      trace: { provider: "azure", request_path: "/azure/openai/deployments/d/chat/completions" },
      header: ["api-key", "K"],
    },
    {
      trace: { provider: "anthropic", request_path: "/anthropic/v1/messages" },
      header: ["x-api-key", "K"],
    },
    {
      trace: { provider: "gemini", request_path: "/gemini/v1beta/models/m:generateContent" },
      header: ["x-goog-api-key", "K"],
    },
    {
      trace: { provider: "bedrock", request_path: "/bedrock/model/amazon.nova-pro-v1:0/converse" },
      header: ["authorization", "Bearer K"],
    },
  ];
  for (const c of cases) {
    const plan: ReplayPlan = planReplay(stored(c.trace), c.options ?? {}, ctx);
    assert.deepEqual([...plan.keyHeader("K")], c.header, JSON.stringify(c));
  }
});

// Defects found while writing these tests, fixed since: each test says what a correct plan does.

Deno.test({
  name: "replay plan: a model the destination cannot place is refused, not a silent replay",
  fn() {
    const cases: Partial<Trace>[] = [
      // Not a deployment name Azure accepts: azureWithModel returns the request unchanged.
      {
        provider: "azure",
        request_path: "/azure/openai/deployments/d1/chat/completions",
        request_body: '{"messages":[]}',
      },
      // A Gemini path without a model: geminiWithModel returns it unchanged.
      { provider: "gemini", request_path: "/gemini/v1beta/files", request_body: "{}" },
    ];
    for (const c of cases) {
      const got = refusal(stored(c), { model: "bad name/x" });
      assert.equal(got.code, "not_replayable");
    }
  },
});

Deno.test({
  name: "replay plan: a WebSocket frame keeps its bytes (64-bit integers, escapes)",
  fn() {
    const frame = '{"type":"response.create", "seed":12345678901234567890,"input":"\\u00e9"}';
    const trace = stored({
      request_method: "GET",
      request_path: "/openai/v1/responses",
      request_body: frame,
      request_bytes: frame.length,
      metadata: { transport: "websocket" },
    });
    const body = text(planReplay(trace, {}, ctx).body)!;
    assert.match(body, /12345678901234567890/);
    assert.match(body, /\\u00e9/);
  },
});

Deno.test({
  name: "replay plan: a body dropped with capture on is not told to turn capture on",
  fn() {
    for (const metadata of [{ bodies_dropped: "queue_memory" }, { redaction_storage_drop: true }]) {
      const got = refusal(stored({ request_body: null, request_bytes: 180, metadata }));
      assert.doesNotMatch(got.message, /Turn on tracing\.capture_bodies/);
    }
  },
});

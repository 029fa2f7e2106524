/**
 * The Responses API's WebSocket frames as the relay reads them: client creates (prewarm, turn id,
 * output cap) and server events (deltas without parsing, terminal events, ids, error statuses),
 * and the SSE form the usage parser and the stored transcript get.
 */
import assert from "node:assert/strict";
import { openAiAdapter, responsesWebSocket as ws } from "../../src/providers/mod.ts";

Deno.test("responses ws: the adapter of OpenAI-format providers has it; the path rule", () => {
  assert.equal(openAiAdapter.webSocket, ws);
  const cases: [string, boolean][] = [
    ["/v1/responses", true],
    ["/v1/responses/", true],
    ["/openai/v1/responses", true],
    ["/responses", true],
    ["/v1/responses/resp_1", false],
    ["/v1/chat/completions", false],
    ["/v1/responsesx", false],
  ];
  for (const [path, want] of cases) assert.equal(ws.accepts(path), want, path);
});

Deno.test("responses ws: client frames", () => {
  const cases: [string, string, ReturnType<typeof ws.clientFrame>][] = [
    [
      "a turn",
      JSON.stringify({
        type: "response.create",
        model: " gpt-5.5 ",
        max_output_tokens: 500,
        client_metadata: { turn_id: "t-1" },
      }),
      {
        kind: "create",
        model: "gpt-5.5",
        generate: true,
        maxTokens: 500,
        clientMetadata: { turn_id: "t-1" },
      },
    ],
    [
      "Codex's prewarm (generate false, empty turn id)",
      JSON.stringify({
        type: "response.create",
        model: "gpt-5.5",
        generate: false,
        input: [],
        client_metadata: { turn_id: "" },
      }),
      {
        kind: "create",
        model: "gpt-5.5",
        generate: false,
        maxTokens: null,
        clientMetadata: { turn_id: "" },
      },
    ],
    [
      "no model, odd metadata",
      '{"type":"response.create","client_metadata":[1]}',
      { kind: "create", model: null, generate: true, maxTokens: null, clientMetadata: null },
    ],
    [
      "an ack: known, generates nothing",
      '{"type":"response.processed","response_id":"r"}',
      { kind: "passive", type: "response.processed" },
    ],
    ["an unknown type", '{"type":"response.append"}', { kind: "unknown", type: "response.append" }],
    ["a create in another case", '{"type":"Response.Create"}', {
      kind: "unknown",
      type: "Response.Create",
    }],
    ["not JSON", "{nope", { kind: "invalid", reason: "not valid JSON" }],
    ["NaN (JSON to lenient parsers only)", '{"type":"response.create","t":NaN}', {
      kind: "invalid",
      reason: "not valid JSON",
    }],
    ["an array", "[]", { kind: "invalid", reason: "not a JSON object" }],
    ["no type", '{"model":"m"}', { kind: "invalid", reason: 'no string "type" field' }],
    ["a type that is no string", '{"type":1}', {
      kind: "invalid",
      reason: 'no string "type" field',
    }],
  ];
  for (const [name, text, want] of cases) assert.deepEqual(ws.clientFrame(text), want, name);
});

Deno.test("responses ws: server events", () => {
  const none = { responseId: null, terminal: false, delta: false, status: null };
  const cases: [string, string, ReturnType<typeof ws.serverEvent>][] = [
    [
      "a delta, read without parsing",
      '{"type":"response.output_text.delta","delta":"hi"',
      { ...none, type: "response.output_text.delta", delta: true },
    ],
    [
      "created names its response",
      '{"type":"response.created","response":{"id":"resp_1"}}',
      { ...none, type: "response.created", responseId: "resp_1" },
    ],
    [
      "completed ends it",
      '{"sequence_number":9,"type":"response.completed","response":{"id":"resp_1"}}',
      { ...none, type: "response.completed", responseId: "resp_1", terminal: true },
    ],
    [
      "incomplete and failed end it too",
      '{"type":"response.incomplete","response":{"id":"r"}}',
      { ...none, type: "response.incomplete", responseId: "r", terminal: true },
    ],
    [
      "an error with its status",
      '{"type":"error","status":429,"error":{"code":"rate_limit_exceeded"}}',
      { ...none, type: "error", terminal: true, status: 429 },
    ],
    [
      "status_code alias; an invalid status is none",
      '{"type":"error","status_code":503}',
      { ...none, type: "error", terminal: true, status: 503 },
    ],
    // No valid status: the one the error's type means, never none (the trace would read 200).
    ["a bogus status, no error type: an upstream failure", '{"type":"error","status":"429"}', {
      ...none,
      type: "error",
      terminal: true,
      status: 502,
    }],
    [
      "no status, invalid_request_error",
      '{"type":"error","error":{"type":"invalid_request_error","code":"bad_param"}}',
      { ...none, type: "error", terminal: true, status: 400 },
    ],
    [
      "no status, a rate limit by type",
      '{"type":"error","error":{"type":"rate_limit_error"}}',
      { ...none, type: "error", terminal: true, status: 429 },
    ],
    [
      "no status, a rate limit by code",
      '{"type":"error","error":{"type":"requests","code":"rate_limit_exceeded"}}',
      { ...none, type: "error", terminal: true, status: 429 },
    ],
    [
      "no status, server_error",
      '{"type":"error","error":{"type":"server_error"}}',
      { ...none, type: "error", terminal: true, status: 502 },
    ],
    ["codex.rate_limits", '{"type":"codex.rate_limits"}', { ...none, type: "codex.rate_limits" }],
    [
      "a large event is read from its start",
      `{"type":"response.completed","sequence_number":1,"response":{"id":"resp_big","output":"${
        "x".repeat(100_000)
      }"}}`,
      { ...none, type: "response.completed", responseId: "resp_big", terminal: true },
    ],
    ["not JSON", "garbage", { ...none, type: null }],
    ["no type", '{"response":{"id":"x"}}', { ...none, type: null }],
  ];
  for (const [name, text, want] of cases) assert.deepEqual(ws.serverEvent(text), want, name);
});

Deno.test("responses ws: SSE form of an event and the error event", () => {
  assert.equal(ws.asSse('{"type":"x"}', "x"), 'event: x\ndata: {"type":"x"}\n\n');
  assert.equal(ws.asSse('{\n"a":1}', null), 'data: {\ndata: "a":1}\n\n');
  assert.equal(ws.asSse("{}", "bad\ntype"), "data: {}\n\n");
  assert.deepEqual(JSON.parse(ws.errorEvent(429, "rate_limited", "m")), {
    type: "error",
    status: 429,
    error: { type: "gateway_error", code: "rate_limited", message: "m", param: null },
  });
  assert.deepEqual(JSON.parse(ws.errorEvent(429, "c", "m", { "retry-after": "3" })).headers, {
    "retry-after": "3",
  });
});

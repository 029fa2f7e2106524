/**
 * Table tests of in-band stream errors: every stream decoder turns each of its protocol's error
 * shapes into the IR error through T6's `inBandErrorOf` (kind, status, the provider-prefixed
 * message, the detail a client format names), and every stream encoder writes an IR error with
 * T6's client rows (`clientErrorOf`), the same type and code an HTTP error of that kind gets.
 */
import assert from "node:assert/strict";
import {
  AnthropicStreamDecoder,
  AnthropicStreamEncoder,
  ChatStreamDecoder,
  ChatStreamEncoder,
  clientErrorOf,
  ConverseStreamDecoder,
  ConverseStreamEncoder,
  type ErrorDetail,
  type ErrorKind,
  geminiApiOptions,
  GeminiStreamDecoder,
  GeminiStreamEncoder,
  Notes,
  openaiDialect,
  type ProviderError,
  ResponsesStreamDecoder,
  ResponsesStreamEncoder,
  type StreamEvent,
  unknownUsage,
  type UpstreamError,
} from "../../../src/providers/translate/mod.ts";

/** What a decoder must make of one in-band error: kind, status, message, detail. */
type Expected = [ErrorKind, number, string, ErrorDetail | null];

/** The decoder's last event must be the error, and nothing may follow it. */
function lastError(events: StreamEvent[], more: StreamEvent[]): UpstreamError {
  const e = events.at(-1);
  assert.equal(e?.type, "error", JSON.stringify(events));
  assert.deepEqual(more, [], "nothing after the error");
  return (e as { error: UpstreamError }).error;
}

function check(got: UpstreamError, [kind, status, message, detail]: Expected, name: string) {
  assert.deepEqual(
    [got.kind, got.status, got.message, got.detail ?? null],
    [kind, status, message, detail],
    name,
  );
}

const overloadText = "Our servers are currently overloaded. Please try again later.";

const chatCases: [string, string | null, string, Expected][] = [
  [
    "an OpenAI error object",
    null,
    '{"error":{"message":"m","type":"server_error","param":null,"code":null}}',
    ["server", 500, "openai: m", null],
  ],
  [
    "overloaded (OpenAI's code)",
    null,
    `{"error":{"message":"${overloadText}","type":"service_unavailable_error","code":"server_is_overloaded"}}`,
    ["overloaded", 529, `openai: ${overloadText}`, null],
  ],
  [
    "a rate limit",
    null,
    '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}',
    ["rate_limit", 429, "openai: Rate limit reached", null],
  ],
  // Billing, not a rate limit: waiting does not help (the decision in errors.ts).
  [
    "insufficient_quota",
    null,
    '{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}',
    ["permission", 403, "openai: You exceeded your current quota", "billing"],
  ],
  [
    "context_length_exceeded",
    null,
    '{"error":{"message":"maximum context length is 128000 tokens","type":"invalid_request_error","code":"context_length_exceeded"}}',
    ["invalid_request", 400, "openai: maximum context length is 128000 tokens", "context_length"],
  ],
  [
    "a bare string (vLLM, SGLang)",
    null,
    '{"error":"thinking_budget is not supported"}',
    ["invalid_request", 400, "openai: thinking_budget is not supported", null],
  ],
  [
    "a relay's numeric code beside `choices: []`",
    null,
    '{"choices":[],"error":{"message":"m","code":429}}',
    ["rate_limit", 429, "openai: m", null],
  ],
  [
    "a relay's 503",
    null,
    '{"error":{"message":"upstream unavailable","code":503}}',
    ["overloaded", 503, "openai: upstream unavailable", null],
  ],
  [
    "an `event: error` whose data is the error",
    "error",
    '{"message":"m","type":"invalid_request_error"}',
    ["invalid_request", 400, "openai: m", null],
  ],
  [
    "an error without a message",
    null,
    '{"error":{"type":"server_error"}}',
    ["server", 500, "openai: error without a message", null],
  ],
];

for (const [name, event, data, expected] of chatCases) {
  Deno.test(`stream errors: Chat decoder, ${name}`, () => {
    const d = new ChatStreamDecoder(openaiDialect, new Notes());
    const first = d.push({ event: null, data: '{"id":"c","model":"m","choices":[]}' });
    const events = [...first, ...d.push({ event, data })];
    check(lastError(events, d.end()), expected, name);
  });
}

const anthropicCases: [string, unknown, Expected][] = [
  [
    "overloaded_error",
    { type: "overloaded_error", message: "Overloaded" },
    ["overloaded", 529, "anthropic: Overloaded", null],
  ],
  [
    "rate_limit_error",
    { type: "rate_limit_error", message: "slow down" },
    ["rate_limit", 429, "anthropic: slow down", null],
  ],
  ["api_error", { type: "api_error", message: "boom" }, ["server", 500, "anthropic: boom", null]],
  [
    "timeout_error",
    { type: "timeout_error", message: "late" },
    ["timeout", 504, "anthropic: late", null],
  ],
  [
    "authentication_error",
    { type: "authentication_error", message: "bad key" },
    ["authentication", 401, "anthropic: bad key", null],
  ],
  [
    "billing_error",
    { type: "billing_error", message: "Your credit balance is too low" },
    ["permission", 402, "anthropic: Your credit balance is too low", "billing"],
  ],
  [
    "request_too_large",
    { type: "request_too_large", message: "too big" },
    ["request_too_large", 413, "anthropic: too big", null],
  ],
  [
    "an overflow",
    {
      type: "invalid_request_error",
      message: "prompt is too long: 200049 tokens > 200000 maximum",
    },
    [
      "invalid_request",
      400,
      "anthropic: prompt is too long: 200049 tokens > 200000 maximum",
      "context_length",
    ],
  ],
  [
    "a type Anthropic does not document (T6's status-less rule)",
    { type: "novel_error", message: "new" },
    ["invalid_request", 400, "anthropic: new", null],
  ],
];

for (const [name, error, expected] of anthropicCases) {
  Deno.test(`stream errors: Anthropic decoder, event: error ${name}`, () => {
    const d = new AnthropicStreamDecoder(new Notes());
    const start = d.push({
      event: "message_start",
      data: '{"type":"message_start","message":{"id":"m","model":"x","usage":{}}}',
    });
    const data = JSON.stringify({ type: "error", error });
    const events = [...start, ...d.push({ event: "error", data })];
    check(lastError(events, d.end()), expected, name);
  });
}

const created = { type: "response.created", response: { id: "r", model: "m" } };
const failed = (error: unknown) => ({
  type: "response.failed",
  response: { id: "r", status: "failed", error },
});

const responsesCases: [string, unknown, Expected][] = [
  [
    "response.failed server_is_overloaded",
    failed({ code: "server_is_overloaded", message: overloadText }),
    ["overloaded", 529, `openai: ${overloadText}`, null],
  ],
  [
    "response.failed server_error",
    failed({ code: "server_error", message: "boom" }),
    ["server", 500, "openai: boom", null],
  ],
  [
    "response.failed rate_limit_exceeded",
    failed({ code: "rate_limit_exceeded", message: "Rate limit reached" }),
    ["rate_limit", 429, "openai: Rate limit reached", null],
  ],
  [
    "response.failed context_length_exceeded",
    failed({ code: "context_length_exceeded", message: "too long" }),
    ["invalid_request", 400, "openai: too long", "context_length"],
  ],
  [
    "response.failed insufficient_quota",
    failed({ code: "insufficient_quota", message: "quota" }),
    ["permission", 403, "openai: quota", "billing"],
  ],
  [
    "response.failed without an error",
    failed(null),
    ["server", 500, "openai: response.failed without an error", null],
  ],
  [
    "an error event",
    { type: "error", code: "rate_limit_exceeded", message: "Rate limit reached", param: null },
    ["rate_limit", 429, "openai: Rate limit reached", null],
  ],
  [
    "an error event with a nested error",
    {
      type: "error",
      error: { type: "service_unavailable_error", code: "server_is_overloaded", message: "busy" },
    },
    ["overloaded", 529, "openai: busy", null],
  ],
  [
    "a WebSocket error frame with its status beside the error",
    { type: "error", status: 429, error: { type: "x", code: "x", message: "wait" } },
    ["rate_limit", 429, "openai: wait", null],
  ],
];

for (const [name, event, expected] of responsesCases) {
  Deno.test(`stream errors: Responses decoder, ${name}`, () => {
    const d = new ResponsesStreamDecoder(new Notes());
    const events = [...d.push(created), ...d.push(event)];
    check(lastError(events, []), expected, name);
  });
}

Deno.test("stream errors: Responses decoder, an error event before response.created", () => {
  const d = new ResponsesStreamDecoder(new Notes());
  const events = d.push({ type: "error", code: "server_error", message: "x" });
  check(lastError(events, []), ["server", 500, "openai: x", null], "first event");
});

const geminiCases: [string, unknown, Expected][] = [
  [
    "503 UNAVAILABLE",
    { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" },
    ["overloaded", 503, "gemini: The model is overloaded.", null],
  ],
  [
    "500 INTERNAL",
    { code: 500, message: "internal", status: "INTERNAL" },
    ["server", 500, "gemini: internal", null],
  ],
  [
    "504 DEADLINE_EXCEEDED",
    { code: 504, message: "late", status: "DEADLINE_EXCEEDED" },
    ["timeout", 504, "gemini: late", null],
  ],
  [
    "403 PERMISSION_DENIED",
    { code: 403, message: "no", status: "PERMISSION_DENIED" },
    ["permission", 403, "gemini: no", null],
  ],
  [
    "400 overflow",
    {
      code: 400,
      message:
        "The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).",
      status: "INVALID_ARGUMENT",
    },
    [
      "invalid_request",
      400,
      "gemini: The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).",
      "context_length",
    ],
  ],
];

for (const [name, error, expected] of geminiCases) {
  Deno.test(`stream errors: Gemini decoder, error chunk ${name}`, () => {
    const d = new GeminiStreamDecoder("gemini-2.5-pro", new Notes());
    const events = [
      ...d.chunk({ responseId: "g", candidates: [{ content: { parts: [{ text: "hi" }] } }] }),
      ...d.chunk({ error }),
    ];
    check(lastError(events, d.end()), expected, name);
    // The open text block is closed before the error.
    assert.deepEqual(events.at(-2), { type: "block_stop", index: 0 });
  });
}

Deno.test("stream errors: Gemini decoder, a 429 chunk's RetryInfo is the wait", () => {
  const d = new GeminiStreamDecoder("gemini-2.5-pro", new Notes());
  const events = d.chunk({
    error: {
      code: 429,
      message: "Resource exhausted",
      status: "RESOURCE_EXHAUSTED",
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" }],
    },
  });
  const e = lastError(events, d.end());
  check(e, ["rate_limit", 429, "gemini: Resource exhausted", null], "429");
  assert.equal(e.retryAfterMs, 7000);
});

const bedrockCases: [string, string, string, string, Expected][] = [
  [
    "throttlingException",
    "exception",
    "throttlingException",
    '{"message":"slow down"}',
    ["rate_limit", 429, "bedrock: throttlingException: slow down", null],
  ],
  [
    "serviceUnavailableException",
    "exception",
    "serviceUnavailableException",
    '{"message":"busy"}',
    ["overloaded", 503, "bedrock: serviceUnavailableException: busy", null],
  ],
  [
    "modelStreamErrorException",
    "exception",
    "modelStreamErrorException",
    '{"message":"The model stream failed","originalStatusCode":500}',
    ["server", 424, "bedrock: modelStreamErrorException: The model stream failed", null],
  ],
  [
    "validationException",
    "exception",
    "validationException",
    '{"message":"bad"}',
    ["invalid_request", 400, "bedrock: validationException: bad", null],
  ],
  [
    "validationException, an overflow",
    "exception",
    "validationException",
    '{"message":"Input is too long for requested model."}',
    [
      "invalid_request",
      400,
      "bedrock: validationException: Input is too long for requested model.",
      "context_length",
    ],
  ],
  [
    "internalServerException",
    "exception",
    "internalServerException",
    '{"message":"boom"}',
    ["server", 500, "bedrock: internalServerException: boom", null],
  ],
  [
    "an exception type Bedrock does not document",
    "exception",
    "novelException",
    '{"message":"new"}',
    ["server", 500, "bedrock: novelException: new", null],
  ],
  [
    "a payload that is not JSON",
    "exception",
    "throttlingException",
    "slow down",
    ["rate_limit", 429, "bedrock: throttlingException: slow down", null],
  ],
  [
    "a `:message-type: error` (its `:error-code`)",
    "error",
    "InternalFailure",
    '{"message":"failed"}',
    ["server", 500, "bedrock: InternalFailure: failed", null],
  ],
];

for (const [name, messageType, type, payload, expected] of bedrockCases) {
  Deno.test(`stream errors: Converse decoder, ${name}`, () => {
    const d = new ConverseStreamDecoder({ id: "b", model: "anthropic.claude" });
    const notes = new Notes();
    const events = [
      ...d.message({ messageType: "event", type: "messageStart", payload: "{}" }, notes),
      ...d.message({ messageType, type, payload }, notes),
    ];
    check(lastError(events, d.finish()), expected, name);
  });
}

// Encoders: each kind and detail as each client protocol's stream error.

/** [kind, detail] → Chat's `type`/`code`, Responses' `code`, Converse's exception member. */
const clientCodes: [ErrorKind, ErrorDetail | null, string, string | null, string, string][] = [
  [
    "invalid_request",
    null,
    "invalid_request_error",
    null,
    "invalid_request_error",
    "validationException",
  ],
  [
    "authentication",
    null,
    "authentication_error",
    null,
    "authentication_error",
    "validationException",
  ],
  ["permission", null, "permission_error", null, "permission_error", "validationException"],
  ["not_found", null, "invalid_request_error", "not_found", "not_found", "validationException"],
  [
    "request_too_large",
    null,
    "invalid_request_error",
    "request_too_large",
    "request_too_large",
    "validationException",
  ],
  [
    "rate_limit",
    null,
    "rate_limit_exceeded",
    "rate_limit_exceeded",
    "rate_limit_exceeded",
    "throttlingException",
  ],
  [
    "overloaded",
    null,
    "server_error",
    "server_is_overloaded",
    "server_is_overloaded",
    "serviceUnavailableException",
  ],
  ["server", null, "server_error", null, "server_error", "internalServerException"],
  ["timeout", null, "server_error", "timeout", "timeout", "internalServerException"],
  [
    "conflict",
    null,
    "invalid_request_error",
    "conflict",
    "conflict",
    "serviceUnavailableException",
  ],
  [
    "invalid_request",
    "context_length",
    "invalid_request_error",
    "context_length_exceeded",
    "context_length_exceeded",
    "validationException",
  ],
  [
    "permission",
    "billing",
    "insufficient_quota",
    "insufficient_quota",
    "insufficient_quota",
    "validationException",
  ],
  [
    "invalid_request",
    "content_policy",
    "invalid_request_error",
    "content_policy_violation",
    "content_policy_violation",
    "validationException",
  ],
];

/** Every kind, and each detail, as the IR error a decoder gives. */
const irErrors: UpstreamError[] = clientCodes.map(([kind, detail]) => ({
  kind,
  status: 500,
  message: `upstream: ${kind} ${detail ?? ""}`,
  retryAfterMs: null,
  detail,
}));
const errorEvent = (error: ProviderError): StreamEvent => ({ type: "error", error });

Deno.test("stream errors: Chat, Anthropic and Gemini encoders write T6's client rows", () => {
  for (const error of irErrors) {
    const chat = new ChatStreamEncoder(
      { dialect: openaiDialect, created: 1, includeUsage: false },
      new Notes(),
    ).push(errorEvent(error));
    const openai = clientErrorOf("openai.chat", error).body;
    assert.deepEqual(chat, [{ event: null, data: JSON.stringify(openai) }], error.kind);
    const anthropic = new AnthropicStreamEncoder(new Notes()).push(errorEvent(error));
    const an = clientErrorOf("anthropic.messages", error).body;
    assert.deepEqual(anthropic, [{ event: "error", data: JSON.stringify(an) }], error.kind);
    const gemini = new GeminiStreamEncoder(geminiApiOptions, new Notes()).event(errorEvent(error));
    assert.deepEqual(gemini, [clientErrorOf("gemini.generate", error).body], error.kind);
  }
});

for (const [kind, detail, type, code, responsesCode, exception] of clientCodes) {
  Deno.test(`stream errors: encoders, ${kind}${detail ? ` (${detail})` : ""}`, () => {
    const error: UpstreamError = {
      kind,
      status: 500,
      message: "gemini: said",
      retryAfterMs: null,
      detail,
    };
    const [chat] = new ChatStreamEncoder(
      { dialect: openaiDialect, created: 1, includeUsage: false },
      new Notes(),
    ).push(errorEvent(error));
    assert.deepEqual(JSON.parse(chat!.data), {
      error: {
        message: "gemini: said",
        type,
        param: detail === "context_length" ? "messages" : null,
        code,
      },
    });
    const responses = new ResponsesStreamEncoder({ createdAt: 1 }, new Notes());
    responses.push({ type: "start", id: "r", model: "m", usage: unknownUsage });
    const failed = responses.push(errorEvent(error)).at(-1)!;
    assert.equal(failed.type, "response.failed");
    assert.deepEqual((failed.response as Record<string, unknown>).error, {
      code: responsesCode,
      message: "gemini: said",
    });
    const converse = new ConverseStreamEncoder("m").event(errorEvent(error), new Notes());
    assert.deepEqual(converse, [{ kind: "exception", type: exception, message: "gemini: said" }]);
  });
}

Deno.test("stream errors: a decoded error keeps its detail for the client's encoder", () => {
  // Anthropic upstream, Chat and Responses clients: the overflow is OpenAI's own code.
  const d = new AnthropicStreamDecoder(new Notes());
  const [e] = d.push({
    event: "error",
    data: JSON.stringify({
      type: "error",
      error: { type: "invalid_request_error", message: "prompt is too long: 9 tokens > 8 maximum" },
    }),
  });
  assert.equal(e?.type, "error");
  const [chat] = new ChatStreamEncoder(
    { dialect: openaiDialect, created: 1, includeUsage: false },
    new Notes(),
  ).push(e!);
  assert.equal(JSON.parse(chat!.data).error.code, "context_length_exceeded");
  // An error without a detail is a plain ProviderError (no `detail` member on the event).
  const [plain] = new AnthropicStreamDecoder(new Notes()).push({
    event: "error",
    data: '{"type":"error","error":{"type":"api_error","message":"x"}}',
  });
  assert.ok(plain?.type === "error" && !("detail" in plain.error));
});

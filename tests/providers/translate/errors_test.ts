/**
 * Errors across protocols: every kind × detail × client format gets a status the client's own
 * SDK retries exactly when the kind is retryable (each SDK's rule restated from its code, see
 * errors.ts), real upstream error bodies classify through the adapters' `errorFacts` to the
 * expected kind, and the bodies per client format match goldens (tests/testdata/translate/errors/).
 */
import assert from "node:assert/strict";
import {
  anthropicOverflowPrefix,
  clientErrorOf,
  type ErrorDetail,
  type ErrorKind,
  inBandErrorOf,
  type Protocol,
  providerErrorOf,
  retryableKinds,
  TranslationError,
  translationErrorOf,
  type UpstreamError,
} from "../../../src/providers/translate/mod.ts";
import { anthropicErrorBodyFacts } from "../../../src/providers/anthropic_errors.ts";
import { openAiErrorBodyFacts } from "../../../src/providers/openai_errors.ts";
import { geminiErrorBodyFacts } from "../../../src/providers/gemini_errors.ts";
import { bedrockErrorFacts } from "../../../src/providers/bedrock_errors.ts";
import { maxErrorMessageChars } from "../../../src/providers/error_facts.ts";

const clients: Protocol[] = [
  "openai.chat",
  "openai.responses",
  "anthropic.messages",
  "gemini.generate",
  "bedrock.converse",
];
const kinds: ErrorKind[] = [
  "invalid_request",
  "authentication",
  "permission",
  "not_found",
  "request_too_large",
  "rate_limit",
  "overloaded",
  "server",
  "timeout",
  "conflict",
];
const details: (ErrorDetail | null)[] = [null, "context_length", "content_policy", "billing"];

/** `openai` 7.57.0 / `@anthropic-ai/sdk` 1.12.0 `shouldRetry`. */
function stainlessRetries(status: number, headers: Record<string, string>): boolean {
  if (headers["x-should-retry"] === "true") return true;
  if (headers["x-should-retry"] === "false") return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
/** `@google/genai` 3.6.1 `DEFAULT_RETRY_HTTP_STATUS_CODES`. */
function genaiRetries(status: number): boolean {
  return [408, 429, 500, 502, 503, 504].includes(status);
}
/** `@smithy/core` 3.41.1: throttling (429 or a throttling code) or a transient status. */
function awsRetries(status: number, type: string): boolean {
  const throttling = ["ThrottlingException", "TooManyRequestsException", "Throttling"];
  return status === 429 || throttling.includes(type) || [500, 502, 503, 504].includes(status);
}

function sdkRetries(client: Protocol, status: number, headers: Record<string, string>): boolean {
  switch (client) {
    case "gemini.generate":
      return genaiRetries(status);
    case "bedrock.converse":
      return awsRetries(status, headers["x-amzn-errortype"] ?? "");
    default:
      return stainlessRetries(status, headers);
  }
}

/** The same decision with only the status (a proxy in between that drops `x-should-retry`). */
function statusAloneRetries(client: Protocol, status: number, type: string): boolean {
  if (client === "gemini.generate") return genaiRetries(status);
  if (client === "bedrock.converse") return awsRetries(status, type);
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

for (const client of clients) {
  Deno.test(`errors: ${client} SDK retries exactly the retryable kinds`, () => {
    let cases = 0;
    for (const kind of kinds) {
      for (const detail of details) {
        const error: UpstreamError = {
          kind,
          status: 0,
          message: "upstream: x",
          retryAfterMs: null,
          detail,
        };
        const out = clientErrorOf(client, error);
        const retryable = retryableKinds.has(kind) && detail === null;
        const label = `${kind}/${detail} → ${out.status}`;
        // A detail (context, policy, billing) always comes with a non-retryable kind upstream;
        // the table still holds for the combinations that cannot arise.
        if (detail !== null && retryableKinds.has(kind)) continue;
        assert.equal(sdkRetries(client, out.status, out.headers), retryable, label);
        const type = out.headers["x-amzn-errortype"] ?? "";
        if (!(client.startsWith("openai") && detail === "billing")) {
          assert.equal(statusAloneRetries(client, out.status, type), retryable, `${label} alone`);
        }
        assert.ok(out.status >= 400 && out.status <= 599, label);
        cases++;
      }
    }
    assert.equal(cases, 10 + 5 * 3);
  });
}

Deno.test("errors: Anthropic 529 ⇄ OpenAI 503 and the client's own codes", () => {
  const overloaded: UpstreamError = {
    kind: "overloaded",
    status: 529,
    message: "anthropic: Overloaded",
    retryAfterMs: null,
    detail: null,
  };
  assert.equal(clientErrorOf("openai.chat", overloaded).status, 503);
  assert.equal(clientErrorOf("anthropic.messages", overloaded).status, 529);
  assert.equal(clientErrorOf("gemini.generate", overloaded).status, 503);
  assert.equal(clientErrorOf("bedrock.converse", overloaded).status, 503);
  const overflow: UpstreamError = {
    ...overloaded,
    kind: "invalid_request",
    status: 400,
    detail: "context_length",
  };
  const oa = clientErrorOf("openai.chat", overflow).body.error as Record<string, unknown>;
  assert.equal(oa.code, "context_length_exceeded");
  const an = clientErrorOf("anthropic.messages", overflow).body.error as Record<string, unknown>;
  assert.equal(an.type, "invalid_request_error");
  assert.ok(String(an.message).startsWith(anthropicOverflowPrefix));
  // Claude Code's own test for an overflow (in its 2.1.332 binary): /prompt is too long/i.
  assert.match(String(an.message), /prompt is too long/i);
});

/** Real upstream error bodies through the adapters' `errorFacts` to the IR kind and detail. */
const upstreamCases: {
  name: string;
  upstream: Protocol;
  status: number;
  body: string;
  kind: ErrorKind;
  detail: ErrorDetail | null;
}[] = [
  {
    name: "anthropic 529",
    upstream: "anthropic.messages",
    status: 529,
    body: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    kind: "overloaded",
    detail: null,
  },
  {
    name: "anthropic 429",
    upstream: "anthropic.messages",
    status: 429,
    body:
      '{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}',
    kind: "rate_limit",
    detail: null,
  },
  {
    name: "anthropic overflow",
    upstream: "anthropic.messages",
    status: 400,
    body:
      '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 200049 tokens > 200000 maximum"}}',
    kind: "invalid_request",
    detail: "context_length",
  },
  {
    name: "anthropic billing",
    upstream: "anthropic.messages",
    status: 400,
    body:
      '{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}',
    kind: "permission",
    detail: "billing",
  },
  {
    name: "anthropic 500",
    upstream: "anthropic.messages",
    status: 500,
    body: '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}',
    kind: "server",
    detail: null,
  },
  {
    name: "anthropic 401",
    upstream: "anthropic.messages",
    status: 401,
    body: '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
    kind: "authentication",
    detail: null,
  },
  {
    name: "anthropic 413",
    upstream: "anthropic.messages",
    status: 413,
    body:
      '{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}',
    kind: "request_too_large",
    detail: null,
  },
  {
    name: "openai overflow",
    upstream: "openai.chat",
    status: 400,
    body:
      '{"error":{"message":"This model\'s maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}',
    kind: "invalid_request",
    detail: "context_length",
  },
  {
    name: "openai quota",
    upstream: "openai.chat",
    status: 429,
    body:
      '{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}',
    kind: "permission",
    detail: "billing",
  },
  {
    name: "openai 429",
    upstream: "openai.responses",
    status: 429,
    body:
      '{"error":{"message":"Rate limit reached","type":"tokens","param":null,"code":"rate_limit_exceeded"}}',
    kind: "rate_limit",
    detail: null,
  },
  {
    name: "openai 503",
    upstream: "openai.chat",
    status: 503,
    body:
      '{"error":{"message":"The engine is currently overloaded","type":"server_error","param":null,"code":null}}',
    kind: "overloaded",
    detail: null,
  },
  {
    name: "openai policy",
    upstream: "openai.chat",
    status: 400,
    body:
      '{"error":{"message":"Your request was rejected","type":"invalid_request_error","param":null,"code":"content_policy_violation"}}',
    kind: "invalid_request",
    detail: "content_policy",
  },
  {
    name: "openai 404",
    upstream: "openai.chat",
    status: 404,
    body:
      '{"error":{"message":"The model `x` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}',
    kind: "not_found",
    detail: null,
  },
  {
    name: "gemini 503",
    upstream: "gemini.generate",
    status: 503,
    body:
      '{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}',
    kind: "overloaded",
    detail: null,
  },
  {
    name: "gemini 429",
    upstream: "gemini.generate",
    status: 429,
    body:
      '{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"27s"}]}}',
    kind: "rate_limit",
    detail: null,
  },
  {
    name: "gemini 504",
    upstream: "gemini.generate",
    status: 504,
    body: '{"error":{"code":504,"message":"Deadline exceeded","status":"DEADLINE_EXCEEDED"}}',
    kind: "timeout",
    detail: null,
  },
  {
    name: "gemini 403",
    upstream: "gemini.generate",
    status: 403,
    body: '{"error":{"code":403,"message":"Permission denied","status":"PERMISSION_DENIED"}}',
    kind: "permission",
    detail: null,
  },
  {
    name: "bedrock throttling",
    upstream: "bedrock.converse",
    status: 429,
    body: '{"message":"Too many requests, please wait before trying again."}',
    kind: "rate_limit",
    detail: null,
  },
  {
    name: "bedrock overflow",
    upstream: "bedrock.converse",
    status: 400,
    body: '{"message":"Input is too long for requested model."}',
    kind: "invalid_request",
    detail: "context_length",
  },
  {
    name: "bedrock unavailable",
    upstream: "bedrock.converse",
    status: 503,
    body: '{"message":"Service unavailable"}',
    kind: "overloaded",
    detail: null,
  },
  {
    name: "bedrock model timeout",
    upstream: "bedrock.converse",
    status: 408,
    body: '{"message":"Model has timed out in processing the request."}',
    kind: "timeout",
    detail: null,
  },
  {
    name: "bedrock model error",
    upstream: "bedrock.converse",
    status: 424,
    body: '{"message":"The model returned an error"}',
    kind: "server",
    detail: null,
  },
];

const bedrockTypes: Record<number, string> = {
  429: "ThrottlingException",
  400: "ValidationException",
  503: "ServiceUnavailableException",
  408: "ModelTimeoutException",
  424: "ModelErrorException",
};

function factsOf(upstream: Protocol, status: number, body: string) {
  switch (upstream) {
    case "anthropic.messages":
      return anthropicErrorBodyFacts(status, body);
    case "gemini.generate":
      return geminiErrorBodyFacts(status, body);
    case "bedrock.converse":
      return bedrockErrorFacts(
        status,
        body,
        new Headers({ "x-amzn-errortype": `${bedrockTypes[status]}:http://internal.amazon.com/` }),
      );
    default:
      return openAiErrorBodyFacts(status, body);
  }
}

for (const c of upstreamCases) {
  Deno.test(`errors: upstream ${c.name} → ${c.kind}${c.detail ? `/${c.detail}` : ""}`, () => {
    const error = providerErrorOf(c.upstream, c.status, factsOf(c.upstream, c.status, c.body));
    assert.equal(error.kind, c.kind);
    assert.equal(error.detail, c.detail);
    assert.equal(error.status, c.status);
    assert.match(error.message, /^(openai|anthropic|gemini|bedrock): ./);
    if (c.name === "gemini 429") assert.equal(error.retryAfterMs, 27_000);
  });
}

Deno.test("errors: in-band stream error (no status) and a message without text", () => {
  const e = providerErrorOf("gemini.generate", null, { category: "overloaded", message: null });
  assert.deepEqual(e, {
    kind: "overloaded",
    status: 529,
    message: "gemini: error without a message",
    retryAfterMs: null,
    detail: null,
  });
  const h = providerErrorOf("openai.chat", 502, { category: "other", message: "Bad gateway" });
  assert.equal(h.kind, "server");
});

Deno.test("errors: a hostile message is bounded in every client format", () => {
  const huge: UpstreamError = {
    kind: "server",
    status: 500,
    message: "x".repeat(100_000),
    retryAfterMs: null,
  };
  for (const client of clients) {
    const text = JSON.stringify(clientErrorOf(client, huge).body);
    assert.ok(text.length < maxErrorMessageChars + 200, `${client}: ${text.length}`);
  }
});

Deno.test("errors: retry-after passed on only for retryable kinds; Gemini gets RetryInfo", () => {
  const limited: UpstreamError = {
    kind: "rate_limit",
    status: 429,
    message: "m",
    retryAfterMs: 1500,
  };
  assert.equal(clientErrorOf("openai.chat", limited).headers["retry-after"], "2");
  assert.equal(clientErrorOf("openai.chat", limited).headers["retry-after-ms"], "1500");
  const g = clientErrorOf("gemini.generate", limited).body.error as Record<string, unknown>;
  assert.deepEqual(g.details, [{
    "@type": "type.googleapis.com/google.rpc.RetryInfo",
    retryDelay: "2s",
  }]);
  const bad: UpstreamError = { ...limited, kind: "invalid_request" };
  assert.equal(clientErrorOf("anthropic.messages", bad).headers["retry-after"], undefined);
});

const goldenDir = new URL("../../testdata/translate/errors/", import.meta.url).pathname;
const goldenErrors: Record<string, UpstreamError> = {
  overloaded: {
    kind: "overloaded",
    status: 529,
    message: "anthropic: Overloaded",
    retryAfterMs: 2000,
    detail: null,
  },
  context_length: {
    kind: "invalid_request",
    status: 400,
    message:
      "gemini: The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).",
    retryAfterMs: null,
    detail: "context_length",
  },
  billing: {
    kind: "permission",
    status: 429,
    message: "openai: You exceeded your current quota",
    retryAfterMs: null,
    detail: "billing",
  },
};

for (const client of clients) {
  Deno.test(`errors: golden bodies for a ${client} client`, () => {
    const got: Record<string, unknown> = {};
    for (const [name, error] of Object.entries(goldenErrors)) {
      got[name] = clientErrorOf(client, error);
    }
    got.translation = translationErrorOf(
      client,
      new TranslationError("messages[1].content[0]", "a video block has no counterpart"),
    );
    const file = `${goldenDir}${client}.json`;
    if (Deno.env.get("UPDATE_GOLDENS") === "1") {
      Deno.writeTextFileSync(file, JSON.stringify(got, null, 2) + "\n");
    }
    assert.deepEqual(got, JSON.parse(Deno.readTextFileSync(file)));
  });
}

Deno.test("errors: a TranslationError is a non-retryable 400 naming the field", () => {
  const e = new TranslationError("tools[3].parameters", "expected an object, got a string");
  for (const client of clients) {
    const out = translationErrorOf(client, e);
    assert.equal(out.status, 400);
    assert.equal(sdkRetries(client, out.status, out.headers), false);
    assert.ok(JSON.stringify(out.body).includes("tools[3].parameters"), client);
  }
});

/** Claude Code 2.1.332's reader of an overflow's figures (copied from its binary). */
const claudeCodeFigures = /prompt is too long[^0-9]*(\d+)\s*tokens?\s*>\s*(\d+)/i;

Deno.test("errors: overflows reach an Anthropic client with figures Claude Code reads", () => {
  const cases: [Protocol, number, string, number, number][] = [
    [
      "gemini.generate",
      400,
      '{"error":{"code":400,"message":"The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}',
      1048577,
      1048576,
    ],
    [
      "openai.chat",
      400,
      '{"error":{"message":"This model\'s maximum context length is 128000 tokens. However, your messages resulted in 130500 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}',
      130500,
      128000,
    ],
    [
      "bedrock.converse",
      400,
      '{"message":"prompt is too long: 200049 tokens > 200000 maximum"}',
      200049,
      200000,
    ],
  ];
  for (const [upstream, status, body, actual, limit] of cases) {
    const error = providerErrorOf(upstream, status, factsOf(upstream, status, body));
    assert.equal(error.detail, "context_length", upstream);
    const out = clientErrorOf("anthropic.messages", error);
    const message = String((out.body.error as Record<string, unknown>).message);
    const m = message.match(claudeCodeFigures);
    assert.ok(m, message);
    assert.deepEqual([Number(m[1]), Number(m[2])], [actual, limit], upstream);
    assert.ok(message.includes(error.message), "the provider's text is kept");
  }
});

Deno.test("errors: in-band stream errors per upstream protocol → IR kind", () => {
  const cases: [Protocol, unknown, string | null, ErrorKind, ErrorDetail | null, number][] = [
    [
      "anthropic.messages",
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
      null,
      "overloaded",
      null,
      529,
    ],
    [
      "openai.chat",
      { error: { message: "The server had an error", type: "server_error", code: null } },
      null,
      "server",
      null,
      500,
    ],
    [
      "openai.responses",
      { type: "error", code: "rate_limit_exceeded", message: "Rate limit reached" },
      null,
      "rate_limit",
      null,
      429,
    ],
    [
      "openai.responses",
      {
        type: "response.failed",
        response: { error: { code: "context_length_exceeded", message: "Too long" } },
      },
      null,
      "invalid_request",
      "context_length",
      400,
    ],
    [
      "gemini.generate",
      { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
      null,
      "overloaded",
      null,
      503,
    ],
    [
      "bedrock.converse",
      { message: "Too many tokens, please wait before trying again." },
      "throttlingException",
      "rate_limit",
      null,
      429,
    ],
    [
      "bedrock.converse",
      { message: "The model stream failed" },
      "modelStreamErrorException",
      "server",
      null,
      424,
    ],
  ];
  for (const [upstream, payload, type, kind, detail, status] of cases) {
    const e = inBandErrorOf(upstream, payload, type);
    assert.deepEqual([e.kind, e.detail, e.status], [kind, detail, status], `${upstream} ${kind}`);
  }
  // Nothing readable: still an error, never a TypeError.
  for (const upstream of clients) {
    for (const junk of [null, 7, "x", [], { error: "x" }]) {
      const e = inBandErrorOf(upstream, junk);
      assert.ok(e.message.length > 0);
    }
  }
});

/**
 * Bedrock error answers to `ProviderErrorFacts`: the type from `x-amzn-errortype`, else the
 * body's `code` or `__type` (smithy's restJson1 order), categories from the issue 20 plan 6.7.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  bedrockErrorFacts,
  bedrockStatusOf,
  sanitizeErrorType,
} from "../../src/providers/bedrock_errors.ts";
import type { ProviderErrorFacts } from "../../src/providers/error_facts.ts";

const ns = ":http://internal.amazon.com/coral/com.amazon.bedrock/";

function h(type: string): Headers {
  return new Headers({ "x-amzn-errortype": type });
}

Deno.test("bedrock error facts: table", () => {
  const cases: [string, number, string, Headers | undefined, ProviderErrorFacts][] = [
    [
      "throttling",
      429,
      '{"message":"Too many requests, please wait before trying again."}',
      h(`ThrottlingException${ns}`),
      { category: "rate_limited", message: "Too many requests, please wait before trying again." },
    ],
    [
      "service unavailable",
      503,
      '{"message":"Bedrock is unable to process your request."}',
      h("ServiceUnavailableException"),
      { category: "overloaded", message: "Bedrock is unable to process your request." },
    ],
    [
      "model not ready (429, but capacity)",
      429,
      '{"message":"Model is not ready to serve inference requests."}',
      h(`ModelNotReadyException${ns}`),
      { category: "overloaded", message: "Model is not ready to serve inference requests." },
    ],
    [
      "validation: input too long",
      400,
      '{"message":"Input is too long for requested model."}',
      h(`ValidationException${ns}`),
      { category: "context_length", message: "Input is too long for requested model." },
    ],
    [
      "validation: Anthropic's prompt too long, passed through",
      400,
      '{"message":"The model returned the following errors: prompt is too long: 200049 tokens > 200000 maximum"}',
      h("ValidationException"),
      {
        category: "context_length",
        message:
          "The model returned the following errors: prompt is too long: 200049 tokens > 200000 maximum",
      },
    ],
    [
      "validation: unknown model id",
      400,
      '{"message":"The provided model identifier is invalid."}',
      h("ValidationException"),
      { category: "not_found", message: "The provided model identifier is invalid." },
    ],
    [
      "validation: other",
      400,
      '{"message":"messages.0: field required"}',
      h("ValidationException"),
      { category: "invalid_request", message: "messages.0: field required" },
    ],
    [
      "access denied",
      403,
      `{"message":"You don't have access to the model with the specified model ID."}`,
      h("AccessDeniedException"),
      {
        category: "auth",
        message: "You don't have access to the model with the specified model ID.",
      },
    ],
    [
      "AWS auth layer, capitalised Message",
      403,
      '{"Message":"The security token included in the request is invalid."}',
      h("UnrecognizedClientException"),
      { category: "auth", message: "The security token included in the request is invalid." },
    ],
    [
      "resource not found",
      404,
      '{"message":"Model not found"}',
      h("ResourceNotFoundException"),
      { category: "not_found", message: "Model not found" },
    ],
    [
      "service quota",
      400,
      '{"message":"Your request exceeds the service quota for your account."}',
      h("ServiceQuotaExceededException"),
      {
        category: "rate_limited",
        message: "Your request exceeds the service quota for your account.",
      },
    ],
    [
      "model error 424",
      424,
      '{"message":"The model produced an invalid response.","originalStatusCode":500}',
      h("ModelErrorException"),
      { category: "server_error", message: "The model produced an invalid response." },
    ],
    [
      "model timeout 408",
      408,
      '{"message":"Model has timed out in processing the request."}',
      h("ModelTimeoutException"),
      { category: "server_error", message: "Model has timed out in processing the request." },
    ],
    [
      "internal server error",
      500,
      '{"message":"Internal server error"}',
      h("InternalServerException"),
      { category: "server_error", message: "Internal server error" },
    ],
    [
      "type in the body's __type when no header",
      429,
      '{"__type":"com.amazonaws.bedrockruntime#ThrottlingException","message":"slow down"}',
      undefined,
      { category: "rate_limited", message: "slow down" },
    ],
    [
      "type in the body's code",
      503,
      '{"Code":"ServiceUnavailableException","message":"unavailable"}',
      new Headers(),
      { category: "overloaded", message: "unavailable" },
    ],
    [
      "header wins over body",
      429,
      '{"__type":"ValidationException","message":"x"}',
      h("ThrottlingException"),
      { category: "rate_limited", message: "x" },
    ],
    [
      "unknown type: by status",
      502,
      '{"message":"bad gateway"}',
      h("SomethingNewException"),
      { category: "server_error", message: "bad gateway" },
    ],
    ["not JSON: by status", 503, "<html>503</html>", undefined, {
      category: "overloaded",
      message: null,
    }],
    ["empty body: by status", 429, "", undefined, { category: "rate_limited", message: null }],
    [
      "too large a body: by status only",
      400,
      `{"message":"${"x".repeat(70 * 1024)}"}`,
      undefined,
      { category: "invalid_request", message: null },
    ],
  ];
  for (const [name, status, body, headers, expected] of cases) {
    deepStrictEqual(bedrockErrorFacts(status, body, headers), expected, name);
  }
});

Deno.test("bedrock error facts: a long message is bounded", () => {
  const facts = bedrockErrorFacts(
    400,
    JSON.stringify({ message: "é".repeat(900) }),
    h("ValidationException"),
  );
  strictEqual(Array.from(facts.message!).length, 500);
});

Deno.test("bedrock error types: sanitised as smithy does; stream member names too", () => {
  strictEqual(sanitizeErrorType(`ThrottlingException${ns}`), "ThrottlingException");
  strictEqual(
    sanitizeErrorType("com.amazonaws.bedrockruntime#ValidationException"),
    "ValidationException",
  );
  strictEqual(sanitizeErrorType("ThrottlingException,Other"), "ThrottlingException");
  strictEqual(bedrockStatusOf("throttlingException"), 429);
  strictEqual(bedrockStatusOf("modelStreamErrorException"), 424);
  strictEqual(bedrockStatusOf("modelTimeoutException"), 408);
  strictEqual(bedrockStatusOf("serviceUnavailableException"), 503);
  strictEqual(bedrockStatusOf("internalServerException"), 500);
  strictEqual(bedrockStatusOf("validationException"), 400);
  strictEqual(bedrockStatusOf("nope"), null);
  strictEqual(bedrockStatusOf(null), null);
});

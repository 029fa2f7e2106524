/** Error bodies of each wire format to the routing facts: category and bounded message. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  anthropicAdapter,
  maxErrorMessageChars,
  openAiAdapter,
  type ProviderAdapter,
  type ProviderErrorCategory,
} from "../../src/providers/mod.ts";
import { fixture } from "./replay.ts";

const openAi = (error: Record<string, unknown>) => JSON.stringify({ error });
const anthropic = (type: string, message: string) =>
  JSON.stringify({ type: "error", error: { type, message }, request_id: "req_011CVQ" });

interface Case {
  name: string;
  adapter: ProviderAdapter;
  status: number;
  body: string;
  category: ProviderErrorCategory;
  message?: string | null;
}

const cases: Case[] = [
  {
    name: "openai: a code or type naming an Object.prototype member is no category",
    adapter: openAiAdapter,
    status: 400,
    body: openAi({ message: "odd", type: "constructor", param: null, code: "toString" }),
    category: "invalid_request",
    message: "odd",
  },
  {
    name: "openai 429 rate_limit_exceeded (tokens per minute) is a rate limit, not a context error",
    adapter: openAiAdapter,
    status: 429,
    body: openAi({
      message:
        "Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000. Please try again in 2s.",
      type: "tokens",
      param: null,
      code: "rate_limit_exceeded",
    }),
    category: "rate_limited",
  },
  {
    name: "openai 429 insufficient_quota is billing",
    adapter: openAiAdapter,
    status: 429,
    body: openAi({
      message: "You exceeded your current quota, please check your plan and billing details.",
      type: "insufficient_quota",
      param: null,
      code: "insufficient_quota",
    }),
    category: "billing",
    message: "You exceeded your current quota, please check your plan and billing details.",
  },
  {
    name: "openai 400 context_length_exceeded",
    adapter: openAiAdapter,
    status: 400,
    body: openAi({
      message:
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
      type: "invalid_request_error",
      param: "messages",
      code: "context_length_exceeded",
    }),
    category: "context_length",
  },
  {
    name: "openai-compatible 400 that only says it in words is a context error",
    adapter: openAiAdapter,
    status: 400,
    body: openAi({
      message: "This model's maximum context length is 32768 tokens. However, you requested 40000.",
      type: "BadRequestError",
      param: null,
      code: 400,
    }),
    category: "context_length",
  },
  {
    name: "azure 400 content_filter is a content-policy refusal",
    adapter: openAiAdapter,
    status: 400,
    body: openAi({
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
      type: null,
      param: "prompt",
      code: "content_filter",
      status: 400,
      innererror: { code: "ResponsibleAIPolicyViolation" },
    }),
    category: "content_policy",
  },
  {
    name: "openai responses invalid_prompt flagged by the usage policy",
    adapter: openAiAdapter,
    status: 400,
    body: openAi({
      message: "Invalid prompt: your prompt was flagged as potentially violating our usage policy.",
      type: "invalid_request_error",
      param: null,
      code: "invalid_prompt",
    }),
    category: "content_policy",
  },
  {
    name: "openai 401 invalid_api_key (recorded)",
    adapter: openAiAdapter,
    status: 401,
    body: new TextDecoder().decode(fixture("openai/error_401.json")),
    category: "auth",
  },
  {
    name: "openai 403 unsupported region is an account problem (auth)",
    adapter: openAiAdapter,
    status: 403,
    body: openAi({
      message: "Country, region, or territory not supported",
      type: "request_forbidden",
      param: null,
      code: "unsupported_country_region_territory",
    }),
    category: "auth",
  },
  {
    name: "openai 404 model_not_found",
    adapter: openAiAdapter,
    status: 404,
    body: openAi({
      message: "The model `gpt-9` does not exist or you do not have access to it.",
      type: "invalid_request_error",
      param: null,
      code: "model_not_found",
    }),
    category: "not_found",
  },
  {
    name: "openai 500 server_error",
    adapter: openAiAdapter,
    status: 500,
    body: openAi({
      message: "The server had an error while processing your request. Sorry about that!",
      type: "server_error",
      param: null,
      code: null,
    }),
    category: "server_error",
  },
  {
    name: "openai 503 engine overloaded (type server_error) is overloaded",
    adapter: openAiAdapter,
    status: 503,
    body: openAi({
      message: "The engine is currently overloaded, please try again later",
      type: "server_error",
      param: null,
      code: null,
    }),
    category: "overloaded",
  },
  {
    name: "openai 400 invalid value is an invalid request",
    adapter: openAiAdapter,
    status: 400,
    body: openAi({
      message: "Invalid value for 'temperature': must be between 0 and 2.",
      type: "invalid_request_error",
      param: "temperature",
      code: "invalid_value",
    }),
    category: "invalid_request",
  },
  {
    name: "a proxy's HTML 502 page goes by its status, without a message",
    adapter: openAiAdapter,
    status: 502,
    body: "<html><body><h1>502 Bad Gateway</h1></body></html>",
    category: "server_error",
    message: null,
  },
  {
    name: "anthropic 529 overloaded_error",
    adapter: anthropicAdapter,
    status: 529,
    body: anthropic("overloaded_error", "Overloaded"),
    category: "overloaded",
    message: "Overloaded",
  },
  {
    name: "anthropic 429 rate_limit_error",
    adapter: anthropicAdapter,
    status: 429,
    body: anthropic(
      "rate_limit_error",
      "This request would exceed the rate limit for your organization of 450,000 input tokens per minute.",
    ),
    category: "rate_limited",
  },
  {
    name: "anthropic 400 prompt is too long is a context error",
    adapter: anthropicAdapter,
    status: 400,
    body: anthropic("invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum"),
    category: "context_length",
  },
  {
    name: "anthropic 400 low credit balance is billing",
    adapter: anthropicAdapter,
    status: 400,
    body: anthropic(
      "invalid_request_error",
      "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
    ),
    category: "billing",
  },
  {
    name: "anthropic 400 field required (recorded) is an invalid request",
    adapter: anthropicAdapter,
    status: 400,
    body: new TextDecoder().decode(fixture("anthropic/error_400.json")),
    category: "invalid_request",
    message: "max_tokens: Field required",
  },
  {
    name: "anthropic 401 authentication_error",
    adapter: anthropicAdapter,
    status: 401,
    body: anthropic("authentication_error", "invalid x-api-key"),
    category: "auth",
  },
  {
    name: "anthropic 403 permission_error",
    adapter: anthropicAdapter,
    status: 403,
    body: anthropic(
      "permission_error",
      "Your API key does not have permission to use the specified resource.",
    ),
    category: "auth",
  },
  {
    name: "anthropic 402 billing_error",
    adapter: anthropicAdapter,
    status: 402,
    body: anthropic("billing_error", "Billing error"),
    category: "billing",
  },
  {
    name: "anthropic 404 not_found_error",
    adapter: anthropicAdapter,
    status: 404,
    body: anthropic("not_found_error", "model: claude-9"),
    category: "not_found",
  },
  {
    name: "anthropic 413 request_too_large",
    adapter: anthropicAdapter,
    status: 413,
    body: anthropic("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    category: "invalid_request",
  },
  {
    name: "anthropic 500 api_error and 504 timeout_error are server errors",
    adapter: anthropicAdapter,
    status: 504,
    body: anthropic("timeout_error", "Request timed out"),
    category: "server_error",
  },
  {
    name: "anthropic 503 without a body is overloaded",
    adapter: anthropicAdapter,
    status: 503,
    body: "",
    category: "overloaded",
    message: null,
  },
];

for (const c of cases) {
  Deno.test(`error facts: ${c.name}`, () => {
    const facts = c.adapter.errorFacts!(c.status, c.body);
    strictEqual(facts.category, c.category);
    if (c.message !== undefined) strictEqual(facts.message, c.message);
  });
}

Deno.test("error facts: a long message is cut to the bound at a code point, with an ellipsis", () => {
  const long = "é🙂".repeat(400);
  const facts = anthropicAdapter.errorFacts!(500, anthropic("api_error", long));
  const points = Array.from(facts.message!);
  strictEqual(points.length, maxErrorMessageChars);
  strictEqual(points.at(-1), "…");
  deepStrictEqual(points.slice(0, 4), ["é", "🙂", "é", "🙂"]);
});

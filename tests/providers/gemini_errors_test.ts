/**
 * Error facts of Gemini API and Vertex AI answers: the google.rpc body (also as a one-element
 * array), RetryInfo as `retryAfterMs`, Vertex's Anthropic-shaped model errors, bodies of other
 * shapes by status, and the raw JSON error assembler of streams (bounded).
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  durationMs,
  geminiErrorBodyFacts,
  type GeminiErrorFacts,
  vertexErrorBodyFacts,
} from "../../src/providers/gemini_errors.ts";
import { maxErrorBodyChars } from "../../src/providers/error_facts.ts";
import { maxUnframedChars, UnframedJsonAssembler } from "../../src/providers/gemini_unframed.ts";
import { fixture } from "./replay.ts";

const text = (file: string) => new TextDecoder().decode(fixture(file));

Deno.test("Gemini error bodies", () => {
  const cases: [string, number, GeminiErrorFacts][] = [
    ["gemini/error_429_retry_info.json", 429, {
      category: "rate_limited",
      message:
        "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
      retryAfterMs: 17000,
    }],
    ["gemini/error_400_api_key.json", 400, {
      category: "auth",
      message: "API key not valid. Please pass a valid API key.",
    }],
    // A one-element array (gemini-cli #6678).
    ["gemini/error_400_context.json", 400, {
      category: "context_length",
      message:
        "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).",
    }],
    ["gemini/error_400_precondition.json", 400, {
      category: "billing",
      message: "User location is not supported for the API use without a billing account linked.",
    }],
    ["gemini/error_503_overloaded.json", 503, {
      category: "overloaded",
      message: "The model is overloaded. Please try again later.",
    }],
    ["gemini/error_500_internal.json", 500, {
      category: "server_error",
      message:
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
    }],
    ["gemini/error_504_deadline.json", 504, {
      category: "server_error",
      message: "The request timed out. Please try again.",
    }],
    ["gemini/error_403_permission.json", 403, {
      category: "auth",
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    }],
    // The recorded 404 of a streamed request (Content-Type text/event-stream, JSON body).
    ["gemini/error_404_stream.json", 404, {
      category: "not_found",
      message:
        "models/custom-gemini-2.0-flash is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.",
    }],
  ];
  for (const [file, status, want] of cases) {
    deepStrictEqual(geminiErrorBodyFacts(status, text(file)), want, file);
  }
});

Deno.test("Vertex error bodies: google.rpc first, Anthropic's shape for Claude", () => {
  const cases: [string, number, GeminiErrorFacts][] = [
    ["vertex/error_429_quota.json", 429, {
      category: "rate_limited",
      message:
        "Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute_per_project_per_base_model with base model: gemini-2.5-pro. Please submit a quota increase request. https://cloud.google.com/vertex-ai/docs/generative-ai/quotas-genai.",
    }],
    ["vertex/error_401_token.json", 401, {
      category: "auth",
      message:
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    }],
    ["vertex/error_anthropic_overloaded.json", 529, {
      category: "overloaded",
      message: "Overloaded",
    }],
    ["vertex/error_anthropic_context.json", 400, {
      category: "context_length",
      message: "prompt is too long: 210000 tokens > 200000 maximum",
    }],
  ];
  for (const [file, status, want] of cases) {
    deepStrictEqual(vertexErrorBodyFacts(status, text(file)), want, file);
  }
});

Deno.test("bodies of other shapes go by status; Retry-After only when RetryInfo is absent", () => {
  deepStrictEqual(geminiErrorBodyFacts(502, "<html>Bad Gateway</html>"), {
    category: "server_error",
    message: null,
  });
  deepStrictEqual(geminiErrorBodyFacts(429, "", new Headers({ "retry-after": "3" })), {
    category: "rate_limited",
    message: null,
    retryAfterMs: 3000,
  });
  deepStrictEqual(
    geminiErrorBodyFacts(
      429,
      text("gemini/error_429_retry_info.json"),
      new Headers({ "retry-after": "3" }),
    ).retryAfterMs,
    17000,
  );
  deepStrictEqual(geminiErrorBodyFacts(429, "", new Headers({ "retry-after": "soon" })), {
    category: "rate_limited",
    message: null,
  });
  // Past the body bound: by status, nothing parsed.
  const huge = JSON.stringify({
    error: { code: 400, status: "INVALID_ARGUMENT", message: "x".repeat(maxErrorBodyChars) },
  });
  deepStrictEqual(geminiErrorBodyFacts(400, huge), { category: "invalid_request", message: null });
  // No status string: the code inside the object, then the HTTP status.
  deepStrictEqual(geminiErrorBodyFacts(500, '{"error":{"code":503,"message":"busy"}}'), {
    category: "overloaded",
    message: "busy",
  });
  deepStrictEqual(
    geminiErrorBodyFacts(
      400,
      '[{"error":{"code":400,"message":"Bad","status":"INVALID_ARGUMENT"}}]',
    ),
    {
      category: "invalid_request",
      message: "Bad",
    },
  );
  deepStrictEqual(geminiErrorBodyFacts(400, "[]"), { category: "invalid_request", message: null });
});

Deno.test("google.rpc Duration: bounded, in whole ms rounded up", () => {
  const cases: [unknown, number | null][] = [
    ["30s", 30000],
    ["17s", 17000],
    ["1.5s", 1500],
    ["0.0001s", 1],
    ["0s", 0],
    [" 2s ", 2000],
    ["999999999.999999999s", 1000000000000],
    ["1234567890s", null],
    ["-1s", null],
    ["1m", null],
    ["s", null],
    [30, null],
    [{ seconds: 30 }, null],
  ];
  for (const [v, want] of cases) strictEqual(durationMs(v), want, JSON.stringify(v));
});

Deno.test("unframed assembler: pretty and compact objects, garbage, bounds", () => {
  const a = new UnframedJsonAssembler();
  deepStrictEqual(a.push(""), { kind: "pending" });
  deepStrictEqual(a.push("{"), { kind: "pending" });
  // Braces inside strings (and escaped quotes) do not count.
  deepStrictEqual(a.push('  "error": { "message": "a } \\" {", "code": 429'), { kind: "pending" });
  deepStrictEqual(a.push("  }"), { kind: "pending" });
  deepStrictEqual(a.push("}"), {
    kind: "error",
    error: { message: 'a } " {', code: 429 },
  });
  strictEqual(a.open, false);
  deepStrictEqual(a.push('[{"error":{"code":500}}]'), { kind: "error", error: { code: 500 } });
  deepStrictEqual(a.push('{"candidates":[]}').kind, "garbage");
  deepStrictEqual(a.push("retry: soon").kind, "garbage");
  deepStrictEqual(a.push("}").kind, "garbage");
  deepStrictEqual(a.push('{"error":{}} {"error":{}}').kind, "garbage");
  deepStrictEqual(a.push('{"a":"unterminated').kind, "garbage");
  strictEqual(a.open, false);
  // An object that never closes is dropped at the bound, whatever its line count.
  const b = new UnframedJsonAssembler();
  b.push("{");
  let last = b.push('"k": "' + "x".repeat(100) + '",');
  let lines = 1;
  while (last.kind === "pending") {
    last = b.push('"k": "' + "x".repeat(100) + '",');
    lines++;
  }
  strictEqual(last.kind, "garbage");
  // Each line counts with its line end: "{" is 2, every other 109; the one past the bound trips.
  strictEqual(lines, Math.floor((maxUnframedChars - 2) / 109) + 1);
  strictEqual(b.open, false);
  deepStrictEqual(b.push("{"), { kind: "pending" });
  strictEqual(b.flush().kind, "garbage");
});

/**
 * Azure OpenAI error facts (azure_errors.ts) on recorded bodies (tests/testdata/azure/error_*,
 * sources in the README there): category, message, and the wait a 429 asks for.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  azureErrorBodyFacts,
  azureErrorFacts,
  maxRetryAfterMs,
  retryAfterHeaders,
} from "../../src/providers/azure_errors.ts";
import { maxErrorMessageChars } from "../../src/providers/error_facts.ts";
import { fixture } from "./replay.ts";

const text = (file: string) => new TextDecoder().decode(fixture(`azure/${file}`));
const message = (file: string) => JSON.parse(text(file)).error.message as string;

const cases: {
  file: string;
  status: number;
  headers?: Record<string, string>;
  category: string;
  retryAfterMs?: number;
}[] = [
  // The body asks for a day; the header's shorter wait is the one believed first.
  {
    file: "error_429_token_rate.json",
    status: 429,
    headers: { "retry-after": "45" },
    category: "rate_limited",
    retryAfterMs: 45_000,
  },
  {
    file: "error_429_token_rate.json",
    status: 429,
    headers: { "retry-after-ms": "1500.5", "retry-after": "45" },
    category: "rate_limited",
    retryAfterMs: 1501,
  },
  {
    file: "error_429_token_rate.json",
    status: 429,
    category: "rate_limited",
    retryAfterMs: 86_400_000,
  },
  { file: "error_429_try_again.json", status: 429, category: "rate_limited", retryAfterMs: 2000 },
  { file: "error_400_content_filter.json", status: 400, category: "content_policy" },
  { file: "error_400_inner_error.json", status: 400, category: "content_policy" },
  { file: "error_400_image_filter.json", status: 400, category: "content_policy" },
  { file: "error_400_context_length.json", status: 400, category: "context_length" },
  { file: "error_404_deployment.json", status: 404, category: "not_found" },
  { file: "error_401_key.json", status: 401, category: "auth" },
  { file: "error_401_unauthorized.json", status: 401, category: "auth" },
  { file: "error_400_stream_options.json", status: 400, category: "invalid_request" },
];

Deno.test("azure error bodies: category, message and wait", () => {
  for (const c of cases) {
    const facts = azureErrorBodyFacts(c.status, text(c.file), new Headers(c.headers));
    const want: Record<string, unknown> = { category: c.category, message: message(c.file).trim() };
    if (c.retryAfterMs !== undefined) want.retryAfterMs = c.retryAfterMs;
    deepStrictEqual(facts, want, c.file);
  }
});

Deno.test("azure error bodies: not Azure's shape goes by status; waits only for 429 and 503", () => {
  deepStrictEqual(azureErrorBodyFacts(502, "<html>Bad Gateway</html>"), {
    category: "server_error",
    message: null,
  });
  deepStrictEqual(azureErrorBodyFacts(429, "", new Headers({ "retry-after": "3" })), {
    category: "rate_limited",
    message: null,
    retryAfterMs: 3000,
  });
  deepStrictEqual(azureErrorBodyFacts(503, "{}", new Headers({ "retry-after-ms": "250" })), {
    category: "overloaded",
    message: null,
    retryAfterMs: 250,
  });
  // A 400 that says "retry after" asks for nothing.
  const filtered = azureErrorBodyFacts(
    400,
    text("error_400_content_filter.json"),
    new Headers({ "retry-after": "9" }),
  );
  strictEqual(filtered.retryAfterMs, undefined);
  // An over-long body is a page, not an error object.
  const big = JSON.stringify({
    error: { code: "DeploymentNotFound", message: "x".repeat(70_000) },
  });
  deepStrictEqual(azureErrorBodyFacts(404, big), { category: "not_found", message: null });
});

Deno.test("azure error facts: hostile values are bounded or ignored", () => {
  for (
    const v of ["-1", "1e3", "Fri, 31 Dec 2026 23:59:59 GMT", "9".repeat(70), "", "0x10", "NaN"]
  ) {
    strictEqual(retryAfterHeaders(new Headers({ "retry-after": v })), null, `retry-after ${v}`);
  }
  strictEqual(
    retryAfterHeaders(new Headers({ "retry-after-ms": "999999999999" })),
    maxRetryAfterMs,
  );
  strictEqual(retryAfterHeaders(new Headers({ "retry-after": "999999999" })), maxRetryAfterMs);
  strictEqual(retryAfterHeaders(undefined), null);
  const long = azureErrorFacts(400, { code: "content_filter", message: "m".repeat(5000) });
  strictEqual(long.category, "content_policy");
  strictEqual(Array.from(long.message!).length, maxErrorMessageChars);
  // Inner codes that are not strings, and objects that are not errors.
  deepStrictEqual(azureErrorFacts(400, { innererror: { code: 7 }, message: "bad" }), {
    category: "invalid_request",
    message: "bad",
  });
  deepStrictEqual(azureErrorFacts(null, "not an object"), { category: "other", message: null });
  deepStrictEqual(azureErrorFacts(404, { code: "toString" }), {
    category: "not_found",
    message: null,
  });
  deepStrictEqual(azureErrorFacts(400, { code: "constructor", type: "__proto__", message: "m" }), {
    category: "invalid_request",
    message: "m",
  });
});

Deno.test("azure error facts: in-band stream errors read the same object", () => {
  // The Chat Completions commit rules pass `{"error": {...}}` objects to `openAiErrorFacts`;
  // Azure's shapes fall back there unchanged except for Azure's own codes.
  deepStrictEqual(azureErrorFacts(null, JSON.parse(text("error_400_content_filter.json")).error), {
    category: "content_policy",
    message: message("error_400_content_filter.json"),
  });
});

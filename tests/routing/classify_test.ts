import assert from "node:assert/strict";
import { type AttemptOutcome, classify } from "../../src/routing/mod.ts";
import type { ProviderErrorCategory } from "../../src/providers/mod.ts";

const now = Date.UTC(2026, 11, 6, 12, 0, 0);
const status = (
  s: number,
  category: ProviderErrorCategory | null = null,
  headers: Record<string, string> = {},
): AttemptOutcome => ({
  kind: "status",
  status: s,
  headers: new Headers(headers),
  error: category === null ? null : { category, message: "m" },
});
const inBand = (category: ProviderErrorCategory | null): AttemptOutcome => ({
  kind: "failed_before_commit",
  reason: "in_band_error",
  status: 200,
  error: category === null ? null : { category, message: null },
});

// [name, outcome, pooled, verdict, breaker, key, hintMs]
type Row = [string, AttemptOutcome, boolean, string, string, string, number | null];
const rows: Row[] = [
  ["success", { kind: "success" }, false, "answer", "success", "none", null],
  ["429 no hint", status(429), false, "retry", "neutral", "none", null],
  [
    "429 Retry-After",
    status(429, "rate_limited", { "retry-after": "2" }),
    false,
    "retry",
    "neutral",
    "none",
    2000,
  ],
  [
    "429 pool key",
    status(429, null, { "retry-after": "20" }),
    true,
    "rotate_key",
    "neutral",
    "cool_down",
    20_000,
  ],
  [
    "429 insufficient_quota, own key",
    status(429, "billing"),
    false,
    "next",
    "neutral",
    "none",
    null,
  ],
  [
    "429 insufficient_quota, pool key",
    status(429, "billing"),
    true,
    "rotate_key",
    "neutral",
    "disable",
    null,
  ],
  ["500", status(500), false, "retry", "failure", "none", null],
  ["502", status(502), false, "retry", "failure", "none", null],
  [
    "503 Retry-After",
    status(503, null, { "retry-after": "1" }),
    false,
    "retry",
    "failure",
    "none",
    1000,
  ],
  ["504", status(504), false, "retry", "failure", "none", null],
  ["529 overloaded", status(529, "overloaded"), false, "retry", "failure", "none", null],
  [
    "529 on a pool key: not the key's fault",
    status(529, "overloaded"),
    true,
    "retry",
    "failure",
    "none",
    null,
  ],
  ["501", status(501), false, "answer", "failure", "none", null],
  ["400 invalid", status(400, "invalid_request"), false, "answer", "success", "none", null],
  [
    "400 context length",
    status(400, "context_length"),
    false,
    "larger_context",
    "success",
    "none",
    null,
  ],
  ["400 content policy", status(400, "content_policy"), false, "answer", "success", "none", null],
  [
    "403 content policy on a pool key: not disabled",
    status(403, "content_policy"),
    true,
    "answer",
    "success",
    "none",
    null,
  ],
  ["404", status(404, "not_found"), false, "answer", "success", "none", null],
  ["401 client's key", status(401, "auth"), false, "answer", "neutral", "none", null],
  ["401 pool key", status(401, "auth"), true, "rotate_key", "neutral", "disable", null],
  ["402 pool key", status(402, "billing"), true, "rotate_key", "neutral", "disable", null],
  ["403 pool key", status(403), true, "rotate_key", "neutral", "disable", null],
  [
    "connect refused",
    { kind: "connect_failed", detail: "ECONNREFUSED" },
    false,
    "retry",
    "failure",
    "none",
    null,
  ],
  [
    "reset before headers",
    { kind: "reset_before_headers", detail: "ECONNRESET" },
    false,
    "retry",
    "failure",
    "none",
    null,
  ],
  [
    // The target's kind has no form of the path: nothing sent, the next target, no breaker count.
    "path refused",
    { kind: "path_refused", detail: "the path does not start with /openai" },
    false,
    "next",
    "neutral",
    "none",
    null,
  ],
  [
    "path refused on a pool key (the key is not to blame either)",
    { kind: "path_refused", detail: "the path does not start with /openai" },
    true,
    "next",
    "neutral",
    "none",
    null,
  ],
  [
    // The gateway's own credentials failed (token endpoint down): nothing sent, the upstream is
    // not to blame, another target may hold working credentials.
    "gateway credentials failed",
    { kind: "credentials_failed", detail: "the token endpoint is unreachable" },
    false,
    "next",
    "neutral",
    "none",
    null,
  ],
  [
    "gateway credentials failed on a pool key (the key is not to blame either)",
    { kind: "credentials_failed", detail: "the token endpoint is unreachable" },
    true,
    "next",
    "neutral",
    "none",
    null,
  ],
  [
    "connect timeout",
    { kind: "timeout", phase: "connect" },
    false,
    "retry",
    "failure",
    "none",
    null,
  ],
  [
    "header timeout: never the same target",
    { kind: "timeout", phase: "first_byte" },
    false,
    "next",
    "failure",
    "none",
    null,
  ],
  [
    "first token timeout",
    { kind: "timeout", phase: "first_token" },
    false,
    "next",
    "failure",
    "none",
    null,
  ],
  ["idle timeout", { kind: "timeout", phase: "idle" }, false, "next", "failure", "none", null],
  ["total budget", { kind: "timeout", phase: "total" }, false, "stop", "neutral", "none", null],
  [
    "cut before commit",
    { kind: "failed_before_commit", reason: "cut", status: 200, error: null },
    false,
    "retry",
    "failure",
    "none",
    null,
  ],
  [
    "no clean end before commit",
    { kind: "failed_before_commit", reason: "unclean_end", status: 200, error: null },
    false,
    "retry",
    "failure",
    "none",
    null,
  ],
  [
    "stall before commit",
    { kind: "failed_before_commit", reason: "stall", status: 200, error: null },
    false,
    "next",
    "failure",
    "none",
    null,
  ],
  [
    "malformed before commit",
    { kind: "failed_before_commit", reason: "malformed", status: 200, error: null },
    false,
    "next",
    "failure",
    "none",
    null,
  ],
  ["in-band overloaded", inBand("overloaded"), false, "retry", "failure", "none", null],
  ["in-band server error", inBand("server_error"), false, "retry", "failure", "none", null],
  [
    "in-band rate limit, pool key",
    inBand("rate_limited"),
    true,
    "rotate_key",
    "neutral",
    "cool_down",
    null,
  ],
  ["in-band rate limit, own key", inBand("rate_limited"), false, "retry", "neutral", "none", null],
  [
    "in-band context length",
    inBand("context_length"),
    false,
    "larger_context",
    "success",
    "none",
    null,
  ],
  ["in-band content policy", inBand("content_policy"), false, "answer", "success", "none", null],
  ["in-band auth, pool key", inBand("auth"), true, "rotate_key", "neutral", "disable", null],
  ["in-band unknown: fail over", inBand(null), false, "next", "failure", "none", null],
];

Deno.test("classification of every outcome the issue names", () => {
  for (const [name, outcome, pooled, verdict, breaker, key, hint] of rows) {
    const c = classify(outcome, { pooled, now });
    assert.deepEqual([c.verdict, c.breaker, c.key, c.hintMs], [verdict, breaker, key, hint], name);
    assert.match(c.reason, /^[a-z0-9_]+$/, `${name}: a fixed code`);
  }
});

Deno.test("classification reasons never carry the provider's message", () => {
  const c = classify(
    {
      kind: "status",
      status: 401,
      headers: new Headers(),
      error: { category: "auth", message: "Incorrect API key provided: sk-proj-****abcd" },
    },
    { pooled: true, now },
  );
  assert.equal(c.reason, "status_401_auth");
});

Deno.test("an odd category still makes a short code", () => {
  const c = classify(
    {
      kind: "status",
      status: 400,
      headers: new Headers(),
      // A category outside the union (a newer provider module, a bug) still makes a short code.
      error: { category: "Bad Thing!".repeat(20) as ProviderErrorCategory, message: null },
    },
    { pooled: false, now },
  );
  assert.match(c.reason, /^status_400_[a-z0-9_]{40}$/);
});

Deno.test("a wait the error body asks for (retryAfterMs) counts when the headers name none", () => {
  const withBody = (s: number, headers: Record<string, string>): AttemptOutcome => ({
    kind: "status",
    status: s,
    headers: new Headers(headers),
    error: { category: "rate_limited", message: null, retryAfterMs: 7000 },
  });
  const ctx = { pooled: false, now };
  assert.equal(classify(withBody(429, {}), ctx).hintMs, 7000);
  assert.equal(classify(withBody(503, {}), ctx).hintMs, 7000);
  // The headers win.
  assert.equal(classify(withBody(429, { "retry-after": "2" }), ctx).hintMs, 2000);
  assert.equal(classify(withBody(429, {}), { pooled: true, now }).hintMs, 7000);
});

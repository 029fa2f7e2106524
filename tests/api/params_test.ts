import assert from "node:assert/strict";
import { parseTraceListParams } from "../../src/api/mod.ts";
import { GatewayError } from "../../src/errors/mod.ts";
import type { TraceListQuery } from "../../src/store/mod.ts";

const parse = (qs: string) => parseTraceListParams(new URLSearchParams(qs));

Deno.test("parseTraceListParams: accepted queries", () => {
  const cases: [string, string, TraceListQuery][] = [
    ["no parameters: limit 50", "", { limit: 50 }],
    [
      "string filters are exact values",
      "provider=openai&model=gpt-4o-mini&api_key_hash=hmac-sha256:ab",
      {
        limit: 50,
        provider: "openai",
        model: "gpt-4o-mini",
        api_key_hash: "hmac-sha256:ab",
      },
    ],
    ["lineage filters", "trace_group_id=g&thread_id=t&run_id=r", {
      limit: 50,
      trace_group_id: "g",
      thread_id: "t",
      run_id: "r",
    }],
    ["status bounds", "status=100", { limit: 50, status: 100 }],
    ["status upper bound", "status=599", { limit: 50, status: 599 }],
    ["limit bounds", "limit=1", { limit: 1 }],
    ["limit maximum", "limit=200", { limit: 200 }],
    ["token bounds", "min_tokens=0&max_tokens=1000000000", {
      limit: 50,
      min_tokens: 0,
      max_tokens: 1_000_000_000,
    }],
    ["equal token bounds", "min_tokens=60&max_tokens=60", {
      limit: 50,
      min_tokens: 60,
      max_tokens: 60,
    }],
    ["date-only from is the start of the day, to the end", "from=2026-03-01&to=2026-03-01", {
      limit: 50,
      from: "2026-03-01T00:00:00.000Z",
      to: "2026-03-01T23:59:59.999Z",
    }],
    ["RFC 3339 with offset is converted to UTC", "from=2026-03-01T12:00:00%2B02:00", {
      limit: 50,
      from: "2026-03-01T10:00:00.000Z",
    }],
    ["fractions past milliseconds are truncated", "to=2026-03-01T10:00:00.123456789Z", {
      limit: 50,
      to: "2026-03-01T10:00:00.123Z",
    }],
    ["empty values mean not set", "provider=&status=&limit=&from=", { limit: 50 }],
    ["values are trimmed", "provider=%20openai%20&limit=%2010", { limit: 10, provider: "openai" }],
    ["cursor is passed through for the store to decode", "cursor=abc_-", {
      limit: 50,
      cursor: "abc_-",
    }],
  ];
  for (const [name, qs, want] of cases) assert.deepStrictEqual(parse(qs), want, name);
});

Deno.test("parseTraceListParams: every invalid parameter is named with what is accepted", () => {
  const cases: [string, string, string, RegExp][] = [
    [
      "unknown parameter",
      "modle=gpt-4o",
      "modle",
      /unknown query parameter "modle"; accepted: provider, model, status/,
    ],
    ["several unknown parameters", "a=1&b=2", "a", /unknown query parameters "a", "b"/],
    ["repeated parameter", "provider=a&provider=b", "provider", /provider is given 2 times/],
    [
      "status not a number",
      "status=ok",
      "status",
      /status must be an HTTP status code between 100 and 599 \(got "ok"\)/,
    ],
    ["status too low", "status=99", "status", /between 100 and 599/],
    ["status too high", "status=600", "status", /between 100 and 599/],
    ["status with decimals", "status=200.5", "status", /between 100 and 599/],
    ["status negative", "status=-200", "status", /between 100 and 599/],
    ["limit zero", "limit=0", "limit", /limit must be an integer between 1 and 200 \(got "0"\)/],
    ["limit negative", "limit=-1", "limit", /between 1 and 200/],
    ["limit too high", "limit=201", "limit", /between 1 and 200/],
    ["limit in exponent form", "limit=1e2", "limit", /between 1 and 200/],
    [
      "min_tokens negative",
      "min_tokens=-5",
      "min_tokens",
      /min_tokens must be an integer between 0 and 1000000000/,
    ],
    ["max_tokens too large", "max_tokens=1000000001", "max_tokens", /between 0 and 1000000000/],
    [
      "max_tokens huge",
      "max_tokens=99999999999999999999",
      "max_tokens",
      /between 0 and 1000000000/,
    ],
    [
      "max below min",
      "min_tokens=10&max_tokens=9",
      "max_tokens",
      /max_tokens must be greater than or equal to min_tokens/,
    ],
    [
      "from not a date",
      "from=yesterday",
      "from",
      /from must be an RFC 3339 timestamp such as 2026-03-01T10:00:00Z or a date such as 2026-03-01 \(got "yesterday"\)/,
    ],
    ["to impossible date", "to=2026-02-30", "to", /to must be an RFC 3339 timestamp/],
    ["from without zone", "from=2026-03-01T10:00:00", "from", /RFC 3339/],
    [
      "to before from",
      "from=2026-03-02&to=2026-03-01",
      "to",
      /to must be greater than or equal to from/,
    ],
    ["overlong value", `model=${"x".repeat(513)}`, "model", /model is longer than 512 characters/],
  ];
  for (const [name, qs, parameter, message] of cases) {
    assert.throws(() => parse(qs), (err: unknown) => {
      assert.ok(err instanceof GatewayError, name);
      assert.equal(err.code, "invalid_parameter", name);
      assert.equal(err.status, 400, name);
      assert.deepStrictEqual(err.details, { parameter }, name);
      assert.match(err.message, message, name);
      return true;
    }, name);
  }
});

Deno.test("parseTraceListParams: a long bad value is shortened in the message", () => {
  const value = "9".repeat(300);
  assert.throws(() => parse(`status=${value}`), (err: unknown) => {
    assert.ok(err instanceof GatewayError);
    assert.ok(err.message.length < 200, err.message);
    assert.match(err.message, /\.\.\."\)$/);
    return true;
  });
});

import assert from "node:assert/strict";
import {
  maxHintMs,
  parseGoDuration,
  parseRetryAfter,
  parseRetryAfterMs,
  parseRfc3339,
  providerResetMs,
  waitHintMs,
} from "../../src/routing/mod.ts";

const now = Date.UTC(2026, 11, 6, 12, 0, 0);

Deno.test("Retry-After: seconds or an HTTP date; anything else is no hint", () => {
  const cases: [string | null, number | null][] = [
    ["120", 120_000],
    ["0", 0],
    [" 7 ", 7000],
    ["1.5", 1500],
    ["Sun, 06 Dec 2026 12:00:30 GMT", 30_000],
    ["Sun, 06 Dec 2026 11:59:00 GMT", 0], // in the past: now
    ["-5", null],
    ["5s", null],
    ["1e9", null],
    ["Sunday, 06-Dec-26 12:00:30 GMT", null], // obsolete RFC 850 form: not accepted
    ["", null],
    [null, null],
    ["9".repeat(65), null], // over the length bound
    ["999999999999", maxHintMs], // clipped to a day
  ];
  for (const [value, want] of cases) assert.equal(parseRetryAfter(value, now), want, String(value));
});

Deno.test("retry-after-ms: a number of ms", () => {
  const cases: [string | null, number | null][] = [
    ["1500", 1500],
    ["0.4", 1],
    ["abc", null],
    ["-1", null],
    [null, null],
  ];
  for (const [value, want] of cases) assert.equal(parseRetryAfterMs(value), want, String(value));
});

Deno.test("OpenAI reset durations (Go format)", () => {
  const cases: [string | null, number | null][] = [
    ["1s", 1000],
    ["6m0s", 360_000],
    ["20ms", 20],
    ["12ms", 12],
    ["1h2m3.5s", 3_723_500],
    ["0s", 0],
    ["1.5s", 1500],
    ["250us", 1],
    ["900ns", 1],
    ["1m1m1m1m1m1m1m1m1m", null], // more parts than units: refused
    ["1x", null],
    ["s", null],
    ["1s ", 1000],
    ["", null],
    ["1000000h", maxHintMs],
  ];
  for (const [value, want] of cases) assert.equal(parseGoDuration(value), want, String(value));
});

Deno.test("Anthropic reset times (RFC 3339)", () => {
  const cases: [string | null, number | null][] = [
    ["2026-12-06T12:01:00Z", 60_000],
    ["2026-12-06T12:00:00.250Z", 250],
    ["2026-12-06T13:00:05+01:00", 5000],
    ["2026-12-06T11:00:00Z", 0],
    ["2026-12-06", null],
    ["tomorrow", null],
  ];
  for (const [value, want] of cases) assert.equal(parseRfc3339(value, now), want, String(value));
});

Deno.test("provider reset headers: the latest reset among exhausted limits", () => {
  const h = (o: Record<string, string>) => new Headers(o);
  const cases: [string, Headers, number | null][] = [
    ["nothing", h({}), null],
    [
      "OpenAI requests exhausted",
      h({
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "1s",
        "x-ratelimit-remaining-tokens": "140000",
        "x-ratelimit-reset-tokens": "6m0s",
      }),
      1000,
    ],
    [
      "OpenAI both exhausted: the later",
      h({
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "1s",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": "6m0s",
      }),
      360_000,
    ],
    [
      "nothing exhausted: no hint",
      h({ "x-ratelimit-remaining-requests": "3", "x-ratelimit-reset-requests": "1s" }),
      null,
    ],
    [
      "Anthropic input tokens exhausted",
      h({
        "anthropic-ratelimit-requests-remaining": "10",
        "anthropic-ratelimit-requests-reset": "2026-12-06T12:00:01Z",
        "anthropic-ratelimit-input-tokens-remaining": "0",
        "anthropic-ratelimit-input-tokens-reset": "2026-12-06T12:00:20Z",
      }),
      20_000,
    ],
    [
      "garbage reset",
      h({ "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "soon" }),
      null,
    ],
  ];
  for (const [name, headers, want] of cases) {
    assert.equal(providerResetMs(headers, now), want, name);
  }
});

Deno.test("wait hint: retry-after-ms, then Retry-After, then reset headers", () => {
  const all = new Headers({
    "retry-after-ms": "1500",
    "retry-after": "3",
    "x-ratelimit-remaining-requests": "0",
    "x-ratelimit-reset-requests": "9s",
  });
  assert.equal(waitHintMs(all, now), 1500);
  all.delete("retry-after-ms");
  assert.equal(waitHintMs(all, now), 3000);
  all.delete("retry-after");
  assert.equal(waitHintMs(all, now), 9000);
  all.set("retry-after", "garbage");
  assert.equal(waitHintMs(all, now), 9000, "an unusable Retry-After falls through");
});

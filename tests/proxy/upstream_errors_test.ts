import assert from "node:assert/strict";
import { bodyFailure, failureBeforeHeaders } from "../../src/proxy/upstream_errors.ts";

const refused = "Connection refused (os error 111)";
const withCause = (message: string, cause: unknown) => new Error(message, { cause });

Deno.test("upstream_unreachable says each part of what failed once", () => {
  const cases: [string, unknown, string][] = [
    [
      "the native client quotes its cause already",
      withCause(`connecting to 127.0.0.1:9 failed: ${refused}`, new Error(refused)),
      `could not reach provider openai: connecting to 127.0.0.1:9 failed: ${refused}`,
    ],
    [
      "a write that failed, its cause quoted",
      withCause("sending the request to 127.0.0.1:9 failed: Broken pipe", new Error("Broken pipe")),
      "could not reach provider openai: sending the request to 127.0.0.1:9 failed: Broken pipe",
    ],
    [
      "fetch keeps the reason in its cause only",
      withCause("fetch failed", new Error(refused)),
      `could not reach provider openai: fetch failed: ${refused}`,
    ],
    ["no cause", new Error("no answer"), "could not reach provider openai: no answer"],
    ["not an Error", "boom", "could not reach provider openai: boom"],
    [
      "query strings never reach the message (a provider key may be one)",
      withCause("error sending request for url (http://h/v1/x?key=sk-secret)", new Error(refused)),
      `could not reach provider openai: error sending request for url (http://h/v1/x): ${refused}`,
    ],
  ];
  for (const [what, err, want] of cases) {
    const e = failureBeforeHeaders(new AbortController().signal, err, "openai");
    assert.equal(e.code, "upstream_unreachable", what);
    assert.equal(e.message, want, what);
  }
});

Deno.test("a body cut before anything was sent says its cause once", () => {
  const err = withCause(
    "reading the response from h:1 failed: Connection reset",
    new Error("Connection reset"),
  );
  assert.equal(
    bodyFailure("upstream_truncated", "openai", err).message,
    "provider openai broke off its response: reading the response from h:1 failed: Connection reset",
  );
});

import assert from "node:assert/strict";
import { redactHeaderMap, type RedactHeadersOptions } from "../../src/pii/redact_headers.ts";
import { ph, rules } from "./redact_fixture.ts";

const opts: RedactHeadersOptions = {
  denylist: new Set(["authorization", "cookie", "set-cookie", "x-api-key"]),
  scanValues: true,
  rules,
  exempt: new Set(["authorization", "x-api-key", "x-trace"]),
};

Deno.test("redactHeaderMap: denylisted names lose every value, one count per value", () => {
  const input = {
    Authorization: ["Bearer sk-proj-AbCdEfGh12345678"],
    " Set-Cookie ": ["a=1", "b=2"],
    "Content-Type": ["application/json"],
  };
  const r = redactHeaderMap(input, opts);
  assert.deepEqual(r.headers, {
    Authorization: ["[REDACTED]"],
    " Set-Cookie ": ["[REDACTED]", "[REDACTED]"],
    "Content-Type": ["application/json"],
  });
  assert.deepEqual(r.counts, { header: 3 });
  assert.deepEqual(input.Authorization, ["Bearer sk-proj-AbCdEfGh12345678"], "input untouched");
});

Deno.test("redactHeaderMap: other values go through the detectors unless exempt", () => {
  const input = { "X-User": ["a@b.com", "anon"], "X-Trace": ["c@d.com"] };
  const r = redactHeaderMap(input, opts);
  assert.deepEqual(r.headers, {
    "X-User": [ph("EMAIL", "a@b.com"), "anon"],
    "X-Trace": ["c@d.com"],
  });
  assert.deepEqual(r.counts, { email: 1 });
});

Deno.test("redactHeaderMap: values are not scanned when scanValues is off", () => {
  const input = { "X-User": ["a@b.com"] };
  const r = redactHeaderMap(input, { ...opts, scanValues: false });
  assert.equal(r.headers, input);
  assert.deepEqual(r.counts, {});
});

Deno.test("redactHeaderMap: the same object when nothing changed", () => {
  const clean = { "Content-Type": ["application/json"], Accept: ["*/*"] };
  assert.equal(redactHeaderMap(clean, opts).headers, clean);
  const already = { Cookie: ["[REDACTED]"] };
  const r = redactHeaderMap(already, opts);
  assert.equal(r.headers, already);
  assert.deepEqual(r.counts, { header: 1 });
});

/** API bodies must be JSON (issue 16 item 3): the simple-request types get 415. */
import assert from "node:assert/strict";
import { nonJsonBody } from "../../src/server/json_body.ts";

Deno.test("json body: only application/json bodies reach the API", () => {
  const cases: { why: string; method: string; headers: Record<string, string>; ok: boolean }[] = [
    { why: "GET", method: "GET", headers: {}, ok: true },
    {
      why: "GET with a stray type",
      method: "GET",
      headers: { "content-type": "text/plain" },
      ok: true,
    },
    { why: "JSON", method: "POST", headers: { "content-type": "application/json" }, ok: true },
    {
      why: "JSON with charset",
      method: "POST",
      headers: { "content-type": "Application/JSON; charset=utf-8" },
      ok: true,
    },
    { why: "no body (rotate, revoke)", method: "POST", headers: {}, ok: true },
    { why: "an empty body", method: "DELETE", headers: { "content-length": "0" }, ok: true },
    { why: "text/plain", method: "POST", headers: { "content-type": "text/plain" }, ok: false },
    {
      why: "a form",
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      ok: false,
    },
    {
      why: "multipart",
      method: "PUT",
      headers: { "content-type": "multipart/form-data; boundary=x" },
      ok: false,
    },
    { why: "a body without a type", method: "POST", headers: { "content-length": "2" }, ok: false },
    {
      why: "chunked without a type",
      method: "PATCH",
      headers: { "transfer-encoding": "chunked" },
      ok: false,
    },
    {
      why: "json as a parameter",
      method: "POST",
      headers: { "content-type": "text/plain; x=application/json" },
      ok: false,
    },
    {
      why: "json-ish",
      method: "POST",
      headers: { "content-type": "application/jsonx" },
      ok: false,
    },
  ];
  for (const c of cases) {
    const req = new Request("http://gw.test/api/gateway-keys", {
      method: c.method,
      headers: c.headers,
    });
    const err = nonJsonBody(req, "/api/gateway-keys");
    assert.equal(err === null, c.ok, c.why);
    if (err !== null) {
      assert.equal(err.status, 415, c.why);
      assert.match(err.message, /Content-Type: application\/json/, c.why);
    }
  }
});

/** Provider-account response headers stay at the gateway (reliability.md S15). */
import assert from "node:assert/strict";
import { clientResponseHeaders, identifiesProviderAccount } from "../../src/proxy/headers.ts";

Deno.test("response headers: provider organisation and project ids are not passed on", () => {
  const out = clientResponseHeaders(
    [
      ["content-type", "application/json"],
      ["openai-organization", "org-abc"],
      ["openai-project", "proj_abc"],
      ["openai-processing-ms", "12"],
      ["anthropic-organization-id", "0d0e"],
      ["x-request-id", "req_1"],
    ],
    "corr-1",
    { decoded: false, bodyRewritten: false },
  );
  assert.deepEqual(out.map(([n]) => n), [
    "content-type",
    "openai-processing-ms",
    "x-request-id",
    "x-ongoingai-correlation-id",
  ]);
  assert.ok(!identifiesProviderAccount("openai-organization-x"));
});

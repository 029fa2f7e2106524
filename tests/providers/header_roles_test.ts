/**
 * Every consumer of provider header knowledge derives its set from providers/headers.ts. The sets
 * differ on purpose (the module comment there says why); this pins each consumer's effective set,
 * probed through the consumer itself, so a change to the table shows up here as a choice.
 */
import assert from "node:assert/strict";
import { gatewayKeyAsCredential } from "../../src/auth/gate.ts";
import { createKeyRing } from "../../src/auth/mod.ts";
import { validateConfig } from "../../src/config/mod.ts";
import { identifiesProviderAccount } from "../../src/proxy/headers.ts";
import { providerCredentialParams } from "../../src/providers/mod.ts";
import { credentialHeaders } from "../../src/traces/mod.ts";
import { providerKeyFrom } from "../../src/providers/mod.ts";

const gatewayKey = "gw-roles-0123456789abcdef";
const ring = createKeyRing(
  [
    {
      id: "k",
      token: gatewayKey,
      org_id: "default",
      workspace_id: "w",
      role: "developer",
      permissions: [],
    } as Parameters<typeof createKeyRing>[0][number],
  ],
  "header-roles-secret-0123456789",
);

function authHeaderRefused(name: string): boolean {
  const result = validateConfig({ auth: { header: name } }, { env: {} });
  const issues = result.ok ? result.warnings : result.errors;
  return issues.some((i) =>
    i.path === "auth.header" && /conflicts with the provider credential header/.test(i.message)
  );
}

const consumers: { name: string; has: (header: string) => boolean; want: string[] }[] = [
  {
    name: "stored traces replace the value (traces credentialHeaders)",
    has: (h) => credentialHeaders.has(h),
    want: [
      "authorization",
      "proxy-authorization",
      "cookie",
      "set-cookie",
      "x-api-key",
      "api-key",
      "x-goog-api-key",
      "x-amz-security-token",
      "x-ongoingai-gateway-key",
    ],
  },
  {
    name: "the key fingerprint reads the key from (providerKeyFrom)",
    has: (h) => providerKeyFrom(new Headers({ [h]: "sk-roles-key-0123456789" })) !== null,
    want: ["authorization", "x-api-key", "api-key", "x-goog-api-key"],
  },
  {
    name: "the gate refuses a gateway key in (gatewayKeyAsCredential)",
    has: (h) =>
      gatewayKeyAsCredential(
        ring,
        "x-ongoingai-gateway-key",
        new Headers({ [h]: gatewayKey }),
        "",
      ) !==
        null,
    want: ["authorization", "x-api-key", "api-key", "x-goog-api-key", "x-amz-security-token"],
  },
  {
    name: "the config refuses as auth.header (semantic checks)",
    has: authHeaderRefused,
    want: ["authorization", "x-api-key"],
  },
  {
    name: "responses drop as naming the provider account (proxy headers)",
    has: identifiesProviderAccount,
    want: ["openai-organization", "openai-project", "anthropic-organization-id"],
  },
];

/** Every header name any consumer knows, and some that none should. */
const universe = new Set([
  ...consumers.flatMap((c) => c.want),
  "anthropic-version",
  "openai-beta",
  "content-type",
  "x-request-id",
]);

for (const c of consumers) {
  Deno.test(`provider headers: ${c.name}`, () => {
    assert.deepEqual([...universe].filter(c.has).sort(), [...c.want].sort());
  });
}

Deno.test("provider headers: the gate refuses a gateway key in the query parameters", () => {
  const params = ["key", "api_key", "api-key", "apikey", "token", "access_token"];
  const refused = params.filter((p) =>
    gatewayKeyAsCredential(
      ring,
      "x-ongoingai-gateway-key",
      new Headers(),
      `?${p}=${gatewayKey}`,
    ) !==
      null
  );
  assert.deepEqual(refused, ["key", "api_key", "api-key"]);
  assert.deepEqual(providerCredentialParams, refused);
});

Deno.test("provider headers: the fingerprint takes the first header in table order", () => {
  const table: [Record<string, string>, string | null][] = [
    [{ authorization: "Bearer a", "x-api-key": "b", "api-key": "c" }, "a"],
    [{ authorization: "  ", "x-api-key": "b", "api-key": "c" }, "b"],
    [{ "x-api-key": " ", "api-key": "c" }, "c"],
    [{ authorization: "Bearer ", "x-api-key": "b" }, "b"],
    [{ authorization: "raw-key" }, "raw-key"],
    [{ "x-goog-api-key": "g" }, "g"],
    [{ "api-key": "c", "x-goog-api-key": "g" }, "c"],
    // SigV4: the access key id, not the signature (different on every request).
    [{
      authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/" +
        "aws4_request, SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6",
    }, "AKIDEXAMPLE"],
    [
      { authorization: "aws4-hmac-sha256 Credential=ASIAXYZ/20150830/eu-west-1/bedrock/x" },
      "ASIAXYZ",
    ],
    [{ "x-amz-security-token": "session" }, null],
  ];
  for (const [headers, want] of table) assert.equal(providerKeyFrom(new Headers(headers)), want);
});

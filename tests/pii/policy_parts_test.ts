import assert from "node:assert/strict";
import { fieldNameMatcher, normaliseFieldName } from "../../src/config/mod.ts";
import { placeholderFor } from "../../src/pii/placeholder.ts";
import { type PiiRequest, selectScope, underPrefix } from "../../src/pii/scopes.ts";

Deno.test("field names: normal form drops case, -, _ and spaces", () => {
  assert.equal(normaliseFieldName("API-Key"), "apikey");
  assert.equal(normaliseFieldName("api_key"), "apikey");
  assert.equal(normaliseFieldName("Api Key"), "apikey");
});

const defaults = ["email", "phone", "password", "secret", "ssn", "api_key", "authorization"];
const fieldCases: [string, readonly string[], string, boolean][] = [
  ["exact name", defaults, "password", true],
  ["camelCase of a snake entry", defaults, "apiKey", true],
  ["upper case with dash", defaults, "API-KEY", true],
  ["max_tokens is not a token field", [...defaults, "token"], "max_tokens", false],
  ["prompt_tokens is not a token field", [...defaults, "token"], "prompt_tokens", false],
  ["token itself matches token", [...defaults, "token"], "token", true],
  ["substring needs a wildcard", defaults, "user_password", false],
  ["leading wildcard", ["*password"], "user_password", true],
  ["both-sided wildcard", ["*secret*"], "client_secret_value", true],
  ["wildcard keeps the rest literal", ["pass*"], "passport", true],
  ["regex characters are literal", ["a.b"], "axb", false],
  ["empty denylist matches nothing", [], "password", false],
  ["a lone wildcard is ignored (it would hide everything)", ["*"], "messages", false],
];
for (const [name, list, field, want] of fieldCases) {
  Deno.test(`field names: ${name}`, () => {
    assert.equal(fieldNameMatcher(list)(field), want);
    assert.equal(fieldNameMatcher(list)(field), want, "second call (cached) agrees");
  });
}

Deno.test("placeholder: format filled, 16 hex digits, keyed by salt and workspace", () => {
  const a = placeholderFor("[{type}_REDACTED:{hash}]", "salt-1", "ws-a");
  const p = a("EMAIL", "jane@example.com");
  assert.match(p, /^\[EMAIL_REDACTED:[0-9a-f]{16}\]$/);
  assert.equal(a("EMAIL", "jane@example.com"), p, "same value, same placeholder");
  assert.notEqual(a("EMAIL", "john@example.com"), p, "other value, other placeholder");
  assert.notEqual(
    placeholderFor("[{type}_REDACTED:{hash}]", "salt-1", "ws-b")("EMAIL", "jane@example.com"),
    p,
    "other workspace",
  );
  assert.notEqual(
    placeholderFor("[{type}_REDACTED:{hash}]", "salt-2", "ws-a")("EMAIL", "jane@example.com"),
    p,
    "other salt",
  );
  assert.equal(placeholderFor("<{type}>", "s", "w")("PHONE", "1"), "<PHONE>");
});

Deno.test("placeholder: the value cannot be confirmed without the salt", async () => {
  // An unkeyed SHA-256 of the value (the original's construction minus salt) must not appear.
  const value = "555-867-5309";
  const p = placeholderFor("{hash}", "secret-salt", "default")("PHONE", value);
  const plain = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`default::${value}`)),
  );
  const hex = Array.from(plain, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 16);
  assert.notEqual(p, hex);
});

const req = (over: Partial<PiiRequest> = {}): PiiRequest => ({
  org_id: "org-1",
  workspace_id: "ws-1",
  key_id: "key-1",
  provider: "openai",
  path: "/openai/v1/chat/completions",
  ...over,
});

const scopeCases: [string, { match: Record<string, string> }[], PiiRequest, number][] = [
  ["no scopes", [], req(), -1],
  ["one matching selector", [{ match: { provider: "openai" } }], req(), 0],
  ["selector that does not match", [{ match: { provider: "anthropic" } }], req(), -1],
  [
    "every selector must match",
    [{ match: { provider: "openai", workspace_id: "ws-2" } }],
    req(),
    -1,
  ],
  [
    "more selectors win over order",
    [{ match: { provider: "openai" } }, { match: { provider: "openai", workspace_id: "ws-1" } }],
    req(),
    1,
  ],
  [
    "ties go to the first declared",
    [{ match: { workspace_id: "ws-1" } }, { match: { provider: "openai" } }],
    req(),
    0,
  ],
  ["route prefix on a segment boundary", [{ match: { route_prefix: "/openai/v1" } }], req(), 0],
  [
    "route prefix is not a string prefix",
    [{ match: { route_prefix: "/openai/v1/chat" } }],
    req({ path: "/openai/v1/chatter" }),
    -1,
  ],
  ["key selector needs a key", [{ match: { key_id: "key-1" } }], req({ key_id: null }), -1],
];
for (const [name, scopes, request, want] of scopeCases) {
  Deno.test(`scopes: ${name}`, () => assert.equal(selectScope(scopes, request), want));
}

Deno.test("scopes: underPrefix tolerates a trailing slash in the prefix", () => {
  assert.equal(underPrefix("/openai/v1/x", "/openai/v1/"), true);
  assert.equal(underPrefix("/openai", "/openai"), true);
  assert.equal(underPrefix("/openaix", "/openai"), false);
});

Deno.test("policies: a generated salt is one per process, so a reload keeps placeholders", async () => {
  const { validateConfig } = await import("../../src/config/mod.ts");
  const { compilePolicies } = await import("../../src/pii/mod.ts");
  const result = validateConfig({ pii: { mode: "redact_storage" } }, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const placeholder = () => {
    const p = compilePolicies(result.config.pii, result.config.pii_mode);
    assert.equal(p.generatedSalt, true);
    return p.rulesFor(p.base, "default").placeholder("EMAIL", "jane@example.com");
  };
  assert.equal(placeholder(), placeholder());
});

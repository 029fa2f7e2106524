import assert from "node:assert/strict";
import { credentialRedacted, scrubValue } from "../../src/secrets/mod.ts";
import { generateToken } from "../../src/api/mod.ts";

// Real shapes (fake values): what a provider, GitHub, AWS or an identity provider issues.
const keys = {
  openaiProject: "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH_-xyz",
  openaiLegacy: `sk-${"A1b2C3d4E5f6".repeat(4)}`,
  anthropic: "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdEFGHijklMNOP-AA",
  github: "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
  aws: "AKIAIOSFODNN7EXAMPLE",
  jwt: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." +
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  stripe: "sk_live_51HabcdefGHIJKLmnop0123",
};

Deno.test("scrub: every credential shape becomes [CREDENTIAL_REDACTED]", () => {
  for (const [name, key] of Object.entries(keys)) {
    assert.equal(scrubValue(key), credentialRedacted, name);
    assert.equal(
      scrubValue(`model ${key} failed`),
      `model ${credentialRedacted} failed`,
      `${name} inside text`,
    );
  }
});

Deno.test("scrub: bearer tokens and secret assignments", () => {
  const cases: [string, string, string][] = [
    ["bearer", "Authorization: Bearer abcdefgh12345678", `Authorization: ${credentialRedacted}`],
    ["bearer lower case", "bearer abc.def-ghi_jkl", credentialRedacted],
    ["bearer with a key", `Bearer ${keys.openaiProject}`, credentialRedacted],
    ["password=", "dsn password=hunter22 host=db", `dsn ${credentialRedacted} host=db`],
    ["token =", "token = abcd1234", credentialRedacted],
  ];
  for (const [name, input, want] of cases) assert.equal(scrubValue(input), want, name);
});

Deno.test("scrub: ordinary values pass unchanged", () => {
  for (
    const value of [
      "gpt-4o-mini",
      "claude-sonnet-4-5-20250929",
      "POST /openai/*",
      "upstream_timeout",
      "default",
      "sk-1",
      "pk_users_email",
      "01J9Z3W6Q8T2V4X6Y8Z0A2B4C6",
      "",
    ]
  ) {
    assert.equal(scrubValue(value), value);
  }
});

Deno.test("scrub: two keys in one string are both redacted", () => {
  assert.equal(
    scrubValue(`${keys.github} and ${keys.aws}`),
    `${credentialRedacted} and ${credentialRedacted}`,
  );
});

Deno.test("scrub: gateway keys as the gateway issues them never survive", () => {
  for (let i = 0; i < 50; i++) {
    const token = generateToken();
    assert.equal(scrubValue(token), credentialRedacted, token);
    assert.ok(!scrubValue(`gpt-4o/${token}`).includes(token.slice(4)), token);
    assert.ok(!scrubValue(`upstream said: bad key ${token}.`).includes(token.slice(4)), token);
  }
});

Deno.test("scrub: a repeated value gives the same result from the cache, past its bound too", () => {
  const key = "Bearer sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
  const first = scrubValue(key);
  for (let i = 0; i < 3000; i++) scrubValue(`model-${i}-distinct`);
  assert.equal(scrubValue(key), first);
  assert.equal(scrubValue(key), "[CREDENTIAL_REDACTED]");
  assert.equal(scrubValue("gpt-4o-mini"), "gpt-4o-mini");
});

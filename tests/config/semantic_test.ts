/** Cross-field checks: overlap rule, warnings that do not fail a config, and secret resolution. */
import assert from "node:assert/strict";
import { prefixesOverlap } from "../../src/config/mod.ts";
import { assertIssueAt, configOf, errorsOf, type IssueRow, loadFrom } from "./temp_files.ts";

const overlapRows: Array<[string, string, boolean]> = [
  ["/openai", "/openai", true],
  ["/openai", "/openai/v2", true],
  ["/openai/v2", "/openai", true],
  ["/openai", "/openaiish", false],
  ["/a/b", "/a/bc", false],
  ["/api", "/api/x", true],
  ["/ap", "/api", false],
];
for (const [a, b, expected] of overlapRows) {
  Deno.test(`prefixesOverlap(${a}, ${b}) is ${expected}`, () => {
    assert.equal(prefixesOverlap(a, b), expected);
  });
}

const warningRows: IssueRow[] = [
  {
    name: "a plaintext key token suggests env() or token_hash",
    yaml: "auth:\n  keys:\n    - { id: a, token: gwk_plaintext }\n",
    path: "auth.keys[0].token",
    message: /plaintext secret/,
    hint: /env\("TEAM_KEY"\).*token_hash/,
  },
  {
    name: "a plaintext key hash secret",
    yaml: "tracing:\n  key_hash_secret: abcdefghijklmnopqrstuvwxyz\n",
    path: "tracing.key_hash_secret",
    message: /plaintext secret/,
  },
  {
    name: "a PII scope route under no provider prefix",
    yaml: "pii:\n  scopes:\n    - match: { route_prefix: /gemini/v1 }\n      mode: block\n",
    path: "pii.scopes[0].match.route_prefix",
    message: /under no provider prefix .*never applies/,
  },
  {
    name: "a PII scope naming an unknown provider",
    yaml: "pii:\n  scopes:\n    - match: { provider: antropic }\n      mode: block\n",
    path: "pii.scopes[0].match.provider",
    message: /not an enabled provider/,
    hint: /did you mean "anthropic"\?/,
  },
  {
    name: "an unset key variable while auth is on but the key also has a hash",
    yaml:
      `auth:\n  enabled: true\n  keys:\n    - id: a\n      token: { env: K }\n      token_hash: ${
        "a".repeat(64)
      }\n`,
    path: "auth.keys[0].token",
    message: /environment variable K is not set/,
  },
  {
    name: "an unset hash salt while PII is off",
    yaml: "pii:\n  replacement:\n    hash_salt: { env: SALT }\n",
    path: "pii.replacement.hash_salt",
    message: /environment variable SALT is not set/,
  },
  {
    name: "a header timeout longer than the total timeout",
    yaml: "proxy:\n  headers_timeout_ms: 700000\n  total_timeout_ms: 600000\n",
    path: "proxy.headers_timeout_ms",
    message: /never fires/,
  },
];

for (const row of warningRows) {
  Deno.test(`config warning: ${row.name}`, async () => {
    const result = await loadFrom({ "ongoingai.yaml": row.yaml }, { env: row.env ?? {} });
    assert.ok(result.ok, JSON.stringify(result));
    assertIssueAt(result.warnings, row);
  });
}

Deno.test("config: an unset key variable is silent while auth is off", async () => {
  const yaml = "auth:\n  keys:\n    - { id: a, token: { env: UNSET_KEY } }\n";
  const result = await loadFrom({ "ongoingai.yaml": yaml });
  assert.ok(result.ok);
  assert.deepEqual(result.warnings, []);
  assert.equal(result.config.auth.keys[0]?.token, undefined);
});

Deno.test("config: an unset hash salt is an error once PII redaction is on", async () => {
  const yaml =
    "tracing:\n  capture_bodies: true\npii:\n  replacement:\n    hash_salt: { env: SALT }\n";
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": yaml }));
  assert.equal(errors[0]?.path, "pii.replacement.hash_salt");
});

Deno.test("config: a key hash secret from a short variable is refused", async () => {
  const yaml = "tracing:\n  key_hash_secret: { env: SECRET }\n";
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": yaml }, { env: { SECRET: "short" } }));
  assert.match(errors[0]?.message ?? "", /at least 16 characters \(from SECRET\)/);
  assert.ok(!JSON.stringify(errors).includes('short"'), "the secret value is not echoed");
});

Deno.test("config: duplicate key tokens are refused without echoing them", async () => {
  const yaml =
    "auth:\n  keys:\n    - { id: a, token: { env: K1 } }\n    - { id: b, token: { env: K2 } }\n";
  const errors = errorsOf(
    await loadFrom({ "ongoingai.yaml": yaml }, { env: { K1: "gwk_same", K2: "gwk_same" } }),
  );
  assert.equal(errors[0]?.path, "auth.keys[1].token");
  assert.ok(!JSON.stringify(errors).includes("gwk_same"));
});

Deno.test("config: env references are resolved, so consumers see strings only", async () => {
  const yaml = [
    "tracing:",
    "  key_hash_secret: { env: SECRET }",
    "pii:",
    "  replacement:",
    "    hash_salt: { env: SALT }",
    "auth:",
    "  keys:",
    "    - { id: a, token: { env: K1 } }",
  ].join("\n");
  const env = { SECRET: "0123456789abcdef0123", SALT: "pepper", K1: "gwk_one" };
  const config = configOf(await loadFrom({ "ongoingai.yaml": yaml }, { env }));
  assert.equal(config.tracing.key_hash_secret, "0123456789abcdef0123");
  assert.equal(config.pii.replacement.hash_salt, "pepper");
  assert.equal(config.auth.keys[0]?.token, "gwk_one");
});

Deno.test("config: disabled providers are dropped and the rest ordered longest prefix first", async () => {
  const yaml = [
    "providers:",
    "  anthropic: { enabled: false }",
    "  groq: { upstream: https://api.groq.com/openai, prefix: /llm/groq }",
  ].join("\n");
  const config = configOf(await loadFrom({ "ongoingai.yaml": yaml }));
  assert.deepEqual(config.providers.map((p) => [p.id, p.kind, p.prefix]), [
    ["groq", "openai-compatible", "/llm/groq"],
    ["openai", "openai", "/openai"],
  ]);
});

Deno.test("config: a disabled provider may reuse a prefix", async () => {
  const yaml = "providers:\n  groq: { upstream: http://x, prefix: /openai, enabled: false }\n";
  assert.ok((await loadFrom({ "ongoingai.yaml": yaml })).ok);
});

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
    name: "an empty hash salt while PII is on",
    yaml: "pii:\n  mode: redact_upstream\n",
    path: "pii.replacement.hash_salt",
    message: /random value per process/,
  },
  {
    name: "a scope naming an undeclared policy but setting a mode",
    yaml: "pii:\n  scopes:\n    - { match: { provider: openai }, mode: block, policy_id: x/v1 }\n",
    path: "pii.scopes[0].policy_id",
    message: /not a declared policy .*base policy's detectors apply with mode block/,
  },
  {
    name: "a scope that can only match with team mode",
    yaml: "pii:\n  scopes:\n    - { match: { key_id: k1 }, mode: block }\n",
    path: "pii.scopes[0].match.key_id",
    message: /never matches while auth.enabled is false/,
  },
  {
    name: "a scope repeated with the same outcome",
    yaml: "pii:\n  scopes:\n    - { match: { provider: openai }, mode: block }\n" +
      "    - { match: { provider: openai }, mode: block }\n",
    path: "pii.scopes[1].match",
    message: /repeats pii.scopes\[0\]/,
  },
  {
    name: "two equally specific scopes with different outcomes",
    yaml: "pii:\n  scopes:\n    - { match: { provider: openai }, mode: block }\n" +
      "    - { match: { route_prefix: /openai/v1 }, mode: redact_upstream }\n",
    path: "pii.scopes[1].match",
    message: /pii.scopes\[0\] then wins because it is declared first/,
  },
  {
    name: "a field rule that would replace every prompt",
    yaml: "pii:\n  body:\n    key_denylist: [password, content]\n",
    path: "pii.body.key_denylist[1]",
    message: /matches the API field content/,
  },
  {
    name: "a guarding mode that inspects nothing",
    yaml: "pii:\n  mode: block\n  replacement: { hash_salt: s }\n" +
      "  stages: { request_body: false, response_body: false }\n",
    path: "pii.stages",
    message: /nothing is inspected/,
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

Deno.test("config: an unset hash salt is silent while every PII mode is off", async () => {
  const yaml = "pii:\n  replacement:\n    hash_salt: { env: SALT }\n";
  const result = await loadFrom({ "ongoingai.yaml": yaml });
  assert.ok(result.ok);
  assert.deepEqual(result.warnings, []);
});

const piiErrorRows: { name: string; yaml: string; path: string; message: RegExp }[] = [
  {
    name: "a scope naming an undeclared policy without a mode of its own",
    yaml: "pii:\n  policies: [{ policy_id: strict/v1 }]\n" +
      "  scopes:\n    - { match: { provider: openai }, policy_id: strcit/v1 }\n",
    path: "pii.scopes[0].policy_id",
    message: /"strcit\/v1" is not a declared policy/,
  },
  {
    name: "a scope that sets neither mode nor policy",
    yaml: "pii:\n  scopes:\n    - { match: { provider: openai } }\n",
    path: "pii.scopes[0]",
    message: /changes nothing/,
  },
  {
    name: "two policies with one id",
    yaml: "pii:\n  policies: [{ policy_id: default/v1 }]\n",
    path: "pii.policies[0].policy_id",
    message: /already the id of the base policy/,
  },
  {
    name: "a custom detector whose pattern does not compile",
    yaml: "pii:\n  custom_detectors: [{ name: emp, pattern: 'EMP-(\\d+' }]\n",
    path: "pii.custom_detectors[0].pattern",
    message: /not a valid regular expression/,
  },
  {
    name: "a custom detector matching empty text",
    yaml: "pii:\n  custom_detectors: [{ name: emp, pattern: 'x*' }]\n",
    path: "pii.custom_detectors[0].pattern",
    message: /matches empty text/,
  },
  {
    name: "a custom detector named like a built-in",
    yaml: "pii:\n  custom_detectors: [{ name: email, pattern: 'x+' }]\n",
    path: "pii.custom_detectors[0].name",
    message: /built-in detector/,
  },
  {
    name: "an identical selector with another outcome",
    yaml: "pii:\n  scopes:\n    - { match: { provider: openai }, mode: block }\n" +
      "    - { match: { provider: openai }, mode: off }\n",
    path: "pii.scopes[1].match",
    message: /always wins, so this scope never applies/,
  },
  {
    name: "an unknown detector",
    yaml: "pii:\n  detectors: { emial: true }\n",
    path: "pii.detectors",
    message: /unknown key did you mean "email"/,
  },
];

for (const row of piiErrorRows) {
  Deno.test(`config error: ${row.name}`, async () => {
    const errors = errorsOf(await loadFrom({ "ongoingai.yaml": row.yaml }));
    const hit = errors.find((e) => e.path === row.path || e.path.startsWith(`${row.path}.`));
    assert.ok(hit, `no error at ${row.path}: ${JSON.stringify(errors)}`);
    assert.match(`${hit.message} ${hit.hint ?? ""}`, row.message);
  });
}

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

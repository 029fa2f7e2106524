import assert from "node:assert/strict";
import { type GatewayConfigInput, validateConfig } from "../../src/config/mod.ts";
import {
  collectSecrets,
  createSecretRedactor,
  credentialRedacted as R,
  knownSecretRedactor,
  minSecretLength,
  scrubValue,
} from "../../src/secrets/mod.ts";

function config(input: GatewayConfigInput, env: Record<string, string> = {}) {
  const result = validateConfig(input, { env });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const teamKeys = (...tokens: (string | { env: string })[]): GatewayConfigInput => ({
  auth: {
    enabled: true,
    keys: tokens.map((token, i) => ({ id: `k${i}`, token, role: "developer" })),
  },
});

const collectionCases: [string, GatewayConfigInput, Record<string, string>, string[], string[]][] =
  [
    ["no secrets at all", {}, {}, [], []],
    [
      "gateway keys from env refs, any shape",
      teamKeys({ env: "TEAM_A" }, { env: "TEAM_B" }),
      { TEAM_A: "team-alpha-shared-password-42", TEAM_B: "beta beta beta" },
      [],
      ["team-alpha-shared-password-42", "beta beta beta"],
    ],
    [
      "a plaintext key; an unset salt variable (PII off) contributes nothing",
      { ...teamKeys("plain-key-in-file-1"), pii: { replacement: { hash_salt: { env: "UNSET" } } } },
      {},
      [],
      ["plain-key-in-file-1"],
    ],
    [
      `values under ${minSecretLength} characters are ignored`,
      teamKeys("short", "1234567", "12345678"),
      {},
      [],
      ["12345678"],
    ],
    [
      "fingerprint secret and PII hash salt",
      {
        tracing: { key_hash_secret: { env: "KHS" } },
        pii: { replacement: { hash_salt: { env: "SALT" } } },
      },
      { KHS: "key-hash-secret-0123456789", SALT: "salty-salt-value" },
      [],
      ["key-hash-secret-0123456789", "salty-salt-value"],
    ],
    [
      "OTLP exporter header values, all three maps, from the file, env refs and OTEL_* variables",
      {
        observability: {
          otel: {
            enabled: true,
            endpoint: "127.0.0.1:4318",
            headers: { authorization: { env: "OTLP_AUTH" } },
            traces_headers: { "x-honeycomb-team": "honeycomb-team-key-1" },
          },
        },
      },
      {
        OTLP_AUTH: "Basic dXNlcjpwYXNzd29yZA==",
        OTEL_EXPORTER_OTLP_METRICS_HEADERS: "x-api-key=metrics-key-from-env",
      },
      [],
      ["Basic dXNlcjpwYXNzd29yZA==", "honeycomb-team-key-1", "metrics-key-from-env"],
    ],
    [
      "an empty hash salt is no secret",
      { pii: { replacement: { hash_salt: "" } } },
      {},
      [],
      [],
    ],
    [
      "the PostgreSQL DSN's password, decoded",
      { storage: { driver: "postgres", dsn: "postgres://gw:p%40ss-word-99@db:5432/gw" } },
      {},
      [],
      ["p@ss-word-99"],
    ],
    [
      "provider key pools: the keys read from env refs, an unset one left out",
      {
        server: { host: "127.0.0.1" },
        providers: {
          openai: {
            keys: [{ id: "a", key: { env: "POOL_A" } }, { id: "b", key: { env: "POOL_B" } }],
          },
        },
      },
      { POOL_A: "sk-pool-key-a-0123456789" },
      [],
      ["sk-pool-key-a-0123456789"],
    ],
    [
      "extra secrets (a generated fingerprint secret), duplicates once",
      teamKeys("same-value-twice"),
      {},
      ["same-value-twice", "generated-secret-abcdef", "tiny"],
      ["generated-secret-abcdef", "same-value-twice"],
    ],
  ];

for (const [name, input, env, extra, want] of collectionCases) {
  Deno.test(`collectSecrets: ${name}`, () => {
    assert.deepEqual(collectSecrets(config(input, env), extra).sort(), [...want].sort());
  });
}

Deno.test("knownSecretRedactor: null when the config holds no secret (no work at all)", () => {
  assert.equal(knownSecretRedactor(config({})), null);
  assert.equal(knownSecretRedactor(config(teamKeys("short"))), null);
  assert.equal(createSecretRedactor([]), null);
});

const redactCases: [string, string[], string, string][] = [
  ["no occurrence: the same string", ["team-alpha-shared-password-42"], "gpt-4o", "gpt-4o"],
  [
    "the whole value",
    ["team-alpha-shared-password-42"],
    "team-alpha-shared-password-42",
    R,
  ],
  [
    "inside a path",
    ["team-alpha-shared-password-42"],
    "/openai/v1/team-alpha-shared-password-42/chat/completions",
    `/openai/v1/${R}/chat/completions`,
  ],
  [
    "a secret appearing twice",
    ["password-1234"],
    "a password-1234 b password-1234 c",
    `a ${R} b ${R} c`,
  ],
  ["back to back: one placeholder each", ["abcdefgh"], "abcdefghabcdefgh", `${R}${R}`],
  [
    "overlapping secrets: one placeholder, no fragment left",
    ["abcdefgh-1234", "1234-wxyz-5678"],
    "x abcdefgh-1234-wxyz-5678 y",
    `x ${R} y`,
  ],
  [
    "one secret inside another",
    ["inner-secret", "outer-inner-secret-outer"],
    "[outer-inner-secret-outer] [inner-secret]",
    `[${R}] [${R}]`,
  ],
  [
    "regex metacharacters mean nothing",
    ["a.b*c+d?(e)[f]{2}|^$\\"],
    "x a.b*c+d?(e)[f]{2}|^$\\ y; aXbbbcd",
    `x ${R} y; aXbbbcd`,
  ],
  [
    "its JSON-escaped spelling too (a serialised log field)",
    ['pass"word\\42'],
    JSON.stringify({ problem: 'bad pass"word\\42' }),
    `{"problem":"bad ${R}"}`,
  ],
  [
    "its percent-encoded spelling (a path in a log line)",
    ["pa ss/word+42"],
    "/openai/v1/pa%20ss%2Fword%2B42/chat and q=pa+ss%2Fword%2B42",
    `/openai/v1/${R}/chat and q=${R}`,
  ],
  [
    "its ASCII-only JSON spelling (Python's json.dumps)",
    ["pässwörd-ünïcode"],
    '{"k": "p\\u00e4ssw\\u00f6rd-\\u00fcn\\u00efcode"}',
    `{"k": "${R}"}`,
  ],
  ["short ones are never redacted", ["abc"], "abc abc", "abc abc"],
  ["non-ASCII", ["pässwörd-ünïcode"], "x pässwörd-ünïcode y", `x ${R} y`],
];

for (const [name, secrets, input, want] of redactCases) {
  Deno.test(`createSecretRedactor: ${name}`, () => {
    const redact = createSecretRedactor(secrets);
    assert.equal(redact === null ? input : redact(input), want);
  });
}

Deno.test("known secrets first, then shapes: neither leaves a fragment", () => {
  const secret = "team-alpha-shared-password-42";
  const redact = knownSecretRedactor(
    config(teamKeys({ env: "TEAM_A" }), { TEAM_A: secret }),
  )!;
  const value =
    `model ${secret} with Bearer ${secret} and sk-proj-abcdefghijklmnopqrstuvwxyz012345`;
  const out = scrubValue(redact(value));
  assert.ok(!out.includes("password-42") && !out.includes("team-alpha"), out);
  assert.ok(!out.includes("sk-proj"), out);
  assert.ok(out.startsWith(`model ${R}`), out);
  // The placeholder itself is no credential shape.
  assert.equal(scrubValue(R), R);
});

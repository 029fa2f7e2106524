/**
 * One row per class of config mistake: each must be an error naming the dotted path and saying
 * what is expected (and, for a typo, the nearest valid key).
 */
import assert from "node:assert/strict";
import { assertIssueAt, errorsOf, type IssueRow, loadFrom } from "./temp_files.ts";

const rows: IssueRow[] = [
  {
    name: "unknown key suggests the nearest valid key",
    yaml: "server:\n  prot: 9090\n",
    path: "server.prot",
    message: /^unknown key$/,
    hint: /did you mean "port"\?/,
    line: 2,
  },
  {
    name: "unknown nested key in a provider suggests upstream",
    yaml: "providers:\n  openai:\n    upstraem: https://api.openai.com\n",
    path: "providers.openai.upstraem",
    message: /unknown key/,
    hint: /did you mean "upstream"\?/,
    line: 3,
  },
  {
    name: "camelCase spelling of a snake_case key is recognised",
    yaml: "tracing:\n  captureBodies: true\n",
    path: "tracing.captureBodies",
    message: /unknown key/,
    hint: /did you mean "capture_bodies"\?/,
  },
  {
    name: "unknown key far from any valid key lists the valid keys",
    yaml: "storage:\n  zzzzzzzz: 1\n",
    path: "storage.zzzzzzzz",
    message: /unknown key/,
    hint: /valid keys here: driver, path, dsn, pool_max/,
  },
  {
    name: "unknown top-level section",
    yaml: "observabilty:\n  otel: {}\n",
    path: "observabilty",
    message: /unknown key/,
    hint: /did you mean "observability"\?/,
  },
  {
    name: "wrong type says what was expected and what was given",
    yaml: 'server:\n  port: "8080"\n',
    path: "server.port",
    message: /^expected a number, got a string \("8080"\)$/,
    hint: /without quotes/,
  },
  {
    name: "a section given as a scalar",
    yaml: "storage: sqlite\n",
    path: "storage",
    message: /expected an object .*got a string/,
  },
  {
    name: "a list where an object is expected",
    yaml: "auth:\n  keys:\n    id: a\n",
    path: "auth.keys",
    message: /expected a list, got an object/,
  },
  {
    name: "bad URL",
    yaml: "providers:\n  openai:\n    upstream: api.openai.com\n",
    path: "providers.openai.upstream",
    message: /absolute http\(s\) URL .*got "api.openai.com"/,
    line: 3,
  },
  {
    name: "URL with a non-http scheme",
    yaml: "providers:\n  anthropic:\n    upstream: ftp://example.com\n",
    path: "providers.anthropic.upstream",
    message: /must use http or https/,
  },
  {
    name: "port out of range",
    yaml: "server:\n  port: 70000\n",
    path: "server.port",
    message: /^must be between 1 and 65535 \(got 70000\)$/,
  },
  {
    name: "port zero",
    yaml: "server:\n  port: 0\n",
    path: "server.port",
    message: /between 1 and 65535 \(got 0\)/,
  },
  {
    name: "enum value with a near miss",
    yaml: "storage:\n  driver: postgress\n",
    path: "storage.driver",
    message: /must be one of sqlite, postgres \(got "postgress"\)/,
    hint: /did you mean "postgres"/,
  },
  {
    name: "unknown PII mode lists the four modes",
    yaml: "pii:\n  mode: strict\n",
    path: "pii.mode",
    message: /must be one of off, redact_storage, redact_upstream, block \(got "strict"\)/,
  },
  {
    name: "PII scope without selectors",
    yaml: "pii:\n  scopes:\n    - match: {}\n      mode: block\n",
    path: "pii.scopes[0].match",
    message: /must set at least one selector/,
  },
  {
    name: "PII scope provider not lowercase",
    yaml: "pii:\n  scopes:\n    - match: { provider: OpenAI }\n",
    path: "pii.scopes[0].match.provider",
    message: /lowercase/,
  },
  {
    name: "provider id not lowercase",
    yaml: "providers:\n  Groq:\n    upstream: https://api.groq.com/openai\n",
    path: "providers.Groq",
    message: /lowercase .*\(got "Groq"\)/,
  },
  {
    name: "prefix without a leading slash",
    yaml: "providers:\n  openai:\n    prefix: openai\n",
    path: "providers.openai.prefix",
    message: /must start with '\/'/,
  },
  {
    name: "overlapping provider prefixes on a segment boundary",
    yaml:
      "providers:\n  groq:\n    prefix: /openai/v2\n    upstream: https://api.groq.com/openai\n",
    path: "providers.groq.prefix",
    message: /"\/openai\/v2" overlaps providers\.openai\.prefix "\/openai"/,
    line: 3,
  },
  {
    name: "two providers on the same prefix",
    yaml:
      "providers:\n  a1:\n    prefix: /llm\n    upstream: http://a\n  b1:\n    prefix: /llm\n    upstream: http://b\n",
    path: "providers.b1.prefix",
    message: /overlaps providers\.a1\.prefix/,
  },
  {
    name: "prefix overlapping the API",
    yaml: "providers:\n  openai:\n    prefix: /api/openai\n",
    path: "providers.openai.prefix",
    message: /overlaps the gateway API under \/api/,
  },
  {
    name: "prefix equal to the Prometheus path",
    yaml:
      "providers:\n  openai:\n    prefix: /metrics\nobservability:\n  otel:\n    enabled: true\n    prometheus_enabled: true\n",
    path: "observability.otel.prometheus_path",
    message: /"\/metrics" overlaps providers\.openai\.prefix "\/metrics"/,
  },
  {
    name: "storage.pool_max out of range",
    yaml: "storage:\n  driver: postgres\n  dsn: postgres://db/x\n  pool_max: 0\n",
    path: "storage.pool_max",
    message: /must be at least 1 \(got 0\)/,
  },
  {
    name: "storage.dsn missing for postgres",
    yaml: "storage:\n  driver: postgres\n",
    path: "storage.dsn",
    message: /is required when storage.driver is postgres/,
    hint: /ONGOINGAI_STORAGE_DSN/,
  },
  {
    name: "openai-compatible provider without upstream, with a typo hint",
    yaml: "providers:\n  opanai:\n    prefix: /opanai\n",
    path: "providers.opanai.upstream",
    message: /required for an openai-compatible provider/,
    hint: /did you mean providers\.openai\?/,
  },
  {
    name: "auth enabled without keys",
    yaml: "auth:\n  enabled: true\n",
    path: "auth.keys",
    message: /no keys are configured/,
  },
  {
    name: "auth header that carries provider credentials",
    yaml: "auth:\n  header: Authorization\n",
    path: "auth.header",
    message: /conflicts with the provider credential header/,
  },
  {
    name: "duplicate auth key ids",
    yaml:
      "auth:\n  keys:\n    - { id: a, token: { env: K1 } }\n    - { id: a, token: { env: K2 } }\n",
    path: "auth.keys[1].id",
    message: /duplicates auth\.keys\[0\]\.id "a"/,
  },
  {
    name: "auth key with neither token nor token_hash",
    yaml: "auth:\n  keys:\n    - id: a\n",
    path: "auth.keys[0]",
    message: /needs either token/,
  },
  {
    name: "env reference to an unset variable for a needed key",
    yaml: "auth:\n  enabled: true\n  keys:\n    - { id: a, token: { env: TEAM_A_KEY } }\n",
    path: "auth.keys[0].token",
    message: /environment variable TEAM_A_KEY is not set/,
  },
  {
    name: "env reference spelled wrong",
    yaml: "auth:\n  keys:\n    - { id: a, token: { env: 3 } }\n",
    path: "auth.keys[0].token.env",
    message: /expected a string/,
  },
  {
    name: "OpenTelemetry on with nothing to export",
    yaml:
      "observability:\n  otel:\n    enabled: true\n    traces_enabled: false\n    metrics_enabled: false\n",
    path: "observability.otel",
    message: /nothing to export/,
  },
  {
    name: "sampling ratio above 1",
    yaml: "observability:\n  otel:\n    sampling_ratio: 1.5\n",
    path: "observability.otel.sampling_ratio",
    message: /must be at most 1 \(got 1.5\)/,
  },
  {
    name: "bad env value is reported with the variable name",
    yaml: "",
    env: { ONGOINGAI_PORT: "abc" },
    path: "server.port",
    message: /^ONGOINGAI_PORT must be an integer \(got "abc"\)$/,
  },
  {
    name: "env value the schema rejects says which variable set it",
    yaml: "server:\n  port: 8080\n",
    env: { ONGOINGAI_PORT: "99999" },
    path: "server.port",
    message: /between 1 and 65535 \(got 99999\)/,
    hint: /set by ONGOINGAI_PORT/,
  },
];

for (const row of rows) {
  Deno.test(`config error: ${row.name}`, async () => {
    const result = await loadFrom({ "ongoingai.yaml": row.yaml }, row.env ? { env: row.env } : {});
    assertIssueAt(errorsOf(result), row);
  });
}

Deno.test("config error: every unknown key is its own error", async () => {
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": "server:\n  prot: 1\n  hots: x\n" }));
  assert.deepEqual(errors.map((e) => e.path).sort(), ["server.hots", "server.prot"]);
  assert.equal(errors.find((e) => e.path === "server.hots")?.hint, 'did you mean "host"?');
});

Deno.test("config error: secrets are never quoted in messages", async () => {
  const yaml =
    "storage:\n  dsn: 42\nauth:\n  keys:\n    - { id: a, token_hash: sk-proj-secretvalue }\n";
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": yaml }));
  assert.ok(errors.length >= 2);
  for (const e of errors) assert.ok(!JSON.stringify(e).includes("sk-proj-secretvalue"));
});

Deno.test("config error: prefixes that only share characters do not overlap", async () => {
  const yaml = "providers:\n  openaiish:\n    upstream: https://example.com\n";
  const result = await loadFrom({ "ongoingai.yaml": yaml });
  assert.ok(result.ok);
});

Deno.test("config error: schema and semantic errors are reported in one run", async () => {
  const yaml = [
    "server:",
    "  prot: 1",
    "storage:",
    "  driver: postgres",
    "providers:",
    "  groq:",
    "    upstream: not-a-url",
    "    prefix: /openai",
  ].join("\n");
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": yaml }));
  assert.deepEqual(errors.map((e) => e.path), [
    "server.prot",
    "storage.dsn",
    "providers.groq.upstream",
    "providers.groq.prefix",
  ]);
  // The rejected upstream is not reported a second time as "required".
  assert.equal(errors.filter((e) => e.path === "providers.groq.upstream").length, 1);
});

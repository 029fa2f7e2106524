/**
 * `routes` and `providers.<id>.keys` as `check` sees them: one shape in YAML, JSON and
 * gateway.config.ts (where targets may be a function), defaults, and every message naming the
 * path, what is wrong and what to do.
 */
import assert from "node:assert/strict";
import { assertIssueAt, configOf, errorsOf, type IssueRow, loadFrom } from "./temp_files.ts";

const yamlRoute = `routes:
  gpt-main:
    strategy: fallback
    targets:
      - { provider: openai, model: gpt-main }
      - { provider: groq, model: llama-3.3-70b, on_context_length: true }
    retry: { attempts: 3, backoff_ms: 250, max_backoff_ms: 8000, max_retry_after_ms: 10000 }
    timeouts: { connect_ms: 5000, first_byte_ms: 30000, first_token_ms: 10000, idle_ms: 10000, total_ms: 120000 }
    circuit_breaker: { failures: 3, open_ms: 10000 }
    stream_commit: complete
providers:
  groq: { upstream: https://api.groq.com/openai }
`;

const jsonRoute = JSON.stringify({
  providers: { groq: { upstream: "https://api.groq.com/openai" } },
  routes: {
    "gpt-main": {
      strategy: "fallback",
      targets: [
        { provider: "openai", model: "gpt-main" },
        { provider: "groq", model: "llama-3.3-70b", on_context_length: true },
      ],
      retry: { attempts: 3, backoff_ms: 250, max_backoff_ms: 8000, max_retry_after_ms: 10000 },
      timeouts: {
        connect_ms: 5000,
        first_byte_ms: 30000,
        first_token_ms: 10000,
        idle_ms: 10000,
        total_ms: 120000,
      },
      circuit_breaker: { failures: 3, open_ms: 10000 },
      stream_commit: "complete",
    },
  },
});

const tsRoute = `import { defineConfig } from "ongoingai";
export default defineConfig({
  providers: { groq: { upstream: "https://api.groq.com/openai" } },
  routes: {
    "gpt-main": {
      strategy: "fallback",
      targets: [
        { provider: "openai", model: "gpt-main" },
        { provider: "groq", model: "llama-3.3-70b", on_context_length: true },
      ],
      retry: { attempts: 3, backoff_ms: 250, max_backoff_ms: 8000, max_retry_after_ms: 10000 },
      timeouts: { connect_ms: 5000, first_byte_ms: 30000, first_token_ms: 10000, idle_ms: 10000, total_ms: 120000 },
      circuit_breaker: { failures: 3, open_ms: 10000 },
      stream_commit: "complete",
    },
  },
});
`;

Deno.test("routes: the same route in YAML, JSON and gateway.config.ts parses the same", async () => {
  const fromYaml = configOf(await loadFrom({ "ongoingai.yaml": yamlRoute })).routes;
  const fromJson = configOf(
    await loadFrom({ "ongoingai.json": jsonRoute }, { path: "ongoingai.json" }),
  ).routes;
  const fromTs = configOf(
    await loadFrom({ "gateway.config.ts": tsRoute }, { path: "gateway.config.ts" }),
  ).routes;
  assert.deepEqual(fromJson, fromYaml);
  assert.deepEqual(fromTs, fromYaml);
  assert.deepEqual(fromYaml["gpt-main"], {
    strategy: "fallback",
    targets: [
      { provider: "openai", model: "gpt-main", weight: 1, on_context_length: false },
      { provider: "groq", model: "llama-3.3-70b", weight: 1, on_context_length: true },
    ],
    retry: { attempts: 3, backoff_ms: 250, max_backoff_ms: 8000, max_retry_after_ms: 10000 },
    timeouts: {
      connect_ms: 5000,
      first_byte_ms: 30000,
      first_token_ms: 10000,
      idle_ms: 10000,
      total_ms: 120000,
    },
    circuit_breaker: { failures: 3, open_ms: 10000 },
    stream_commit: "complete",
    max_buffer_bytes: 4 * 1024 * 1024,
  });
});

Deno.test("routes: defaults of a route that only lists targets", async () => {
  const yaml = "routes:\n  x:\n    targets: [{ provider: openai, model: gpt-4o }]\n";
  const result = await loadFrom({ "ongoingai.yaml": yaml });
  const route = configOf(result).routes["x"];
  assert.ok(route && typeof route !== "function");
  assert.equal(route.strategy, "fallback");
  assert.deepEqual(route.retry, {
    attempts: 2,
    backoff_ms: 250,
    max_backoff_ms: 8000,
    max_retry_after_ms: 10000,
  });
  assert.deepEqual(route.timeouts, {});
  assert.deepEqual(route.circuit_breaker, { failures: 5, open_ms: 30000 });
  assert.equal(route.stream_commit, "first_content");
  assert.ok(result.ok);
  // Nothing to say about it.
  assert.deepEqual(result.warnings, []);
});

Deno.test("routes: no routes key means no routes", async () => {
  assert.deepEqual(
    configOf(await loadFrom({ "ongoingai.yaml": "server: { port: 8080 }\n" })).routes,
    {},
  );
});

Deno.test("routes: gateway.config.ts may give a route, or its targets, as a function", async () => {
  const ts = `import { defineConfig } from "ongoingai";
export default defineConfig({
  routes: {
    base: { targets: [{ provider: "openai", model: "gpt-4o" }] },
    coded: (req) => (req.body_bytes > 1000 ? "base" : null),
    tuned: { retry: { attempts: 1 }, targets: (req) => [{ provider: "openai", model: req.model }] },
  },
});
`;
  const config = configOf(
    await loadFrom({ "gateway.config.ts": ts }, { path: "gateway.config.ts" }),
  );
  assert.equal(typeof config.routes["coded"], "function");
  const tuned = config.routes["tuned"];
  assert.ok(tuned && typeof tuned !== "function" && typeof tuned.targets === "function");
  assert.equal(tuned.retry.attempts, 1);
});

const errorRows: IssueRow[] = [
  {
    name: "an unknown provider, with the nearest enabled one",
    yaml: "routes:\n  x:\n    targets: [{ provider: opnai, model: gpt-4o }]\n",
    path: "routes.x.targets[0].provider",
    message: /"opnai" is not an enabled provider/,
    hint: /did you mean "openai"\?/,
  },
  {
    name: "a disabled provider",
    yaml: "providers:\n  anthropic: { enabled: false }\n" +
      "routes:\n  x:\n    targets: [{ provider: anthropic, model: claude }]\n",
    path: "routes.x.targets[0].provider",
    message: /providers.anthropic is disabled/,
  },
  {
    name: "empty targets",
    yaml: "routes:\n  x:\n    targets: []\n",
    path: "routes.x.targets",
    message: /must list at least one target/,
    hint: /provider: openai/,
  },
  {
    name: "targets missing",
    yaml: "routes:\n  x:\n    strategy: fallback\n",
    path: "routes.x.targets",
    message: /is required/,
  },
  {
    name: "a Vertex target mixed with a target of another wire format",
    yaml: "providers:\n  vertex:\n    kind: vertex\n" +
      "routes:\n  x:\n    targets:\n      - { provider: openai, model: gpt-4o }\n" +
      "      - { provider: vertex, model: gemini-2.5-pro }\n",
    path: "routes.x.targets[1].provider",
    message:
      /providers.vertex \(targets\[1\]\) speaks the Vertex AI wire format, which the gateway does not translate/,
    hint: /one route of Vertex targets/,
  },
  {
    name: "two route names that differ only in case",
    yaml: "routes:\n  gpt-main:\n    targets: [{ provider: openai, model: a }]\n" +
      "  GPT-Main:\n    targets: [{ provider: openai, model: b }]\n",
    path: "routes.GPT-Main",
    message: /collides with routes.gpt-main/,
  },
  {
    name: "a route name that is no model name",
    yaml: "routes:\n  'gpt main':\n    targets: [{ provider: openai, model: a }]\n",
    path: 'routes["gpt main"]',
    message: /route names are model names/,
  },
  {
    name: "first_token_ms longer than total_ms",
    yaml: "routes:\n  x:\n    targets: [{ provider: openai, model: a }]\n" +
      "    timeouts: { first_token_ms: 200000, total_ms: 100000 }\n",
    path: "routes.x.timeouts.first_token_ms",
    message: /is 200000, longer than timeouts.total_ms \(100000\), so it can never fire/,
  },
  {
    name: "idle_ms longer than an inherited proxy.total_timeout_ms",
    yaml: "proxy: { total_timeout_ms: 60000 }\n" +
      "routes:\n  x:\n    targets: [{ provider: openai, model: a }]\n" +
      "    timeouts: { idle_ms: 90000 }\n",
    path: "routes.x.timeouts.idle_ms",
    message: /longer than proxy.total_timeout_ms \(60000\)/,
  },
  {
    name: "connect_ms longer than first_byte_ms",
    yaml: "routes:\n  x:\n    targets: [{ provider: openai, model: a }]\n" +
      "    timeouts: { connect_ms: 20000, first_byte_ms: 5000 }\n",
    path: "routes.x.timeouts.connect_ms",
    message: /longer than timeouts.first_byte_ms \(5000\)/,
  },
  {
    name: "first_byte_ms longer than total_ms",
    yaml: "routes:\n  x:\n    targets: [{ provider: openai, model: a }]\n" +
      "    timeouts: { first_byte_ms: 50000, total_ms: 40000 }\n",
    path: "routes.x.timeouts.first_byte_ms",
    message: /longer than timeouts.total_ms/,
  },
  {
    name: "a zero timeout",
    yaml: "routes:\n  x:\n    targets: [{ provider: openai, model: a }]\n" +
      "    timeouts: { idle_ms: 0 }\n",
    path: "routes.x.timeouts.idle_ms",
    message: /must be greater than 0; null means no limit/,
  },
  {
    name: "zero attempts",
    yaml:
      "routes:\n  x:\n    targets: [{ provider: openai, model: a }]\n    retry: { attempts: 0 }\n",
    path: "routes.x.retry.attempts",
    message: /must be at least 1 \(the first attempt counts\)/,
  },
  {
    name: "absurd attempts",
    yaml:
      "routes:\n  x:\n    targets: [{ provider: openai, model: a }]\n    retry: { attempts: 50 }\n",
    path: "routes.x.retry.attempts",
    message: /must be at most 10: more is a retry storm/,
  },
  {
    name: "a negative weight",
    yaml:
      "routes:\n  x:\n    strategy: weighted\n    targets: [{ provider: openai, model: a, weight: -1 }]\n",
    path: "routes.x.targets[0].weight",
    message: /must be 0 or more: 0 makes the target a last resort/,
  },
  {
    name: "an unknown strategy",
    yaml: "routes:\n  x:\n    strategy: fallbak\n    targets: [{ provider: openai, model: a }]\n",
    path: "routes.x.strategy",
    message: /must be one of fallback, weighted, least_latency/,
    hint: /did you mean "fallback"\?/,
  },
  {
    name: "a typo in a target key",
    yaml: "routes:\n  x:\n    targets: [{ provider: openai, modle: a }]\n",
    path: "routes.x.targets[0].modle",
    message: /unknown key/,
    hint: /did you mean "model"\?/,
  },
  {
    name: "a function in YAML is impossible: targets must be a list",
    yaml: "routes:\n  x:\n    targets: pick_one\n",
    path: "routes.x.targets",
    message: /expected a list|function/,
  },
  {
    name: "a key pool with duplicate ids",
    yaml: "server: { host: 127.0.0.1 }\nproviders:\n  openai:\n    keys:\n" +
      "      - { id: a, key: { env: KA } }\n      - { id: a, key: { env: KB } }\n",
    env: { KA: "sk-aaaaaaaaaaaa", KB: "sk-bbbbbbbbbbbb" },
    path: "providers.openai.keys[1].id",
    message: /duplicates providers.openai.keys\[0\].id "a"/,
  },
  {
    name: "a key pool listing one key twice",
    yaml: "server: { host: 127.0.0.1 }\nproviders:\n  openai:\n    keys:\n" +
      "      - { id: a, key: { env: KA } }\n      - { id: b, key: { env: KB } }\n",
    env: { KA: "sk-same-key-000000", KB: "sk-same-key-000000" },
    path: "providers.openai.keys[1].key",
    message: /is the same key as providers.openai.keys\[0\]/,
  },
  {
    name: "a key pool with no key set",
    yaml: "server: { host: 127.0.0.1 }\nproviders:\n  openai:\n    keys:\n" +
      "      - { id: a, key: { env: UNSET_A } }\n",
    path: "providers.openai.keys",
    message: /no key of the pool is set/,
  },
  {
    name: "a key pool the gateway would never use (no team mode, not loopback)",
    yaml: "providers:\n  openai:\n    keys:\n      - { id: a, key: { env: KA } }\n",
    env: { KA: "sk-aaaaaaaaaaaa" },
    path: "providers.openai.keys",
    message: /is never used: a key pool serves requests only in team mode/,
    hint: /auth.enabled .* 127.0.0.1/,
  },
];

for (const row of errorRows) {
  Deno.test(`routes error: ${row.name}`, async () => {
    const errors = errorsOf(await loadFrom({ "ongoingai.yaml": row.yaml }, { env: row.env ?? {} }));
    assertIssueAt(errors, row);
  });
}

Deno.test("routes error: the line of a wrong target in the YAML file", async () => {
  const yaml = "routes:\n  x:\n    targets:\n      - provider: openai\n        model: a\n" +
    "      - provider: opnai\n        model: b\n";
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": yaml }));
  assert.equal(errors[0]?.path, "routes.x.targets[1].provider");
  assert.equal(errors[0]?.line, 6);
});

Deno.test("routes error: a key value is never echoed in a message", async () => {
  const yaml = "server: { host: 127.0.0.1 }\nproviders:\n  openai:\n    keys:\n" +
    "      - { id: a, key: 42 }\n";
  const errors = errorsOf(await loadFrom({ "ongoingai.yaml": yaml }));
  assert.equal(errors[0]?.path, "providers.openai.keys[0].key");
  const wrong = "server: { host: 127.0.0.1 }\nproviders:\n  openai:\n    keys:\n" +
    "      - { id: 'bad id', key: sk-secret-value-123456 }\n";
  const text = JSON.stringify(errorsOf(await loadFrom({ "ongoingai.yaml": wrong })));
  assert.doesNotMatch(text, /sk-secret-value/);
});

const warningRows: IssueRow[] = [
  {
    name: "a weight under a strategy that ignores it",
    yaml: "routes:\n  x:\n    targets: [{ provider: openai, model: a, weight: 3 }]\n",
    path: "routes.x.targets[0].weight",
    message: /only read by strategy: weighted/,
  },
  {
    name: "on_context_length on the first target",
    yaml: "routes:\n  x:\n    targets: [{ provider: openai, model: a, on_context_length: true }]\n",
    path: "routes.x.targets[0].on_context_length",
    message: /no effect on the first target/,
  },
  {
    name: "a target listed twice",
    yaml: "routes:\n  x:\n    targets:\n      - { provider: openai, model: a }\n" +
      "      - { provider: openai, model: a }\n",
    path: "routes.x.targets[1]",
    message: /repeats targets\[0\]/,
    hint: /retry.attempts/,
  },
  {
    name: "a backoff base above its cap",
    yaml: "routes:\n  x:\n    targets: [{ provider: openai, model: a }]\n" +
      "    retry: { backoff_ms: 9000, max_backoff_ms: 2000 }\n",
    path: "routes.x.retry.backoff_ms",
    message: /is more than retry.max_backoff_ms \(2000\)/,
  },
  {
    name: "a plaintext pool key",
    yaml: "auth:\n  enabled: true\n  keys: [{ id: t, token: { env: T } }]\n" +
      "providers:\n  openai:\n    keys: [{ id: a, key: sk-plain-in-file-0000 }]\n",
    env: { T: "gwk-team-token-0000" },
    path: "providers.openai.keys[0].key",
    message: /plaintext secret/,
    hint: /env\("OPENAI_KEY_A"\)/,
  },
  {
    name: "an unset pool key variable while another key is set",
    yaml: "server: { host: 127.0.0.1 }\nproviders:\n  openai:\n    keys:\n" +
      "      - { id: a, key: { env: KA } }\n      - { id: b, key: { env: UNSET_B } }\n",
    env: { KA: "sk-aaaaaaaaaaaa" },
    path: "providers.openai.keys[1].key",
    message: /UNSET_B is not set, so this key is left out of the pool/,
  },
];

for (const row of warningRows) {
  Deno.test(`routes warning: ${row.name}`, async () => {
    const result = await loadFrom({ "ongoingai.yaml": row.yaml }, { env: row.env ?? {} });
    assert.ok(result.ok, JSON.stringify(result));
    assertIssueAt(result.warnings, row);
  });
}

Deno.test("key pools: resolved from the environment, an unset key left out", async () => {
  const yaml = "server: { host: 127.0.0.1 }\nproviders:\n  openai:\n    keys:\n" +
    "      - { id: a, key: { env: KA }, weight: 2, rpm: 10, group: org-1 }\n" +
    "      - { id: b, key: { env: UNSET_B } }\n";
  const config = configOf(await loadFrom({ "ongoingai.yaml": yaml }, { env: { KA: "sk-a-123" } }));
  const openai = config.providers.find((p) => p.id === "openai");
  assert.deepEqual(openai?.keys, [
    { id: "a", key: "sk-a-123", weight: 2, rpm: 10, tpm: null, group: "org-1" },
  ]);
  assert.equal(config.providers.find((p) => p.id === "anthropic")?.keys, undefined);
});

Deno.test("key pools: team mode on any host is fine", async () => {
  const yaml = "auth:\n  enabled: true\n  keys: [{ id: t, token: { env: T } }]\n" +
    "providers:\n  anthropic:\n    keys: [{ id: a, key: { env: KA } }]\n";
  const result = await loadFrom({ "ongoingai.yaml": yaml }, {
    env: { T: "gwk-team-token-0000", KA: "sk-ant-aaaaaaaaaa" },
  });
  assert.ok(result.ok, JSON.stringify(result));
  // Nothing to say about it.
  assert.deepEqual(result.warnings, []);
});

/** Environment overlay: defaults < file < env, empty variables ignored, bad values named. */
import assert from "node:assert/strict";
import { envVariables, type GatewayConfig } from "../../src/config/mod.ts";
import { configOf, errorsOf, loadFrom } from "./temp_files.ts";

const fileValues = `
server: { host: 10.0.0.1, port: 9000 }
storage: { driver: sqlite, path: ./file.db }
providers:
  openai: { upstream: "https://file.example/openai" }
tracing: { capture_bodies: false, body_max_size: 2048 }
pii: { policy_id: file/v1 }
auth: { header: X-Test-Gateway-Key }
`;

interface PrecedenceRow {
  name: string;
  file: string;
  env: Record<string, string>;
  read: (c: GatewayConfig) => unknown;
  expected: unknown;
}

const precedence: PrecedenceRow[] = [
  {
    name: "default without file or env",
    file: "",
    env: {},
    read: (c) => c.server.port,
    expected: 8080,
  },
  {
    name: "file over default",
    file: fileValues,
    env: {},
    read: (c) => c.server.port,
    expected: 9000,
  },
  {
    name: "env over file",
    file: fileValues,
    env: { ONGOINGAI_PORT: "7070" },
    read: (c) => c.server.port,
    expected: 7070,
  },
  {
    name: "env over default",
    file: "",
    env: { ONGOINGAI_HOST: "127.0.0.1" },
    read: (c) => c.server.host,
    expected: "127.0.0.1",
  },
  {
    name: "empty env is ignored",
    file: fileValues,
    env: { ONGOINGAI_PORT: "", ONGOINGAI_HOST: "" },
    read: (c) => [c.server.host, c.server.port],
    expected: ["10.0.0.1", 9000],
  },
  {
    name: "file value survives when its variable is unset",
    file: fileValues,
    env: { ONGOINGAI_PORT: "7070" },
    read: (c) => c.auth.header,
    expected: "X-Test-Gateway-Key",
  },
  {
    name: "upstream from env",
    file: fileValues,
    env: { ONGOINGAI_OPENAI_UPSTREAM: "http://localhost:9999/v1" },
    read: (c) => c.providers.find((p) => p.id === "openai")?.upstream,
    expected: "http://localhost:9999/v1",
  },
  {
    name: "anthropic upstream from env without a file",
    file: "",
    env: { ONGOINGAI_ANTHROPIC_UPSTREAM: "http://localhost:9998" },
    read: (c) => c.providers.find((p) => p.id === "anthropic")?.upstream,
    expected: "http://localhost:9998",
  },
  {
    name: "booleans in Go's spellings",
    file: fileValues,
    env: { ONGOINGAI_CAPTURE_BODIES: "T", ONGOINGAI_AUTH_ENABLED: "0" },
    read: (c) => [c.tracing.capture_bodies, c.auth.enabled],
    expected: [true, false],
  },
  {
    name: "capture bodies from env turns the auto PII mode to redact_storage",
    file: "",
    env: { ONGOINGAI_CAPTURE_BODIES: "true" },
    read: (c) => c.pii_mode,
    expected: "redact_storage",
  },
  {
    name: "PII variables win over the file",
    file: fileValues,
    env: {
      ONGOINGAI_PII_MODE: " Redact_Upstream ",
      ONGOINGAI_PII_POLICY_ID: "env/v2",
      ONGOINGAI_PII_HASH_SALT: "pepper",
    },
    read: (c) => [c.pii_mode, c.pii.policy_id, c.pii.replacement.hash_salt],
    expected: ["redact_upstream", "env/v2", "pepper"],
  },
  {
    name: "storage from env",
    file: fileValues,
    env: { ONGOINGAI_STORAGE_DRIVER: "postgres", ONGOINGAI_STORAGE_DSN: "postgres://u@h/db" },
    read: (c) => [c.storage.driver, c.storage.dsn, c.storage.path],
    expected: ["postgres", "postgres://u@h/db", "./file.db"],
  },
  {
    name: "body max size from env",
    file: fileValues,
    env: { ONGOINGAI_BODY_MAX_SIZE: "4096" },
    read: (c) => c.tracing.body_max_size,
    expected: 4096,
  },
  {
    name: "an OTLP endpoint turns OpenTelemetry on",
    file: "",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318", OTEL_TRACES_SAMPLER_ARG: "0.75" },
    read: (
      c,
    ) => [
      c.observability.otel.enabled,
      c.observability.otel.endpoint,
      c.observability.otel.sampling_ratio,
    ],
    expected: [true, "collector:4318", 0.75],
  },
  {
    name: "OTEL_SDK_DISABLED wins over an endpoint",
    file: "",
    env: { OTEL_SDK_DISABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" },
    read: (c) => c.observability.otel.enabled,
    expected: false,
  },
  {
    name: "OTEL_SDK_DISABLED=false turns it on over the file",
    file: "observability:\n  otel:\n    enabled: false\n",
    env: { OTEL_SDK_DISABLED: "false" },
    read: (c) => c.observability.otel.enabled,
    expected: true,
  },
  {
    name: "traces none, metrics otlp",
    file: "",
    env: { OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "otlp" },
    read: (c) => {
      const o = c.observability.otel;
      return [o.enabled, o.traces_enabled, o.metrics_enabled];
    },
    expected: [true, false, true],
  },
  {
    name: "metrics exporter prometheus",
    file: "",
    env: { OTEL_METRICS_EXPORTER: "prometheus", ONGOINGAI_PROMETHEUS_PATH: "/prom" },
    read: (c) => {
      const o = c.observability.otel;
      return [o.enabled, o.metrics_enabled, o.prometheus_enabled, o.prometheus_path];
    },
    expected: [true, false, true, "/prom"],
  },
  {
    name: "timeouts and intervals",
    file: "",
    env: {
      OTEL_EXPORTER_OTLP_TIMEOUT: "5000",
      OTEL_METRIC_EXPORT_INTERVAL: "20000",
      OTEL_SERVICE_NAME: "gw",
    },
    read: (c) => {
      const o = c.observability.otel;
      return [o.export_timeout_ms, o.metric_export_interval_ms, o.service_name];
    },
    expected: [5000, 20000, "gw"],
  },
  {
    name: "insecure and prometheus flags",
    file: "",
    env: { OTEL_EXPORTER_OTLP_INSECURE: "false", ONGOINGAI_PROMETHEUS_ENABLED: "true" },
    read: (c) => [c.observability.otel.insecure, c.observability.otel.prometheus_enabled],
    expected: [false, true],
  },
  {
    name: "auth header from env",
    file: "auth:\n  enabled: false\n",
    env: { ONGOINGAI_AUTH_HEADER: "X-Team-Key" },
    read: (c) => c.auth.header,
    expected: "X-Team-Key",
  },
];

for (const row of precedence) {
  Deno.test(`env precedence: ${row.name}`, async () => {
    const config = configOf(await loadFrom({ "ongoingai.yaml": row.file }, { env: row.env }));
    assert.deepEqual(row.read(config), row.expected);
  });
}

const badValues: Array<[string, string, RegExp]> = [
  ["ONGOINGAI_PORT", "not-a-number", /^ONGOINGAI_PORT must be an integer \(got "not-a-number"\)$/],
  ["ONGOINGAI_PORT", "80.5", /ONGOINGAI_PORT must be an integer/],
  [
    "ONGOINGAI_CAPTURE_BODIES",
    "yes",
    /^ONGOINGAI_CAPTURE_BODIES must be true or false \(got "yes"\)$/,
  ],
  ["ONGOINGAI_BODY_MAX_SIZE", "1MB", /ONGOINGAI_BODY_MAX_SIZE must be an integer/],
  ["OTEL_TRACES_SAMPLER_ARG", "x", /^OTEL_TRACES_SAMPLER_ARG must be a number \(got "x"\)$/],
  [
    "OTEL_TRACES_EXPORTER",
    "zipkin",
    /^OTEL_TRACES_EXPORTER must be one of otlp, none \(got "zipkin"\)$/,
  ],
  [
    "OTEL_METRICS_EXPORTER",
    "statsd",
    /OTEL_METRICS_EXPORTER must be one of otlp, none, prometheus/,
  ],
  ["OTEL_SDK_DISABLED", "maybe", /OTEL_SDK_DISABLED must be true or false/],
  ["ONGOINGAI_AUTH_ENABLED", "on", /ONGOINGAI_AUTH_ENABLED must be true or false/],
];

for (const [name, value, message] of badValues) {
  Deno.test(`env error: ${name}=${JSON.stringify(value)}`, async () => {
    const errors = errorsOf(await loadFrom({}, { env: { [name]: value } }));
    assert.ok(errors.some((e) => message.test(e.message)), JSON.stringify(errors));
    assert.ok(errors.every((e) => e.file === undefined), "an env error is not located in a file");
  });
}

Deno.test("env error: values the schema rejects are blamed on the variable", async () => {
  const errors = errorsOf(await loadFrom({}, { env: { ONGOINGAI_STORAGE_DRIVER: "mysql" } }));
  assert.equal(errors[0]?.path, "storage.driver");
  assert.match(errors[0]?.message ?? "", /must be one of sqlite, postgres \(got "mysql"\)/);
  assert.equal(errors[0]?.hint, "set by ONGOINGAI_STORAGE_DRIVER");
});

Deno.test("env table: lists every variable of the original, each with a config path", () => {
  const expected = [
    "ONGOINGAI_HOST",
    "ONGOINGAI_SERVER_ALLOWED_HOSTS",
    "ONGOINGAI_PORT",
    "ONGOINGAI_STORAGE_DRIVER",
    "ONGOINGAI_STORAGE_PATH",
    "ONGOINGAI_STORAGE_DSN",
    "ONGOINGAI_OPENAI_UPSTREAM",
    "ONGOINGAI_ANTHROPIC_UPSTREAM",
    "ONGOINGAI_CAPTURE_BODIES",
    "ONGOINGAI_BODY_MAX_SIZE",
    "OTEL_SDK_DISABLED",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
    "OTEL_EXPORTER_OTLP_INSECURE",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
    "OTEL_SERVICE_NAME",
    "OTEL_TRACES_EXPORTER",
    "OTEL_METRICS_EXPORTER",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_METRIC_EXPORT_INTERVAL",
    "ONGOINGAI_PROMETHEUS_ENABLED",
    "ONGOINGAI_PROMETHEUS_PATH",
    "ONGOINGAI_PII_MODE",
    "ONGOINGAI_PII_POLICY_ID",
    "ONGOINGAI_PII_HASH_SALT",
    "ONGOINGAI_AUTH_ENABLED",
    "ONGOINGAI_AUTH_HEADER",
  ];
  assert.deepEqual(envVariables.map((v) => v.name).sort(), expected.sort());
  for (const v of envVariables) {
    assert.match(v.path, /^[a-z_]+(\.[a-z_]+)+$/, v.name);
    assert.ok(v.description.length > 0 && v.accepts.length > 0, v.name);
  }
});

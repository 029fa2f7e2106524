/**
 * The OTLP encoding setting: `observability.otel.protocol` and its per-signal keys, the
 * `OTEL_EXPORTER_OTLP_*PROTOCOL` variables over the file, and `grpc` refused with what to use
 * instead (in the file, from the environment, and from `check` run as a real subprocess).
 */
import assert from "node:assert/strict";
import { signalProtocol, validateConfig } from "../../src/config/mod.ts";
import { runCliProcess } from "../support/process.ts";
import { assertIssueAt, errorsOf, type IssueRow, loadFrom, withFiles } from "./temp_files.ts";

interface Row {
  name: string;
  otel?: Record<string, unknown>;
  env?: Record<string, string>;
  traces: string;
  metrics: string;
}

const rows: Row[] = [
  { name: "default: http/json for both signals", traces: "http/json", metrics: "http/json" },
  {
    name: "file protocol for both",
    otel: { protocol: "http/protobuf" },
    traces: "http/protobuf",
    metrics: "http/protobuf",
  },
  {
    name: "file per-signal key over protocol",
    otel: { protocol: "http/protobuf", metrics_protocol: "http/json" },
    traces: "http/protobuf",
    metrics: "http/json",
  },
  {
    name: "generic variable over the file's protocol, any case",
    otel: { protocol: "http/json" },
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: " HTTP/Protobuf " },
    traces: "http/protobuf",
    metrics: "http/protobuf",
  },
  {
    name: "per-signal variables over the generic one",
    env: {
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
    },
    traces: "http/json",
    metrics: "http/protobuf",
  },
  {
    name: "metrics variable over the file's metrics key",
    otel: { metrics_protocol: "http/json" },
    env: { OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/protobuf" },
    traces: "http/json",
    metrics: "http/protobuf",
  },
];

for (const row of rows) {
  Deno.test(`otlp protocol: ${row.name}`, () => {
    const input = { observability: { otel: { enabled: true, ...row.otel } } };
    const result = validateConfig(input, { env: row.env ?? {} });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    if (!result.ok) return;
    const otel = result.config.observability.otel;
    assert.equal(signalProtocol(otel, "traces"), row.traces);
    assert.equal(signalProtocol(otel, "metrics"), row.metrics);
  });
}

Deno.test("otlp protocol: the variable alone turns OpenTelemetry on, as every OTEL_* does", () => {
  const result = validateConfig({}, { env: { OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" } });
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(result.config.observability.otel.enabled, true);
  assert.equal(result.config.observability.otel.protocol, "http/protobuf");
});

const otelOn = "observability:\n  otel:\n    enabled: true\n";
const grpcMessage = /gRPC is not supported; use http\/protobuf .*4318/;

const issueRows: IssueRow[] = [
  {
    name: "grpc in the file",
    yaml: `${otelOn}    protocol: grpc\n`,
    path: "observability.otel.protocol",
    message: grpcMessage,
  },
  {
    name: "grpc as a per-signal key",
    yaml: `${otelOn}    traces_protocol: grpc\n`,
    path: "observability.otel.traces_protocol",
    message: grpcMessage,
  },
  {
    name: "an unknown value in the file",
    yaml: `${otelOn}    protocol: http/xml\n`,
    path: "observability.otel.protocol",
    message: /^must be one of http\/json, http\/protobuf \(got "http\/xml"\)$/,
  },
  {
    name: "grpc from the generic variable, named",
    yaml: otelOn,
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
    path: "observability.otel.protocol",
    message:
      /^OTEL_EXPORTER_OTLP_PROTOCOL must be http\/json or http\/protobuf \(gRPC is not supported/,
  },
  {
    name: "grpc from the metrics variable, named",
    yaml: otelOn,
    env: { OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "GRPC" },
    path: "observability.otel.metrics_protocol",
    message: /^OTEL_EXPORTER_OTLP_METRICS_PROTOCOL must .*gRPC is not supported.*4318/,
  },
  {
    name: "a misspelt variable value, quoted",
    yaml: otelOn,
    env: { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/proto" },
    path: "observability.otel.traces_protocol",
    message:
      /^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http\/json or http\/protobuf \(got "http\/proto"\)$/,
  },
];

for (const row of issueRows) {
  Deno.test(`otlp protocol config: ${row.name}`, async () => {
    const issues = errorsOf(await loadFrom({ "ongoingai.yaml": row.yaml }, { env: row.env ?? {} }));
    assertIssueAt(issues, row);
  });
}

Deno.test("check: OTEL_EXPORTER_OTLP_PROTOCOL=grpc fails with what to use instead", async () => {
  await withFiles({ "ongoingai.yaml": otelOn }, async (cwd) => {
    const r = await runCliProcess(["check"], {
      cwd,
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
    });
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stdout + r.stderr, /OTEL_EXPORTER_OTLP_PROTOCOL/);
    assert.match(r.stdout + r.stderr, /gRPC is not supported/);
  });
});

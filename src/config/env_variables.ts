/**
 * The `ONGOINGAI_*` and `OTEL_*` variables of the original, as data: one row per variable with the
 * config path it sets and its parser, so the loader applies them and the README lists them from
 * the same table. Precedence is defaults < file < env, and an empty variable counts as unset.
 */

import { parseHeaderList } from "./otlp_headers.ts";
import { parseProtocol } from "./otlp_protocol.ts";
import { allowedHostSchema } from "./schema_host.ts";

type Parsed = { ok: true; value: unknown } | { ok: false; expected: string };

export interface EnvVariable {
  name: string;
  /** Dotted config path the variable sets. */
  path: string;
  /** What values it takes, for people: "integer", "true or false". */
  accepts: string;
  description: string;
  /** Setting it switches `observability.otel.enabled` on, as in the original. */
  enablesOtel?: boolean;
  /** Holds credentials: an error names the variable but never quotes its value. */
  secret?: boolean;
  /**
   * The value is a header record laid name by name over the record at `path` (names ignore
   * case), and its names are removed from the records at `shadows` too: a header from the
   * environment wins over every record of the file, signal-specific ones included.
   */
  headerList?: { shadows: readonly string[] };
  parse(raw: string): Parsed;
  /** Config paths and values to write; the default writes the parsed value at `path`. */
  assign?(value: unknown): Array<[string, unknown]>;
}

const text = (raw: string): Parsed => ({ ok: true, value: raw });
const integer = (raw: string): Parsed =>
  /^[+-]?\d+$/.test(raw.trim())
    ? { ok: true, value: Number(raw.trim()) }
    : { ok: false, expected: "an integer" };
const decimal = (raw: string): Parsed => {
  const n = Number(raw.trim());
  return raw.trim() !== "" && Number.isFinite(n)
    ? { ok: true, value: n }
    : { ok: false, expected: "a number" };
};
// Go's strconv.ParseBool, which the original used, accepts exactly these spellings.
const truthy = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const falsy = new Set(["0", "f", "F", "FALSE", "false", "False"]);
const boolean = (raw: string): Parsed => {
  const v = raw.trim();
  if (truthy.has(v)) return { ok: true, value: true };
  if (falsy.has(v)) return { ok: true, value: false };
  return { ok: false, expected: "true or false" };
};
const oneOf = (...options: string[]) => (raw: string): Parsed => {
  const v = raw.trim().toLowerCase();
  return options.includes(v)
    ? { ok: true, value: v }
    : { ok: false, expected: `one of ${options.join(", ")}` };
};
/** Checked here, entry by entry, so that a bad entry's message names the variable. */
const hostList = (raw: string): Parsed => {
  const names = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const bad = names.find((n) => !allowedHostSchema.safeParse(n).success);
  return bad === undefined ? { ok: true, value: names } : {
    ok: false,
    expected: `host names or *.domain patterns without ports, comma-separated (${
      JSON.stringify(bad.slice(0, 100))
    } is none)`,
  };
};
const lowerText = (raw: string): Parsed => ({ ok: true, value: raw.trim().toLowerCase() });

const otel = "observability.otel";

/**
 * The scrape endpoint has two spellings (`observability.prometheus.*`, the original's
 * `observability.otel.prometheus_*`); a variable sets both, so it overrides the file whichever
 * the file uses, and `check` never sees them disagree because of it.
 */
function bothPrometheusKeys(key: "enabled" | "path", v: unknown): Array<[string, unknown]> {
  return [[`${otel}.prometheus_${key}`, v], [`observability.prometheus.${key}`, v]];
}

export const envVariables: readonly EnvVariable[] = [
  {
    name: "ONGOINGAI_HOST",
    path: "server.host",
    accepts: "host",
    description: "Bind address.",
    parse: text,
  },
  {
    name: "ONGOINGAI_SERVER_ALLOWED_HOSTS",
    path: "server.allowed_hosts",
    accepts: "host names, comma-separated",
    description: "Names the gateway answers to; replaces server.allowed_hosts.",
    parse: hostList,
  },
  {
    name: "ONGOINGAI_PORT",
    path: "server.port",
    accepts: "integer",
    description: "Listen port.",
    parse: integer,
  },
  {
    name: "ONGOINGAI_STORAGE_DRIVER",
    path: "storage.driver",
    accepts: "sqlite or postgres",
    description: "Trace store.",
    parse: lowerText,
  },
  {
    name: "ONGOINGAI_STORAGE_PATH",
    path: "storage.path",
    accepts: "path",
    description: "SQLite database file.",
    parse: text,
  },
  {
    name: "ONGOINGAI_STORAGE_DSN",
    path: "storage.dsn",
    accepts: "postgres URL",
    description: "PostgreSQL connection string.",
    parse: text,
  },
  {
    name: "ONGOINGAI_OPENAI_UPSTREAM",
    path: "providers.openai.upstream",
    accepts: "URL",
    description: "OpenAI upstream base URL.",
    parse: text,
  },
  {
    name: "ONGOINGAI_ANTHROPIC_UPSTREAM",
    path: "providers.anthropic.upstream",
    accepts: "URL",
    description: "Anthropic upstream base URL.",
    parse: text,
  },
  {
    name: "ONGOINGAI_CAPTURE_BODIES",
    path: "tracing.capture_bodies",
    accepts: "true or false",
    description: "Store request and response bodies.",
    parse: boolean,
  },
  {
    name: "ONGOINGAI_BODY_MAX_SIZE",
    path: "tracing.body_max_size",
    accepts: "integer (bytes)",
    description: "Largest body stored per request and response.",
    parse: integer,
  },
  {
    name: "OTEL_SDK_DISABLED",
    path: `${otel}.enabled`,
    accepts: "true or false",
    description: "true turns OpenTelemetry off, false on; wins over the other OTEL_* variables.",
    enablesOtel: true,
    parse: boolean,
    assign: (v) => [[`${otel}.enabled`, !v]],
  },
  {
    name: "OTEL_EXPORTER_OTLP_ENDPOINT",
    path: `${otel}.endpoint`,
    accepts: "host:port or URL",
    description: "OTLP/HTTP collector.",
    enablesOtel: true,
    parse: text,
  },
  {
    name: "OTEL_EXPORTER_OTLP_PROTOCOL",
    path: `${otel}.protocol`,
    accepts: "http/json or http/protobuf",
    description: "OTLP encoding; http/protobuf is the spec's default (grpc is refused).",
    enablesOtel: true,
    parse: parseProtocol,
  },
  {
    name: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    path: `${otel}.traces_protocol`,
    accepts: "http/json or http/protobuf",
    description: "Encoding of span export only, over OTEL_EXPORTER_OTLP_PROTOCOL.",
    enablesOtel: true,
    parse: parseProtocol,
  },
  {
    name: "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
    path: `${otel}.metrics_protocol`,
    accepts: "http/json or http/protobuf",
    description: "Encoding of metric push only, over OTEL_EXPORTER_OTLP_PROTOCOL.",
    enablesOtel: true,
    parse: parseProtocol,
  },
  {
    name: "OTEL_EXPORTER_OTLP_INSECURE",
    path: `${otel}.insecure`,
    accepts: "true or false",
    description: "Use plain HTTP to the collector.",
    enablesOtel: true,
    parse: boolean,
  },
  {
    name: "OTEL_EXPORTER_OTLP_HEADERS",
    path: `${otel}.headers`,
    accepts: "name=value,... (values percent-encoded)",
    description: "Headers on every OTLP request (collector auth); over the file's headers.",
    enablesOtel: true,
    secret: true,
    // Before the per-signal variables: it clears its names from the file's per-signal records,
    // which those variables then write over.
    headerList: { shadows: [`${otel}.traces_headers`, `${otel}.metrics_headers`] },
    parse: parseHeaderList,
  },
  {
    name: "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    path: `${otel}.traces_headers`,
    accepts: "name=value,... (values percent-encoded)",
    description: "Headers on span export only, over OTEL_EXPORTER_OTLP_HEADERS.",
    enablesOtel: true,
    secret: true,
    headerList: { shadows: [] },
    parse: parseHeaderList,
  },
  {
    name: "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
    path: `${otel}.metrics_headers`,
    accepts: "name=value,... (values percent-encoded)",
    description: "Headers on metric push only, over OTEL_EXPORTER_OTLP_HEADERS.",
    enablesOtel: true,
    secret: true,
    headerList: { shadows: [] },
    parse: parseHeaderList,
  },
  {
    name: "OTEL_SERVICE_NAME",
    path: `${otel}.service_name`,
    accepts: "string",
    description: "service.name resource attribute.",
    enablesOtel: true,
    parse: text,
  },
  {
    name: "OTEL_TRACES_EXPORTER",
    path: `${otel}.traces_enabled`,
    accepts: "otlp or none",
    description: "Export spans or not.",
    enablesOtel: true,
    parse: oneOf("otlp", "none"),
    assign: (v) => [[`${otel}.traces_enabled`, v === "otlp"]],
  },
  {
    name: "OTEL_METRICS_EXPORTER",
    path: `${otel}.metrics_enabled`,
    accepts: "otlp, none or prometheus",
    description: "prometheus serves a scrape endpoint instead of pushing OTLP metrics.",
    enablesOtel: true,
    parse: oneOf("otlp", "none", "prometheus"),
    assign: (v) =>
      v === "prometheus"
        ? [[`${otel}.metrics_enabled`, false], ...bothPrometheusKeys("enabled", true)]
        : [[`${otel}.metrics_enabled`, v === "otlp"]],
  },
  {
    name: "OTEL_TRACES_SAMPLER_ARG",
    path: `${otel}.sampling_ratio`,
    accepts: "number 0..1",
    description: "Share of requests traced.",
    enablesOtel: true,
    parse: decimal,
  },
  {
    name: "OTEL_EXPORTER_OTLP_TIMEOUT",
    path: `${otel}.export_timeout_ms`,
    accepts: "integer (ms)",
    description: "OTLP export timeout.",
    enablesOtel: true,
    parse: integer,
  },
  {
    name: "OTEL_METRIC_EXPORT_INTERVAL",
    path: `${otel}.metric_export_interval_ms`,
    accepts: "integer (ms)",
    description: "Metric push interval.",
    enablesOtel: true,
    parse: integer,
  },
  {
    name: "ONGOINGAI_PROMETHEUS_ENABLED",
    path: `${otel}.prometheus_enabled`,
    accepts: "true or false",
    description: "Serve Prometheus metrics (also observability.prometheus.enabled).",
    enablesOtel: true,
    parse: boolean,
    assign: (v) => bothPrometheusKeys("enabled", v),
  },
  {
    name: "ONGOINGAI_PROMETHEUS_PATH",
    path: `${otel}.prometheus_path`,
    accepts: "path",
    description: "Prometheus scrape path (also observability.prometheus.path).",
    enablesOtel: true,
    parse: text,
    assign: (v) => bothPrometheusKeys("path", v),
  },
  {
    name: "ONGOINGAI_PII_MODE",
    path: "pii.mode",
    accepts: "off, redact_storage, redact_upstream or block",
    description: "PII handling mode.",
    parse: lowerText,
  },
  {
    name: "ONGOINGAI_PII_POLICY_ID",
    path: "pii.policy_id",
    accepts: "string",
    description: "Policy id recorded in traces.",
    parse: text,
  },
  {
    name: "ONGOINGAI_PII_HASH_SALT",
    path: "pii.replacement.hash_salt",
    accepts: "string",
    description: "Salt of redaction placeholders.",
    parse: text,
  },
  {
    name: "ONGOINGAI_AUTH_ENABLED",
    path: "auth.enabled",
    accepts: "true or false",
    description: "Require gateway keys.",
    parse: boolean,
  },
  {
    name: "ONGOINGAI_AUTH_HEADER",
    path: "auth.header",
    accepts: "header name",
    description: "Header carrying the gateway key.",
    parse: text,
  },
];

/**
 * OTLP exporter headers: the `OTEL_EXPORTER_OTLP_*HEADERS` list parser, the config keys and their
 * validation, env-over-file and per-signal precedence, and secrets kept out of every message
 * (`check --format json` run as a real subprocess).
 */
import assert from "node:assert/strict";
import {
  type GatewayConfig,
  parseHeaderList,
  signalHeaders,
  validateConfig,
} from "../../src/config/mod.ts";
import { runCliProcess } from "../support/process.ts";
import {
  assertIssueAt,
  configOf,
  errorsOf,
  type IssueRow,
  loadFrom,
  withFiles,
} from "./temp_files.ts";

interface ParseRow {
  name: string;
  raw: string;
  expected: Record<string, string> | RegExp;
}

const parseRows: ParseRow[] = [
  {
    name: "spec example: two pairs",
    raw: "api-key=key,other-config-value=value",
    expected: { "api-key": "key", "other-config-value": "value" },
  },
  {
    name: "Grafana Cloud basic auth, percent-encoded space and padding",
    raw: "Authorization=Basic%20dXNlcjp0b2tlbg%3D%3D",
    expected: { authorization: "Basic dXNlcjp0b2tlbg==" },
  },
  {
    name: "unencoded = in a value: only the first = splits",
    raw: "authorization=Basic dXNlcjp0b2tlbg==",
    expected: { authorization: "Basic dXNlcjp0b2tlbg==" },
  },
  {
    name: "whitespace around entries, names and values is trimmed",
    raw: "  x-honeycomb-team = abc123 ,\tx-honeycomb-dataset=gw  ",
    expected: { "x-honeycomb-team": "abc123", "x-honeycomb-dataset": "gw" },
  },
  { name: "+ stays a plus (path unescaping)", raw: "k=a+b%2Bc", expected: { k: "a+b+c" } },
  {
    name: "percent-encoded comma inside a value",
    raw: "k=a%2Cb,l=c",
    expected: { k: "a,b", l: "c" },
  },
  { name: "empty string is no headers", raw: "", expected: {} },
  {
    name: "blank entries (trailing comma) are skipped",
    raw: "a=1,, ,b=2,",
    expected: { a: "1", b: "2" },
  },
  { name: "an empty value is kept", raw: "x-empty=", expected: { "x-empty": "" } },
  { name: "duplicate keys: the last wins", raw: "a=1,b=2,a=3", expected: { a: "3", b: "2" } },
  { name: "duplicate keys ignore case", raw: "X-Key=1,x-key=2", expected: { "x-key": "2" } },
  {
    name: "names come out lowercase",
    raw: "X-Honeycomb-Team=k",
    expected: { "x-honeycomb-team": "k" },
  },
  { name: "an entry without =", raw: "a=1,justasecret", expected: /entry 2 has no "="/ },
  { name: "an entry without a name", raw: "=value", expected: /entry 1 has no name/ },
  { name: "a name with a space", raw: "bad name=v", expected: /entry 1 has a name that is not/ },
  { name: "a name with a colon", raw: "Authorization: Basic x=y", expected: /entry 1 has a name/ },
  {
    name: "content-type is the exporter's",
    raw: "Content-Type=text/plain",
    expected: /sets content-type/,
  },
  { name: "host is the exporter's", raw: "host=evil", expected: /sets host/ },
  {
    name: "content-length is the exporter's",
    raw: "content-length=1",
    expected: /sets content-length/,
  },
  {
    name: "malformed percent-encoding",
    raw: "k=100%",
    expected: /entry 1 has a value that is not valid percent/,
  },
  { name: "a decoded LF", raw: "k=a%0Ab", expected: /entry 1 has a value with CR, LF or NUL/ },
  { name: "a decoded CR", raw: "k=a%0Db", expected: /CR, LF or NUL/ },
];

for (const row of parseRows) {
  Deno.test(`parseHeaderList: ${row.name}`, () => {
    const parsed = parseHeaderList(row.raw);
    if (row.expected instanceof RegExp) {
      assert.equal(parsed.ok, false, JSON.stringify(parsed));
      if (parsed.ok) return;
      assert.match(parsed.expected, row.expected);
      assert.match(parsed.expected, /^comma-separated name=value pairs; /);
    } else {
      assert.ok(parsed.ok, JSON.stringify(parsed));
      assert.deepEqual(parsed.value, row.expected);
    }
  });
}

Deno.test("parseHeaderList: a malformed entry's message quotes neither its name nor its value", () => {
  for (const raw of ["SECRETNAME", "SECRET NAME=SECRETVALUE", "k=SECRET%zz", "k=SECRET%0Ax"]) {
    const parsed = parseHeaderList(raw);
    assert.ok(!parsed.ok);
    if (!parsed.ok) assert.doesNotMatch(parsed.expected, /SECRET/);
  }
});

const otelOn = `observability:
  otel:
    enabled: true
    endpoint: "127.0.0.1:4318"
`;

const issueRows: IssueRow[] = [
  {
    name: "a name that is not a token",
    yaml: `${otelOn}    headers: { "x bad": v }\n`,
    path: 'observability.otel.headers["x bad"]',
    message: /must be an HTTP header name \(RFC 7230 token\)/,
  },
  {
    name: "content-type is the exporter's",
    yaml: `${otelOn}    headers: { Content-Type: text/plain }\n`,
    path: "observability.otel.headers.Content-Type",
    message: /is set by the exporter itself \(content-type, content-length, host\)/,
  },
  {
    name: "host in a per-signal record",
    yaml: `${otelOn}    traces_headers: { host: example.com }\n`,
    path: "observability.otel.traces_headers.host",
    message: /is set by the exporter itself/,
  },
  {
    name: "a name written twice with different case",
    yaml: `${otelOn}    headers: { Authorization: a, authorization: b }\n`,
    path: "observability.otel.headers.authorization",
    message: /is written twice \(header names ignore case\)/,
  },
  {
    name: "a literal value with a line break",
    yaml: `${otelOn}    headers: { x-k: "a\\nb" }\n`,
    path: "observability.otel.headers.x-k",
    message: /^must not contain CR, LF or NUL$/,
  },
  {
    name: "an env value with a line break names the variable, not the value",
    yaml: `${otelOn}    metrics_headers: { x-k: { env: GW_TEST_HDR } }\n`,
    env: { GW_TEST_HDR: "SECRET\r\nX-Injected: 1" },
    path: "observability.otel.metrics_headers.x-k",
    message: /^must not contain CR, LF or NUL \(from GW_TEST_HDR\)$/,
  },
  {
    name: "an unset variable while its signal is exported",
    yaml: `${otelOn}    traces_headers: { x-honeycomb-team: { env: GW_TEST_UNSET } }\n`,
    path: "observability.otel.traces_headers.x-honeycomb-team",
    message: /environment variable GW_TEST_UNSET is not set/,
  },
  {
    name: "a value that is neither a string nor an env reference",
    yaml: `${otelOn}    headers: { x-k: [1] }\n`,
    path: "observability.otel.headers.x-k",
    message: /expected a string or an env reference/,
  },
  {
    name: "a malformed variable is reported under its record, named, without its value",
    yaml: otelOn,
    env: { OTEL_EXPORTER_OTLP_METRICS_HEADERS: "a=1,SECRETVALUE" },
    path: "observability.otel.metrics_headers",
    message:
      /^OTEL_EXPORTER_OTLP_METRICS_HEADERS must be comma-separated name=value pairs; entry 2 has no "="$/,
  },
];

for (const row of issueRows) {
  Deno.test(`otlp headers config: ${row.name}`, async () => {
    const issues = errorsOf(await loadFrom({ "ongoingai.yaml": row.yaml }, { env: row.env ?? {} }));
    assertIssueAt(issues, row);
    assert.doesNotMatch(JSON.stringify(issues), /SECRET/);
  });
}

Deno.test("otlp headers config: an unset variable is fine while nothing is exported", async () => {
  const yaml = `observability:
  otel:
    enabled: true
    traces_enabled: false
    metrics_enabled: false
    traces_headers: { x-k: { env: GW_TEST_UNSET } }
  prometheus: { enabled: true }
`;
  const config = configOf(await loadFrom({ "ongoingai.yaml": yaml }));
  assert.deepEqual(config.observability.otel.traces_headers, {});
});

const fileHeaders = `${otelOn}    headers:
      Authorization: { env: GW_TEST_AUTH }
      x-dataset: file-dataset
      x-shared: file-generic
    traces_headers:
      x-dataset: file-traces-dataset
      X-Shared: file-traces
    metrics_headers:
      x-only-metrics: file-metrics
`;

interface PrecedenceRow {
  name: string;
  env: Record<string, string>;
  traces: Record<string, string>;
  metrics: Record<string, string>;
}

const precedence: PrecedenceRow[] = [
  {
    name: 'file only: env("NAME") resolved, signal records over the generic one',
    env: { GW_TEST_AUTH: "Basic ZmlsZQ==" },
    traces: {
      Authorization: "Basic ZmlsZQ==",
      "x-dataset": "file-traces-dataset",
      "X-Shared": "file-traces",
    },
    metrics: {
      Authorization: "Basic ZmlsZQ==",
      "x-dataset": "file-dataset",
      "x-shared": "file-generic",
      "x-only-metrics": "file-metrics",
    },
  },
  {
    name: "generic variable wins over every file record, by name and ignoring case",
    env: {
      GW_TEST_AUTH: "Basic ZmlsZQ==",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20env,X-SHARED=env-generic",
    },
    traces: {
      authorization: "Bearer env",
      "x-dataset": "file-traces-dataset",
      "x-shared": "env-generic",
    },
    metrics: {
      authorization: "Bearer env",
      "x-dataset": "file-dataset",
      "x-shared": "env-generic",
      "x-only-metrics": "file-metrics",
    },
  },
  {
    name: "per-signal variables win over the generic variable for their signal only",
    env: {
      GW_TEST_AUTH: "Basic ZmlsZQ==",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=generic",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "Authorization=traces-only",
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: "x-only-metrics=env-metrics",
    },
    traces: {
      Authorization: "traces-only",
      "x-dataset": "file-traces-dataset",
      "X-Shared": "file-traces",
    },
    metrics: {
      authorization: "generic",
      "x-dataset": "file-dataset",
      "x-shared": "file-generic",
      "x-only-metrics": "env-metrics",
    },
  },
];

const lower = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

for (const row of precedence) {
  Deno.test(`otlp headers precedence: ${row.name}`, async () => {
    const config: GatewayConfig = configOf(
      await loadFrom({ "ongoingai.yaml": fileHeaders }, { env: row.env }),
    );
    const otel = config.observability.otel;
    assert.deepEqual(lower(signalHeaders(otel, "traces")), lower(row.traces));
    assert.deepEqual(lower(signalHeaders(otel, "metrics")), lower(row.metrics));
  });
}

Deno.test("otlp headers: a header variable alone turns OpenTelemetry on, as every OTEL_* does", () => {
  const result = validateConfig({}, { env: { OTEL_EXPORTER_OTLP_HEADERS: "x-k=v" } });
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(result.config.observability.otel.enabled, true);
  assert.deepEqual(result.config.observability.otel.headers, { "x-k": "v" });
});

Deno.test('check --format json: header secrets from env and env("NAME") are never printed', async () => {
  const fileSecret = "FILESECRET-honeycomb-0123456789";
  const envSecret = "ENVSECRET-grafana-0123456789";
  const badSecret = "BADSECRET-0123456789";
  const yaml = `${otelOn}    headers:
      x-honeycomb-team: { env: HONEYCOMB_KEY }
    metrics_headers:
      x-broken: { env: BROKEN_KEY }
`;
  await withFiles({ "ongoingai.yaml": yaml }, async (cwd) => {
    const valid = await runCliProcess(["check", "--format", "json"], {
      cwd,
      env: {
        HONEYCOMB_KEY: fileSecret,
        BROKEN_KEY: "fine",
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: `authorization=Basic%20${envSecret}`,
      },
    });
    assert.equal(valid.code, 0, valid.stderr);
    assert.equal(JSON.parse(valid.stdout).valid, true);
    const invalid = await runCliProcess(["check", "--format", "json"], {
      cwd,
      env: {
        HONEYCOMB_KEY: fileSecret,
        BROKEN_KEY: `${badSecret}\nx: y`,
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=${envSecret}%zz`,
      },
    });
    assert.equal(invalid.code, 1);
    const report = JSON.parse(invalid.stdout) as { errors: { path: string }[] };
    const paths = report.errors.map((e) => e.path).sort();
    assert.deepEqual(paths, [
      "observability.otel.headers",
      "observability.otel.metrics_headers.x-broken",
    ]);
    const text = await runCliProcess(["check"], {
      cwd,
      env: {
        HONEYCOMB_KEY: fileSecret,
        BROKEN_KEY: `${badSecret}\r`,
        OTEL_EXPORTER_OTLP_HEADERS: envSecret,
      },
    });
    assert.equal(text.code, 1);
    for (const out of [valid, invalid, text]) {
      for (const secret of [fileSecret, envSecret, badSecret]) {
        assert.ok(
          !out.stdout.includes(secret) && !out.stderr.includes(secret),
          `${secret} printed`,
        );
      }
    }
  });
});

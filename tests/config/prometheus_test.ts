/**
 * The Prometheus scrape endpoint's two spellings: `observability.prometheus.*` and the original's
 * `observability.otel.prometheus_*` (and its variables). Equivalent, env over file for both, a
 * disagreement named by `check`, and the path rules of the original.
 */
import assert from "node:assert/strict";
import { prometheusPath } from "../../src/config/mod.ts";
import { runCliProcess } from "../support/process.ts";
import {
  assertIssueAt,
  configOf,
  errorsOf,
  type IssueRow,
  loadFrom,
  withFiles,
} from "./temp_files.ts";

interface PathRow {
  name: string;
  yaml: string;
  env?: Record<string, string>;
  /** What `prometheusPath` gives for the loaded config. */
  expected: string | null;
}

const served: PathRow[] = [
  { name: "nothing set", yaml: "", expected: null },
  {
    name: "first-class form, OTLP export off",
    yaml: "observability:\n  prometheus:\n    enabled: true\n",
    expected: "/metrics",
  },
  {
    name: "first-class form with its own path",
    yaml: "observability:\n  prometheus: { enabled: true, path: /internal/prom }\n",
    expected: "/internal/prom",
  },
  {
    name: "the original's keys, OTel on",
    yaml:
      "observability:\n  otel: { enabled: true, prometheus_enabled: true, prometheus_path: /prom }\n",
    expected: "/prom",
  },
  {
    name: "the original's keys without otel.enabled (equivalent to the first-class form)",
    yaml: "observability:\n  otel: { prometheus_enabled: true }\n",
    expected: "/metrics",
  },
  {
    name: "a path in one form, enabled in the other",
    yaml: "observability:\n  prometheus: { enabled: true }\n  otel: { prometheus_path: /prom }\n",
    expected: "/prom",
  },
  {
    name: "both forms agreeing",
    yaml:
      "observability:\n  prometheus: { enabled: true, path: /prom }\n  otel: { prometheus_enabled: true, prometheus_path: /prom }\n",
    expected: "/prom",
  },
  {
    name: "ONGOINGAI_PROMETHEUS_ENABLED=false overrides the first-class form in the file",
    yaml: "observability:\n  prometheus: { enabled: true }\n",
    env: { ONGOINGAI_PROMETHEUS_ENABLED: "false" },
    expected: null,
  },
  {
    name: "ONGOINGAI_PROMETHEUS_PATH overrides the first-class path in the file",
    yaml: "observability:\n  prometheus: { enabled: true, path: /from-file }\n",
    env: { ONGOINGAI_PROMETHEUS_PATH: "/from-env" },
    expected: "/from-env",
  },
  {
    name: "OTEL_METRICS_EXPORTER=prometheus turns the first-class form on too",
    yaml: "observability:\n  prometheus: { path: /scrape }\n",
    env: { OTEL_METRICS_EXPORTER: "prometheus" },
    expected: "/scrape",
  },
];

for (const row of served) {
  Deno.test(`prometheus setting: ${row.name}`, async () => {
    const config = configOf(await loadFrom({ "ongoingai.yaml": row.yaml }, { env: row.env ?? {} }));
    assert.equal(prometheusPath(config), row.expected);
  });
}

Deno.test("prometheus setting: a variable writes both spellings", async () => {
  const config = configOf(
    await loadFrom({ "ongoingai.yaml": "" }, {
      env: { ONGOINGAI_PROMETHEUS_ENABLED: "true", ONGOINGAI_PROMETHEUS_PATH: "/p" },
    }),
  );
  const { otel, prometheus } = config.observability;
  assert.deepEqual(
    [otel.prometheus_enabled, otel.prometheus_path, prometheus.enabled, prometheus.path],
    [true, "/p", true, "/p"],
  );
});

const issues: IssueRow[] = [
  {
    name: "enabled in one form, disabled in the other",
    yaml:
      "observability:\n  prometheus: { enabled: true }\n  otel: { prometheus_enabled: false }\n",
    path: "observability.prometheus.enabled",
    message:
      /is true but observability\.otel\.prometheus_enabled is false; they are the same setting/,
    hint:
      /keep one of observability\.prometheus\.enabled and observability\.otel\.prometheus_enabled/,
  },
  {
    name: "two different paths",
    yaml:
      "observability:\n  prometheus: { enabled: true, path: /a }\n  otel: { prometheus_path: /b }\n",
    path: "observability.prometheus.path",
    message: /is "\/a" but observability\.otel\.prometheus_path is "\/b"/,
  },
  {
    name: "a path without the leading slash",
    yaml: "observability:\n  prometheus: { enabled: true, path: metrics }\n",
    path: "observability.prometheus.path",
    message: /must be a path such as \/metrics \(got "metrics"\)/,
  },
  {
    name: "the root path",
    yaml: "observability:\n  prometheus: { enabled: true, path: / }\n",
    path: "observability.prometheus.path",
    message: /must be a path such as \/metrics/,
  },
  {
    name: "a path under /api",
    yaml: "observability:\n  prometheus: { enabled: true, path: /api/metrics }\n",
    path: "observability.prometheus.path",
    message: /"\/api\/metrics" overlaps the gateway API under \/api/,
  },
  {
    name: "a path under a provider prefix",
    yaml: "observability:\n  prometheus: { enabled: true, path: /openai/metrics }\n",
    path: "observability.prometheus.path",
    message: /"\/openai\/metrics" overlaps providers\.openai\.prefix "\/openai"/,
  },
  {
    name: "the default path taken by a provider, first-class form",
    yaml:
      "providers:\n  openai:\n    prefix: /metrics\nobservability:\n  prometheus: { enabled: true }\n",
    path: "observability.prometheus.path",
    message: /"\/metrics" overlaps providers\.openai\.prefix "\/metrics"/,
  },
  {
    name: "the original's path key, reported under its own name",
    yaml: "observability:\n  otel: { prometheus_enabled: true, prometheus_path: /anthropic }\n",
    path: "observability.otel.prometheus_path",
    message: /overlaps providers\.anthropic\.prefix/,
  },
];

for (const row of issues) {
  Deno.test(`prometheus setting, error: ${row.name}`, async () => {
    const result = await loadFrom({ "ongoingai.yaml": row.yaml }, { env: row.env ?? {} });
    assertIssueAt(errorsOf(result), row);
  });
}

Deno.test("prometheus setting: a disabled endpoint's path is not checked", async () => {
  const yaml = "observability:\n  prometheus: { enabled: false, path: /api/x }\n";
  assert.equal(prometheusPath(configOf(await loadFrom({ "ongoingai.yaml": yaml }))), null);
});

Deno.test("prometheus setting: `ongoingai check` names both keys of a disagreement", async () => {
  const yaml =
    "observability:\n  prometheus:\n    enabled: true\n  otel:\n    prometheus_enabled: false\n";
  const result = await withFiles(
    { "ongoingai.yaml": yaml },
    (cwd) => runCliProcess(["check"], { cwd }),
  );
  assert.equal(result.code, 1, result.stderr + result.stdout);
  const out = result.stdout + result.stderr;
  assert.match(out, /observability\.prometheus\.enabled/);
  assert.match(out, /observability\.otel\.prometheus_enabled is false/);
});

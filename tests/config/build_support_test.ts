import assert from "node:assert/strict";
import { type GatewayConfigInput, validateConfig } from "../../src/config/mod.ts";
import { buildSupportIssues } from "../../src/config/build_support.ts";

function warningsFor(otel: NonNullable<GatewayConfigInput["observability"]>["otel"]): string[] {
  const result = validateConfig({ observability: { otel } }, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return buildSupportIssues(result.config).warnings.map((w) => `${w.path}: ${w.message}`);
}

Deno.test("build support: spans, OTLP metric push and Prometheus are all in this build", () => {
  const table: [string, NonNullable<GatewayConfigInput["observability"]>["otel"], RegExp[]][] = [
    ["off", {}, []],
    [
      "prometheus only",
      { enabled: true, traces_enabled: false, metrics_enabled: false, prometheus_enabled: true },
      [],
    ],
    ["defaults: traces and metrics pushed", { enabled: true }, []],
    ["traces only", { enabled: true, metrics_enabled: false }, []],
  ];
  for (const [name, otel, want] of table) {
    const got = warningsFor(otel);
    assert.equal(got.length, want.length, `${name}: ${got.join("; ")}`);
    want.forEach((re, i) => assert.match(got[i]!, re, name));
  }
});

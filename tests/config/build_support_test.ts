import assert from "node:assert/strict";
import { type GatewayConfigInput, validateConfig } from "../../src/config/mod.ts";
import { buildSupportIssues } from "../../src/config/build_support.ts";

function warningsFor(otel: NonNullable<GatewayConfigInput["observability"]>["otel"]): string[] {
  const result = validateConfig({ observability: { otel } }, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return buildSupportIssues(result.config).warnings.map((w) => `${w.path}: ${w.message}`);
}

Deno.test("build support: Prometheus alone is served; only OTLP export still warns", () => {
  const table: [string, NonNullable<GatewayConfigInput["observability"]>["otel"], RegExp[]][] = [
    ["off", {}, []],
    [
      "prometheus only",
      { enabled: true, traces_enabled: false, metrics_enabled: false, prometheus_enabled: true },
      [],
    ],
    ["defaults: traces and metrics pushed", { enabled: true }, [
      /^observability\.otel\.traces_enabled: OTLP export of traces and metrics is not in this build/,
    ]],
    [
      "metrics pushed, prometheus served",
      { enabled: true, traces_enabled: false, prometheus_enabled: true },
      [/^observability\.otel\.metrics_enabled: .*metrics.*\(the Prometheus endpoint \/metrics/],
    ],
  ];
  for (const [name, otel, want] of table) {
    const got = warningsFor(otel);
    assert.equal(got.length, want.length, `${name}: ${got.join("; ")}`);
    want.forEach((re, i) => assert.match(got[i]!, re, name));
  }
});

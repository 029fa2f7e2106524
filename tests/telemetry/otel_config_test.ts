import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/mod.ts";
import { buildSupportIssues } from "../../src/config/build_support.ts";

const otel = (o: Record<string, unknown>) => {
  const r = validateConfig({ observability: { otel: o } }, { env: {} });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return buildSupportIssues(r.config);
};

Deno.test("build support: span and metric export are in this build; a bad endpoint scheme is an error", () => {
  const spansOnly = otel({ enabled: true, metrics_enabled: false });
  assert.deepEqual(spansOnly, { errors: [], warnings: [] });
  assert.deepEqual(otel({ enabled: true }), { errors: [], warnings: [] });
  const bad = otel({ enabled: true, metrics_enabled: false, endpoint: "grpc://collector:4317" });
  assert.deepEqual(bad.errors.map((e) => e.path), ["observability.otel.endpoint"]);
  assert.match(bad.errors[0]!.message, /^scheme grpc:\/\/ is not supported/);
  assert.deepEqual(otel({ enabled: false, endpoint: "grpc://x" }), { errors: [], warnings: [] });
});

/**
 * The OpenTelemetry API from a config's own code, end to end: a real `serve` with a
 * `gateway.config.ts` whose custom PII detector uses `trace` and `metrics` (imported from
 * "ongoingai", as a config author does) while it runs inside a request. The attribute it sets on
 * the active span must reach the collector on the gateway's server span, the span it starts must
 * be that span's child and leave scrubbed, and its counter must show in the scrape.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, startServer } from "../support/process.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { attrsOf, type OtlpDoc } from "../support/otlp_decoded.ts";

const pastedKey = "sk-proj-ConfigSpanKey0123456789abcdefghijKLMNOPQR";

function configSource(port: number, upstream: string, collector: string): string {
  return `import { defineConfig, metrics, trace } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { driver: "sqlite", path: "./traces.db" },
  providers: { openai: { upstream: "${upstream}" } },
  tracing: { flush_interval_ms: 10 },
  observability: {
    otel: { enabled: true, endpoint: "${collector}", metric_export_interval_ms: 3600000 },
    prometheus: { enabled: true },
  },
  pii: {
    mode: "redact_upstream",
    custom_detectors: [{
      name: "employee_id",
      pattern: /EMP-\\d{6}/,
      validate(match: string): boolean {
        trace.getActiveSpan()?.setAttribute("app.employee_id_seen", true);
        const span = trace.getTracer("config").startSpan("config.validate_employee_id");
        span.setAttribute("app.note", "pasted ${pastedKey}");
        span.end();
        metrics.getMeter("config").createCounter("app.validations").add(1, { detector: "employee_id" });
        return match !== "EMP-000000";
      },
    }],
  },
});
`;
}

Deno.test("otel api e2e: a config's detector adds to the request span, starts a child span and counts, through the gateway's providers", async () => {
  const receiver = startOtlpReceiver<OtlpDoc>();
  const stub = await startUpstreamStub();
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-otel-api-" });
  const port = freePort();
  try {
    await Deno.writeTextFile(
      join(dir, "gateway.config.ts"),
      configSource(port, stub.url, receiver.endpoint),
    );
    const server = await startServer(["--config", "gateway.config.ts"], { cwd: dir, port });
    let logs = "";
    try {
      const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
        body: JSON.stringify({
          model: "gpt-4o-mini",
          messages: [{ role: "user", content: "my badge is EMP-123456" }],
        }),
      });
      assert.equal(res.status, 200, await res.text());
      // The request went upstream redacted: the detector ran in the request.
      assert.ok(!JSON.stringify(stub.requests.at(-1)).includes("EMP-123456"));
      const scrape = await (await fetch(`${server.origin}/metrics`)).text();
      assert.match(scrape, /^app_validations\{detector="employee_id"\} 1$/m);
    } finally {
      ({ logs } = await server.stop("SIGTERM"));
    }
    assert.match(logs, /gateway stopped/);

    const spans = receiver.received.filter((r) => r.path === "/v1/traces").flatMap((d) =>
      (d.body.resourceSpans ?? []).flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans))
    );
    const serverSpan = spans.find((s) => s.kind === 2);
    assert.ok(serverSpan, "the server span was exported");
    assert.equal(attrsOf(serverSpan.attributes)["app.employee_id_seen"], true);
    assert.equal(serverSpan.name, "POST /openai/*");
    const child = spans.find((s) => s.name === "config.validate_employee_id");
    assert.ok(child, "the config's span was exported");
    assert.equal(child.traceId, serverSpan.traceId);
    assert.equal(child.parentSpanId, serverSpan.spanId);
    assert.equal(attrsOf(child.attributes)["app.note"], "pasted [CREDENTIAL_REDACTED]");
    for (const r of receiver.received) assert.ok(!r.raw.includes("ConfigSpanKey"), r.path);
  } finally {
    await stub.close();
    await receiver.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * OTLP export review: a collector endpoint that answers with a redirect must not make the
 * gateway send its spans and metrics, with the collector credentials of
 * `OTEL_EXPORTER_OTLP_HEADERS`, to wherever the redirect points. `fetch` follows redirects by
 * default and drops only `Authorization` when the origin changes: `x-honeycomb-team`,
 * `DD-API-KEY` and every other credential header went along. The real `serve` process exports
 * to a collector that redirects every request to a second receiver on another origin; the
 * second must get nothing, and the exports count as failed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll } from "../support/process.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { startLiveServer } from "../e2e/lifecycle_support.ts";

const collectorKey = "collector-team-key-5be1c0de";

Deno.test("otlp redirect e2e: a redirecting collector gets no spans or metrics followed elsewhere", async () => {
  const stub = await startUpstreamStub();
  const elsewhere = startOtlpReceiver<unknown>();
  const redirected: string[] = [];
  // Another origin: `localhost` instead of `127.0.0.1`.
  const target = elsewhere.endpoint.replace("127.0.0.1", "localhost");
  const collector = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    const path = new URL(req.url).pathname;
    redirected.push(path);
    return new Response(null, { status: 307, headers: { location: `${target}${path}` } });
  });
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-otlp-redirect-" });
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { driver: sqlite, path: ./traces.db }
providers:
  openai: { upstream: "${stub.url}" }
observability:
  prometheus: { enabled: true }
`,
  );
  const server = await startLiveServer(dir, port, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.addr.port}`,
    OTEL_EXPORTER_OTLP_HEADERS: `x-honeycomb-team=${collectorKey}`,
    OTEL_TRACES_SAMPLER_ARG: "1",
    OTEL_METRIC_EXPORT_INTERVAL: "3600000",
  });
  try {
    const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 200, await res.text());
    await poll(
      "a span export attempt",
      () => Promise.resolve(redirected.includes("/v1/traces") ? true : undefined),
    );
    // The attempt has ended, one way or the other, once it is counted.
    const scrape = await poll("the span export counted", async () => {
      const text = await (await fetch(`${server.origin}/metrics`)).text();
      const done = /^ongoingai_otel_export_requests_total\{signal="traces",outcome="\w+"\} [1-9]/m;
      return done.test(text) ? text : undefined;
    });
    assert.deepEqual(elsewhere.received.map((r) => r.path), [], "spans followed the redirect");
    assert.match(
      scrape,
      /^ongoingai_otel_export_requests_total\{signal="traces",outcome="failure"\} [1-9]/m,
    );
    server.signal("SIGTERM");
    assert.equal(await server.exited, 0, server.logs());
    // The shutdown's last metric push was redirected as well.
    assert.ok(redirected.includes("/v1/metrics"), redirected.join());
    assert.deepEqual(
      elsewhere.received.map((r) => r.path),
      [],
      "spans and metrics followed the redirect to another origin, collector key included",
    );
    assert.match(server.logs(), /collector answered 307/);
  } finally {
    await server.kill();
    await collector.shutdown();
    await elsewhere.close();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});

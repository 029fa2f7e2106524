/**
 * The real `serve` process with OpenTelemetry configured the way operators do it, through the
 * standard `OTEL_*` variables in its environment, and the scrape endpoint on through
 * `observability.prometheus`. A real OTLP/HTTP receiver on loopback (or a closed port), the
 * loopback upstream stub, known traffic (streamed and not), a scrape, then SIGTERM: the shutdown
 * flush must have delivered spans and metrics, and no provider key may appear in anything the
 * collector got.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { startUpstreamStub, stubUsage, type UpstreamStub } from "../support/upstream_stub.ts";
import { parseScrape, sample } from "./scrape.ts";
import { attrsOf, type OtlpDoc } from "../support/otlp_decoded.ts";

const openaiKey = "sk-proj-ServeE2eOpenAiKey0123456789abcdefghijKLMN";
const anthropicKey = "sk-ant-api03-ServeE2eAnthropicKey0123456789abcdef";
const serviceName = "gw-serve-otel-e2e";
const m = stubUsage.messages;

interface Gateway {
  server: ServerProcess;
  stub: UpstreamStub;
  scrape(): Promise<Map<string, number>>;
}

/** `serve` in a fresh directory, both providers on the stub, the given OTEL_* environment. */
async function withServe(env: Record<string, string>, fn: (gw: Gateway) => Promise<void>) {
  const stub = await startUpstreamStub();
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-serve-otel-" });
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { driver: sqlite, path: ./traces.db }
providers:
  openai: { upstream: "${stub.url}" }
  anthropic: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10 }
observability:
  prometheus: { enabled: true }
`,
  );
  let server: ServerProcess | null = null;
  try {
    server = await startServer([], { cwd: dir, port, env });
    const origin = server.origin;
    await fn({
      server,
      stub,
      async scrape() {
        const res = await fetch(`${origin}/metrics`);
        assert.equal(res.status, 200);
        return parseScrape(await res.text());
      },
    });
    server = null;
  } finally {
    await server?.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Known traffic: OpenAI chat plain and streamed, Anthropic messages plain. Every answer 200. */
async function sendTraffic(origin: string): Promise<void> {
  const openai = { "content-type": "application/json", authorization: `Bearer ${openaiKey}` };
  const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };
  const sends: [string, Record<string, string>, unknown][] = [
    ["/openai/v1/chat/completions", openai, chat],
    ["/openai/v1/chat/completions", openai, {
      ...chat,
      stream: true,
      stream_options: { include_usage: true },
    }],
    ["/anthropic/v1/messages", {
      "content-type": "application/json",
      "x-api-key": anthropicKey,
      "anthropic-version": "2023-06-01",
    }, { model: "claude-sonnet-4-5-20250929", max_tokens: 64, messages: chat.messages }],
  ];
  for (const [path, headers, body] of sends) {
    const res = await fetch(`${origin}${path}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, 200, `${path}: ${text}`);
  }
}

const requestTotal = (scrape: Map<string, number>) =>
  [...scrape].filter(([k]) => k.startsWith("ongoingai_proxy_request_total{"))
    .reduce((a, [, v]) => a + v, 0);

/** Waits until all three exchanges are recorded (after the last body byte, so not instantly). */
const settled = (gw: Gateway) =>
  poll("three exchanges in the scrape", async () => {
    const s = await gw.scrape();
    return requestTotal(s) === 3 ? s : undefined;
  });

// The default encoding, and protobuf chosen the standard way (the receiver decodes either).
const encodings: [Record<string, string>, string][] = [
  [{}, "application/json"],
  [{ OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" }, "application/x-protobuf"],
];

for (const [protocolEnv, contentType] of encodings) {
  Deno.test(`serve otel e2e (${contentType}): OTEL_* env, scrape values, SIGTERM flushes spans and metrics, no keys`, async () => {
    const receiver = startOtlpReceiver<OtlpDoc>();
    try {
      await withServe({
        ...protocolEnv,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_SERVICE_NAME: serviceName,
        OTEL_TRACES_SAMPLER_ARG: "1",
        // Longer than the test: the metrics the receiver gets come from the shutdown push.
        OTEL_METRIC_EXPORT_INTERVAL: "3600000",
      }, async (gw) => {
        await sendTraffic(gw.server.origin);
        const scrape = await settled(gw);
        const oa = { provider: "openai", model: "gpt-4o-mini-2024-07-18" };
        const an = { provider: "anthropic", model: "claude-sonnet-4-5-20250929" };
        const want: [string, Record<string, string>, number][] = [
          ["ongoingai_proxy_request_total", { ...oa, status_code: "200" }, 2],
          ["ongoingai_proxy_request_total", { ...an, status_code: "200" }, 1],
          ["ongoingai_proxy_tokens_total", { ...oa, type: "input" }, 2 * stubUsage.chat.prompt],
          [
            "ongoingai_proxy_tokens_total",
            { ...oa, type: "output" },
            2 * stubUsage.chat.completion,
          ],
          [
            "ongoingai_proxy_tokens_total",
            { ...an, type: "input" },
            m.input + m.cacheRead + m.cacheWrite,
          ],
          ["ongoingai_proxy_tokens_total", { ...an, type: "output" }, m.output],
          ["ongoingai_proxy_time_to_first_token_seconds_count", oa, 1],
          ["ongoingai_otel_export_requests_total", { signal: "metrics", outcome: "success" }, 0],
          ["ongoingai_otel_export_requests_total", { signal: "metrics", outcome: "failure" }, 0],
          ["ongoingai_otel_export_requests_total", { signal: "traces", outcome: "failure" }, 0],
          ["ongoingai_otel_export_spans_total", { outcome: "dropped" }, 0],
          ["ongoingai_otel_export_spans_total", { outcome: "failed" }, 0],
        ];
        for (const [name, l, value] of want) {
          assert.equal(scrape.get(sample(name, l)), value, sample(name, l));
        }
        assert.equal(gw.stub.requests.length, 3);

        const { code, logs } = await gw.server.stop("SIGTERM");
        assert.equal(code, 0, logs);
        assert.match(logs, /gateway stopped/);
        assert.ok(!logs.includes(openaiKey) && !logs.includes(anthropicKey), "no key in the log");
      });

      // Everything the collector got, as sent.
      for (const r of receiver.received) {
        assert.equal(r.contentType, contentType);
        assert.ok(!r.raw.includes(openaiKey), `${r.path} carries the OpenAI key`);
        assert.ok(!r.raw.includes(anthropicKey), `${r.path} carries the Anthropic key`);
        assert.ok(!r.raw.includes("ServeE2e"), `${r.path} carries part of a key`);
      }

      const traceDocs = receiver.received.filter((r) => r.path === "/v1/traces");
      assert.ok(traceDocs.length > 0, "spans were delivered");
      for (const d of traceDocs) {
        for (const rs of d.body.resourceSpans ?? []) {
          assert.equal(attrsOf(rs.resource.attributes)["service.name"], serviceName);
        }
      }
      const spans = traceDocs.flatMap((d) =>
        (d.body.resourceSpans ?? []).flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans))
      );
      const servers = spans.filter((s) => s.kind === 2).map((s) => s.name).sort();
      assert.deepEqual(servers, ["POST /anthropic/*", "POST /openai/*", "POST /openai/*"]);
      const upstream = spans.filter((s) => s.kind === 3).map((s) => attrsOf(s.attributes));
      assert.equal(upstream.length, 3);
      const usage = upstream.map((a) =>
        [
          a["gen_ai.system"],
          a["gen_ai.operation.name"],
          a["gen_ai.usage.input_tokens"],
          a["gen_ai.usage.output_tokens"],
        ].join(" ")
      ).sort();
      assert.deepEqual(usage, [
        `anthropic chat ${m.input + m.cacheRead + m.cacheWrite} ${m.output}`,
        `openai chat ${stubUsage.chat.prompt} ${stubUsage.chat.completion}`,
        `openai chat ${stubUsage.chat.prompt} ${stubUsage.chat.completion}`,
      ]);
      const streamed = upstream.filter((a) => a["gen_ai.request.model"] === "gpt-4o-mini");
      assert.equal(streamed.length, 2);

      // The interval is an hour: these metrics are the shutdown push.
      const metricDocs = receiver.received.filter((r) => r.path === "/v1/metrics");
      assert.equal(metricDocs.length, 1, "one push, at shutdown");
      const rm = metricDocs[0]!.body.resourceMetrics![0]!;
      assert.equal(attrsOf(rm.resource.attributes)["service.name"], serviceName);
      const metrics = new Map(rm.scopeMetrics.flatMap((s) => s.metrics.map((x) => [x.name, x])));
      const points = (name: string) =>
        (metrics.get(name)?.sum?.dataPoints ?? []).map((p) => ({
          attrs: attrsOf(p.attributes),
          value: p.asDouble,
        }));
      const requests = points("ongoingai_proxy_request_total");
      assert.equal(requests.reduce((a, p) => a + p.value, 0), 3);
      const tokens = points("ongoingai_proxy_tokens_total");
      const tokensOf = (provider: string, type: string) =>
        tokens.find((p) => p.attrs["provider"] === provider && p.attrs["type"] === type)?.value;
      assert.equal(tokensOf("openai", "input"), 2 * stubUsage.chat.prompt);
      assert.equal(tokensOf("anthropic", "output"), m.output);
      assert.ok(metrics.has("ongoingai_proxy_request_duration_seconds"));
    } finally {
      await receiver.close();
    }
  });
}

Deno.test("serve otel e2e: an unreachable collector costs requests nothing and shows in the scrape", async () => {
  // Nothing listens on this port once the probe closes it: every export is refused.
  const closed = freePort();
  await withServe({
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`,
    OTEL_SERVICE_NAME: serviceName,
    OTEL_METRIC_EXPORT_INTERVAL: "100",
    OTEL_EXPORTER_OTLP_TIMEOUT: "1000",
  }, async (gw) => {
    await sendTraffic(gw.server.origin);
    await settled(gw);
    const requests = "ongoingai_otel_export_requests_total";
    const scrape = await poll("failed span and metric exports in the scrape", async () => {
      const s = await gw.scrape();
      const failed = (signal: string) => s.get(sample(requests, { signal, outcome: "failure" }));
      const spansFailed = s.get(sample("ongoingai_otel_export_spans_total", { outcome: "failed" }));
      return (failed("traces") ?? 0) >= 1 && (failed("metrics") ?? 0) >= 1 &&
          (spansFailed ?? 0) >= 1
        ? s
        : undefined;
    });
    assert.equal(scrape.get(sample(requests, { signal: "traces", outcome: "success" })), 0);
    assert.equal(scrape.get(sample(requests, { signal: "metrics", outcome: "success" })), 0);
    assert.equal(
      scrape.get(sample("ongoingai_otel_export_spans_total", { outcome: "exported" })),
      0,
    );
    // Requests still work while the collector is away.
    await sendTraffic(gw.server.origin);

    const { code, logs } = await gw.server.stop("SIGTERM");
    assert.equal(code, 0, logs);
    assert.match(logs, /OpenTelemetry span export failed/);
    assert.match(logs, /OpenTelemetry metric export failed/);
    assert.match(logs, /gateway stopped/);
  });
});

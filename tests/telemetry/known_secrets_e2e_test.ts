/**
 * The real `serve` process in team mode, its gateway keys given as `env("...")` with shapes no
 * credential pattern knows. A client sends a key as the model name, inside a path, and inside a
 * path the PII guardrail refuses (a log line that carries the path); then a reload adds a second
 * key, used the same way. Nothing the OTLP receiver got, no `/metrics` scrape and no line of the
 * process's stderr may contain either key, and the placeholder shows where they were.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll } from "../support/process.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { startLiveServer } from "../e2e/lifecycle_support.ts";
import { credentialRedacted } from "../../src/telemetry/mod.ts";

const alpha = "team-alpha-shared-password-42";
const beta = "team-beta-rotated-password-77";

const yaml = (port: number, upstream: string, keys: string[]) =>
  `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { driver: sqlite, path: ./traces.db }
providers:
  openai: { upstream: "${upstream}" }
tracing: { flush_interval_ms: 10 }
pii: { mode: block }
observability:
  prometheus: { enabled: true }
auth:
  enabled: true
  keys:
${
    keys.map((k) =>
      `    - { id: ${k}, token: { env: ${k.toUpperCase()}_KEY }, permissions: [diagnostics:read] }`
    ).join("\n")
  }
`;

Deno.test("known secrets e2e: configured keys of any shape never reach spans, metrics or logs, also after a reload", async () => {
  const stub = await startUpstreamStub();
  const receiver = startOtlpReceiver<unknown>();
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-known-secrets-" });
  const port = freePort();
  const config = join(dir, "ongoingai.yaml");
  await Deno.writeTextFile(config, yaml(port, stub.url, ["alpha"]));
  const server = await startLiveServer(dir, port, {
    ALPHA_KEY: alpha,
    BETA_KEY: beta,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_TRACES_SAMPLER_ARG: "1",
    // Longer than the test: the metrics the receiver gets come from the shutdown push.
    OTEL_METRIC_EXPORT_INTERVAL: "3600000",
  });
  const scrapes: string[] = [];
  try {
    const send = async (key: string, path: string, model: string, content = "hello") => {
      const res = await fetch(`${server.origin}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer sk-proj-KnownSecretsE2eProviderKey0123456789ab",
          "x-ongoingai-gateway-key": key,
        },
        body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
      });
      return { status: res.status, text: await res.text() };
    };
    const scrapeUntil = (key: string, total: number) =>
      poll(`${total} exchanges in the scrape`, async () => {
        const res = await fetch(`${server.origin}/metrics`, {
          headers: { "x-ongoingai-gateway-key": key },
        });
        const text = await res.text();
        assert.equal(res.status, 200, text);
        const n = text.split("\n").filter((l) => l.startsWith("ongoingai_proxy_request_total{"))
          .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
        if (n < total) return undefined;
        scrapes.push(text);
        return text;
      });

    const chat = "/openai/v1/chat/completions";
    assert.equal((await send(alpha, chat, alpha)).status, 200);
    await send(alpha, `/openai/v1/${alpha}/chat/completions`, "gpt-4o-mini");
    const blocked = await send(
      alpha,
      `/openai/v1/${alpha}/x/chat/completions`,
      alpha,
      "alice@example.com",
    );
    assert.ok(blocked.status >= 400, blocked.text);
    const before = await scrapeUntil(alpha, 3);
    assert.ok(before.includes(`model="${credentialRedacted}`), before);
    await server.waitForLog(/pii guardrail denied request/);

    // A reload adds the second key: covered from the new generation's first request.
    await Deno.writeTextFile(config, yaml(port, stub.url, ["alpha", "beta"]));
    server.signal("SIGHUP");
    await server.waitForLog(/config reloaded/);
    assert.equal((await send(beta, chat, beta)).status, 200);
    await send(beta, `/openai/v1/${beta}/y/chat/completions`, beta, "bob@example.com");
    await server.waitForLog(/pii guardrail denied request/, 2);
    await scrapeUntil(beta, 5);

    server.signal("SIGTERM");
    assert.equal(await server.exited, 0, server.logs());
  } finally {
    await server.kill();
    await stub.close();
    await receiver.close();
    await Deno.remove(dir, { recursive: true });
  }

  const logs = server.logs();
  const outputs: [string, string][] = [
    ["stderr", logs],
    ...scrapes.map((s, i) => [`scrape ${i}`, s] as [string, string]),
    ...receiver.received.map((r) => [`OTLP ${r.path}`, r.raw] as [string, string]),
  ];
  for (const [where, text] of outputs) {
    for (const secret of [alpha, beta]) {
      assert.ok(!text.includes(secret), `${where} carries ${secret}:\n${text}`);
      assert.ok(!text.includes(secret.slice(5, -3)), `${where} carries part of ${secret}`);
    }
  }
  // Not vacuous: the values were there to redact in each of the three outputs.
  assert.match(logs, /pii guardrail denied request[^\n]*CREDENTIAL_REDACTED/);
  assert.equal(logs.match(/path=\S*CREDENTIAL_REDACTED/g)?.length ?? 0, 2, logs);
  const spans = receiver.received.filter((r) => r.path === "/v1/traces").map((r) => r.raw).join();
  assert.ok(spans.length > 0, "spans were delivered");
  const redactedModels =
    spans.split(`"gen_ai.request.model","value":{"stringValue":"${credentialRedacted}"`)
      .length - 1;
  assert.ok(
    redactedModels >= 2,
    `the request model of both keys' exchanges is redacted:\n${spans}`,
  );
  const last = scrapes.at(-1)!;
  assert.ok(last.includes(`model="${credentialRedacted}`), last);
  const metrics = receiver.received.filter((r) => r.path === "/v1/metrics");
  // The retired generation's last snapshot and the shutdown push.
  assert.ok(metrics.length >= 1, "metrics were pushed");
  for (const m of metrics) assert.ok(m.raw.includes(credentialRedacted), m.raw);
});

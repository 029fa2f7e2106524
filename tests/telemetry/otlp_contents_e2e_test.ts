/**
 * OTLP export review: what leaves the real `serve` process (team mode, bodies captured) for a
 * collector. A client sends everything it controls, marked: a prompt, a custom header, a
 * correlation and a thread id, a provider key, a 5,000-character model and a 3,000-character
 * path, and gets an upstream error body too. The collector may get the tenant ids (documented
 * in docs/security.md), bounded model names and closed sets; never a body, a header, an id the
 * client chose, the provider key or its fingerprint or last four, an upstream's error text, or
 * a string longer than the bounds.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll } from "../support/process.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { startLiveServer } from "../e2e/lifecycle_support.ts";
import type { OtlpDoc, OtlpKv } from "../support/otlp_decoded.ts";

const gatewayKey = "otlp-contents-gateway-key-31";
const providerKey = "sk-proj-OtlpContentsProviderKeyZq8Wx";
const marks = {
  prompt: "prompt-mark-cheese-cartel",
  header: "header-mark-7d1e",
  correlation: "corr-mark-5a9c",
  thread: "thread-mark-0b2f",
  path: "pathmark".repeat(400),
  upstreamError: "stub limit",
};
/** Bounds of spans.ts (maxSpanStringLength) and scrub.ts (maxLabelLength). */
const maxAttribute = 256;
const maxLabel = 128;

Deno.test("otlp contents e2e: no bodies, headers, client ids, key fingerprints or upstream errors reach the collector; strings are bounded", async () => {
  const stub = await startUpstreamStub();
  const receiver = startOtlpReceiver<OtlpDoc>();
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-otlp-contents-" });
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { driver: sqlite, path: ./traces.db }
providers:
  openai: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10, capture_bodies: true }
auth:
  enabled: true
  keys:
    - { id: alpha, token: { env: ALPHA_KEY }, role: owner, org_id: org-a, workspace_id: ws-a }
`,
  );
  const server = await startLiveServer(dir, port, {
    ALPHA_KEY: gatewayKey,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_TRACES_SAMPLER_ARG: "1",
    OTEL_METRIC_EXPORT_INTERVAL: "3600000",
  });
  const auth = { "x-ongoingai-gateway-key": gatewayKey };
  let stored: Record<string, unknown>[] = [];
  try {
    const send = async (path: string, model: string, extra: Record<string, string> = {}) => {
      const res = await fetch(`${server.origin}${path}`, {
        method: "POST",
        headers: {
          ...auth,
          "content-type": "application/json",
          authorization: `Bearer ${providerKey}`,
          "x-note": marks.header,
          "x-ongoingai-correlation-id": marks.correlation,
          "x-ongoingai-thread-id": marks.thread,
          ...extra,
        },
        body: JSON.stringify({ model, messages: [{ role: "user", content: marks.prompt }] }),
      });
      await res.text();
      return res.status;
    };
    const chat = "/openai/v1/chat/completions";
    assert.equal(await send(chat, "gpt-4o-mini"), 200);
    assert.equal(await send(chat, "m-" + "q".repeat(5000)), 200);
    assert.equal(await send(chat, "gpt-4o-mini", { "x-stub-status": "500" }), 500);
    await send(`/openai/v1/${marks.path}/chat/completions`, "gpt-4o-mini");
    stored = await poll("4 traces", async () => {
      const page = await (await fetch(`${server.origin}/api/traces?limit=10`, { headers: auth }))
        .json();
      return page.items.length >= 4 ? page.items as Record<string, unknown>[] : undefined;
    });
    await poll("the spans of 4 requests", () => {
      const n = receiver.received.filter((r) => r.path === "/v1/traces")
        .flatMap((r) => r.body.resourceSpans ?? []).flatMap((r) => r.scopeSpans)
        .flatMap((s) => s.spans).filter((s) => s.kind === 2).length;
      return Promise.resolve(n >= 4 ? true : undefined);
    });
    server.signal("SIGTERM");
    assert.equal(await server.exited, 0, server.logs());
  } finally {
    await server.kill();
    await stub.close();
    await receiver.close();
    await Deno.remove(dir, { recursive: true });
  }

  const raw = receiver.received.map((r) => r.raw).join("\n");
  const never: [string, string][] = [
    ...Object.entries(marks),
    ["provider key", providerKey],
    ["gateway key", gatewayKey],
  ];
  for (const t of stored) {
    for (const field of ["api_key_hash", "api_key_last4", "gateway_key_id"] as const) {
      if (typeof t[field] === "string") never.push([field, t[field] as string]);
    }
  }
  assert.ok(never.some(([what]) => what === "api_key_last4"), "the traces have a key fingerprint");
  for (const [what, value] of never) {
    assert.ok(!raw.includes(value), `${what} (${value.slice(0, 40)}) reached the collector`);
  }

  const docs = receiver.received.map((r) => r.body);
  const spans = docs.flatMap((d) => d.resourceSpans ?? []).flatMap((r) => r.scopeSpans)
    .flatMap((s) => s.spans);
  const strings = (kvs: OtlpKv[]) =>
    kvs.map((kv) => kv.value.stringValue).filter((v): v is string => typeof v === "string");
  for (const s of spans) {
    assert.ok(s.name.length <= maxAttribute + "text_completion ".length, s.name);
    for (const v of strings(s.attributes)) assert.ok(v.length <= maxAttribute, v.slice(0, 80));
    assert.ok((s.status.message ?? "").length <= 64, s.status.message);
  }
  const models = spans.flatMap((s) => s.attributes)
    .filter((kv) => kv.key === "gen_ai.request.model").map((kv) => String(kv.value.stringValue));
  assert.ok(models.some((m) => m.length === maxAttribute), "the huge model was exported, cut");
  // The tenant of the key: exported on purpose, so a shared collector can attribute cost.
  const serverSpan = spans.find((s) => s.kind === 2)!;
  const attrs = Object.fromEntries(
    serverSpan.attributes.map((kv) => [kv.key, kv.value.stringValue]),
  );
  assert.equal(attrs["ongoingai.org_id"], "org-a");
  assert.equal(attrs["ongoingai.workspace_id"], "ws-a");

  const points = docs.flatMap((d) => d.resourceMetrics ?? []).flatMap((r) => r.scopeMetrics)
    .flatMap((s) => s.metrics).flatMap((m) => [
      ...(m.sum?.dataPoints ?? []),
      ...(m.gauge?.dataPoints ?? []),
      ...(m.histogram?.dataPoints ?? []),
    ]);
  assert.ok(points.length > 0, "metrics were pushed");
  for (const p of points) {
    for (const v of strings(p.attributes)) assert.ok(v.length <= maxLabel, v.slice(0, 80));
  }
});

/**
 * Issue 16, item 2: one request full of e-mail addresses must not freeze the gateway. A real
 * `serve` process gets a 6.6 MB body with 300,000 addresses (before the fix: the health check
 * waited 9 s for this body, 57 s for 400,000) while `/api/health` is polled; every health
 * answer must come within a second. Then what each mode does with such a body:
 * - `redact_storage` (the default): forwarded as it is, only the stored part (the cap plus a
 *   margin) is redacted, and what is stored holds no address;
 * - `redact_upstream` and `block`: past `pii.scan_budget.max_findings` (50,000 here, to keep the
 *   test short) the request is refused with 413 `pii_scan_budget_exceeded`, nothing is forwarded,
 *   and the trace says why.
 */
import { describeWaits, type HealthWaits, healthWaitsWhile } from "../support/health_stall.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";

const bodyMaxSize = 64 * 1024;

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { path: "./data/ongoingai.db" },
  providers: { openai: { upstream: "${upstream}" }, anthropic: { upstream: "${upstream}" } },
  tracing: { capture_bodies: true, flush_interval_ms: 10, body_max_size: ${bodyMaxSize} },
  pii: {
    mode: "redact_storage",
    replacement: { hash_salt: "e2e-salt-0123456789abcdef" },
    scan_budget: { max_findings: 50_000 },
    scopes: [
      { match: { provider: "anthropic" }, mode: "redact_upstream" },
      { match: { route_prefix: "/openai/v1/embeddings" }, mode: "block" },
    ],
  },
});
`;

/** Addresses in one string, as pasted data would be: the worst case measured in the issue. */
const addresses = Array.from({ length: 300_000 }, (_, i) => `user${i}@example.com`).join(" ");
const address = /user\d+@example\.com/;

/** Health stays answered: no health check waited on more than 1 s of the gateway's own work. */
function assertResponsive(waits: HealthWaits, what: string): void {
  assert.ok(waits.count >= 3, `${what}: health was polled ${waits.count} times`);
  // Before the fix this body kept the event loop busy for 9 s (57 s with 400,000 addresses).
  assert.ok(waits.worstBusyMs < 1_000, `${what}: ${describeWaits(waits)}`);
}

// deno-lint-ignore no-explicit-any
type Trace = any;

async function traceOf(origin: string, path: string, count: number): Promise<Trace> {
  return await poll(`a trace of ${path}`, async () => {
    const page = await (await fetch(`${origin}/api/traces?limit=20`)).json();
    const items = page.items.filter((t: Trace) => t.request_path === path);
    if (items.length < count) return undefined;
    return await (await fetch(`${origin}/api/traces/${items[0].id}`)).json();
  });
}

Deno.test("e2e: a body with 300k e-mail addresses does not stall other requests, in any PII mode", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-pii-stall-" }));
  const stub = await startUpstreamStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  const { origin } = server;
  try {
    // redact_storage: forwarded unchanged; the trace (recorded after redaction) is the end.
    const chat = JSON.stringify({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: addresses }],
    });
    const stored = (async () => {
      const res = await fetch(`${origin}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-test-stall" },
        body: chat,
      });
      assert.equal(res.status, 200, await res.clone().text());
      await res.body?.cancel();
      return await traceOf(origin, "/openai/v1/chat/completions", 1);
    })();
    assertResponsive(await healthWaitsWhile(origin, server.pid, stored), "redact_storage");
    const trace = await stored;
    assert.equal(stub.requests.at(-1)!.body.length, chat.length, "forwarded whole");
    assert.equal(trace.request_body_truncated, true);
    assert.ok(new TextEncoder().encode(trace.request_body).length <= bodyMaxSize);
    assert.doesNotMatch(trace.request_body, address);
    assert.match(trace.request_body, /\[EMAIL_REDACTED:[0-9a-f]{16}\]/);
    // Only the stored part was redacted: about (cap + margin) / 22 bytes per address.
    const found = trace.metadata.redaction_counts.email;
    assert.ok(found > 2_000 && found < 4_000, `${found} addresses redacted`);
    assert.equal(trace.metadata.redaction_storage_drop, undefined);

    // redact_upstream and block: refused past the findings budget, nothing forwarded.
    const forwarded = stub.requests.length;
    for (
      const [mode, path, body] of [
        ["redact_upstream", "/anthropic/v1/messages", {
          model: "claude-haiku-4-5",
          max_tokens: 10,
          messages: [{ role: "user", content: addresses }],
        }],
        ["block", "/openai/v1/embeddings", { model: "text-embedding-3-small", input: addresses }],
      ] as const
    ) {
      const answer = fetch(`${origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": "sk-ant-test-stall" },
        body: JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, body: await res.json() }));
      assertResponsive(await healthWaitsWhile(origin, server.pid, answer), mode);
      const { status, body: error } = await answer;
      assert.equal(status, 413, mode);
      assert.equal(error.error.code, "pii_scan_budget_exceeded", mode);
      assert.match(error.error.message, /more than 50000 values/, mode);
      assert.match(error.error.message, /pii\.scan_budget\.max_findings/, mode);
      assert.equal(stub.requests.length, forwarded, `${mode}: nothing forwarded`);
      const refused = await traceOf(origin, path, 1);
      assert.equal(refused.response_status, 413);
      assert.equal(refused.error_code, "pii_uninspectable");
      assert.equal(refused.metadata.redaction_scan_budget_exceeded, "findings");
      assert.equal(refused.metadata.redaction_mode, mode);
    }
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

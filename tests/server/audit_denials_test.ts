/**
 * Team-mode denials reach the audit log through the same wiring `serve` uses: the gate's
 * `onDenied` for a permission a key lacks, and the audited writer for a rate-limited request;
 * a flood of refusals becomes one entry plus one counted entry, not one row each.
 */
import assert from "node:assert/strict";
import { configFor, testSecret } from "../support/gateway_harness.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { createGateway } from "../../src/server/gateway.ts";
import { auditedWriter, DenialAuditor, safeAudit } from "../../src/server/audit_events.ts";
import { openSqliteStore, verifyAuditChain } from "../../src/store/mod.ts";
import { silentLogger } from "../../src/log/mod.ts";
import type { TraceRecord } from "../../src/traces/mod.ts";

const viewer = "gw-denial-viewer-000000000000";
const dev = "gw-denial-dev-000000000000000";

Deno.test("denials: permission and rate limit refusals are audited, a flood counted", async () => {
  const stub = await startUpstreamStub();
  const store = await openSqliteStore({ path: ":memory:" });
  let now = Date.UTC(2026, 4, 1);
  const appended: Promise<unknown>[] = [];
  const denials = new DenialAuditor(
    safeAudit((e) => {
      const p = store.appendAudit(e);
      appended.push(p);
      return p;
    }, silentLogger),
    () => now,
  );
  const traces: TraceRecord[] = [];
  const writer = {
    enqueue: (t: TraceRecord) => traces.push(t) > 0,
    snapshot: () => ({}) as never,
  };
  const config = configFor(stub.url, {
    auth: {
      enabled: true,
      keys: [
        { id: "viewer-a", token: viewer, org_id: "o", workspace_id: "w", role: "viewer" },
        { id: "dev-a", token: dev, org_id: "o", workspace_id: "w", role: "developer" },
      ],
    },
    limits: { per_key: { requests_per_minute: 1 } },
  });
  const gw = createGateway(config, {
    store,
    writer: auditedWriter(writer, denials),
    onDenied: (d) => denials.record(d),
    keyHashSecret: testSecret,
    log: silentLogger,
  });
  const chat = (token: string) =>
    gw.fetch(
      new Request("http://gw.test/openai/v1/chat/completions", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer sk-proj-AAAAAAAAAAAAAAAAAAAAaaaa",
          "x-ongoingai-gateway-key": token,
        },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      }),
    );
  try {
    for (let i = 0; i < 50; i++) {
      const r = await chat(viewer);
      assert.equal(r.status, 403);
      await r.body?.cancel();
    }
    const ok = await chat(dev);
    assert.equal(ok.status, 200);
    await ok.text();
    for (let i = 0; i < 3; i++) {
      const r = await chat(dev);
      assert.equal(r.status, 429);
      await r.body?.cancel();
    }
    now += 1000;
    const later = await chat(viewer);
    assert.equal(later.status, 403);
    await later.body?.cancel();
    await Promise.all(appended);
    const { entries } = await store.listAudit({});
    assert.deepStrictEqual(
      entries.reverse().map((e) => [e.action, e.actor, e.target, e.details]),
      [
        ["request.denied", "viewer-a", "POST /openai/v1/chat/completions", {
          reason: "permission_denied",
          count: 1,
        }],
        ["request.denied", "dev-a", "POST /openai/v1/chat/completions", {
          reason: "rate_limited",
          count: 1,
        }],
        ["request.denied", "viewer-a", "POST /openai/v1/chat/completions", {
          reason: "permission_denied",
          count: 49,
          window_ms: 1000,
          since: "2026-05-01T00:00:00.000Z",
        }],
        ["request.denied", "viewer-a", "POST /openai/v1/chat/completions", {
          reason: "permission_denied",
          count: 1,
        }],
      ],
    );
    assert.ok(entries.every((e) => e.tenant?.org_id === "o" && e.tenant.workspace_id === "w"));
    assert.equal((await verifyAuditChain(store)).ok, true);
  } finally {
    gw.close();
    await stub.close();
    await store.close();
  }
});

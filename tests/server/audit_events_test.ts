/**
 * The gateway's own audit entries: config reloads (and refusals) with the config file's SHA-256
 * chained as before/after, and denied requests rate-limited per (tenant, reason) window with a
 * count, memory bounded; a failing sink never fails what it records.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type GatewayConfig, validateConfig } from "../../src/config/mod.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { createGenerations } from "../../src/server/generations.ts";
import { silentLogger } from "../../src/log/mod.ts";
import { type ConfigLoad, createReloader } from "../../src/server/reload.ts";
import { MemoryRoutingState } from "../../src/routing/mod.ts";
import {
  auditedRoutingState,
  auditedWriter,
  configFileHash,
  DenialAuditor,
  maxDenialWindows,
  safeAudit,
} from "../../src/server/audit_events.ts";
import type { NewAuditEntry } from "../../src/store/mod.ts";
import type { TraceRecord } from "../../src/traces/mod.ts";

function config(input: Record<string, unknown> = {}): GatewayConfig {
  const result = validateConfig(input, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const fakeGateway = () =>
  ({
    fetch: () => Promise.resolve(new Response("x")),
    inflight: new Set(),
    openRelays: 0,
    retire: (onIdle: () => void) => onIdle(),
    beginShutdown: () => {},
    abortInflight: () => {},
    refreshKeys: () => Promise.resolve(),
    close: () => {},
  }) as unknown as Gateway;

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

Deno.test("config reload: each reload and refusal is audited with the file's SHA-256", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-audit-reload-" });
  const file = `${dir}/ongoingai.yaml`;
  Deno.writeTextFileSync(file, "server:\n  port: 8080\n");
  const first = await configFileHash(file);
  assert.equal(first, sha("server:\n  port: 8080\n"));
  const entries: NewAuditEntry[] = [];
  let next: ConfigLoad = { ok: true, config: config(), source: file, warnings: [] };
  const reloader = createReloader({
    generations: createGenerations(fakeGateway(), config()),
    load: () => Promise.resolve(next),
    build: () => fakeGateway(),
    log: silentLogger,
    audit: (e) => Promise.resolve(void entries.push(e)),
    configHash: first,
  });
  Deno.writeTextFileSync(file, "server:\n  port: 8080\n# edited\n");
  await reloader.reload();
  next = { ok: false, source: file, problems: ["server.port: not a number"] };
  await reloader.reload();
  assert.deepStrictEqual(entries.map((e) => [e.action, e.actor, e.tenant, e.target]), [
    ["config.reloaded", "gateway", null, file],
    ["config.reload_refused", "gateway", null, file],
  ]);
  const edited = sha("server:\n  port: 8080\n# edited\n");
  assert.deepStrictEqual(entries[0]!.before, { sha256: first });
  assert.deepStrictEqual(entries[0]!.after, { sha256: edited });
  assert.deepStrictEqual(entries[0]!.details, { generation: 2 });
  assert.deepStrictEqual(entries[1]!.before, { sha256: edited });
  assert.deepStrictEqual(entries[1]!.details, { reason: "invalid config", sha256: edited });
  assert.equal(await configFileHash(null), null);
  assert.equal(await configFileHash(`${dir}/missing.yaml`), null);
});

Deno.test("config reload: a failing audit sink never fails the reload", async () => {
  const gens = createGenerations(fakeGateway(), config());
  const warnings: string[] = [];
  const reloader = createReloader({
    generations: gens,
    load: () => Promise.resolve({ ok: true, config: config(), source: null, warnings: [] }),
    build: () => fakeGateway(),
    log: { ...silentLogger, warn: (msg: string) => void warnings.push(msg) },
    audit: () => Promise.reject(new Error("disk full")),
  });
  await reloader.reload();
  assert.equal(gens.current.number, 2);
  assert.deepStrictEqual(warnings, ["audit log append failed"]);
});

const denial = (reason: string, ws = "ws-a") => ({
  tenant: { org_id: "org", workspace_id: ws },
  reason,
  actor: "key-a",
  target: "POST /openai/v1/chat/completions",
});

Deno.test("denials: one entry at once, then one count per (tenant, reason) window", () => {
  const out: NewAuditEntry[] = [];
  let now = Date.UTC(2026, 0, 1);
  const auditor = new DenialAuditor((e) => Promise.resolve(void out.push(e)), () => now, 1000);
  for (let i = 0; i < 500; i++) auditor.record(denial("rate_limited"));
  auditor.record(denial("permission_denied"));
  auditor.record(denial("rate_limited", "ws-b"));
  assert.deepStrictEqual(out.map((e) => [e.tenant?.workspace_id, e.details]), [
    ["ws-a", { reason: "rate_limited", count: 1 }],
    ["ws-a", { reason: "permission_denied", count: 1 }],
    ["ws-b", { reason: "rate_limited", count: 1 }],
  ]);
  now += 1000;
  auditor.record(denial("rate_limited"));
  assert.equal(out.length, 5);
  assert.deepStrictEqual(out[3]!.details, {
    reason: "rate_limited",
    count: 499,
    window_ms: 1000,
    since: "2026-01-01T00:00:00.000Z",
  });
  assert.deepStrictEqual(out[4]!.details, { reason: "rate_limited", count: 1 });
  auditor.flush();
  assert.equal(out.length, 5, "windows with no further denials write nothing more");
  assert.ok(out.every((e) => e.action === "request.denied"));
});

Deno.test("denials: windows are bounded; the oldest is written out early", () => {
  const out: NewAuditEntry[] = [];
  const auditor = new DenialAuditor((e) => Promise.resolve(void out.push(e)), () => 0);
  for (let i = 0; i <= maxDenialWindows; i++) {
    auditor.record(denial("rate_limited", `ws-${i}`));
    auditor.record(denial("rate_limited", `ws-${i}`));
  }
  // Every window wrote its first denial; the one evicted wrote its count too.
  assert.equal(out.length, maxDenialWindows + 2);
  assert.deepStrictEqual(out.at(-2)!.tenant?.workspace_id, "ws-0");
  assert.equal((out.at(-2)!.details as { count: number }).count, 1);
  assert.equal(out.at(-1)!.tenant?.workspace_id, `ws-${maxDenialWindows}`);
});

Deno.test("safeAudit: no sink is a no-op", async () => {
  await safeAudit(undefined, silentLogger)({} as NewAuditEntry);
});

Deno.test("pooled provider keys: a disable is audited once, an enable with what it cleared", async () => {
  const out: NewAuditEntry[] = [];
  const state = auditedRoutingState(
    new MemoryRoutingState(),
    (e) => Promise.resolve(void out.push(e)),
  );
  const scope = { kind: "key" as const, provider: "openai", id: "team-a" };
  const now = Date.UTC(2026, 0, 1);
  await state.disableKey(scope, now, "status_401_auth failed: sk-xyz");
  await state.disableKey(scope, now + 5, "status_401");
  assert.equal(state.blocked(scope, now + 10)?.state, "disabled");
  assert.equal(await state.enableKey(scope, now + 20), true);
  assert.equal(await state.enableKey(scope, now + 30), false);
  assert.deepStrictEqual(out.map((e) => [e.action, e.actor, e.tenant, e.target, e.details]), [
    ["provider_key.disabled", "gateway", null, "openai/key/team-a", {
      reason: "status_401_auth_failed:_sk-xyz",
    }],
    ["provider_key.enabled", "api", null, "openai/key/team-a", { was: "disabled" }],
  ]);
  assert.equal(state.shared, false, "other members pass through");
});

Deno.test("auditedWriter: a class writer keeps its prototype methods", () => {
  class Writer {
    queued = 0;
    enqueue(_trace: TraceRecord) {
      this.queued++;
      return true;
    }
    snapshot() {
      return this.queued;
    }
  }
  const w = new Writer();
  const seen: string[] = [];
  const audited = auditedWriter(w, { record: (d) => void seen.push(d.reason) });
  const trace = {
    gateway_key_id: "k",
    error_code: "pii_blocked",
    org_id: "o",
    workspace_id: "w",
    request_method: "POST",
    request_path: "/openai/v1/chat/completions",
  } as unknown as TraceRecord;
  assert.equal(audited.enqueue(trace), true);
  audited.enqueue({ ...trace, gateway_key_id: null } as TraceRecord);
  assert.equal(audited.snapshot(), 2);
  assert.deepStrictEqual(seen, ["pii_blocked"]);
});

/**
 * `GET /api/audit` and `/api/audit/export` through the whole gateway: the `audit:read`
 * permission (owner and admin by default, not developers), each tenant confined to its own
 * entries, gateway-wide entries only for keys that also hold `diagnostics:read`, cursor pages,
 * parameter errors, and an export whose lines verify on their own. A key created over the API
 * appears as its `gateway_key.created` entry, with the caller as actor.
 */
import assert from "node:assert/strict";
import { type Harness, startHarness } from "../support/gateway_harness.ts";
import {
  type AuditEntry,
  auditHash,
  type AuditStore,
  type NewAuditEntry,
} from "../../src/store/mod.ts";
import type { GatewayConfigInput } from "../../src/config/mod.ts";

const tokens = {
  ownerA: "gw-audit-owner-a-000000000000",
  ownerB: "gw-audit-owner-b-000000000000",
  devA: "gw-audit-dev-a-00000000000000",
  ops: "gw-audit-ops-0000000000000000",
  auditorA: "gw-audit-viewer-a-00000000000",
};

const teamConfig: GatewayConfigInput = {
  auth: {
    enabled: true,
    keys: [
      { id: "owner-a", token: tokens.ownerA, org_id: "org-1", workspace_id: "ws-a", role: "owner" },
      { id: "owner-b", token: tokens.ownerB, org_id: "org-1", workspace_id: "ws-b", role: "owner" },
      { id: "dev-a", token: tokens.devA, org_id: "org-1", workspace_id: "ws-a", role: "developer" },
      {
        id: "auditor-a",
        token: tokens.auditorA,
        org_id: "org-1",
        workspace_id: "ws-a",
        role: "viewer",
        permissions: ["audit:read"],
      },
      {
        id: "ops",
        token: tokens.ops,
        org_id: "org-ops",
        role: "viewer",
        permissions: ["audit:read", "diagnostics:read"],
      },
    ],
  },
};

const a = { org_id: "org-1", workspace_id: "ws-a" };
const b = { org_id: "org-1", workspace_id: "ws-b" };

const entry = (n: number, tenant: NewAuditEntry["tenant"], action: string): NewAuditEntry => ({
  at: new Date(Date.UTC(2026, 2, 1, 0, 0, n)).toISOString(),
  actor: "seed",
  tenant,
  action,
  target: `t${n}`,
  before: null,
  after: { n },
  details: {},
});

async function seeded(config: GatewayConfigInput): Promise<{ h: Harness; audit: AuditStore }> {
  const h = await startHarness(config);
  const audit = h.store as unknown as AuditStore;
  const rows: NewAuditEntry[] = [
    entry(1, a, "request.denied"),
    entry(2, b, "request.denied"),
    entry(3, null, "config.reloaded"),
    entry(4, a, "gateway_key.revoked"),
    entry(5, b, "gateway_key.revoked"),
    entry(6, a, "request.denied"),
  ];
  for (const r of rows) await audit.appendAudit(r);
  return { h, audit };
}

const get = async (h: Harness, path: string, token?: string) => {
  const res = await h.request(
    path,
    token === undefined ? {} : {
      headers: { "X-OngoingAI-Gateway-Key": token },
    },
  );
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
};

const seqs = (text: string) =>
  (JSON.parse(text) as { items: AuditEntry[] }).items.map((e) => e.seq);

Deno.test("audit API: audit:read required; developers and no key are refused", async () => {
  const { h } = await seeded(teamConfig);
  try {
    const none = await get(h, "/api/audit");
    assert.equal(none.status, 401);
    for (const path of ["/api/audit", "/api/audit/export"]) {
      const dev = await get(h, path, tokens.devA);
      assert.equal(dev.status, 403, dev.text);
      assert.equal(JSON.parse(dev.text).error.permission, "audit:read");
    }
  } finally {
    await h.close();
  }
});

Deno.test("audit API: each tenant sees its own entries; operators also the gateway's", async () => {
  const { h } = await seeded(teamConfig);
  try {
    // A key created over the API is audited in the caller's tenant, with the caller as actor.
    const made = await h.request("/api/gateway-keys", {
      method: "POST",
      headers: { "X-OngoingAI-Gateway-Key": tokens.ownerA, "content-type": "application/json" },
      body: JSON.stringify({ name: "ci", role: "viewer" }),
    });
    assert.equal(made.status, 201);
    const key = await made.json() as { id: string; token: string };
    const ownA = await get(h, "/api/audit", tokens.ownerA);
    assert.equal(ownA.status, 200, ownA.text);
    assert.deepStrictEqual(seqs(ownA.text), [7, 6, 4, 1]);
    const created = (JSON.parse(ownA.text) as { items: AuditEntry[] }).items[0]!;
    assert.deepStrictEqual(
      [created.action, created.actor, created.target, created.tenant],
      ["gateway_key.created", "owner-a", key.id, a],
    );
    assert.ok(!ownA.text.includes(key.token), "the token is never in the audit log");
    assert.deepStrictEqual(seqs((await get(h, "/api/audit", tokens.auditorA)).text), [7, 6, 4, 1]);
    assert.deepStrictEqual(seqs((await get(h, "/api/audit", tokens.ownerB)).text), [5, 2]);
    assert.deepStrictEqual(seqs((await get(h, "/api/audit", tokens.ops)).text), [3]);
    const filtered = await get(h, "/api/audit?action=request.denied", tokens.ownerA);
    assert.deepStrictEqual(seqs(filtered.text), [6, 1]);
  } finally {
    await h.close();
  }
});

Deno.test("audit API: cursor pages, and parameters refused by name", async () => {
  const { h } = await seeded({});
  try {
    const first = await get(h, "/api/audit?limit=4");
    const page = JSON.parse(first.text) as { items: AuditEntry[]; next_cursor: string };
    assert.deepStrictEqual(page.items.map((e) => e.seq), [6, 5, 4, 3]);
    const next = await get(h, `/api/audit?limit=4&cursor=${page.next_cursor}`);
    assert.deepStrictEqual(seqs(next.text), [2, 1]);
    assert.equal(JSON.parse(next.text).next_cursor, null);
    const window = await get(h, "/api/audit?from=2026-03-01T00:00:02Z&to=2026-03-01T00:00:04Z");
    assert.deepStrictEqual(seqs(window.text), [4, 3, 2]);
    for (
      const [query, parameter] of [
        ["cursor=bm9wZQ", "cursor"],
        ["limit=0", "limit"],
        ["from=yesterday", "from"],
        ["to=2026-01-01&from=2026-02-01", "to"],
        ["colour=red", "colour"],
      ]
    ) {
      const r = await get(h, `/api/audit?${query}`);
      assert.equal(r.status, 400, `${query}: ${r.text}`);
      assert.equal(JSON.parse(r.text).error.parameter, parameter, query);
    }
  } finally {
    await h.close();
  }
});

Deno.test("audit export: NDJSON of the caller's entries, each line verifying alone", async () => {
  const { h } = await seeded(teamConfig);
  try {
    const r = await get(h, "/api/audit/export?format=ndjson", tokens.ownerA);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.type, "application/x-ndjson");
    const lines = r.text.trimEnd().split("\n").map((l) => JSON.parse(l) as AuditEntry);
    assert.deepStrictEqual(lines.map((e) => e.seq), [6, 4, 1]);
    for (const e of lines) assert.equal(auditHash(e), e.hash, `entry ${e.seq}`);
    const all = await get(h, "/api/audit/export", tokens.ops);
    assert.deepStrictEqual(all.text.trimEnd().split("\n").map((l) => JSON.parse(l).seq), [3]);
    const bad = await get(h, "/api/audit/export?format=csv", tokens.ownerA);
    assert.equal(bad.status, 400);
  } finally {
    await h.close();
  }
});

Deno.test("audit export: streams past one page, every entry once, newest first", async () => {
  const { h, audit } = await seeded({});
  try {
    for (let i = 0; i < 1100; i++) {
      await audit.appendAudit(entry(7 + (i % 50), a, "request.denied"));
    }
    const r = await get(h, "/api/audit/export");
    assert.equal(r.status, 200);
    const seqs = r.text.trimEnd().split("\n").map((l) => (JSON.parse(l) as AuditEntry).seq);
    assert.equal(seqs.length, 1106);
    assert.deepStrictEqual(seqs, Array.from({ length: 1106 }, (_, i) => 1106 - i));
  } finally {
    await h.close();
  }
});

/**
 * The audit log's behaviour every store must show: appends chain from the genesis hash, lists page
 * newest first within a tenant, UPDATE and DELETE are refused, and tampering done behind the
 * store's back (a field edited, a row deleted, two seqs swapped, the tail cut) is found by the
 * verification walk, naming the entry.
 */
import assert from "node:assert/strict";
import {
  type AuditStore,
  genesisPrevHash,
  type KeyStore,
  type NewAuditEntry,
  verifyAuditChain,
} from "../../src/store/mod.ts";

export interface AuditFixture {
  store: AuditStore & KeyStore;
  /** Runs SQL on the same database behind the store (tampering). */
  raw(sql: string): Promise<void>;
  /** The SQL that drops the append-only triggers, as an attacker with the database would. */
  dropGuards: string;
  close(): Promise<void>;
}

export const tenantA = { org_id: "org-a", workspace_id: "ws-a" };
export const tenantB = { org_id: "org-b", workspace_id: "ws-b" };

export const auditInput = (n: number, over: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  actor: "key_admin",
  tenant: n % 2 === 0 ? tenantA : tenantB,
  action: n % 3 === 0 ? "gateway_key.revoked" : "gateway_key.created",
  target: `key_${n}`,
  before: null,
  after: { id: `key_${n}`, labels: { b: "2", a: "1" } },
  details: { n },
  ...over,
});

async function filled(open: () => Promise<AuditFixture>, n: number): Promise<AuditFixture> {
  const f = await open();
  for (let i = 1; i <= n; i++) await f.store.appendAudit(auditInput(i));
  return f;
}

export function runAuditConformance(
  name: string,
  open: () => Promise<AuditFixture>,
  options: { ignore?: string } = {},
): void {
  const test = (title: string, fn: () => Promise<void>) =>
    Deno.test({
      name: `${name} audit: ${title}`,
      ignore: options.ignore !== undefined,
      sanitizeResources: false,
      sanitizeOps: false,
      fn,
    });

  test("appends chain from the genesis hash and verify finds them valid", async () => {
    const f = await open();
    try {
      assert.deepStrictEqual(await f.store.auditHead(), { seq: 0, hash: genesisPrevHash });
      assert.deepStrictEqual(await verifyAuditChain(f.store), {
        ok: true,
        checked: 0,
        head: { seq: 0, hash: genesisPrevHash },
        problem: null,
      });
      const a = await f.store.appendAudit(auditInput(1));
      const b = await f.store.appendAudit(auditInput(2, { tenant: null }));
      assert.equal(a.seq, 1);
      assert.equal(a.prev_hash, genesisPrevHash);
      assert.equal(b.seq, 2);
      assert.equal(b.prev_hash, a.hash);
      assert.deepStrictEqual(await f.store.auditChain(1, 10), [a, b]);
      assert.deepStrictEqual(await f.store.auditHead(), { seq: 2, hash: b.hash });
      const r = await verifyAuditChain(f.store, 1);
      assert.equal(r.ok, true);
      assert.equal(r.checked, 2);
    } finally {
      await f.close();
    }
  });

  test("refuses a float, an empty action or an oversized entry before writing", async () => {
    const f = await open();
    try {
      await assert.rejects(
        f.store.appendAudit(auditInput(1, { details: { ratio: 0.5 } })),
        /details\.ratio: 0\.5 is not a safe integer/,
      );
      await assert.rejects(f.store.appendAudit(auditInput(1, { action: "" })), /audit action/);
      await assert.rejects(
        f.store.appendAudit(auditInput(1, { details: "x".repeat(70_000) })),
        /over the 65536-byte cap/,
      );
      await assert.rejects(f.store.appendAudit(auditInput(1, { at: "yesterday" })), /RFC 3339/);
      assert.equal((await f.store.auditHead()).seq, 0);
    } finally {
      await f.close();
    }
  });

  test("lists newest first, by tenant, action and time, with a cursor", async () => {
    const f = await filled(open, 9);
    try {
      const all = await f.store.listAudit({ limit: 4 });
      assert.deepStrictEqual(all.entries.map((e) => e.seq), [9, 8, 7, 6]);
      assert.ok(all.next_cursor !== null);
      const next = await f.store.listAudit({ limit: 4, cursor: all.next_cursor! });
      assert.deepStrictEqual(next.entries.map((e) => e.seq), [5, 4, 3, 2]);
      const a = await f.store.listAudit({ tenant: tenantA });
      assert.deepStrictEqual(a.entries.map((e) => e.seq), [8, 6, 4, 2]);
      assert.equal(a.next_cursor, null);
      await f.store.appendAudit(auditInput(10, { tenant: null, action: "config.reloaded" }));
      const withGateway = await f.store.listAudit({ tenant: tenantA, includeGateway: true });
      assert.deepStrictEqual(withGateway.entries.map((e) => e.seq), [10, 8, 6, 4, 2]);
      const onlyA = await f.store.listAudit({ tenant: tenantA, limit: 1 });
      assert.deepStrictEqual(onlyA.entries.map((e) => e.seq), [8]);
      const revoked = await f.store.listAudit({ action: "gateway_key.revoked" });
      assert.deepStrictEqual(revoked.entries.map((e) => e.seq), [9, 6, 3]);
      const window = await f.store.listAudit({
        from: auditInput(3).at,
        to: auditInput(5).at,
      });
      assert.deepStrictEqual(window.entries.map((e) => e.seq), [5, 4, 3]);
      assert.deepStrictEqual(window.entries[0]!.after, { id: "key_5", labels: { a: "1", b: "2" } });
      await assert.rejects(f.store.listAudit({ cursor: "bm9wZQ" }), /cursor is invalid/);
      await assert.rejects(f.store.listAudit({ limit: 0 }), /limit must be/);
    } finally {
      await f.close();
    }
  });

  test("UPDATE and DELETE are refused by the database", async () => {
    const f = await filled(open, 2);
    try {
      await assert.rejects(f.raw("UPDATE audit_log SET actor = 'x' WHERE seq = 1"), /append-only/);
      await assert.rejects(f.raw("DELETE FROM audit_log WHERE seq = 2"), /append-only/);
      assert.equal((await verifyAuditChain(f.store)).ok, true);
    } finally {
      await f.close();
    }
  });

  test("key lifecycle: each change writes its audit entry; the old events still answer", async () => {
    const f = await open();
    try {
      const key = {
        id: "gk_1",
        token_digest: "digest-1",
        ...tenantA,
        name: "ci",
        description: "",
        role: "viewer",
        permissions: ["analytics:read"],
        created_by: "gk_admin",
        created_at: "2026-01-01T00:00:00.000Z",
        created_without_auth: false,
      };
      await f.store.createKey(key);
      await f.store.rotateKey("gk_1", "digest-2", "gk_admin", "2026-01-02T00:00:00.000Z", tenantA);
      await f.store.revokeKey("gk_1", "gk_other", "2026-01-03T00:00:00.000Z", tenantA);
      // A refused change (another tenant's key) writes nothing.
      await f.store.revokeKey("gk_1", "gk_x", "2026-01-04T00:00:00.000Z", tenantB);
      const { entries } = await f.store.listAudit({ tenant: tenantA });
      assert.deepStrictEqual(
        entries.map((e) => [e.seq, e.action, e.actor, e.target, e.before, e.after]),
        [
          [3, "gateway_key.revoked", "gk_other", "gk_1", { revoked_at: null }, {
            revoked_at: "2026-01-03T00:00:00.000Z",
          }],
          [2, "gateway_key.rotated", "gk_admin", "gk_1", { last_rotated_at: null }, {
            last_rotated_at: "2026-01-02T00:00:00.000Z",
          }],
          [1, "gateway_key.created", "gk_admin", "gk_1", null, {
            name: "ci",
            role: "viewer",
            permissions: ["analytics:read"],
          }],
        ],
      );
      assert.ok(!JSON.stringify(entries).includes("digest"), "no token digest in the log");
      const events = await f.store.listKeyEvents(tenantA, 10);
      assert.deepStrictEqual(events.map((e) => e.event), ["revoked", "rotated", "created"]);
      assert.equal((await verifyAuditChain(f.store)).ok, true);
    } finally {
      await f.close();
    }
  });

  const tampering: [string, string, string, number][] = [
    ["a field edited", "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3", "changed", 3],
    [
      "a JSON column edited",
      `UPDATE audit_log SET details_json = '{"n":99}' WHERE seq = 4`,
      "changed",
      4,
    ],
    ["a row deleted", "DELETE FROM audit_log WHERE seq = 2", "gap", 2],
    ["the first row deleted", "DELETE FROM audit_log WHERE seq = 1", "gap", 1],
    [
      "two rows' seq swapped",
      "UPDATE audit_log SET seq = -seq WHERE seq IN (2, 3); " +
      "UPDATE audit_log SET seq = 5 + seq WHERE seq IN (-2, -3)",
      "reordered",
      2,
    ],
    ["the last row deleted", "DELETE FROM audit_log WHERE seq = 5", "truncated", 5],
  ];
  for (const [what, sql, kind, seq] of tampering) {
    test(`tampering found: ${what}`, async () => {
      const f = await filled(open, 5);
      try {
        await f.raw(f.dropGuards);
        for (const statement of sql.split("; ")) await f.raw(statement);
        const r = await verifyAuditChain(f.store, 2);
        assert.equal(r.ok, false);
        assert.equal(r.problem?.kind, kind, r.problem?.message);
        assert.equal(r.problem?.seq, seq, r.problem?.message);
      } finally {
        await f.close();
      }
    });
  }
}

/** The head row deleted or reset (SQL per driver): entries past it are named. */
export function runAuditHeadTamper(
  name: string,
  open: () => Promise<AuditFixture>,
  headSql: string,
  options: { ignore?: string } = {},
): void {
  Deno.test({
    name: `${name} audit: tampering found: the head reset`,
    ignore: options.ignore !== undefined,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const f = await filled(open, 3);
      try {
        await f.raw(headSql);
        const r = await verifyAuditChain(f.store);
        assert.equal(r.ok, false);
        assert.equal(r.problem?.seq, 1, r.problem?.message);
        assert.match(r.problem!.message, /past the head/);
      } finally {
        await f.close();
      }
    },
  });
}

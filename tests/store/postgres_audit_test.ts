/**
 * The audit log on PostgreSQL: the conformance suite (tampering through a separate connection),
 * and appends from two instances (two pools) at once keeping one valid chain.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { openPostgresStore, verifyAuditChain } from "../../src/store/mod.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";
import { runCliProcess } from "../support/process.ts";
import { auditInput, runAuditConformance, runAuditHeadTamper } from "./audit_conformance.ts";

const ignore = skipReason === undefined ? {} : { ignore: skipReason };
const dropGuards = "DROP TRIGGER audit_log_append_only ON audit_log";

async function openFixture() {
  const db = await createTestDatabase("ongoingai_audit");
  const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
  const admin = postgres(db.dsn, { max: 1, onnotice: () => {} });
  return {
    store,
    raw: async (sql: string) => {
      await admin.unsafe(sql);
    },
    dropGuards,
    close: async () => {
      await store.close();
      await admin.end();
      await db.drop();
    },
  };
}

runAuditConformance("postgres", openFixture, ignore);
runAuditHeadTamper(
  "postgres",
  openFixture,
  `UPDATE audit_head SET seq = 0, hash = '${"0".repeat(64)}'`,
  ignore,
);

Deno.test({
  name: "postgres audit: two instances appending at once keep one valid chain",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const db = await createTestDatabase("ongoingai_audit_race");
    const stores = await Promise.all(
      [0, 1].map(() => openPostgresStore({ dsn: db.dsn, maxConnections: 4 })),
    );
    try {
      // Each instance fires its appends without waiting for the previous one: several
      // transactions per pool contend for the head row at once.
      const appended = await Promise.all(
        stores.flatMap((s, which) =>
          Array.from(
            { length: 40 },
            (_, i) => s.appendAudit(auditInput(i, { actor: `instance${which}` })),
          )
        ),
      );
      const seqs = appended.map((e) => e.seq).sort((a, b) => a - b);
      assert.deepStrictEqual(seqs, Array.from({ length: 80 }, (_, i) => i + 1));
      const r = await verifyAuditChain(stores[1]!, 7);
      assert.deepStrictEqual([r.ok, r.checked, r.head.seq], [true, 80, 80], r.problem?.message);
      const chain = await stores[0]!.auditChain(1, 100);
      for (let i = 1; i < chain.length; i++) {
        assert.equal(chain[i]!.prev_hash, chain[i - 1]!.hash);
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await db.drop();
    }
  },
});

Deno.test({
  name: "postgres audit: `ongoingai audit verify` as a subprocess: valid, then a row edited",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const db = await createTestDatabase("ongoingai_audit_cli");
    const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
    const dir = Deno.makeTempDirSync({ prefix: "ongoingai-audit-pg-cli-" });
    const admin = postgres(db.dsn, { max: 1, onnotice: () => {} });
    try {
      for (let i = 1; i <= 3; i++) await store.appendAudit(auditInput(i));
      Deno.writeTextFileSync(
        `${dir}/ongoingai.yaml`,
        `storage:\n  driver: postgres\n  dsn: ${JSON.stringify(db.dsn)}\n`,
      );
      const ok = await runCliProcess(["audit", "verify", "--format", "json"], { cwd: dir });
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepStrictEqual(JSON.parse(ok.stdout).head.seq, 3);
      await admin.unsafe(dropGuards);
      await admin.unsafe("UPDATE audit_log SET target = 'x' WHERE seq = 2");
      const bad = await runCliProcess(["audit", "verify"], { cwd: dir });
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(bad.stdout, /^audit chain INVALID at entry 2 \(changed\)/);
    } finally {
      await admin.end();
      await store.close();
      await db.drop();
    }
  },
});

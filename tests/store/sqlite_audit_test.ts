/**
 * The audit log on SQLite: the conformance suite on a file and on the store worker thread (the
 * tampering done through a second connection), and appends from two connections on one file
 * interleaving into one valid chain.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openSqliteStore, openWorkerStore, verifyAuditChain } from "../../src/store/mod.ts";
import { auditInput, runAuditConformance, runAuditHeadTamper } from "./audit_conformance.ts";

const entry = new URL("../support/store_worker_entry.ts", import.meta.url).href;
const dir = Deno.makeTempDirSync({ prefix: "ongoingai-audit-" });
let n = 0;
const freshPath = () => `${dir}/audit-${n++}.db`;
const dropGuards = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete";

function rawOn(path: string) {
  // deno-lint-ignore require-await
  return async (sql: string) => {
    const db = new DatabaseSync(path);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };
}

runAuditConformance("sqlite (file)", async () => {
  const path = freshPath();
  const store = await openSqliteStore({ path });
  return { store, raw: rawOn(path), dropGuards, close: () => store.close() };
});

runAuditHeadTamper("sqlite (file)", async () => {
  const path = freshPath();
  const store = await openSqliteStore({ path });
  return { store, raw: rawOn(path), dropGuards, close: () => store.close() };
}, "DELETE FROM audit_head");

runAuditConformance("sqlite on a worker thread", async () => {
  const path = freshPath();
  const store = await openWorkerStore(path, entry);
  return { store, raw: rawOn(path), dropGuards, close: () => store.close() };
});

Deno.test("sqlite audit: two connections appending at once keep one chain", async () => {
  const path = freshPath();
  const a = await openSqliteStore({ path });
  const b = await openWorkerStore(path, entry);
  try {
    await Promise.all([a, b].map(async (s, which) => {
      for (let i = 0; i < 25; i++) await s.appendAudit(auditInput(i, { actor: `store${which}` }));
    }));
    const r = await verifyAuditChain(a);
    assert.deepStrictEqual([r.ok, r.checked, r.head.seq], [true, 50, 50]);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("sqlite audit: a read-only store verifies and cannot append", async () => {
  const path = freshPath();
  const w = await openSqliteStore({ path });
  await w.appendAudit(auditInput(1));
  await w.close();
  const r = await openSqliteStore({ path, readOnly: true });
  try {
    assert.equal((await verifyAuditChain(r)).ok, true);
    await assert.rejects(r.appendAudit(auditInput(2)));
  } finally {
    await r.close();
  }
});

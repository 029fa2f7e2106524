/**
 * The audit log on PostgreSQL (audit_store.ts), one chain for every instance: an append locks the
 * one row of `audit_head` (`SELECT ... FOR UPDATE`), links the entry to the head it read, inserts
 * it and moves the head, all in one transaction. A second instance appending at the same time
 * waits on the row lock and then reads the head the first one wrote, so the chain never forks.
 */
import type { Sql } from "./pg_connect.ts";
import {
  type AuditEntry,
  chainEntry,
  checkNewAuditEntry,
  type NewAuditEntry,
} from "./audit_chain.ts";
import {
  auditEntryOf,
  auditFilter,
  type AuditPage,
  auditPage,
  type AuditQuery,
  type AuditStore,
  checkChainRange,
} from "./audit_store.ts";
import { normalizeTimestamp } from "./timestamps.ts";

const headOf = (row: Record<string, unknown> | undefined) => {
  if (row === undefined) throw new Error("audit_head has no row: the audit log was tampered with");
  return { seq: Number(row.seq), hash: String(row.hash) };
};

/**
 * Appends inside the caller's transaction: locks the head row (queueing every other append on
 * any instance), links, inserts, moves the head. The head is locked last by every caller, so
 * a key change holding its key row and an audit-only append never wait on each other in a cycle.
 */
export async function appendAuditTx(tx: Sql, input: NewAuditEntry): Promise<AuditEntry> {
  const c = checkNewAuditEntry(input, (at) => normalizeTimestamp(at, "at"));
  const [row] = await tx`SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE`;
  const h = headOf(row);
  const entry = chainEntry(
    {
      ...input,
      at: c.at,
      before: JSON.parse(c.before),
      after: JSON.parse(c.after),
      details: JSON.parse(c.details),
    },
    h.seq === 0 ? null : h,
  );
  await tx`INSERT INTO audit_log (seq, at, actor, org_id, workspace_id, action, target,
      before_json, after_json, details_json, prev_hash, hash)
    VALUES (${entry.seq}, ${entry.at}, ${entry.actor}, ${entry.tenant?.org_id ?? null},
      ${entry.tenant?.workspace_id ?? null}, ${entry.action}, ${entry.target}, ${c.before},
      ${c.after}, ${c.details}, ${entry.prev_hash}, ${entry.hash})`;
  await tx`UPDATE audit_head SET seq = ${entry.seq}, hash = ${entry.hash} WHERE id = 1`;
  return entry;
}

export function postgresAuditStore(sql: Sql, assertOpen: () => void): AuditStore {
  return {
    async appendAudit(input: NewAuditEntry): Promise<AuditEntry> {
      assertOpen();
      // Checked before the transaction: a refused entry never takes the head's lock.
      checkNewAuditEntry(input, (at) => normalizeTimestamp(at, "at"));
      return await sql.begin((tx) => appendAuditTx(tx as unknown as Sql, input));
    },
    async listAudit(query: AuditQuery): Promise<AuditPage> {
      assertOpen();
      const f = auditFilter(query);
      const rows = await sql`SELECT seq, at, actor, org_id, workspace_id, action, target,
          before_json, after_json, details_json, prev_hash, hash FROM audit_log
        WHERE (${f.from}::text IS NULL OR at >= ${f.from}::text)
          AND (${f.to}::text IS NULL OR at <= ${f.to}::text)
          AND (${f.org}::text IS NULL OR (org_id = ${f.org}::text AND workspace_id = ${f.ws}::text)
            OR (${f.gw}::int = 1 AND org_id IS NULL))
          AND (${f.action}::text IS NULL OR action = ${f.action}::text)
          AND (${f.below}::bigint IS NULL OR seq < ${f.below}::bigint)
        ORDER BY seq DESC LIMIT ${f.limit + 1}::int`;
      return auditPage(rows.map(auditEntryOf), f.limit);
    },
    async auditChain(fromSeq: number, limit: number): Promise<AuditEntry[]> {
      assertOpen();
      checkChainRange(fromSeq, limit);
      const rows = await sql`SELECT seq, at, actor, org_id, workspace_id, action, target,
          before_json, after_json, details_json, prev_hash, hash FROM audit_log
        WHERE seq >= ${fromSeq}::bigint ORDER BY seq LIMIT ${limit}::int`;
      return rows.map(auditEntryOf);
    },
    async auditHead(): Promise<{ seq: number; hash: string }> {
      assertOpen();
      const [row] = await sql`SELECT seq, hash FROM audit_head WHERE id = 1`;
      return headOf(row);
    },
  };
}

/**
 * The audit log on SQLite (audit_store.ts): an append reads the head, inserts the entry and moves
 * the head in one `BEGIN IMMEDIATE` transaction, so two processes on one file queue on SQLite's
 * write lock and never fork the chain.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { type BusyRetryOptions, withBusyRetry } from "./sqlite_busy.ts";
import {
  type AuditEntry,
  chainEntry,
  checkNewAuditEntry,
  genesisPrevHash,
  type NewAuditEntry,
} from "./audit_chain.ts";
import {
  auditColumns,
  auditEntryOf,
  auditFilter,
  type AuditPage,
  auditPage,
  type AuditQuery,
  type AuditStore,
  checkChainRange,
} from "./audit_store.ts";
import { normalizeTimestamp } from "./timestamps.ts";

/** Prepared on first use: a store opened with an older migration list (tests) has no table. */
function lazy(prepare: () => StatementSync): () => StatementSync {
  let stmt: StatementSync | undefined;
  return () => stmt ??= prepare();
}

/**
 * Appends inside the caller's transaction (which must hold the write lock: `BEGIN IMMEDIATE`),
 * so a change and its audit entry commit together (the key store's lifecycle events).
 */
export function sqliteAuditWriter(db: DatabaseSync): {
  append(input: NewAuditEntry): AuditEntry;
  head(): { seq: number; hash: string };
} {
  const head = lazy(() => db.prepare("SELECT seq, hash FROM audit_head WHERE id = 1"));
  const insert = lazy(() =>
    db.prepare(`INSERT INTO audit_log (${auditColumns}) VALUES ($seq, $at, $actor, $org_id,
      $workspace_id, $action, $target, $before_json, $after_json, $details_json, $prev_hash,
      $hash)`)
  );
  const moveHead = lazy(() =>
    db.prepare(`INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)
      ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`)
  );
  const readHead = () => {
    const row = head().get() as { seq: number; hash: string } | undefined;
    // No row before the first append (the migration adds none, as to every new table).
    if (row === undefined) return { seq: 0, hash: genesisPrevHash };
    return { seq: Number(row.seq), hash: String(row.hash) };
  };
  return {
    head: readHead,
    append(input: NewAuditEntry): AuditEntry {
      const c = checkNewAuditEntry(input, (at) => normalizeTimestamp(at, "at"));
      const h = readHead();
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
      insert().run({
        seq: entry.seq,
        at: entry.at,
        actor: entry.actor,
        org_id: entry.tenant?.org_id ?? null,
        workspace_id: entry.tenant?.workspace_id ?? null,
        action: entry.action,
        target: entry.target,
        before_json: c.before,
        after_json: c.after,
        details_json: c.details,
        prev_hash: entry.prev_hash,
        hash: entry.hash,
      });
      moveHead().run(entry.seq, entry.hash);
      return entry;
    },
  };
}

export function sqliteAuditStore(
  db: DatabaseSync,
  assertOpen: () => void,
  retry: BusyRetryOptions,
): AuditStore {
  const writer = sqliteAuditWriter(db);
  const list = lazy(() =>
    db.prepare(`SELECT ${auditColumns} FROM audit_log
      WHERE ($from IS NULL OR at >= $from) AND ($to IS NULL OR at <= $to)
        AND ($org IS NULL OR (org_id = $org AND workspace_id = $ws)
          OR ($gw = 1 AND org_id IS NULL))
        AND ($action IS NULL OR action = $action) AND ($below IS NULL OR seq < $below)
      ORDER BY seq DESC LIMIT $limit`)
  );
  const chain = lazy(() =>
    db.prepare(`SELECT ${auditColumns} FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?`)
  );

  return {
    async appendAudit(input: NewAuditEntry): Promise<AuditEntry> {
      assertOpen();
      // Checked before the transaction: a refused entry never takes the write lock.
      checkNewAuditEntry(input, (at) => normalizeTimestamp(at, "at"));
      return await withBusyRetry(() => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const entry = writer.append(input);
          db.exec("COMMIT");
          return entry;
        } catch (err) {
          if (db.isTransaction) db.exec("ROLLBACK");
          throw err;
        }
      }, retry);
    },
    async listAudit(query: AuditQuery): Promise<AuditPage> {
      assertOpen();
      const f = auditFilter(query);
      const rows = await withBusyRetry(
        () => list().all({ ...f, limit: f.limit + 1 }) as Record<string, unknown>[],
        retry,
      );
      return auditPage(rows.map(auditEntryOf), f.limit);
    },
    async auditChain(fromSeq: number, limit: number): Promise<AuditEntry[]> {
      assertOpen();
      checkChainRange(fromSeq, limit);
      const rows = await withBusyRetry(
        () => chain().all(fromSeq, limit) as Record<string, unknown>[],
        retry,
      );
      return rows.map(auditEntryOf);
    },
    async auditHead(): Promise<{ seq: number; hash: string }> {
      assertOpen();
      return await withBusyRetry(writer.head, retry);
    },
  };
}

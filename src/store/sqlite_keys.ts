/**
 * The gateway key store on SQLite: prepared statements only, each mutation and its audit event
 * in one `BEGIN IMMEDIATE` transaction.
 */
import type { DatabaseSync } from "node:sqlite";
import type { TenantScope } from "./types.ts";
import { sqliteAuditWriter } from "./sqlite_audit.ts";
import { keyAuditEntry } from "./audit_store.ts";
import {
  type ActiveGatewayKey,
  checkScope,
  type GatewayKeyEvent,
  type GatewayKeyEventKind,
  type GatewayKeyRecord,
  isUnconfirmed,
  KeyConflictError,
  keyRecordColumns,
  keyRecordOf,
  type KeyStore,
  type NewGatewayKey,
} from "./key_types.ts";

const recordColumns = keyRecordColumns.join(", ");

type Row = Record<string, unknown>;

const toRecord = (row: Row) =>
  keyRecordOf(row, {
    time: String,
    permissions: (v) => JSON.parse(String(v)) as string[],
    flag: (v) => Number(v) === 1,
  });

const scopeClause = (scope?: TenantScope) => {
  checkScope(scope);
  return scope === undefined ? "" : " AND org_id = ? AND workspace_id = ?";
};
const scopeArgs = (scope?: TenantScope) =>
  scope === undefined ? [] : [scope.org_id, scope.workspace_id];

export function sqliteKeyStore(db: DatabaseSync, assertOpen: () => void): KeyStore {
  const event = db.prepare(
    "INSERT INTO gateway_key_events (key_id, event, actor_key_id, org_id, workspace_id, at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const audit = sqliteAuditWriter(db);
  // The event row (the old endpoint's) and its audit entry, in the mutation's transaction.
  const logEvent = (
    key: GatewayKeyRecord | NewGatewayKey,
    kind: GatewayKeyEventKind,
    actor: string,
    at: string,
  ) => {
    event.run(key.id, kind, actor, key.org_id, key.workspace_id, at);
    audit.append(keyAuditEntry(key, kind, actor, at, key));
  };

  function inTransaction<T>(fn: () => T): T {
    db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn();
      db.exec("COMMIT");
      return out;
    } catch (err) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw err;
    }
  }

  function findActive(id: string, scope?: TenantScope): GatewayKeyRecord | null {
    const row = db.prepare(
      `SELECT ${recordColumns} FROM gateway_keys WHERE id = ? AND revoked_at IS NULL${
        scopeClause(scope)
      }`,
    ).get(id, ...scopeArgs(scope));
    return row === undefined ? null : toRecord(row as Row);
  }

  return {
    createKey(key: NewGatewayKey) {
      assertOpen();
      return Promise.resolve().then(() =>
        inTransaction(() => {
          try {
            db.prepare(
              `INSERT INTO gateway_keys (id, token_digest, org_id, workspace_id, name, description, role, permissions, created_by, created_at, created_without_auth)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            ).run(
              key.id,
              key.token_digest,
              key.org_id,
              key.workspace_id,
              key.name,
              key.description,
              key.role,
              JSON.stringify(key.permissions),
              key.created_by,
              key.created_at,
              key.created_without_auth ? 1 : 0,
            );
          } catch (err) {
            if (/UNIQUE constraint failed/.test((err as Error).message)) {
              throw new KeyConflictError(`gateway key ${key.id} already exists`);
            }
            throw err;
          }
          logEvent(key, "created", key.created_by, key.created_at);
          return findActive(key.id)!;
        })
      );
    },
    listKeys(scope) {
      assertOpen();
      return Promise.resolve().then(() =>
        db.prepare(
          `SELECT ${recordColumns} FROM gateway_keys WHERE revoked_at IS NULL${
            scopeClause(scope)
          } ORDER BY created_at, id`,
        ).all(...scopeArgs(scope)).map((r) => toRecord(r as Row))
      );
    },
    revokeKey(id, actor, at, scope) {
      assertOpen();
      return Promise.resolve().then(() =>
        inTransaction(() => {
          const key = findActive(id, scope);
          if (key === null) return false;
          db.prepare("UPDATE gateway_keys SET revoked_at = ? WHERE id = ?").run(at, id);
          logEvent(key, "revoked", actor, at);
          return true;
        })
      );
    },
    rotateKey(id, tokenDigest, actor, at, scope) {
      assertOpen();
      return Promise.resolve().then(() =>
        inTransaction(() => {
          const key = findActive(id, scope);
          if (key === null) return null;
          try {
            db.prepare(
              "UPDATE gateway_keys SET token_digest = ?, last_rotated_at = ? WHERE id = ?",
            ).run(tokenDigest, at, id);
          } catch (err) {
            if (/UNIQUE constraint failed/.test((err as Error).message)) {
              throw new KeyConflictError("gateway key token already exists");
            }
            throw err;
          }
          logEvent(key, "rotated", actor, at);
          return findActive(id)!;
        })
      );
    },
    confirmKey(id, actor, at, scope) {
      assertOpen();
      return Promise.resolve().then(() =>
        inTransaction(() => {
          const key = findActive(id, scope);
          if (key === null || !isUnconfirmed(key)) return key;
          db.prepare("UPDATE gateway_keys SET confirmed_at = ?, confirmed_by = ? WHERE id = ?")
            .run(at, actor, id);
          logEvent(key, "confirmed", actor, at);
          return findActive(id)!;
        })
      );
    },
    listKeyEvents(scope, limit) {
      assertOpen();
      return Promise.resolve().then(() =>
        db.prepare(
          `SELECT id, key_id, event, actor_key_id, org_id, workspace_id, at FROM gateway_key_events
           WHERE 1 = 1${scopeClause(scope)} ORDER BY id DESC LIMIT ?`,
        ).all(...scopeArgs(scope), limit).map((r) =>
          ({ ...r, id: Number(r.id) }) as GatewayKeyEvent
        )
      );
    },
    activeKeyDigests() {
      assertOpen();
      const rows = db.prepare(
        `SELECT id, token_digest, org_id, workspace_id, role, permissions,
           created_without_auth = 1 AND confirmed_at IS NULL AS unconfirmed
         FROM gateway_keys WHERE revoked_at IS NULL`,
      ).all();
      return Promise.resolve(rows.map((r) =>
        ({
          id: String(r.id),
          token_digest: String(r.token_digest),
          org_id: String(r.org_id),
          workspace_id: String(r.workspace_id),
          role: String(r.role),
          permissions: JSON.parse(String(r.permissions)) as string[],
          unconfirmed: Number(r.unconfirmed) === 1,
        }) satisfies ActiveGatewayKey
      ));
    },
  };
}

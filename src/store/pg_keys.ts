/**
 * The gateway key store on PostgreSQL: tagged templates only, each mutation and its audit event
 * in one transaction.
 */
import type { Sql } from "./pg_connect.ts";
import type { TenantScope } from "./types.ts";
import { appendAuditTx } from "./pg_audit.ts";
import { keyAuditEntry } from "./audit_store.ts";
import {
  type ActiveGatewayKey,
  checkScope,
  type GatewayKeyEvent,
  isUnconfirmed,
  KeyConflictError,
  keyRecordColumns,
  keyRecordOf,
  type KeyStore,
} from "./key_types.ts";

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

const toRecord = (row: Row) =>
  keyRecordOf(row, {
    time: iso,
    permissions: (v) => v as string[],
    flag: (v) => v === true,
  });

/** Spread into a `sql(...)` column list, which takes a mutable array. */
const recordColumns = [...keyRecordColumns];

const isUniqueViolation = (err: unknown) => (err as { code?: unknown }).code === "23505";

export function postgresKeyStore(sql: Sql, assertOpen: () => void): KeyStore {
  // Every tenant when absent. A present scope is compared as it is: `checkScope` refuses one
  // without strings, which the former `org IS NULL OR ...` form read as every tenant.
  const inScope = (scope?: TenantScope) => {
    checkScope(scope);
    return scope === undefined
      ? sql`TRUE`
      : sql`(org_id = ${scope.org_id} AND workspace_id = ${scope.workspace_id})`;
  };

  return {
    async createKey(key) {
      assertOpen();
      try {
        return await sql.begin(async (tx) => {
          const [row] = await tx`
            INSERT INTO gateway_keys (id, token_digest, org_id, workspace_id, name, description,
              role, permissions, created_by, created_at, created_without_auth)
            VALUES (${key.id}, ${key.token_digest}, ${key.org_id}, ${key.workspace_id}, ${key.name},
              ${key.description}, ${key.role}, ${tx.json(key.permissions)}, ${key.created_by},
              ${key.created_at}, ${key.created_without_auth})
            RETURNING ${tx(recordColumns)}`;
          await tx`INSERT INTO gateway_key_events (key_id, event, actor_key_id, org_id, workspace_id, at)
            VALUES (${key.id}, 'created', ${key.created_by}, ${key.org_id}, ${key.workspace_id},
              ${key.created_at})`;
          await appendAuditTx(
            tx as unknown as Sql,
            keyAuditEntry(key, "created", key.created_by, key.created_at, key),
          );
          return toRecord(row as Row);
        });
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new KeyConflictError(`gateway key ${key.id} already exists`);
        }
        throw err;
      }
    },
    async listKeys(scope) {
      assertOpen();
      const rows = await sql`SELECT ${
        sql(recordColumns)
      } FROM gateway_keys WHERE revoked_at IS NULL AND ${inScope(scope)} ORDER BY created_at, id`;
      return rows.map((r) => toRecord(r as Row));
    },
    async revokeKey(id, actor, at, scope) {
      assertOpen();
      return await sql.begin(async (tx) => {
        const [row] = await tx`UPDATE gateway_keys SET revoked_at = ${at}
          WHERE id = ${id} AND revoked_at IS NULL AND ${inScope(scope)}
          RETURNING org_id, workspace_id`;
        if (row === undefined) return false;
        await tx`INSERT INTO gateway_key_events (key_id, event, actor_key_id, org_id, workspace_id, at)
          VALUES (${id}, 'revoked', ${actor}, ${row.org_id}, ${row.workspace_id}, ${at})`;
        const key = { id, org_id: String(row.org_id), workspace_id: String(row.workspace_id) };
        await appendAuditTx(tx as unknown as Sql, keyAuditEntry(key, "revoked", actor, at));
        return true;
      });
    },
    async rotateKey(id, tokenDigest, actor, at, scope) {
      assertOpen();
      try {
        return await sql.begin(async (tx) => {
          const [row] = await tx`UPDATE gateway_keys
            SET token_digest = ${tokenDigest}, last_rotated_at = ${at}
            WHERE id = ${id} AND revoked_at IS NULL AND ${inScope(scope)}
            RETURNING ${tx(recordColumns)}`;
          if (row === undefined) return null;
          await tx`INSERT INTO gateway_key_events (key_id, event, actor_key_id, org_id, workspace_id, at)
            VALUES (${id}, 'rotated', ${actor}, ${row.org_id}, ${row.workspace_id}, ${at})`;
          const key = toRecord(row as Row);
          await appendAuditTx(tx as unknown as Sql, keyAuditEntry(key, "rotated", actor, at));
          return key;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new KeyConflictError("gateway key token already exists");
        throw err;
      }
    },
    async confirmKey(id, actor, at, scope) {
      assertOpen();
      return await sql.begin(async (tx) => {
        const [row] = await tx`SELECT ${tx(recordColumns)} FROM gateway_keys
          WHERE id = ${id} AND revoked_at IS NULL AND ${inScope(scope)} FOR UPDATE`;
        if (row === undefined) return null;
        const key = toRecord(row as Row);
        if (!isUnconfirmed(key)) return key;
        const [updated] = await tx`UPDATE gateway_keys
          SET confirmed_at = ${at}, confirmed_by = ${actor} WHERE id = ${id}
          RETURNING ${tx(recordColumns)}`;
        await tx`INSERT INTO gateway_key_events (key_id, event, actor_key_id, org_id, workspace_id, at)
          VALUES (${id}, 'confirmed', ${actor}, ${key.org_id}, ${key.workspace_id}, ${at})`;
        await appendAuditTx(tx as unknown as Sql, keyAuditEntry(key, "confirmed", actor, at));
        return toRecord(updated as Row);
      });
    },
    async listKeyEvents(scope, limit) {
      assertOpen();
      const rows = await sql`SELECT id, key_id, event, actor_key_id, org_id, workspace_id, at
        FROM gateway_key_events WHERE ${inScope(scope)} ORDER BY id DESC LIMIT ${limit}`;
      return rows.map((r) => ({ ...r, id: Number(r.id), at: iso(r.at) }) as GatewayKeyEvent);
    },
    async activeKeyDigests() {
      assertOpen();
      const rows = await sql`SELECT id, token_digest, org_id, workspace_id, role, permissions,
          (created_without_auth AND confirmed_at IS NULL) AS unconfirmed
        FROM gateway_keys WHERE revoked_at IS NULL`;
      return rows.map((r) =>
        ({
          ...r,
          permissions: r.permissions as string[],
          unconfirmed: r.unconfirmed === true,
        }) as ActiveGatewayKey
      );
    },
  };
}

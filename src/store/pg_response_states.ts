/**
 * The Responses store on PostgreSQL (response_states.ts), answering as the SQLite one: a put is
 * one statement (the insert and the purge of a few expired rows, skipping rows another instance
 * is purging), a chain one recursive query over (id, previous id, size) and one read by id.
 */
import type { TenantScope } from "./types.ts";
import type { Sql } from "./pg_connect.ts";
import {
  type ChainLink,
  checkChainLimits,
  checkPurgeRows,
  checkResponseId,
  checkStateScope,
  duplicateIdError,
  encodeResponseState,
  maxResponseStatePurgeRows,
  type NewResponseState,
  orderChain,
  type ResponseChainLimits,
  responseStatePurgePerPut,
  type ResponseStateStore,
  type StoredResponseState,
  storedResponseState,
  walkChain,
} from "./response_states.ts";
import { normalizeTimestamp } from "./timestamps.ts";

const time = (v: unknown) => v instanceof Date ? v.toISOString() : String(v);
const toState = (row: Record<string, unknown>) => storedResponseState(row, time);

export function postgresResponseStates(sql: Sql, assertOpen: () => void): ResponseStateStore {
  const scoped = (scope: TenantScope, id: string) => {
    checkStateScope(scope);
    checkResponseId(id);
    return { org: scope.org_id, ws: scope.workspace_id, now: new Date().toISOString() };
  };

  /**
   * Up to `limit` expired rows but `own` (a put's key, replaced by its insert instead: one
   * statement must not touch a row twice); rows another purge holds are skipped, not waited on.
   */
  const purgeWhere = (now: string, limit: number, own = { org: "", ws: "", id: "" }) =>
    sql`ctid IN (SELECT ctid FROM response_states WHERE expires_at <= ${now}::timestamptz
      AND NOT (org_id = ${own.org} AND workspace_id = ${own.ws} AND id = ${own.id})
      LIMIT ${limit}::int FOR UPDATE SKIP LOCKED)`;

  return {
    async putResponseState(input: NewResponseState): Promise<void> {
      assertOpen();
      const r = encodeResponseState(input);
      const now = new Date().toISOString();
      const own = { org: r.org_id, ws: r.workspace_id, id: r.id };
      const rows = await sql`WITH purged AS (
          DELETE FROM response_states WHERE ${purgeWhere(now, responseStatePurgePerPut, own)})
        INSERT INTO response_states (org_id, workspace_id, id, previous_id, model, created_at,
          expires_at, state_bytes, state)
        VALUES (${r.org_id}, ${r.workspace_id}, ${r.id}, ${r.previous_id}, ${r.model},
          ${r.created_at}::timestamptz, ${r.expires_at}::timestamptz, ${r.state_bytes}::int,
          ${r.state})
        ON CONFLICT (org_id, workspace_id, id) DO UPDATE SET previous_id = excluded.previous_id,
          model = excluded.model, created_at = excluded.created_at,
          expires_at = excluded.expires_at, state_bytes = excluded.state_bytes,
          state = excluded.state
        WHERE response_states.expires_at <= ${now}::timestamptz
        RETURNING 1 AS inserted`;
      if (rows.length === 0) throw duplicateIdError(r.id);
    },
    async getResponseState(scope: TenantScope, id: string): Promise<StoredResponseState | null> {
      assertOpen();
      const s = scoped(scope, id);
      const [row] = await sql`SELECT id, previous_id, model, created_at, expires_at, state
        FROM response_states WHERE org_id = ${s.org} AND workspace_id = ${s.ws} AND id = ${id}
          AND expires_at > ${s.now}::timestamptz`;
      return row === undefined ? null : toState(row);
    },
    async responseChain(
      scope: TenantScope,
      id: string,
      limits: ResponseChainLimits,
    ): Promise<StoredResponseState[] | null> {
      assertOpen();
      const s = scoped(scope, id);
      checkChainLimits(limits);
      // As on SQLite: `depth < hops` stops a cycle or a long chain one link past the limit.
      const found = await sql`WITH RECURSIVE chain (id, previous_id, state_bytes, depth) AS (
          SELECT id, previous_id, state_bytes, 0 FROM response_states
           WHERE org_id = ${s.org} AND workspace_id = ${s.ws} AND id = ${id}
             AND expires_at > ${s.now}::timestamptz
          UNION ALL
          SELECT r.id, r.previous_id, r.state_bytes, chain.depth + 1
            FROM chain JOIN response_states AS r
              ON r.org_id = ${s.org} AND r.workspace_id = ${s.ws} AND r.id = chain.previous_id
             AND r.expires_at > ${s.now}::timestamptz
           WHERE chain.depth < ${limits.maxHops}::int)
        SELECT id, previous_id, state_bytes FROM chain ORDER BY depth`;
      const ids = walkChain(id, found as unknown as ChainLink[], limits);
      if (ids === null) return null;
      const rows = await sql`SELECT id, previous_id, model, created_at, expires_at, state
        FROM response_states WHERE org_id = ${s.org} AND workspace_id = ${s.ws}
          AND id = ANY(${sql.array(ids)}::text[]) AND expires_at > ${s.now}::timestamptz`;
      return orderChain(id, ids, new Map(rows.map((row) => [String(row.id), toState(row)])));
    },
    async deleteResponseState(scope: TenantScope, id: string): Promise<boolean> {
      assertOpen();
      const s = scoped(scope, id);
      const result = await sql`DELETE FROM response_states
        WHERE org_id = ${s.org} AND workspace_id = ${s.ws} AND id = ${id}
          AND expires_at > ${s.now}::timestamptz`;
      return result.count > 0;
    },
    async purgeExpiredResponseStates(
      now: string,
      maxRows = maxResponseStatePurgeRows,
    ): Promise<number> {
      assertOpen();
      const at = normalizeTimestamp(now, "now");
      checkPurgeRows(maxRows);
      const result = await sql`DELETE FROM response_states WHERE ${purgeWhere(at, maxRows)}`;
      return result.count;
    },
  };
}

/**
 * The Responses store on SQLite (response_states.ts): prepared statements with bound values; a
 * put and its purge of a few expired rows in one `BEGIN IMMEDIATE` transaction; a chain walked
 * by one recursive query over (id, previous id, size), then its states read by id.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { TenantScope } from "./types.ts";
import { type BusyRetryOptions, withBusyRetry } from "./sqlite_busy.ts";
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

type Row = Record<string, unknown>;

const columns = "id, previous_id, model, created_at, expires_at, state";

const toState = (row: Row) => storedResponseState(row, String);

/** Prepared on first use: a store opened with an older migration list (tests) has no table. */
function lazy(prepare: () => StatementSync): () => StatementSync {
  let stmt: StatementSync | undefined;
  return () => stmt ??= prepare();
}

export function sqliteResponseStates(
  db: DatabaseSync,
  assertOpen: () => void,
  retry: BusyRetryOptions,
): ResponseStateStore {
  const insert = lazy(() =>
    db.prepare(
      `INSERT INTO response_states (org_id, workspace_id, id, previous_id, model, created_at,
       expires_at, state_bytes, state)
     VALUES ($org_id, $workspace_id, $id, $previous_id, $model, $created_at, $expires_at,
       $state_bytes, $state)
     ON CONFLICT (org_id, workspace_id, id) DO UPDATE SET previous_id = excluded.previous_id,
       model = excluded.model, created_at = excluded.created_at,
       expires_at = excluded.expires_at, state_bytes = excluded.state_bytes,
       state = excluded.state
     WHERE response_states.expires_at <= $now`,
    )
  );
  // By rowid through the expiry index: a bounded delete that never scans live rows.
  const purge = lazy(() =>
    db.prepare(
      `DELETE FROM response_states WHERE rowid IN
       (SELECT rowid FROM response_states WHERE expires_at <= $now
         AND NOT (org_id = $org AND workspace_id = $ws AND id = $id) LIMIT $limit)`,
    )
  );
  const get = lazy(() =>
    db.prepare(
      `SELECT ${columns} FROM response_states
      WHERE org_id = $org AND workspace_id = $ws AND id = $id AND expires_at > $now`,
    )
  );
  const remove = lazy(() =>
    db.prepare(
      `DELETE FROM response_states
      WHERE org_id = $org AND workspace_id = $ws AND id = $id AND expires_at > $now`,
    )
  );
  // Each step follows previous_id within the scope to a live row; `depth < $hops` stops a cycle
  // (and a long chain) one link past the limit, so the walk can tell which it was.
  const links = lazy(() =>
    db.prepare(
      `WITH RECURSIVE chain (id, previous_id, state_bytes, depth) AS (
       SELECT id, previous_id, state_bytes, 0 FROM response_states
        WHERE org_id = $org AND workspace_id = $ws AND id = $id AND expires_at > $now
       UNION ALL
       SELECT r.id, r.previous_id, r.state_bytes, chain.depth + 1
         FROM chain JOIN response_states AS r
           ON r.org_id = $org AND r.workspace_id = $ws AND r.id = chain.previous_id
          AND r.expires_at > $now
        WHERE chain.depth < $hops)
     SELECT id, previous_id, state_bytes FROM chain ORDER BY depth`,
    )
  );

  // The chain's states in one statement whatever its length: the ids as one JSON array.
  const byIds = lazy(() =>
    db.prepare(
      `SELECT ${columns} FROM response_states
      WHERE org_id = $org AND workspace_id = $ws AND expires_at > $now
        AND id IN (SELECT value FROM json_each($ids))`,
    )
  );

  const scoped = (scope: TenantScope, id: string) => {
    checkStateScope(scope);
    checkResponseId(id);
    return { org: scope.org_id, ws: scope.workspace_id, id, now: new Date().toISOString() };
  };

  function transaction<T>(fn: () => T): T {
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

  function chainStates(scope: TenantScope, ids: readonly string[]) {
    const args = { org: scope.org_id, ws: scope.workspace_id, now: new Date().toISOString() };
    const rows = byIds().all({ ...args, ids: JSON.stringify(ids) }) as Row[];
    return new Map(rows.map((r) => [String(r.id), toState(r)]));
  }

  return {
    async putResponseState(input: NewResponseState): Promise<void> {
      assertOpen();
      const row = encodeResponseState(input);
      const now = new Date().toISOString();
      const inserted = await withBusyRetry(() =>
        transaction(() => {
          // Never the put's own id: an expired state under it is replaced by the insert.
          const own = { org: row.org_id, ws: row.workspace_id, id: row.id };
          purge().run({ now, limit: responseStatePurgePerPut, ...own });
          return Number(insert().run({ ...row, now }).changes);
        }), retry);
      if (inserted === 0) throw duplicateIdError(row.id);
    },
    async getResponseState(scope: TenantScope, id: string): Promise<StoredResponseState | null> {
      assertOpen();
      const args = scoped(scope, id);
      const row = await withBusyRetry(() => get().get(args), retry);
      return row === undefined ? null : toState(row as Row);
    },
    async responseChain(
      scope: TenantScope,
      id: string,
      limits: ResponseChainLimits,
    ): Promise<StoredResponseState[] | null> {
      assertOpen();
      const args = scoped(scope, id);
      checkChainLimits(limits);
      return await withBusyRetry(() => {
        const found = links().all({ ...args, hops: limits.maxHops }) as unknown as ChainLink[];
        const ids = walkChain(id, found.map(link), limits);
        return ids === null ? null : orderChain(id, ids, chainStates(scope, ids));
      }, retry);
    },
    async deleteResponseState(scope: TenantScope, id: string): Promise<boolean> {
      assertOpen();
      const args = scoped(scope, id);
      return await withBusyRetry(() => Number(remove().run(args).changes) > 0, retry);
    },
    async purgeExpiredResponseStates(
      now: string,
      maxRows = maxResponseStatePurgeRows,
    ): Promise<number> {
      assertOpen();
      const at = normalizeTimestamp(now, "now");
      checkPurgeRows(maxRows);
      return await withBusyRetry(
        // A key no state has (ids are non-empty): every expired row may go.
        () => Number(purge().run({ now: at, limit: maxRows, org: "", ws: "", id: "" }).changes),
        retry,
      );
    },
  };
}

const link = (r: ChainLink): ChainLink => ({
  id: String(r.id),
  previous_id: r.previous_id === null ? null : String(r.previous_id),
  state_bytes: Number(r.state_bytes),
});

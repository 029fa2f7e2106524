/**
 * WHERE clauses for trace filters on PostgreSQL, as sqlite_query.ts: fixed fragments, bound
 * values, and only the set of fragments varies.
 */
import type postgres from "postgres";
import type { TraceFilter } from "./types.ts";
import { filterTimestamp } from "./timestamps.ts";
import type { Sql } from "./pg_connect.ts";

export type Fragment = postgres.Fragment;

/** `a AND b AND ...`, or TRUE for none. */
export function and(sql: Sql, parts: readonly Fragment[]): Fragment {
  if (parts.length === 0) return sql`TRUE`;
  return parts.reduce((acc, p) => sql`${acc} AND ${p}`);
}

/** `afterSeq`: a page cursor's seq; the rows wanted are the older ones, below it. */
export function filterWhere(sql: Sql, f: TraceFilter, afterSeq?: bigint): Fragment {
  const parts: Fragment[] = [];
  if (f.scope) {
    parts.push(sql`org_id = ${f.scope.org_id} AND workspace_id = ${f.scope.workspace_id}`);
  }
  if (f.provider !== undefined) parts.push(sql`provider = ${f.provider}`);
  if (f.model !== undefined) parts.push(sql`model = ${f.model}`);
  if (f.status !== undefined) parts.push(sql`response_status = ${f.status}::int`);
  if (f.min_status !== undefined) parts.push(sql`response_status >= ${f.min_status}::int`);
  if (f.api_key_hash !== undefined) parts.push(sql`api_key_hash = ${f.api_key_hash}`);
  if (f.from !== undefined) {
    parts.push(sql`"timestamp" >= ${filterTimestamp("from", f.from)}::timestamptz`);
  }
  if (f.to !== undefined) {
    parts.push(sql`"timestamp" <= ${filterTimestamp("to", f.to)}::timestamptz`);
  }
  if (f.trace_group_id !== undefined) parts.push(sql`trace_group_id = ${f.trace_group_id}`);
  if (f.thread_id !== undefined) parts.push(sql`lineage_thread_id = ${f.thread_id}`);
  if (f.run_id !== undefined) parts.push(sql`lineage_run_id = ${f.run_id}`);
  if (f.session_id !== undefined) parts.push(sql`session_id = ${f.session_id}`);
  if (f.route !== undefined) parts.push(sql`route = ${f.route}`);
  if (f.min_tokens !== undefined) parts.push(sql`total_tokens >= ${f.min_tokens}::float8`);
  if (f.max_tokens !== undefined) parts.push(sql`total_tokens <= ${f.max_tokens}::float8`);
  if (afterSeq !== undefined) parts.push(sql`seq < ${afterSeq.toString()}::bigint`);
  return and(sql, parts);
}

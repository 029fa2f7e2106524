/**
 * WHERE clauses for trace filters. Every SQL fragment comes from the fixed table below and every
 * value is a bound parameter; the only thing that varies is which fragments are present.
 */
import type { TenantScope, TraceFilter } from "./types.ts";
import { filterTimestamp } from "./timestamps.ts";
import type { SqlValue } from "./trace_columns.ts";

type FilterKey = Exclude<keyof TraceFilter, "scope">;

/** Ordered: the order of fragments is part of the statement cache key. */
const filterClauses: readonly (readonly [FilterKey, string])[] = [
  ["provider", "provider = ?"],
  ["model", "model = ?"],
  ["status", "response_status = ?"],
  ["min_status", "response_status >= ?"],
  ["api_key_hash", "api_key_hash = ?"],
  ["from", "timestamp >= ?"],
  ["to", "timestamp <= ?"],
  ["trace_group_id", "trace_group_id = ?"],
  ["thread_id", "lineage_thread_id = ?"],
  ["run_id", "lineage_run_id = ?"],
  ["session_id", "session_id = ?"],
  ["route", "route = ?"],
  ["min_tokens", "total_tokens >= ?"],
  ["max_tokens", "total_tokens <= ?"],
] satisfies readonly (readonly [FilterKey, string])[];

// A missing key in the table above would silently ignore a filter.
const _allFiltersHaveClauses: Exclude<FilterKey, (typeof filterClauses)[number][0]> extends never
  ? true
  : never = true;
void _allFiltersHaveClauses;

/** Bigint for the cursor's seq, which may exceed 2^53 in principle. */
export type QueryValue = SqlValue | bigint;

export interface WhereClause {
  /** Empty, or ` WHERE ...` with `?` placeholders. */
  sql: string;
  params: QueryValue[];
  /** Identifies the statement shape, for the prepared-statement cache. */
  shape: string;
}

/** `afterSeq`: a page cursor's seq; the rows wanted are the older ones, below it. */
export function buildWhere(filter: TraceFilter, afterSeq?: bigint): WhereClause {
  const parts: string[] = [];
  const params: QueryValue[] = [];
  const shape: string[] = [];
  if (filter.scope) {
    parts.push("org_id = ? AND workspace_id = ?");
    params.push(filter.scope.org_id, filter.scope.workspace_id);
    shape.push("scope");
  }
  for (const [key, clause] of filterClauses) {
    const value = filter[key];
    if (value === undefined) continue;
    parts.push(clause);
    params.push(
      key === "from" || key === "to" ? filterTimestamp(key, String(value)) : (value as SqlValue),
    );
    shape.push(key);
  }
  if (afterSeq !== undefined) {
    // seq is the rowid, the last column of every index: a bound on the index range, not a filter.
    parts.push("seq < ?");
    params.push(afterSeq);
    shape.push("cursor");
  }
  return {
    sql: parts.length === 0 ? "" : ` WHERE ${parts.join(" AND ")}`,
    params,
    shape: shape.join(","),
  };
}

/**
 * ` WHERE ...` for a view over the raw traces (sessions, failovers): the view's own condition,
 * the tenant, then each of the view's filters that the query sets, from its fixed fragments.
 */
export function viewWhere<K extends string>(
  condition: string,
  q: { scope?: TenantScope | undefined } & { readonly [key in K]?: string | undefined },
  filters: readonly (readonly [K, string])[],
): { sql: string; params: QueryValue[] } {
  const parts = [condition];
  const params: QueryValue[] = [];
  if (q.scope) {
    parts.push("org_id = ? AND workspace_id = ?");
    params.push(q.scope.org_id, q.scope.workspace_id);
  }
  for (const [key, clause] of filters) {
    const value = q[key];
    if (value === undefined) continue;
    parts.push(clause);
    params.push(key === "from" || key === "to" ? filterTimestamp(key, value) : value);
  }
  return { sql: ` WHERE ${parts.join(" AND ")}`, params };
}

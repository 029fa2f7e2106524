/**
 * The failover view on SQLite (failovers.ts): routed traces only, grouped by route and answering
 * target. Fixed fragments; values are bound.
 */
import type { DatabaseSync } from "node:sqlite";
import type { QueryValue } from "./sqlite_query.ts";
import { filterTimestamp } from "./timestamps.ts";
import { type FailoverQuery, type FailoverRow, failoverRows } from "./failovers.ts";

const filters = [
  ["from", "timestamp >= ?"],
  ["to", "timestamp <= ?"],
  ["route", "route = ?"],
  ["provider", "provider = ?"],
  ["model", "model = ?"],
] as const;

export function failovers(db: DatabaseSync, q: FailoverQuery): FailoverRow[] {
  const parts = ["route IS NOT NULL"];
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
  // The order is failoverRows's; ORDER BY here only picks which rows the limit keeps.
  const rows = db.prepare(
    `SELECT route, provider, model, count(*), sum(attempt_count > 1), sum(attempt_count),
      sum(response_status >= 400) FROM traces WHERE ${parts.join(" AND ")}
      GROUP BY route, provider, model
      ORDER BY count(*) DESC, route, provider, model LIMIT ?`,
  ).all(...params, q.limit) as Record<string, unknown>[];
  return failoverRows(rows.map((r) => Object.values(r)));
}

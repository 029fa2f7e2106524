/**
 * The failover view on SQLite (failovers.ts): routed traces only, grouped by route and answering
 * target. Fixed fragments; values are bound.
 */
import type { DatabaseSync } from "node:sqlite";
import { viewWhere } from "./sqlite_query.ts";
import { type FailoverQuery, type FailoverRow, failoverRows } from "./failovers.ts";

const filters = [
  ["from", "timestamp >= ?"],
  ["to", "timestamp <= ?"],
  ["route", "route = ?"],
  ["provider", "provider = ?"],
  ["model", "model = ?"],
] as const;

export function failovers(db: DatabaseSync, q: FailoverQuery): FailoverRow[] {
  const w = viewWhere("route IS NOT NULL", q, filters);
  // The order is failoverRows's; ORDER BY here only picks which rows the limit keeps.
  const rows = db.prepare(
    `SELECT route, provider, model, count(*), sum(attempt_count > 1), sum(attempt_count),
      sum(response_status >= 400) FROM traces${w.sql}
      GROUP BY route, provider, model
      ORDER BY count(*) DESC, route, provider, model LIMIT ?`,
  ).all(...w.params, q.limit) as Record<string, unknown>[];
  return failoverRows(rows.map((r) => Object.values(r)));
}

/**
 * The failover view on PostgreSQL, as sqlite_failovers.ts; rows go through failovers.ts so both
 * stores answer alike.
 */
import type { Sql } from "./pg_connect.ts";
import { and, type Fragment } from "./pg_query.ts";
import { filterTimestamp } from "./timestamps.ts";
import { type FailoverQuery, type FailoverRow, failoverRows } from "./failovers.ts";

function where(sql: Sql, q: FailoverQuery): Fragment {
  const parts: Fragment[] = [sql`route IS NOT NULL`];
  if (q.scope) {
    parts.push(sql`org_id = ${q.scope.org_id} AND workspace_id = ${q.scope.workspace_id}`);
  }
  if (q.from !== undefined) {
    parts.push(sql`"timestamp" >= ${filterTimestamp("from", q.from)}::timestamptz`);
  }
  if (q.to !== undefined) {
    parts.push(sql`"timestamp" <= ${filterTimestamp("to", q.to)}::timestamptz`);
  }
  if (q.route !== undefined) parts.push(sql`route = ${q.route}`);
  if (q.provider !== undefined) parts.push(sql`provider = ${q.provider}`);
  if (q.model !== undefined) parts.push(sql`model = ${q.model}`);
  return and(sql, parts);
}

export async function failovers(sql: Sql, q: FailoverQuery): Promise<FailoverRow[]> {
  // Byte order for ties, as SQLite compares text; aliased, rows are objects in this order.
  const rows = await sql`SELECT route AS r, provider AS p, model AS m, count(*) AS c0,
      count(*) FILTER (WHERE attempt_count > 1) AS c1, sum(attempt_count) AS c2,
      count(*) FILTER (WHERE response_status >= 400) AS c3
    FROM traces WHERE ${where(sql, q)} GROUP BY route, provider, model
    ORDER BY count(*) DESC, route COLLATE "C", provider COLLATE "C", model COLLATE "C"
    LIMIT ${q.limit}`;
  return failoverRows(rows.map((r) => Object.values(r)));
}

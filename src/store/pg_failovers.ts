/**
 * The failover view on PostgreSQL, as sqlite_failovers.ts: the routed traces by answering target,
 * their attempt records (`jsonb_array_elements`) by attempted target, outcome and reason; rows go
 * through failovers.ts so both stores answer alike.
 */
import type { Sql } from "./pg_connect.ts";
import { and, type Fragment } from "./pg_query.ts";
import { filterTimestamp } from "./timestamps.ts";
import { failoverLimits, type FailoverQuery, type FailoverRow, failoverRows } from "./failovers.ts";

/** The conditions on the traces; `target` gives the provider and model filtered on. */
function where(
  sql: Sql,
  q: FailoverQuery,
  target: { provider: (v: string) => Fragment; model: (v: string) => Fragment },
): Fragment {
  const parts: Fragment[] = [sql`t.route IS NOT NULL`];
  if (q.scope) {
    parts.push(sql`t.org_id = ${q.scope.org_id} AND t.workspace_id = ${q.scope.workspace_id}`);
  }
  if (q.from !== undefined) {
    parts.push(sql`t."timestamp" >= ${filterTimestamp("from", q.from)}::timestamptz`);
  }
  if (q.to !== undefined) {
    parts.push(sql`t."timestamp" <= ${filterTimestamp("to", q.to)}::timestamptz`);
  }
  if (q.route !== undefined) parts.push(sql`t.route = ${q.route}`);
  if (q.provider !== undefined) parts.push(target.provider(q.provider));
  if (q.model !== undefined) parts.push(target.model(q.model));
  if (q.api_key_hash !== undefined) parts.push(sql`t.api_key_hash = ${q.api_key_hash}`);
  return and(sql, parts);
}

const values = (rows: readonly Record<string, unknown>[]) => rows.map((r) => Object.values(r));

export async function failovers(sql: Sql, q: FailoverQuery): Promise<FailoverRow[]> {
  const answered = where(sql, q, {
    provider: (v) => sql`t.provider = ${v}`,
    model: (v) => sql`t.model = ${v}`,
  });
  // Aliased, rows are objects in this order. ORDER BY only picks which groups the bound keeps.
  const traces = await sql`SELECT t.route AS r, t.provider AS p, t.model AS m, count(*) AS c0,
      count(*) FILTER (WHERE t.attempt_count > 1) AS c1, sum(t.attempt_count) AS c2,
      count(*) FILTER (WHERE t.response_status >= 400) AS c3
    FROM traces t WHERE ${answered} GROUP BY t.route, t.provider, t.model
    ORDER BY count(*) DESC LIMIT ${failoverLimits.maxGroups}`;
  const tried = where(sql, q, {
    provider: (v) => sql`a.v->>'provider' = ${v}`,
    model: (v) => sql`a.v->>'model' = ${v}`,
  });
  // `b` is the next attempt of the same request (records are stored in order).
  const attempts = await sql`SELECT t.route AS r, a.v->>'provider' AS p, a.v->>'model' AS m,
      a.v->>'outcome' AS o, a.v->>'reason' AS re, count(*) AS c,
      count(*) FILTER (WHERE b.v IS NOT NULL AND (b.v->>'provider' IS DISTINCT FROM
        a.v->>'provider' OR b.v->>'model' IS DISTINCT FROM a.v->>'model')) AS away
    FROM traces t
    CROSS JOIN LATERAL jsonb_array_elements(t.attempts) WITH ORDINALITY AS a(v, i)
    LEFT JOIN LATERAL jsonb_array_elements(t.attempts) WITH ORDINALITY AS b(v, i)
      ON b.i = a.i + 1
    WHERE t.attempts IS NOT NULL AND ${tried}
    GROUP BY 1, 2, 3, 4, 5 ORDER BY c DESC LIMIT ${failoverLimits.maxGroups}`;
  return failoverRows(values(traces), values(attempts), q.limit);
}

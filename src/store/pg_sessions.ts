/**
 * The sessions view on PostgreSQL, as sqlite_sessions.ts: the `limit` most recent sessions of the
 * range, then their figures per model, merged by sessions.ts so both stores answer alike.
 */
import { tokenFields } from "../providers/mod.ts";
import type { Sql } from "./pg_connect.ts";
import { and, type Fragment } from "./pg_query.ts";
import { mergeSessions, sessionKey, type SessionQuery, type SessionRow } from "./sessions.ts";

function where(sql: Sql, q: SessionQuery): Fragment {
  const parts: Fragment[] = [sql`session_id IS NOT NULL`];
  if (q.scope) {
    parts.push(sql`org_id = ${q.scope.org_id} AND workspace_id = ${q.scope.workspace_id}`);
  }
  if (q.from !== undefined) parts.push(sql`"timestamp" >= ${q.from}::timestamptz`);
  if (q.to !== undefined) parts.push(sql`"timestamp" <= ${q.to}::timestamptz`);
  if (q.provider !== undefined) parts.push(sql`provider = ${q.provider}`);
  if (q.model !== undefined) parts.push(sql`model = ${q.model}`);
  if (q.developer !== undefined) parts.push(sql`developer = ${q.developer}`);
  if (q.agent !== undefined) parts.push(sql`agent = ${q.agent}`);
  if (q.session_id !== undefined) parts.push(sql`session_id = ${q.session_id}`);
  if (q.api_key_hash !== undefined) parts.push(sql`api_key_hash = ${q.api_key_hash}`);
  return and(sql, parts);
}

const iso = (sql: Sql, e: Fragment) =>
  sql`to_char(${e} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** In `mergeSessions` order after session and model; aliased, rows are objects. */
function figures(sql: Sql): Fragment {
  const tokens = tokenFields.map((f) => sql`coalesce(sum(${sql(f)}), 0) AS ${sql(f)}`)
    .reduce((acc, p) => sql`${acc}, ${p}`);
  return sql`count(*) AS c0, ${tokens},
    coalesce(sum(CASE WHEN cost_status IN ('priced', 'partial') THEN estimated_cost_usd END), 0)
      AS c1,
    count(*) FILTER (WHERE cost_status = 'priced') AS c2,
    count(*) FILTER (WHERE cost_status = 'partial') AS c2p,
    count(*) FILTER (WHERE cost_status = 'unpriced') AS c3,
    count(*) FILTER (WHERE usage_status = 'unknown') AS c4,
    count(*) FILTER (WHERE response_status >= 400) AS c5,
    ${iso(sql, sql`min("timestamp")`)} AS c6, ${iso(sql, sql`max("timestamp")`)} AS c7,
    max(agent COLLATE "C") AS c8, max(developer COLLATE "C") AS c9`;
}

/** A session is (org, workspace, session id): unscoped, two tenants' equal ids stay apart. */
export async function sessions(sql: Sql, q: SessionQuery): Promise<SessionRow[]> {
  const w = where(sql, q);
  // Byte order for ties, as SQLite compares text.
  const recent = await sql`SELECT org_id AS o, workspace_id AS w, session_id AS s FROM traces
    WHERE ${w} GROUP BY org_id, workspace_id, session_id
    ORDER BY max("timestamp") DESC, session_id COLLATE "C", org_id COLLATE "C",
      workspace_id COLLATE "C" LIMIT ${q.limit}`;
  if (recent.length === 0) return [];
  // Selected by id (the index), then kept to the recent sessions' tenants by the merge.
  const ids = [...new Set(recent.map((r) => String(r.s)))];
  const rows = await sql`SELECT org_id AS o, workspace_id AS w, session_id AS s, model AS m,
    ${figures(sql)} FROM traces WHERE ${w} AND session_id = ANY(${ids}::text[])
    GROUP BY org_id, workspace_id, session_id, model`;
  const keys = new Set(recent.map((r) => sessionKey(r.o, r.w, r.s)));
  return mergeSessions(rows.map((r) => Object.values(r)), keys);
}

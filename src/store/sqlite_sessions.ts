/**
 * The sessions view on SQLite (sessions.ts): the `limit` most recent sessions of the range, then
 * their figures per model, both from the raw traces. Fixed fragments; values are bound.
 */
import type { DatabaseSync } from "node:sqlite";
import { tokenFields } from "../providers/mod.ts";
import { viewWhere } from "./sqlite_query.ts";
import { mergeSessions, sessionKey, type SessionQuery, type SessionRow } from "./sessions.ts";

const filters = [
  ["from", "timestamp >= ?"],
  ["to", "timestamp <= ?"],
  ["provider", "provider = ?"],
  ["model", "model = ?"],
  ["developer", "developer = ?"],
  ["agent", "agent = ?"],
  ["session_id", "session_id = ?"],
  ["api_key_hash", "api_key_hash = ?"],
] as const;

/** In `mergeSessions` order after session and model. */
const figures = `count(*), ${tokenFields.map((f) => `coalesce(sum(${f}), 0)`).join(", ")},
  coalesce(sum(CASE WHEN cost_status IN ('priced', 'partial') THEN estimated_cost_usd END), 0),
  sum(cost_status = 'priced'), sum(cost_status = 'partial'), sum(cost_status = 'unpriced'), sum(usage_status = 'unknown'),
  sum(response_status >= 400), min(timestamp), max(timestamp), max(agent), max(developer)`;

/** A session is (org, workspace, session id): unscoped, two tenants' equal ids stay apart. */
export function sessions(db: DatabaseSync, q: SessionQuery): SessionRow[] {
  const w = viewWhere("session_id IS NOT NULL", q, filters);
  const recent = db.prepare(
    `SELECT org_id AS o, workspace_id AS w, session_id AS s FROM traces${w.sql}
      GROUP BY org_id, workspace_id, session_id
      ORDER BY max(timestamp) DESC, session_id, org_id, workspace_id LIMIT ?`,
  ).all(...w.params, q.limit) as { o: string; w: string; s: string }[];
  if (recent.length === 0) return [];
  // Selected by id (the index), then kept to the recent sessions' tenants by the merge.
  const ids = [...new Set(recent.map((r) => r.s))];
  const sql = `SELECT org_id, workspace_id, session_id, model, ${figures} FROM traces${w.sql}
    AND session_id IN (${ids.map(() => "?").join(", ")})
    GROUP BY org_id, workspace_id, session_id, model`;
  const rows = db.prepare(sql).all(...w.params, ...ids) as Record<string, unknown>[];
  const keys = new Set(recent.map((r) => sessionKey(r.o, r.w, r.s)));
  return mergeSessions(rows.map((r) => Object.values(r)), keys);
}

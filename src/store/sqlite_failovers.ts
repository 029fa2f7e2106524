/**
 * The failover view on SQLite (failovers.ts): routed traces only, grouped by route and answering
 * target, and their attempt records (`json_each`) grouped by route, attempted target, outcome and
 * reason. Fixed fragments; values are bound.
 */
import type { DatabaseSync } from "node:sqlite";
import { viewWhere } from "./sqlite_query.ts";
import { failoverLimits, type FailoverQuery, type FailoverRow, failoverRows } from "./failovers.ts";

/** The conditions on the traces (" WHERE ..."); `target` says where provider and model are read. */
function where(q: FailoverQuery, target: { provider: string; model: string }) {
  return viewWhere("t.route IS NOT NULL", q, [
    ["from", "t.timestamp >= ?"],
    ["to", "t.timestamp <= ?"],
    ["route", "t.route = ?"],
    ["provider", `${target.provider} = ?`],
    ["model", `${target.model} = ?`],
    ["api_key_hash", "t.api_key_hash = ?"],
  ]);
}

const values = (rows: Record<string, unknown>[]) => rows.map((r) => Object.values(r));

export function failovers(db: DatabaseSync, q: FailoverQuery): FailoverRow[] {
  const answered = where(q, { provider: "t.provider", model: "t.model" });
  // ORDER BY here only picks which groups the bound keeps; the view's order is failoverRows's.
  const traces = db.prepare(
    `SELECT t.route, t.provider, t.model, count(*), sum(t.attempt_count > 1),
      sum(t.attempt_count), sum(t.response_status >= 400) FROM traces t${answered.sql}
      GROUP BY t.route, t.provider, t.model ORDER BY count(*) DESC LIMIT ?`,
  ).all(...answered.params, failoverLimits.maxGroups) as Record<string, unknown>[];
  const p = "json_extract(a.value, '$.provider')";
  const m = "json_extract(a.value, '$.model')";
  const tried = where(q, { provider: p, model: m });
  // `b` is the next attempt of the same request (records are stored in order).
  const attempts = db.prepare(
    `SELECT t.route, ${p} AS p, ${m} AS m, json_extract(a.value, '$.outcome') AS o,
      json_extract(a.value, '$.reason') AS r, count(*) AS c,
      sum(b.key IS NOT NULL AND (json_extract(b.value, '$.provider') IS NOT ${p}
        OR json_extract(b.value, '$.model') IS NOT ${m})) AS away
      FROM traces t JOIN json_each(t.attempts) a
      LEFT JOIN json_each(t.attempts) b ON b.key = a.key + 1
      ${tried.sql} AND t.attempts IS NOT NULL
      GROUP BY t.route, p, m, o, r ORDER BY c DESC LIMIT ?`,
  ).all(...tried.params, failoverLimits.maxGroups) as Record<string, unknown>[];
  return failoverRows(values(traces), values(attempts), q.limit);
}

/**
 * The cost lines on SQLite (`TraceStore.costLines`): the daily cost-line rollup for the whole
 * days of a range, the hourly one for the whole hours at its edges, and the traces' own
 * `cost_breakdown` lines (`json_each`) for the partial hours, as the other analytics read their
 * rollups and edges (sqlite_analytics.ts).
 */
import type { DatabaseSync } from "node:sqlite";
import { type AnalyticsQuery, checkCostLineGroup, type CostLineRow } from "./analytics_types.ts";
import { planSources, type Range, type Tier } from "./analytics_merge.ts";
import { mergeCostLineRows } from "./cost_line_rollups.ts";
import { bucketOn, rangeFilters } from "./sqlite_analytics.ts";

/** The cost-line rollup of a tier (never `keys`: planned without a keys table). */
const tableOf = (tier: Tier) => tier === "day" ? "rollup_cost_lines_daily" : "rollup_cost_lines";

const groupOf = { provider: "provider", model: "model", workspace: "workspace_id" } as const;

const line = (field: string) => `json_extract(l.value, '$.${field}')`;

/** The same eight figures from either source, so that rows merge by adding. */
const figures = {
  rollup: `dimension AS d, max(unit) AS u, sum(quantity) AS q, sum(cost_usd) AS c,
    sum(unpriced_quantity) AS uq, sum(trace_count) AS n`,
  raw: `${line("dimension")} AS d, max(${line("unit")}) AS u, sum(${line("quantity")}) AS q,
    coalesce(sum(${line("amount_usd")}), 0) AS c,
    sum(CASE WHEN ${line("amount_usd")} IS NULL THEN ${line("quantity")} ELSE 0 END) AS uq,
    count(*) AS n`,
};

function select(q: AnalyticsQuery, kind: "raw" | "rollup", range: Range, table: string) {
  const time = kind === "raw" ? "timestamp" : "period";
  const { parts, params } = rangeFilters(q, kind, range);
  if (kind === "raw") parts.unshift("cost_breakdown IS NOT NULL");
  const bucket = q.bucket ? bucketOn(time)[q.bucket] : "NULL";
  const group = q.group_by ? groupOf[q.group_by as keyof typeof groupOf] : "NULL";
  const from = kind === "raw" ? "traces, json_each(traces.cost_breakdown, '$.lines') AS l" : table;
  const sql = `SELECT ${bucket} AS b, ${group} AS g, ${figures[kind]} FROM ${from}
    WHERE ${parts.join(" AND ") || "1"} GROUP BY 1, 2, 3`;
  return { sql, params };
}

export function costLines(db: DatabaseSync, q: AnalyticsQuery): CostLineRow[] {
  checkCostLineGroup(q.group_by);
  const rows: unknown[][] = [];
  const read = (kind: "raw" | "rollup", range: Range, table = "traces") => {
    const { sql, params } = select(q, kind, range, table);
    for (const r of db.prepare(sql).all(...params)) rows.push(Object.values(r));
  };
  // The cost-line rollups do not keep the provider key: a key filter reads the traces' own lines
  // for the whole range (`planSources` without a keys table). Exact, and slower on a long range
  // (the partial index on api_key_hash narrows it to that key's traces).
  const plan = planSources(q, false);
  for (const r of plan.rollups) read("rollup", r.range, tableOf(r.tier));
  for (const r of plan.raw) read("raw", r);
  return mergeCostLineRows(rows);
}

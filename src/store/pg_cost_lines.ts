/**
 * The cost lines on PostgreSQL, as sqlite_cost_lines.ts (`planSources`): the daily cost-line
 * rollup for the whole days of a range, the hourly one for the whole hours at its edges, the
 * traces' `cost_breakdown` lines (`jsonb_array_elements`) for the partial hours.
 */
import { type AnalyticsQuery, checkCostLineGroup, type CostLineRow } from "./analytics_types.ts";
import { planSources, type Range, type Tier } from "./analytics_merge.ts";
import { mergeCostLineRows } from "./cost_line_rollups.ts";
import { bucketOn, type Kind, rangeFilters } from "./pg_analytics.ts";
import type { Sql } from "./pg_connect.ts";
import { and, type Fragment } from "./pg_query.ts";

function groupOf(sql: Sql, group: AnalyticsQuery["group_by"]): Fragment {
  if (group === "provider") return sql`provider`;
  if (group === "model") return sql`model`;
  if (group === "workspace") return sql`workspace_id`;
  return sql`NULL::text`;
}

function figures(sql: Sql, kind: Kind): Fragment {
  if (kind === "rollup") {
    return sql`dimension AS d, max(unit) AS u, sum(quantity) AS q, sum(cost_usd) AS c,
      sum(unpriced_quantity) AS uq, sum(trace_count) AS n`;
  }
  return sql`l->>'dimension' AS d, max(l->>'unit') AS u, sum((l->>'quantity')::bigint) AS q,
    coalesce(sum((l->>'amount_usd')::double precision), 0) AS c,
    sum(CASE WHEN l->>'amount_usd' IS NULL THEN (l->>'quantity')::bigint ELSE 0 END) AS uq,
    count(*) AS n`;
}

async function read(
  sql: Sql,
  q: AnalyticsQuery,
  kind: Kind,
  range: Range,
  tier: Tier = "hour",
): Promise<unknown[][]> {
  const parts = rangeFilters(sql, q, kind, range);
  if (kind === "raw") parts.unshift(sql`cost_breakdown IS NOT NULL`);
  const bucket = q.bucket ? bucketOn(sql, kind, q.bucket) : sql`NULL::text`;
  const from = kind === "raw"
    ? sql`traces, jsonb_array_elements(traces.cost_breakdown::jsonb->'lines') AS l`
    : tier === "day"
    ? sql`rollup_cost_lines_daily`
    : sql`rollup_cost_lines`;
  const rows = await sql`SELECT ${bucket} AS b, ${groupOf(sql, q.group_by)} AS g,
    ${figures(sql, kind)} FROM ${from} WHERE ${and(sql, parts)} GROUP BY 1, 2, 3`;
  return rows.map((r) => Object.values(r));
}

export async function costLines(sql: Sql, q: AnalyticsQuery): Promise<CostLineRow[]> {
  checkCostLineGroup(q.group_by);
  // The cost-line rollups do not keep the provider key: a key filter reads the traces' own lines
  // for the whole range (`planSources` without a keys table). Exact, and slower on a long range
  // (the partial index on api_key_hash narrows it to that key's traces).
  const plan = planSources(q, false);
  const rows: unknown[][] = [];
  for (const r of plan.rollups) rows.push(...await read(sql, q, "rollup", r.range, r.tier));
  for (const r of plan.raw) rows.push(...await read(sql, q, "raw", r));
  return mergeCostLineRows(rows);
}

/**
 * The rollup of cost lines (migrations 009/011 `rollup_cost_lines`): per hour, tenant, provider,
 * model and billed dimension (`CostLine.dimension`), the quantity billed, what the priced lines
 * cost, the quantity no price covered, and how many traces had the line. It answers "how much
 * went to cache writes?" and gives reconciliation the cache writes by lifetime and the tool uses
 * per day. Pure: traces in, rows keyed by their dimensions out; the stores add them to the stored
 * rows in the transaction that inserted the traces.
 */
import type { TraceRecord } from "../traces/mod.ts";
import type { CostLineRow } from "./analytics_types.ts";
import { periodStart } from "./rollups.ts";

export const costLineDimensions = [
  "period",
  "org_id",
  "workspace_id",
  "provider",
  "model",
  "dimension",
] as const;

/** Summed by a merge. */
export const costLineCounters = [
  "quantity",
  "cost_usd",
  "unpriced_quantity",
  "trace_count",
] as const;

export interface CostLineRollup {
  period: string;
  org_id: string;
  workspace_id: string;
  provider: string;
  model: string;
  dimension: string;
  /** `per_million_tokens` or `per_use`: fixed by the dimension. */
  unit: string;
  quantity: number;
  /** The priced lines' amounts, USD. */
  cost_usd: number;
  /** Quantity on lines without a price (the trace's cost is partial or unpriced). */
  unpriced_quantity: number;
  trace_count: number;
}

export const costLineColumns = [...costLineDimensions, "unit", ...costLineCounters] as const;

/** The key of a row: its dimensions, NUL-separated (no dimension value holds a NUL). */
const keyOf = (r: Pick<CostLineRollup, (typeof costLineDimensions)[number]>) =>
  costLineDimensions.map((d) => r[d]).join("\u0000");

/**
 * The traces' cost lines summed by hour (or UTC day: `rollup_cost_lines_daily`),
 * tenant, provider, model and dimension.
 */
export function costLineRollupsOf(
  traces: Iterable<TraceRecord>,
  per: "hour" | "day" = "hour",
): Map<string, CostLineRollup> {
  const out = new Map<string, CostLineRollup>();
  for (const t of traces) {
    const lines = t.cost_breakdown?.lines;
    if (lines === undefined || lines.length === 0) continue;
    const period = periodStart(per, t.timestamp);
    for (const line of lines) {
      const dims = {
        period,
        org_id: t.org_id,
        workspace_id: t.workspace_id,
        provider: t.provider,
        model: t.model,
        dimension: line.dimension,
      };
      const key = keyOf(dims);
      let row = out.get(key);
      if (row === undefined) {
        row = {
          ...dims,
          unit: line.unit,
          quantity: 0,
          cost_usd: 0,
          unpriced_quantity: 0,
          trace_count: 0,
        };
        out.set(key, row);
      }
      row.quantity += line.quantity;
      if (line.amount_usd === null) row.unpriced_quantity += line.quantity;
      else row.cost_usd += line.amount_usd;
      row.trace_count += 1;
    }
  }
  return out;
}

/** A row's values in `costLineColumns` order. */
export function encodeCostLine(r: CostLineRollup): (string | number)[] {
  return costLineColumns.map((c) => r[c]);
}

/**
 * Rows from any number of sources (rollup and raw edges), each `[bucket, group, dimension, unit,
 * quantity, cost_usd, unpriced_quantity, trace_count]`, added up per (bucket, group, dimension);
 * by bucket, then group, then the dearest dimension first.
 */
export function mergeCostLineRows(rows: Iterable<readonly unknown[]>): CostLineRow[] {
  const out = new Map<string, CostLineRow>();
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  for (const [b, g, d, u, q, c, uq, n] of rows) {
    const key = JSON.stringify([text(b), text(g), String(d)]);
    let row = out.get(key);
    if (row === undefined) {
      row = {
        bucket_start: text(b),
        group: text(g),
        dimension: String(d),
        unit: String(u),
        quantity: 0,
        cost_usd: 0,
        unpriced_quantity: 0,
        trace_count: 0,
      };
      out.set(key, row);
    }
    row.quantity += Number(q ?? 0);
    row.cost_usd += Number(c ?? 0);
    row.unpriced_quantity += Number(uq ?? 0);
    row.trace_count += Number(n ?? 0);
  }
  const order = (a: string | null, b: string | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
  return [...out.values()].sort((a, b) =>
    order(a.bucket_start, b.bucket_start) || order(a.group, b.group) ||
    b.cost_usd - a.cost_usd || order(a.dimension, b.dimension)
  );
}

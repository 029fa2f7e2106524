/**
 * The PostgreSQL batch write: one statement, so one round trip per batch. It takes the store's
 * advisory transaction lock first (writers from every instance are serialized, so seq order is
 * commit order, see TraceStore.listTraces), inserts the traces in batch order, and adds the batch
 * to the rollup tables, one upsert row per rollup key.
 *
 * Rollups are computed here in TypeScript by rollups.ts, the code SQLite's rollups use, so both
 * stores count a trace alike; PostgreSQL only adds each key's row to the stored one. The traces
 * travel as one typed array per column (`unnest`), which the server parses in a third of the time
 * of one JSON document (issue 23: jsonb parsing was 40% of the batch; research/issue23_pg.md).
 *
 * A batch is idempotent by trace id: the insert has no ON CONFLICT, so a trace already stored
 * fails the statement (nothing of it is written) and the batch is written again without the
 * stored ids. The rollups therefore only ever count traces this statement inserted, also when two
 * gateways replay the same batch at once (the unique index settles who inserted it).
 */
import type { TraceRecord } from "../traces/mod.ts";
import { type Rollup, rollupColumns, rollupCounters, rollupDimensions } from "./rollups.ts";
import { rollupsOf, type RollupTable } from "./rollups.ts";
import {
  costLineColumns,
  costLineCounters,
  costLineDimensions,
  costLineRollupsOf,
} from "./cost_line_rollups.ts";
import { type ColumnKind, encodeTrace, type SqlValue, traceColumns } from "./trace_columns.ts";
import { lockKeys } from "./pg_migrations.ts";
import type { Sql } from "./pg_connect.ts";

const pgTypes: Record<ColumnKind, string> = {
  text: "text",
  int: "bigint",
  real: "double precision",
  bool: "boolean",
  json: "jsonb",
  json_or_null: "jsonb",
  json_text_or_null: "text",
  time: "timestamptz",
};

const needsEscape = /["\\]/;

/**
 * One PostgreSQL array literal (`{...}`) of column `c` of the rows: NULL for null, numbers as
 * they print (booleans are 0/1, which boolean input accepts), text double-quoted with `"` and `\`
 * escaped; nothing else is special inside quotes.
 */
export function arrayLiteral(rows: readonly (readonly SqlValue[])[], c: number): string {
  // Appending builds a rope that is flattened once; cheaper than parts and join (issue 23).
  let out = "{";
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![c] as SqlValue;
    if (i > 0) out += ",";
    if (v === null) out += "NULL";
    else if (typeof v === "number") out += String(v);
    // Two plain replaceAll calls: half the time of one regex replace (issue 24, measured).
    else if (needsEscape.test(v)) out += `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
    else out += `"${v}"`;
  }
  return out + "}";
}

export interface EncodedBatch {
  /** The traces to insert, in batch order: the first of two traces with one id, as SQLite. */
  traces: TraceRecord[];
  /** One array literal per `traceColumns` entry. */
  columns: string[];
}

/**
 * Encodes every trace first, so a trace that cannot be stored fails the batch before any SQL
 * runs, then keeps the first trace of each id that `skip` does not name.
 */
export function encodeBatch(
  traces: readonly TraceRecord[],
  skip: ReadonlySet<string> = new Set(),
): EncodedBatch {
  const encoded = traces.map((t) => encodeTrace(t) as SqlValue[]);
  const seen = new Set<string>(skip);
  const kept: TraceRecord[] = [];
  const rows: SqlValue[][] = [];
  for (let i = 0; i < traces.length; i++) {
    const trace = traces[i]!;
    if (seen.has(trace.id)) continue;
    seen.add(trace.id);
    const row = encoded[i]!;
    kept.push(asStored(trace, row));
    rows.push(row);
  }
  const columns = traceColumns.map((_, c) => arrayLiteral(rows, c));
  return { traces: kept, columns };
}

/** What a rollup reads of a trace as text: its dimensions, api_key_last4 and the timestamp. */
const rollupInputs = ([
  "org_id",
  "workspace_id",
  "provider",
  "model",
  "request_path",
  "gateway_key_id",
  "api_key_hash",
  "developer",
  "agent",
  "route",
  "api_key_last4",
  "timestamp",
] as const).map((name) => [name, traceColumns.findIndex(([n]) => n === name)] as const);

/**
 * The trace as stored, for its rollups: the normalized timestamp (as SQLite's rollups read it)
 * and text as PostgreSQL holds it (U+0000 replaced; a lone surrogate becomes U+FFFD, as the
 * driver's UTF-8 encoding makes it), so a rollup's key is its rows' key.
 */
function asStored(trace: TraceRecord, row: readonly SqlValue[]): TraceRecord {
  let out: Record<string, unknown> | null = null;
  for (const [name, i] of rollupInputs) {
    let v = row[i];
    if (typeof v === "string" && !v.isWellFormed()) v = v.toWellFormed();
    if (v === trace[name]) continue;
    out ??= { ...trace };
    out[name] = v;
  }
  return out === null ? trace : out as unknown as TraceRecord;
}

/**
 * The rows as the upsert reads them (json_to_recordset by column name): a Rollup holds exactly
 * the rollup columns, histograms as Maps, which become objects (`encodeHistogram`'s form). One
 * JSON.stringify of the whole list: a batch can have hundreds of rows.
 */
function rollupJson(rows: Iterable<Rollup>): string {
  const out: Record<string, unknown>[] = [];
  for (const r of rows) {
    out.push({
      ...r,
      latency_hist: Object.fromEntries(r.latency_hist),
      ttft_hist: Object.fromEntries(r.ttft_hist),
    });
  }
  return JSON.stringify(out);
}

const rollupTables: readonly RollupTable[] = ["rollup_hourly", "rollup_daily_keys", "rollup_daily"];

/**
 * The batch's rows of each rollup table, as the statement's last five parameters: hourly, daily
 * keys, daily, then the cost lines per hour and per day (migration 012: analytics read whole days
 * from the daily tables).
 */
export function rollupParams(
  traces: readonly TraceRecord[],
): [string, string, string, string, string] {
  const rollups = rollupsOf(traces, rollupTables);
  const of = (t: RollupTable) => rollupJson(rollups.get(t)!.values());
  const lines = (per: "hour" | "day") =>
    JSON.stringify([...costLineRollupsOf(traces, per).values()]);
  return [
    of("rollup_hourly"),
    of("rollup_daily_keys"),
    of("rollup_daily"),
    lines("hour"),
    lines("day"),
  ];
}

const columnNames = traceColumns.map(([name]) => `"${name}"`);
const columnList = columnNames.join(", ");
const unnestArgs = traceColumns.map(([, kind], i) => `$${i + 1}::text::${pgTypes[kind]}[]`)
  .join(", ");

const rollupTypes: Record<(typeof rollupColumns)[number], string> = {
  ...Object.fromEntries(rollupDimensions.map((d) => [d, "text"])),
  ...Object.fromEntries(rollupCounters.map((c) => [c, "bigint"])),
  period: "timestamptz",
  cost_usd: "double precision",
  latency_min: "bigint",
  latency_max: "bigint",
  first_seen_at: "timestamptz",
  last_seen_at: "timestamptz",
  api_key_last4: "text",
  latency_hist: "jsonb",
  ttft_hist: "jsonb",
} as Record<(typeof rollupColumns)[number], string>;
const rollupRecord = rollupColumns.map((c) => `${c} ${rollupTypes[c]}`).join(", ");
const rollupList = rollupColumns.join(", ");

/**
 * `ongoingai_hist_merge(stored, excluded)` (migrations/postgres/002_rollups.sql) written out: the
 * function has a sub-select, so PostgreSQL cannot inline it and runs it through the SQL-function
 * executor for every row; written out it costs 5-10% less of a batch with hundreds of rollup rows
 * (research/issue23_pg.md). Same expression: the batch's buckets added onto the stored ones.
 */
function histMerge(table: string, column: string): string {
  const stored = `${table}.${column}`;
  return `${stored} || coalesce((SELECT jsonb_object_agg(e.key,
    coalesce((${stored} ->> e.key)::bigint, 0) + e.value::bigint)
    FROM jsonb_each_text(excluded.${column}) AS e), '{}'::jsonb)`;
}

function mergeSet(table: string): string {
  return [
    ...rollupCounters.map((c) => `${c} = ${table}.${c} + excluded.${c}`),
    `latency_min = LEAST(${table}.latency_min, excluded.latency_min)`,
    `latency_max = GREATEST(${table}.latency_max, excluded.latency_max)`,
    `first_seen_at = LEAST(${table}.first_seen_at, excluded.first_seen_at)`,
    `last_seen_at = GREATEST(${table}.last_seen_at, excluded.last_seen_at)`,
    `api_key_last4 = GREATEST(${table}.api_key_last4, excluded.api_key_last4)`,
    `latency_hist = ${histMerge(table, "latency_hist")}`,
    `ttft_hist = ${histMerge(table, "ttft_hist")}`,
  ].join(", ");
}

function upsert(table: RollupTable, param: number): string {
  // FROM lock: the upsert waits for the lock too, so two writers never hold each other's rows.
  return `INSERT INTO ${table} (${rollupList})
    SELECT ${rollupList} FROM lock, json_to_recordset($${param}::text::json) AS r(${rollupRecord})
    ON CONFLICT (${rollupDimensions.join(", ")}) DO UPDATE SET ${mergeSet(table)}`;
}

const costLineTypes: Record<(typeof costLineColumns)[number], string> = {
  period: "timestamptz",
  org_id: "text",
  workspace_id: "text",
  provider: "text",
  model: "text",
  dimension: "text",
  unit: "text",
  quantity: "bigint",
  cost_usd: "double precision",
  unpriced_quantity: "bigint",
  trace_count: "bigint",
};

/**
 * The batch's cost lines added to `table`: `rollup_cost_lines` or `rollup_cost_lines_daily`
 * (cost_line_rollups.ts).
 */
function upsertCostLines(table: string, param: number): string {
  const list = costLineColumns.join(", ");
  const record = costLineColumns.map((c) => `${c} ${costLineTypes[c]}`).join(", ");
  const add = costLineCounters.map((c) => `${c} = ${table}.${c} + excluded.${c}`);
  return `INSERT INTO ${table} (${list})
    SELECT ${list} FROM lock, json_to_recordset($${param}::text::json) AS r(${record})
    ON CONFLICT (${costLineDimensions.join(", ")}) DO UPDATE SET ${add.join(", ")}`;
}

/**
 * Fixed text: every part above comes from constants, and the batch is bound. Built once, run as
 * a prepared statement. `ORDER BY ord` assigns seq in batch order.
 */
export const insertStatement = `WITH lock AS MATERIALIZED (
    SELECT pg_advisory_xact_lock(${lockKeys.write[0]}, ${lockKeys.write[1]}) AS locked
  ),
  ins AS (
    INSERT INTO traces (${columnList})
    SELECT ${columnList} FROM lock,
      unnest(${unnestArgs}) WITH ORDINALITY AS x(${columnList}, ord)
    ORDER BY ord
    RETURNING 1
  ),
  hourly AS (${upsert("rollup_hourly", traceColumns.length + 1)}),
  keys AS (${upsert("rollup_daily_keys", traceColumns.length + 2)}),
  daily AS (${upsert("rollup_daily", traceColumns.length + 3)}),
  lines AS (${upsertCostLines("rollup_cost_lines", traceColumns.length + 4)}),
  daily_lines AS (${upsertCostLines("rollup_cost_lines_daily", traceColumns.length + 5)})
SELECT count(*)::int AS inserted FROM ins`;

/** The unique index on the trace id: its violation means part of the batch is already stored. */
const idIndex = "idx_traces_id";

function storedIdConflict(err: unknown): boolean {
  const e = err as { code?: unknown; constraint_name?: unknown } | null;
  return e?.code === "23505" && e.constraint_name === idIndex;
}

/**
 * Rounds of "insert, find the ids another write stored, insert the rest". Two cover a replayed
 * batch; more only happen while other writers keep storing ids of this very batch.
 */
const maxRounds = 4;

/** Writes the batch; returns how many traces were new. */
export async function writeBatch(sql: Sql, traces: readonly TraceRecord[]): Promise<number> {
  if (traces.length === 0) return 0;
  let stored = new Set<string>();
  for (let round = 1;; round++) {
    const batch = encodeBatch(traces, stored);
    if (batch.traces.length === 0) return 0;
    try {
      const params = [...batch.columns, ...rollupParams(batch.traces)];
      const rows = await sql.unsafe(insertStatement, params, { prepare: true });
      return Number(rows[0]?.inserted ?? 0);
    } catch (err) {
      if (!storedIdConflict(err) || round === maxRounds) throw err;
    }
    const ids = batch.traces.map((t) => t.id);
    const found = await sql<{ id: string }[]>`SELECT id FROM traces WHERE id = ANY(${ids}::text[])`;
    stored = new Set([...stored, ...found.map((r) => r.id)]);
  }
}

/**
 * Rollups on SQLite: added to in the insert transaction (only for traces that were inserted,
 * so a replayed batch never counts twice), and rebuilt from the traces once when a database
 * from before migration 002 has traces but no rollups.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { tokenFields } from "../providers/mod.ts";
import type { TraceRecord } from "../traces/mod.ts";
import {
  decodeRollup,
  encodeRollup,
  mergeRollup,
  type Rollup,
  rollupColumns,
  rollupDimensions,
  rollupsOf,
  type RollupTable,
} from "./rollups.ts";
import {
  costLineColumns,
  costLineCounters,
  costLineDimensions,
  costLineRollupsOf,
  encodeCostLine,
} from "./cost_line_rollups.ts";

const tables: readonly RollupTable[] = ["rollup_hourly", "rollup_daily_keys", "rollup_daily"];

export class RollupWriter {
  readonly #get = new Map<RollupTable, StatementSync>();
  readonly #put = new Map<RollupTable, StatementSync>();
  readonly #addLine: StatementSync;
  readonly #addDailyLine: StatementSync;

  constructor(db: DatabaseSync) {
    const addLine = (table: string) =>
      db.prepare(
        `INSERT INTO ${table} (${costLineColumns.join(", ")})
        VALUES (${costLineColumns.map(() => "?").join(", ")})
        ON CONFLICT (${costLineDimensions.join(", ")}) DO UPDATE SET ${
          costLineCounters.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")
        }`,
      );
    this.#addLine = addLine("rollup_cost_lines");
    this.#addDailyLine = addLine("rollup_cost_lines_daily");
    const where = rollupDimensions.map((d) => `${d} = ?`).join(" AND ");
    for (const t of tables) {
      this.#get.set(t, db.prepare(`SELECT ${rollupColumns.join(", ")} FROM ${t} WHERE ${where}`));
      this.#put.set(
        t,
        db.prepare(
          `INSERT OR REPLACE INTO ${t} (${rollupColumns.join(", ")}) VALUES (${
            rollupColumns.map(() => "?").join(", ")
          })`,
        ),
      );
    }
  }

  /** Adds the traces to the rollups; run inside the transaction that inserted them. */
  add(traces: readonly TraceRecord[]): void {
    for (const [table, rows] of rollupsOf(traces, tables)) this.#write(table, rows.values());
    for (const line of costLineRollupsOf(traces).values()) {
      this.#addLine.run(...encodeCostLine(line));
    }
    for (const line of costLineRollupsOf(traces, "day").values()) {
      this.#addDailyLine.run(...encodeCostLine(line));
    }
  }

  #write(table: RollupTable, rows: Iterable<Rollup>): void {
    const get = this.#get.get(table)!, put = this.#put.get(table)!;
    for (const r of rows) {
      const existing = get.get(...rollupDimensions.map((d) => r[d]));
      if (existing !== undefined) {
        const stored = decodeRollup(existing as Record<string, unknown>);
        mergeRollup(stored, r);
        put.run(...encodeRollup(stored));
      } else {
        put.run(...encodeRollup(r));
      }
    }
  }
}

/** The trace columns a rollup reads. */
const sourceColumns = [
  "timestamp",
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
  "response_status",
  ...tokenFields,
  "usage_status",
  "estimated_cost_usd",
  "cost_status",
  "latency_ms",
  "time_to_first_token_us",
];

/**
 * Rebuilds the rollups from the traces when there are traces and no rollups (a database written
 * before rollups existed). One transaction: a crash leaves no half-built rollups. Returns the
 * number of traces read.
 */
export function rebuildRollupsIfMissing(db: DatabaseSync): number {
  const has = (t: string) => db.prepare(`SELECT EXISTS (SELECT 1 FROM ${t}) AS x`).get()!.x === 1;
  if (has("rollup_hourly") || !has("traces")) return 0;
  db.exec("BEGIN IMMEDIATE");
  try {
    const writer = new RollupWriter(db);
    const select = db.prepare(`SELECT ${sourceColumns.join(", ")} FROM traces ORDER BY seq`);
    let chunk: TraceRecord[] = [];
    let n = 0;
    for (const row of select.iterate()) {
      chunk.push(row as unknown as TraceRecord);
      if (chunk.length === 20_000) {
        writer.add(chunk);
        n += chunk.length;
        chunk = [];
      }
    }
    writer.add(chunk);
    n += chunk.length;
    db.exec("COMMIT");
    return n;
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}

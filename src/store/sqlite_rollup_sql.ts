/**
 * The SQL of the SQLite migrations that create the rollup tables (002) and rebuild them with more
 * dimensions (005, 006: SQLite changes a primary key only by rebuilding the table). Both tables
 * (`rollup_hourly`, `rollup_daily_keys`) always have the same columns, so one function writes
 * both, and each migration names only the dimensions it keeps and adds.
 *
 * History is frozen here: a database at any earlier version is migrated by the statements these
 * functions return for the shipped migrations' arguments, and the tables' text is what SQLite
 * records as their schema (tests/store/sqlite_upgrade_test.ts pins it). So never edit the lists
 * below: a migration that changes the figures of a rollup declares its own list.
 */

const rollupTables = ["rollup_hourly", "rollup_daily_keys"] as const;

/** The dimensions of migration 002, the first of every rollup's primary key. */
const dimensions002 = [
  "period",
  "org_id",
  "workspace_id",
  "provider",
  "model",
  "request_path",
  "gateway_key_id",
  "api_key_hash",
] as const;

/** The figures of migration 002 (after the dimensions), unchanged since. */
const figures002: readonly (readonly [name: string, type: string])[] = [
  ["request_count", "INTEGER NOT NULL"],
  ["input_tokens", "INTEGER NOT NULL"],
  ["output_tokens", "INTEGER NOT NULL"],
  ["total_tokens", "INTEGER NOT NULL"],
  ["cached_input_tokens", "INTEGER NOT NULL"],
  ["cache_write_tokens", "INTEGER NOT NULL"],
  ["reasoning_tokens", "INTEGER NOT NULL"],
  ["cost_usd", "REAL NOT NULL"],
  ["priced_count", "INTEGER NOT NULL"],
  ["unpriced_count", "INTEGER NOT NULL"],
  ["unknown_usage_count", "INTEGER NOT NULL"],
  ["error_count_4xx", "INTEGER NOT NULL"],
  ["error_count_5xx", "INTEGER NOT NULL"],
  ["latency_sum", "INTEGER NOT NULL"],
  ["latency_min", "INTEGER"],
  ["latency_max", "INTEGER"],
  ["ttft_us_sum", "INTEGER NOT NULL"],
  ["ttft_count", "INTEGER NOT NULL"],
  ["first_seen_at", "TEXT NOT NULL"],
  ["last_seen_at", "TEXT NOT NULL"],
  ["api_key_last4", "TEXT"],
  ["latency_hist", "TEXT NOT NULL"],
  ["ttft_hist", "TEXT NOT NULL"],
];

/** One table: 002's dimensions, then `extra` ones ('' for none, as every dimension), then figures. */
function createTable(name: string, extra: readonly string[]): string {
  const columns = [
    ...[...dimensions002, ...extra].map((d) => `  ${d} TEXT NOT NULL,`),
    ...figures002.map(([column, type]) => `  ${column} ${type},`),
  ];
  const key = dimensions002.join(", ") + (extra.length === 0 ? "" : `,\n    ${extra.join(", ")}`);
  return `CREATE TABLE ${name} (\n${
    columns.join("\n")
  }\n  PRIMARY KEY (${key})\n) WITHOUT ROWID;\n`;
}

/** Migration 002: both tables, with its dimensions. */
export function createRollupTablesSql(): string {
  return rollupTables.map((t) => createTable(t, [])).join("\n");
}

/**
 * A rebuild of both tables: rows keep 002's dimensions, the `kept` ones of later migrations and
 * every figure; the `added` dimensions are '' in the rows that were there.
 */
export function rebuildRollupTablesSql(kept: readonly string[], added: readonly string[]): string {
  const copied = [...dimensions002, ...figures002.map(([column]) => column), ...kept];
  const into = [...copied, ...added].join(", ");
  const values = [...copied, ...added.map(() => "''")].join(", ");
  return rollupTables.map((t) =>
    createTable(`${t}_new`, [...kept, ...added]) +
    `INSERT INTO ${t}_new (${into})\n  SELECT ${values} FROM ${t};\n` +
    `DROP TABLE ${t};\nALTER TABLE ${t}_new RENAME TO ${t};\n`
  ).join("\n");
}

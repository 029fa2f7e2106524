/**
 * The PostgreSQL trace store on the `postgres` package: a bounded pool, migrations applied at
 * start under an advisory lock, one statement per batch (pg_write.ts), and the same list,
 * export and analytics answers as the SQLite store (the conformance suite runs against both).
 */
import type { Trace, TraceRecord } from "../traces/mod.ts";
import type {
  StoreStats,
  TenantScope,
  TraceExportPage,
  TraceExportQuery,
  TraceFilter,
  TraceListQuery,
  TracePage,
  TraceStore,
  TraceSummary,
} from "./types.ts";
import type {
  AggregateRow,
  AnalyticsQuery,
  CostLineRow,
  PercentileRow,
} from "./analytics_types.ts";
import type { SessionQuery, SessionRow } from "./sessions.ts";
import { sessions } from "./pg_sessions.ts";
import type { FailoverQuery, FailoverRow } from "./failovers.ts";
import { failovers } from "./pg_failovers.ts";
import type { Migration } from "./sqlite_migrations.ts";
import { decodeCursor, encodeCursor, unknownCursorPosition } from "./cursor.ts";
import { type ColumnKind, summaryColumns, traceColumns } from "./trace_columns.ts";
import { connect, type PostgresConnectOptions, type Sql, startupError } from "./pg_connect.ts";
import { NewerSchemaError } from "./migration_guard.ts";
import {
  applyPostgresMigrations,
  pendingPostgresMigrations,
  postgresMigrations,
} from "./pg_migrations.ts";
import { filterWhere } from "./pg_query.ts";
import { writeBatch } from "./pg_write.ts";
import type { KeyStore } from "./key_types.ts";
import { KeyStoreForwarder } from "./key_forwarding.ts";
import { postgresKeyStore } from "./pg_keys.ts";
import { postgresLimitCounters } from "./pg_limits.ts";
import type { CounterStore } from "../limits/mod.ts";
import { PostgresRoutingState } from "./pg_routing.ts";
import { aggregate, percentiles } from "./pg_analytics.ts";
import { costLines } from "./pg_cost_lines.ts";
import {
  checkProviderReports,
  type ProviderReportInput,
  type StoredProviderReport,
} from "./provider_reports.ts";
import type {
  NewResponseState,
  ResponseChainLimits,
  ResponseStateStore,
  StoredResponseState,
} from "./response_states.ts";
import { postgresResponseStates } from "./pg_response_states.ts";
import { postgresAuditStore } from "./pg_audit.ts";
import type { AuditEntry, NewAuditEntry } from "./audit_chain.ts";
import type { AuditPage, AuditQuery, AuditStore } from "./audit_store.ts";

export interface PostgresStoreOptions extends PostgresConnectOptions {
  /** For tests; default the embedded migrations. */
  migrations?: readonly Migration[];
  /**
   * Read only (offline commands such as `report`): nothing is migrated, and a schema older than
   * this build is an error that says so.
   */
  readOnly?: boolean;
}

const maxListLimit = 1000;

/** Connects, migrates, and fails with a message naming the server (never the password). */
export async function openPostgresStore(
  options: PostgresStoreOptions,
): Promise<
  & TraceStore
  & KeyStore
  & ResponseStateStore
  & AuditStore
  & { limitCounters: CounterStore; routingState: PostgresRoutingState }
> {
  const sql = connect(options);
  try {
    const migrations = options.migrations ?? postgresMigrations;
    if (options.readOnly) {
      const missing = await pendingPostgresMigrations(sql, migrations);
      if (missing.length > 0) {
        throw new Error(
          `the database has an older schema than this build (missing ${
            missing.join(", ")
          }): run \`ongoingai serve\` once with this build to migrate it`,
        );
      }
    } else {
      await applyPostgresMigrations(sql, migrations);
    }
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    // A newer gateway's schema is no connection problem: its message says what to do.
    throw err instanceof NewerSchemaError ? err : startupError(options.dsn, err);
  }
  return new PostgresTraceStore(sql);
}

function decodeValue(kind: ColumnKind, value: unknown): unknown {
  switch (kind) {
    case "bool":
      return value === true;
    case "json":
      return value ?? {};
    case "json_or_null":
      return value ?? null;
    case "json_text_or_null":
      return typeof value === "string" ? JSON.parse(value) : null;
    case "time":
      return value instanceof Date ? value.toISOString() : value;
    default:
      return value ?? null;
  }
}

function decodeWith<T>(
  columns: readonly (readonly [string, ColumnKind])[],
  row: Record<string, unknown>,
): T {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of columns) out[name] = decodeValue(kind, row[name]);
  return out as T;
}

const allNames = traceColumns.map(([name]) => name);
const summaryNames = summaryColumns.map(([name]) => name);

class PostgresTraceStore extends KeyStoreForwarder
  implements TraceStore, ResponseStateStore, AuditStore {
  readonly driver = "postgres" as const;
  readonly #sql: Sql;
  protected readonly keys: KeyStore;
  readonly #responses: ResponseStateStore;
  readonly #audit: AuditStore;
  #closed = false;
  /** Shared by every instance on this database (see pg_limits.ts). */
  readonly limitCounters: CounterStore;
  /** Breakers, key cooldowns and disabled keys, shared by every instance (see pg_routing.ts). */
  readonly routingState: PostgresRoutingState;

  constructor(sql: Sql) {
    super();
    this.#sql = sql;
    this.keys = postgresKeyStore(sql, () => this.#open());
    this.#responses = postgresResponseStates(sql, () => this.#open());
    this.#audit = postgresAuditStore(sql, () => this.#open());
    this.limitCounters = postgresLimitCounters(sql, () => this.#open());
    this.routingState = new PostgresRoutingState(sql, () => this.#open());
  }

  async writeBatch(traces: readonly TraceRecord[]): Promise<void> {
    this.#open();
    await writeBatch(this.#sql, traces);
  }

  async listTraces(query: TraceListQuery): Promise<TracePage> {
    return await this.#page(summaryNames, summaryColumns, query) as TracePage;
  }

  async exportTraces(query: TraceExportQuery): Promise<TraceExportPage> {
    return await this.#page(allNames, traceColumns, query) as TraceExportPage;
  }

  async #page(
    names: readonly string[],
    columns: readonly (readonly [string, ColumnKind])[],
    query: TraceFilter & { limit: number; cursor?: string },
  ): Promise<{ items: (Trace | TraceSummary)[]; next_cursor: string | null }> {
    this.#open();
    const limit = query.limit;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxListLimit) {
      throw new RangeError(`limit must be an integer between 1 and ${maxListLimit}`);
    }
    const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const sql = this.#sql;
    const afterSeq = afterId === undefined ? undefined : await this.#seqOf(afterId, query.scope);
    const rows = await sql`SELECT seq::text AS seq, ${sql(names as string[])} FROM traces
      WHERE ${filterWhere(sql, query, afterSeq)} ORDER BY traces.seq DESC LIMIT ${limit + 1}::int`;
    const items = rows.slice(0, limit).map((r) => decodeWith<Trace>(columns, r));
    const last = rows[limit - 1];
    const next_cursor = rows.length > limit && last ? encodeCursor(String(last.id)) : null;
    return { items, next_cursor };
  }

  /** The seq of the cursor's trace, looked up within the caller's scope. */
  async #seqOf(id: string, scope: TenantScope | undefined): Promise<bigint> {
    const sql = this.#sql;
    const [row] = scope
      ? await sql`SELECT seq::text AS seq FROM traces WHERE id = ${id}
          AND org_id = ${scope.org_id} AND workspace_id = ${scope.workspace_id}`
      : await sql`SELECT seq::text AS seq FROM traces WHERE id = ${id}`;
    if (row === undefined) throw unknownCursorPosition();
    return BigInt(row.seq as string);
  }

  async getTrace(id: string, scope?: TenantScope): Promise<Trace | null> {
    this.#open();
    const sql = this.#sql;
    const rows = scope
      ? await sql`SELECT ${sql(allNames)} FROM traces WHERE id = ${id}
          AND org_id = ${scope.org_id} AND workspace_id = ${scope.workspace_id}`
      : await sql`SELECT ${sql(allNames)} FROM traces WHERE id = ${id}`;
    const row = rows[0];
    return row === undefined ? null : decodeWith<Trace>(traceColumns, row);
  }

  async countTraces(filter: TraceFilter = {}): Promise<number> {
    this.#open();
    const sql = this.#sql;
    const [row] = await sql`SELECT count(*) AS n FROM traces WHERE ${filterWhere(sql, filter)}`;
    return Number(row?.n ?? 0);
  }

  async aggregate(query: AnalyticsQuery): Promise<AggregateRow[]> {
    this.#open();
    return await aggregate(this.#sql, query);
  }

  async costLines(query: AnalyticsQuery): Promise<CostLineRow[]> {
    this.#open();
    return await costLines(this.#sql, query);
  }

  async percentiles(query: AnalyticsQuery): Promise<PercentileRow[]> {
    this.#open();
    return await percentiles(this.#sql, query);
  }

  async sessions(query: SessionQuery): Promise<SessionRow[]> {
    this.#open();
    return await sessions(this.#sql, query);
  }

  async failovers(query: FailoverQuery): Promise<FailoverRow[]> {
    this.#open();
    return await failovers(this.#sql, query);
  }

  putResponseState(input: NewResponseState): Promise<void> {
    return this.#responses.putResponseState(input);
  }
  getResponseState(scope: TenantScope, id: string): Promise<StoredResponseState | null> {
    return this.#responses.getResponseState(scope, id);
  }
  responseChain(scope: TenantScope, id: string, limits: ResponseChainLimits) {
    return this.#responses.responseChain(scope, id, limits);
  }
  deleteResponseState(scope: TenantScope, id: string): Promise<boolean> {
    return this.#responses.deleteResponseState(scope, id);
  }
  purgeExpiredResponseStates(now: string, maxRows?: number): Promise<number> {
    return this.#responses.purgeExpiredResponseStates(now, maxRows);
  }

  appendAudit(input: NewAuditEntry): Promise<AuditEntry> {
    return this.#audit.appendAudit(input);
  }
  listAudit(query: AuditQuery): Promise<AuditPage> {
    return this.#audit.listAudit(query);
  }
  auditChain(fromSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.#audit.auditChain(fromSeq, limit);
  }
  auditHead(): Promise<{ seq: number; hash: string }> {
    return this.#audit.auditHead();
  }

  async saveProviderReports(
    provider: string,
    reports: readonly ProviderReportInput[],
  ): Promise<void> {
    this.#open();
    checkProviderReports(provider, reports);
    const savedAt = new Date().toISOString();
    await this.#sql.begin(async (tx) => {
      await tx`DELETE FROM provider_reports WHERE provider = ${provider}`;
      for (const [i, r] of reports.entries()) {
        await tx`INSERT INTO provider_reports (provider, seq, name, saved_at, body)
          VALUES (${provider}, ${i}, ${r.name}, ${savedAt}::timestamptz, ${r.body})`;
      }
    });
  }

  async providerReports(provider: string): Promise<StoredProviderReport[]> {
    this.#open();
    const rows = await this.#sql`SELECT name, body,
        to_char(saved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS saved_at
      FROM provider_reports WHERE provider = ${provider} ORDER BY seq`;
    return rows.map((r) => ({
      name: String(r.name),
      saved_at: String(r.saved_at),
      body: String(r.body),
    }));
  }

  async stats(): Promise<StoreStats> {
    this.#open();
    const [row] = await this.#sql`SELECT pg_database_size(current_database()) AS n`;
    return { driver: this.driver, db_size_bytes: row ? Number(row.n) : null };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.routingState.settled();
    // Called after the writer flushed, so nothing is in flight. A connection the server cut
    // (a restart) can make end() wait its whole timeout in postgres 3.4.9: keep that short.
    await this.#sql.end({ timeout: 1 });
  }

  #open(): void {
    if (this.#closed) throw new Error("trace store is closed");
  }
}

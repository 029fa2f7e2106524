/**
 * The SQLite trace store on `node:sqlite` (built into Deno, so it works in a compiled binary with
 * no native library to download).
 *
 * `node:sqlite` is synchronous: every call runs on the event loop thread. A batch of 512 traces
 * takes a few tens of milliseconds, during which no request is served, so the writer keeps
 * batches bounded (tracing.batch_size) and waits for SQLITE_BUSY asynchronously: SQLite's own
 * busy_timeout (a blocking wait) is kept short and longer waits are async retries.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
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
} from "./types.ts";
import { decodeCursor, encodeCursor, unknownCursorPosition } from "./cursor.ts";
import {
  allColumnNames,
  bodyColumns,
  decodeSummary,
  decodeTrace,
  encodeTrace,
  summaryColumnNames,
} from "./trace_columns.ts";
import {
  applySqliteMigrations,
  type Migration,
  pendingMigrations,
  sqliteMigrations,
} from "./sqlite_migrations.ts";
import { buildWhere } from "./sqlite_query.ts";
import type { KeyStore } from "./key_types.ts";
import { KeyStoreForwarder } from "./key_forwarding.ts";
import { sqliteKeyStore } from "./sqlite_keys.ts";
import { aggregate, percentiles } from "./sqlite_analytics.ts";
import { costLines } from "./sqlite_cost_lines.ts";
import type { ProviderReportInput, StoredProviderReport } from "./provider_reports.ts";
import { providerReports, saveProviderReports } from "./sqlite_provider_reports.ts";
import { rebuildRollupsIfMissing, RollupWriter } from "./sqlite_rollups.ts";

/** Rollups take the stored (normalized) timestamp, not the one the trace came with. */
const timestampColumn = allColumnNames.indexOf("timestamp");
import type {
  AggregateRow,
  AnalyticsQuery,
  CostLineRow,
  PercentileRow,
} from "./analytics_types.ts";
import type { SessionQuery, SessionRow } from "./sessions.ts";
import { sessions } from "./sqlite_sessions.ts";
import type { FailoverQuery, FailoverRow } from "./failovers.ts";
import { failovers } from "./sqlite_failovers.ts";
import { busyRetryDefaults, type BusyRetryOptions, withBusyRetry } from "./sqlite_busy.ts";
import { injectedMaxPageCount } from "./sqlite_fault_injection.ts";
import { prepareDatabaseFile, restrictSidecarFiles, sqliteFileSize } from "./sqlite_files.ts";
import type {
  NewResponseState,
  ResponseChainLimits,
  ResponseStateStore,
  StoredResponseState,
} from "./response_states.ts";
import { sqliteResponseStates } from "./sqlite_response_states.ts";
import { sqliteAuditStore } from "./sqlite_audit.ts";
import type { AuditEntry, NewAuditEntry } from "./audit_chain.ts";
import type { AuditPage, AuditQuery, AuditStore } from "./audit_store.ts";

export interface SqliteStoreOptions {
  /** Database file, created (with its directory) when missing; `:memory:` for tests. */
  path: string;
  /** SQLite's blocking wait on a lock before SQLITE_BUSY; default 50 ms. */
  busyTimeoutMs?: number;
  /** Async retries after SQLITE_BUSY; defaults as the original (12 tries, 5 ms doubling to 250). */
  busyRetry?: Partial<BusyRetryOptions>;
  /** SQLite `max_page_count` for this connection (fault tests); default none. */
  maxPageCount?: number;
  /** For tests; default the embedded migrations. */
  migrations?: readonly Migration[];
  /**
   * Open an existing database for reading only (offline commands such as `report`): nothing is
   * created, migrated or written, and a missing file or a schema older than this build is an
   * error that says so. Default false: create and migrate, as `serve` does.
   */
  readOnly?: boolean;
}

const maxListLimit = 1000;

/** Creates the file and directory when missing, sets WAL, and applies pending migrations. */
export async function openSqliteStore(
  options: SqliteStoreOptions,
): Promise<TraceStore & KeyStore & ResponseStateStore & AuditStore> {
  const retry = { ...busyRetryDefaults, ...options.busyRetry };
  if (options.readOnly) return await openReadOnly(options, retry);
  const created = options.path === ":memory:" ? false : prepareDatabaseFile(options.path);
  const db = new DatabaseSync(options.path, { timeout: options.busyTimeoutMs ?? 50 });
  try {
    // Another process (a second gateway, a backup) may hold the lock while this one starts.
    await withBusyRetry(() => {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      // Truncate the WAL after checkpoints so a burst does not leave a large file behind.
      db.exec("PRAGMA journal_size_limit = 67108864");
      applySqliteMigrations(db, options.migrations ?? sqliteMigrations);
      rebuildRollupsIfMissing(db);
    }, retry);
    const pageLimit = options.maxPageCount ?? injectedMaxPageCount();
    if (pageLimit !== null) db.exec(`PRAGMA max_page_count = ${pageLimit}`);
    if (created) restrictSidecarFiles(options.path);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteTraceStore(db, options.path, retry);
}

async function openReadOnly(
  options: SqliteStoreOptions,
  retry: BusyRetryOptions,
): Promise<TraceStore & KeyStore & ResponseStateStore & AuditStore> {
  const path = options.path;
  if (path === ":memory:") {
    throw new Error("an in-memory database (:memory:) has no stored traces to read");
  }
  try {
    if (!Deno.statSync(path).isFile) throw new Error(`trace database ${path} is not a file`);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    throw new Error(
      `trace database ${path} does not exist: \`ongoingai serve\` creates it when it first starts`,
    );
  }
  const db = new DatabaseSync(path, { readOnly: true, timeout: options.busyTimeoutMs ?? 50 });
  try {
    const missing = await withBusyRetry(
      () => pendingMigrations(db, options.migrations ?? sqliteMigrations),
      retry,
    );
    if (missing.length > 0) {
      throw new Error(
        `trace database ${path} has an older schema than this build (missing ${
          missing.join(", ")
        }): run \`ongoingai serve\` once with this build to migrate it`,
      );
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteTraceStore(db, path, retry, true);
}

class SqliteTraceStore extends KeyStoreForwarder
  implements TraceStore, ResponseStateStore, AuditStore {
  readonly driver = "sqlite" as const;
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #retry: BusyRetryOptions;
  readonly #insert: StatementSync;
  readonly #getById: StatementSync;
  readonly #getByIdScoped: StatementSync;
  readonly #statements = new Map<string, StatementSync>();
  readonly #rollups: RollupWriter;
  readonly #readOnly: boolean;
  protected readonly keys: KeyStore;
  readonly #responses: ResponseStateStore;
  readonly #audit: AuditStore;
  #closed = false;

  constructor(db: DatabaseSync, path: string, retry: BusyRetryOptions, readOnly = false) {
    super();
    this.#db = db;
    this.#path = path;
    this.#retry = retry;
    this.#readOnly = readOnly;
    this.keys = sqliteKeyStore(db, () => this.#open());
    this.#responses = sqliteResponseStates(db, () => this.#open(), retry);
    this.#audit = sqliteAuditStore(db, () => this.#open(), retry);
    const columns = allColumnNames.join(", ");
    // A body bound as bytes (encodeTrace's `bodyBytes`) is stored as text by SQLite itself.
    const placeholders = allColumnNames.map((n) => (bodyColumns.has(n) ? "CAST(? AS TEXT)" : "?"))
      .join(", ");
    this.#insert = db.prepare(
      `INSERT INTO traces (${columns}) VALUES (${placeholders}) ON CONFLICT(id) DO NOTHING`,
    );
    this.#getById = db.prepare(`SELECT ${columns} FROM traces WHERE id = ?`);
    this.#rollups = new RollupWriter(db);
    this.#getByIdScoped = db.prepare(
      `SELECT ${columns} FROM traces WHERE id = ? AND org_id = ? AND workspace_id = ?`,
    );
  }

  async writeBatch(traces: readonly TraceRecord[]): Promise<void> {
    this.#open();
    if (traces.length === 0) return;
    // Encode first: a trace that cannot be stored fails the batch before any SQL runs.
    const rows = traces.map((t) => encodeTrace(t, { bodyBytes: true }));
    await withBusyRetry(() => {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const inserted: TraceRecord[] = [];
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          // An id already stored is not inserted again, and must not be counted again.
          if (this.#insert.run(...row).changes === 0) continue;
          inserted.push({ ...traces[i]!, timestamp: row[timestampColumn] as string });
        }
        this.#rollups.add(inserted);
        this.#db.exec("COMMIT");
      } catch (err) {
        if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
        throw err;
      }
    }, this.#retry);
  }

  async listTraces(query: TraceListQuery): Promise<TracePage> {
    return await this.#page("list", summaryColumnNames, decodeSummary, query);
  }

  async exportTraces(query: TraceExportQuery): Promise<TraceExportPage> {
    return await this.#page("export", allColumnNames, decodeTrace, query);
  }

  /** One keyset page, newest stored first (see `TraceStore.listTraces`). */
  async #page<T>(
    kind: string,
    columns: readonly string[],
    decode: (row: Record<string, unknown>) => T,
    query: TraceFilter & { limit: number; cursor?: string },
  ): Promise<{ items: T[]; next_cursor: string | null }> {
    this.#open();
    const limit = query.limit;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxListLimit) {
      throw new RangeError(`limit must be an integer between 1 and ${maxListLimit}`);
    }
    const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    return await withBusyRetry(() => {
      const afterSeq = afterId === undefined ? undefined : this.#seqOf(afterId, query.scope);
      const where = buildWhere(query, afterSeq);
      const stmt = this.#statement(
        `${kind}:${where.shape}`,
        () => `SELECT seq, ${columns.join(", ")} FROM traces${where.sql} ORDER BY seq DESC LIMIT ?`,
      );
      const rows = stmt.all(...where.params, limit + 1) as Record<string, unknown>[];
      const items = rows.slice(0, limit).map(decode);
      const last = rows[limit - 1];
      const next_cursor = rows.length > limit && last ? encodeCursor(String(last.id)) : null;
      return { items, next_cursor };
    }, this.#retry);
  }

  /** The seq of the cursor's trace, looked up within the caller's scope. */
  #seqOf(id: string, scope: TenantScope | undefined): bigint {
    const row = scope
      ? this.#statement(
        "cursor:scoped",
        () => "SELECT seq FROM traces WHERE id = ? AND org_id = ? AND workspace_id = ?",
      ).get(id, scope.org_id, scope.workspace_id)
      : this.#statement("cursor", () => "SELECT seq FROM traces WHERE id = ?").get(id);
    if (row === undefined) throw unknownCursorPosition();
    return BigInt(row.seq as number | bigint);
  }

  async getTrace(id: string, scope?: TenantScope): Promise<Trace | null> {
    this.#open();
    return await withBusyRetry(() => {
      const row = scope
        ? this.#getByIdScoped.get(id, scope.org_id, scope.workspace_id)
        : this.#getById.get(id);
      return row === undefined ? null : decodeTrace(row as Record<string, unknown>);
    }, this.#retry);
  }

  async countTraces(filter: TraceFilter = {}): Promise<number> {
    this.#open();
    return await withBusyRetry(() => {
      const where = buildWhere(filter);
      const stmt = this.#statement(
        `count:${where.shape}`,
        () => `SELECT COUNT(*) AS n FROM traces${where.sql}`,
      );
      const row = stmt.get(...where.params) as { n: number };
      return row.n;
    }, this.#retry);
  }

  async aggregate(query: AnalyticsQuery): Promise<AggregateRow[]> {
    this.#open();
    return await withBusyRetry(() => aggregate(this.#db, query), this.#retry);
  }

  async costLines(query: AnalyticsQuery): Promise<CostLineRow[]> {
    this.#open();
    return await withBusyRetry(() => costLines(this.#db, query), this.#retry);
  }

  async percentiles(query: AnalyticsQuery): Promise<PercentileRow[]> {
    this.#open();
    return await withBusyRetry(() => percentiles(this.#db, query), this.#retry);
  }

  async sessions(query: SessionQuery): Promise<SessionRow[]> {
    this.#open();
    return await withBusyRetry(() => sessions(this.#db, query), this.#retry);
  }

  async failovers(query: FailoverQuery): Promise<FailoverRow[]> {
    this.#open();
    return await withBusyRetry(() => failovers(this.#db, query), this.#retry);
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
    await withBusyRetry(() => saveProviderReports(this.#db, provider, reports), this.#retry);
  }

  async providerReports(provider: string): Promise<StoredProviderReport[]> {
    this.#open();
    return await withBusyRetry(() => providerReports(this.#db, provider), this.#retry);
  }

  // deno-lint-ignore require-await
  async stats(): Promise<StoreStats> {
    const size = this.#path === ":memory:" ? null : sqliteFileSize(this.#path);
    return { driver: this.driver, db_size_bytes: size };
  }

  // deno-lint-ignore require-await
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      // Refreshes planner statistics, so date-range lists keep choosing good indexes as data grows.
      if (!this.#readOnly) {
        try {
          this.#db.exec("PRAGMA optimize");
        } catch {
          // Best effort: a busy database closes anyway.
        }
      }
      this.#db.close();
    }
  }

  #open(): void {
    if (this.#closed) throw new Error("trace store is closed");
  }

  /** Statements are cached per filter shape; there are at most a few thousand shapes. */
  #statement(key: string, sql: () => string): StatementSync {
    let stmt = this.#statements.get(key);
    if (!stmt) {
      stmt = this.#db.prepare(sql());
      this.#statements.set(key, stmt);
    }
    return stmt;
  }
}

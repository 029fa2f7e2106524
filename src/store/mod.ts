/**
 * Trace storage: the `TraceStore` contract, the SQLite and PostgreSQL implementations, the factory that picks a
 * store from config, and the cursor and timestamp forms every store shares.
 */
export type {
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
export { InvalidCursorError } from "./types.ts";
export {
  type ActiveGatewayKey,
  type GatewayKeyEvent,
  type GatewayKeyEventKind,
  type GatewayKeyRecord,
  isKeyStore,
  isUnconfirmed,
  KeyConflictError,
  type KeyStore,
  type NewGatewayKey,
} from "./key_types.ts";
export {
  type AggregateRow,
  type AnalyticsQuery,
  type Bucket,
  buckets,
  costLineGroups,
  type CostLineRow,
  type GroupBy,
  groupColumns,
  type PercentileRow,
  type Percentiles,
} from "./analytics_types.ts";
export {
  sessionLimits,
  type SessionModel,
  type SessionQuery,
  type SessionRow,
  unnamedModel,
} from "./sessions.ts";
export {
  defaultResponseChainHops,
  isResponseStateStore,
  maxResponseChainHops,
  maxResponseStateBytes,
  maxResponseStateIdLength,
  maxResponseStatePurgeRows,
  type NewResponseState,
  type ResponseChainLimits,
  ResponseStateError,
  type ResponseStateErrorCode,
  responseStatePurgePerPut,
  type ResponseStateStore,
  type StoredResponseState,
} from "./response_states.ts";
export {
  type AuditEntry,
  auditHash,
  auditHashInput,
  type AuditJson,
  type AuditProblem,
  type AuditProblemKind,
  type AuditTenant,
  auditWalkStart,
  type AuditWalkState,
  canonicalJson,
  chainEntry,
  checkAuditTail,
  genesisPrevHash,
  maxAuditPayloadBytes,
  type NewAuditEntry,
  walkAuditPage,
} from "./audit_chain.ts";
export {
  type AuditPage,
  type AuditQuery,
  type AuditStore,
  auditStoreMethods,
  decodeAuditCursor,
  defaultAuditListLimit,
  encodeAuditCursor,
  isAuditStore,
  keyAuditEntry,
  maxAuditChainLimit,
  maxAuditListLimit,
} from "./audit_store.ts";
export { failoverLimits, type FailoverQuery, type FailoverRow } from "./failovers.ts";
export { openStore, type OpenStoreOptions, type StorageConfig } from "./open_store.ts";
export { openSqliteStore, type SqliteStoreOptions } from "./sqlite_store.ts";
export { openPostgresStore, type PostgresStoreOptions } from "./pg_store.ts";
export { NewerSchemaError, newerSchemaError } from "./migration_guard.ts";
export { postgresMigrations } from "./pg_migrations.ts";
export { type PostgresRoutingOptions, PostgresRoutingState } from "./pg_routing.ts";
export { type BusyRetryOptions, isSqliteBusy } from "./sqlite_busy.ts";
export { type Migration, sqliteMigrations } from "./sqlite_migrations.ts";
export { decodeCursor, encodeCursor } from "./cursor.ts";
export { traceColumns } from "./trace_columns.ts";
export { parseTimeBound, parseTimestamp, storedTimestampPattern } from "./timestamps.ts";
export { isStoreWorker, runStoreWorker } from "./store_worker.ts";
export { openWorkerStore } from "./worker_store.ts";
export { type AuditVerifyResult, verifyAuditChain } from "./audit_verify.ts";
export {
  type ProviderReportInput,
  providerReportLimits,
  type StoredProviderReport,
} from "./provider_reports.ts";

/**
 * Traces: the record kept for every proxied request, how it is built from an exchange, the
 * provider-key fingerprint, the bounded writer that stores traces off the request path, and the
 * live window of the last minute's traces (`GET /api/live`).
 */
export type {
  AttemptRecord,
  CapturedBody,
  CostStatus,
  HeaderMap,
  Trace,
  TraceErrorCode,
  TraceRecord,
  Usage,
  UsageStatus,
  UsageUnknownReason,
} from "./trace.ts";
export { costedStatuses, failureTraceCodes } from "./trace.ts";
export type { CostBreakdown, CostLine, CostPriceRow } from "./cost_breakdown.ts";
export {
  buildTrace,
  credentialHeaders,
  type ExchangeFacts,
  type Lineage,
  maxStoredModelLength,
  storedHeaders,
  type TranslationFacts,
} from "./build.ts";
export {
  type AgentIdentity,
  agentIdentityFrom,
  codexFrameTurn,
  isDeveloperLabel,
  maxTurnMetadataLength,
  sessionHeader,
  userHeader,
} from "./agent_identity.ts";
export { defaultScope, defaultTenant, type Tenant, type TenantScope } from "./tenant.ts";
export {
  maxAttemptStringLength,
  maxRouteNameLength,
  maxStoredAttempts,
  storedAttempts,
} from "./attempts.ts";
export { newTraceId } from "./trace_id.ts";
export {
  createFingerprinter,
  type Fingerprinter,
  fingerprintPattern,
  type KeyFingerprint,
  loadOrCreateSecret,
  parseFingerprint,
} from "./fingerprint.ts";
export {
  createTraceWriter,
  type StoreBatch,
  traceBodySize,
  type TraceWriter,
  type TraceWriterOptions,
  type TraceWriterSnapshot,
  type WriteFailure,
  type WriterLog,
} from "./writer.ts";
export {
  type DropReason,
  dropReasons,
  type PressureState,
  pressureStates,
} from "./writer_stats.ts";
export { type WriteErrorClass, writeErrorClasses } from "./write_errors.ts";
export {
  type LineageItem,
  lineageOf,
  lineageSeq,
  maxLineageTraces,
  sortLineageTraces,
  type TraceLineage,
} from "./lineage.ts";
export {
  maxQueryParameters,
  type StoredQuery,
  storedQuery,
  storedQueryParameters,
} from "./stored_query.ts";
export {
  defaultLiveEntries,
  type LiveBusiest,
  type LiveEntry,
  liveEntryOf,
  type LiveFigures,
  type LiveQuery,
  type LiveRecent,
  type LiveSort,
  liveSorts,
  type LiveView,
  LiveWindow,
  type LiveWindowOptions,
} from "./live_window.ts";
export { DropSamples, openIn, type OpenTally, tallyOpen } from "./live_counts.ts";

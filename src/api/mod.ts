/**
 * The gateway's JSON API: service info, health, trace pipeline diagnostics, and trace list,
 * export and detail. Routes read the tenant scope from the Hono context (`c.get("scope")`) so
 * team mode can confine every read.
 */
export { type ApiDeps, createApiRoutes } from "./routes.ts";
export {
  type ConfiguredRoute,
  type RoutesSource,
  routesSource,
  type RoutesStatus,
  routesStatusBody,
  routesStatusSchema,
} from "./routes_status.ts";
export type { ApiVariables } from "./scope.ts";
export { type Endpoint, type EndpointAccess, endpoints } from "./contract/mod.ts";
export { type HealthBody, healthBody, type HealthInputs, type TraceWriterStats } from "./health.ts";
export { listLimits, parseTraceListParams, traceListParameters } from "./params.ts";
export { lineageOf, type TraceDetail, traceDetail, type TraceLineage } from "./trace_detail.ts";
export { buildReplay, type TraceReplayResponse } from "./lineage_replay.ts";
export { deriveFork, forkHeaderNames, type TraceForkResponse } from "./lineage_fork.ts";
export {
  type TraceDiagnostics,
  traceDiagnosticsBody,
  type TraceDiagnosticsInputs,
  type TraceDiagnosticsResponse,
  traceDiagnosticsResponseSchema,
  traceDiagnosticsSchema,
  traceDiagnosticsSchemaVersion,
} from "./diagnostics.ts";
export {
  exportLimits,
  openTraceExport,
  parseTraceExportParams,
  type TraceExportOptions,
  traceExportParameters,
  traceExportQuerySchema,
  type TraceExportRequest,
} from "./export.ts";
export {
  csvCell,
  csvField,
  csvHeader,
  csvRecord,
  exportColumns,
  exportContentTypes,
  exportFilename,
  type ExportFormat,
  exportFormats,
  ndjsonLine,
} from "./export_encoding.ts";
export { traceExportRecordSchema } from "./export_schema.ts";
export { gatewayRows, type GatewayRowsQuery } from "./reconciliation_rows.ts";
export { dimensions as costDimensions } from "./analytics_dimensions.ts";
/** The analytics views as pure functions of store aggregates (also used by `ongoingai report`). */
export * as analyticsBodies from "./analytics_bodies.ts";
/** The sessions view and the non-generation figure, as pure functions (also `report --by`). */
export * as analyticsSessions from "./analytics_attribution.ts";
export { generateGatewayKeyId, generateToken } from "./gateway_keys.ts";
/** Lineage chains (`debug-chain.v1`): `ongoingai debug` and `/api/traces/{id}/lineage`. */
export {
  buildLineageChain,
  type ChainResult,
  type ChainStore,
  lineageLimits,
} from "./lineage_chain.ts";
export {
  canonicalJson,
  type ChainOptions,
  type ChainSelection,
  type Checkpoint,
  type CheckpointDiff,
  checkpointDiffs,
  type DebugChainDocument,
  debugChainSchemaVersion,
  sha256Hex,
} from "./lineage_document.ts";
/** Replay and fork of a stored request (`POST /api/traces/{id}/replay`). */
export { type ReplayContext, type ReplayProvider } from "./replay_plan.ts";
export { type ReplayOptions, replayOptionsSchema } from "./replay_options.ts";
export {
  liveBody,
  type LiveParts,
  liveQuerySchema,
  type LiveRequest,
  type LiveSource,
} from "./live.ts";
export {
  type LiveBusiestEntry,
  type LiveRecentRequest,
  type LiveResponse,
  liveResponseSchema,
  liveSchemaVersion,
  liveSortKeys,
  type LiveWindow as LiveWindowFigures,
} from "./live_schema.ts";

/**
 * The gateway's JSON API: service info, health, and trace list and detail. Routes read the
 * tenant scope from the Hono context (`c.get("scope")`) so team mode can confine every read.
 */
export { type ApiDeps, createApiRoutes } from "./routes.ts";
export type { ApiVariables } from "./scope.ts";
export { type HealthBody, healthBody, type HealthInputs, type TraceWriterStats } from "./health.ts";
export { listLimits, parseTraceListParams, traceListParameters } from "./params.ts";
export { lineageOf, type TraceDetail, traceDetail, type TraceLineage } from "./trace_detail.ts";
/** The analytics views as pure functions of store aggregates (also used by `ongoingai report`). */
export * as analyticsBodies from "./analytics_bodies.ts";

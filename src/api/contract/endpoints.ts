/**
 * The registry: every JSON API endpoint, in the order the document lists them. Adding an
 * endpoint is one entry here (its schemas live next to its handler or in schemas.ts); the
 * document, the 405 table and the contract test follow.
 */
import { z } from "zod";
import { traceListQuerySchema } from "../params.ts";
import { analyticsQuerySchemas } from "../analytics.ts";
import * as analytics from "../analytics_bodies.ts";
import * as analyticsAttribution from "../analytics_attribution.ts";
import { failoversSchema } from "../analytics_failovers.ts";
import { dimensionsSchema } from "../analytics_dimensions.ts";
import { traceDiagnosticsResponseSchema } from "../diagnostics.ts";
import { lineageQuerySchema } from "../lineage_route.ts";
import { debugChainSchema } from "../lineage_schema.ts";
import { traceExportQuerySchema } from "../export.ts";
import { exportColumns } from "../export_encoding.ts";
import { traceExportRecordSchema } from "../export_schema.ts";
import type { Endpoint } from "./endpoint.ts";
import { replayEndpoints } from "./replay_endpoints.ts";
import { reconciliationEndpoints } from "./reconciliation_endpoints.ts";
import { liveEndpoints } from "./live_endpoints.ts";
import { lineageEndpoints } from "./lineage_endpoints.ts";
import {
  auditEntrySchema,
  auditExportQuerySchema,
  auditListQuerySchema,
  auditPageSchema,
} from "../audit.ts";
import {
  createGatewayKeySchema,
  gatewayKeyEventListSchema,
  gatewayKeyIdSchema,
  gatewayKeyListSchema,
  gatewayKeyWithTokenSchema,
} from "../gateway_keys.ts";
import {
  enableKeyResultSchema,
  poolKeyIdSchema,
  poolProviderSchema,
  routesStatusSchema,
} from "../routes_status.ts";
import {
  errorResponseSchema,
  healthResponseSchema,
  openApiDocumentSchema,
  rootStatusSchema,
  traceDetailSchema,
  tracesResponseSchema,
} from "./schemas.ts";

const error = (description: string) => ({ description, schema: errorResponseSchema });
const storeFailed = error("internal_error: the trace store failed; see the gateway log.");
const keysNeedTeamMode = error(
  "team_mode_required: key management over HTTP needs team mode (`auth.enabled: true`); " +
    "`ongoingai keys` works on the host without it.",
);
const keysNeedTeamModeOrGrant = error(
  "team_mode_required (as above), or grant_refused: the key would rank above the caller's " +
    "role, hold a permission the caller lacks, or hold an operator-level permission " +
    "(`diagnostics:read`), which only the config or `ongoingai keys` can give; `refused` lists " +
    "each reason.",
);

export const endpoints: readonly Endpoint[] = [
  {
    method: "get",
    path: "/",
    operationId: "getRoot",
    access: "public",
    summary: "Service name and version",
    tag: "service",
    responses: { 200: { description: "The service answers.", schema: rootStatusSchema } },
  },
  {
    method: "get",
    path: "/api/health",
    operationId: "getHealth",
    access: "public",
    summary: "Liveness, storage and trace queue figures",
    description: "Answers even when the store cannot report its size.",
    tag: "service",
    responses: { 200: { description: "The gateway is up.", schema: healthResponseSchema } },
  },
  {
    method: "get",
    path: "/api/openapi.json",
    operationId: "getOpenApi",
    access: "key",
    summary: "This OpenAPI document",
    tag: "service",
    responses: { 200: { description: "OpenAPI 3.1 document.", schema: openApiDocumentSchema } },
  },
  {
    method: "get",
    path: "/api/traces",
    operationId: "listTraces",
    access: "analytics:read",
    summary: "List traces, newest stored first",
    description: "Unknown, repeated or malformed parameters are rejected (400), never ignored. " +
      "An empty value means the parameter is not set.",
    tag: "traces",
    query: traceListQuerySchema,
    responses: {
      200: { description: "A page of traces.", schema: tracesResponseSchema },
      400: error("invalid_parameter: names the parameter and what it accepts."),
      500: storeFailed,
    },
    example: { query: { provider: "openai", status: "200", limit: "2", from: "2000-01-01" } },
  },
  {
    method: "get",
    path: "/api/traces/{id}",
    operationId: "getTrace",
    access: "analytics:read",
    summary: "One trace with headers, bodies, metadata and lineage",
    tag: "traces",
    pathParams: { id: z.string().min(1).describe("A trace id, as listed by /api/traces.") },
    responses: {
      200: { description: "The trace.", schema: traceDetailSchema },
      404: error("not_found: no such trace in the caller's scope."),
      500: storeFailed,
    },
  },
  {
    method: "get",
    path: "/api/traces/{id}/lineage",
    operationId: "getTraceLineage",
    access: "analytics:read",
    summary: "A trace's lineage chain in order, as `ongoingai debug` prints it (debug-chain.v1)",
    description: "The chain is the trace's lineage group (with its thread and run), else its " +
      "thread or run, else its agent session; the newest `limit` traces of it, always with this " +
      "trace, ordered by parent links and sequence numbers. Only the caller's tenant's traces. " +
      "Headers with include_headers=true; bodies with include_bodies=true and bodies:read " +
      "(otherwise withheld, and options.bodies_withheld says so); diffs with diff=true.",
    tag: "traces",
    pathParams: { id: z.string().min(1).describe("A trace id, as listed by /api/traces.") },
    query: lineageQuerySchema,
    responses: {
      200: { description: "The chain.", schema: debugChainSchema },
      400: error("invalid_parameter: names the parameter and what it accepts."),
      404: error("not_found: no such trace in the caller's scope."),
      500: storeFailed,
    },
    example: {
      query: { diff: "true", include_headers: "true", include_bodies: "true", limit: "5" },
    },
  },
  ...lineageEndpoints,
  ...replayEndpoints,
  {
    method: "get",
    path: "/api/traces/export",
    operationId: "exportTraces",
    access: "analytics:read",
    summary: "Every stored field of every matching trace, streamed as NDJSON or CSV",
    description: "The same filters as /api/traces; newest stored first. Streamed page by " +
      "page, so memory stays flat however many traces match. A store failure after the first " +
      "page breaks the transfer instead of ending it cleanly. CSV columns, in this order: " +
      `${exportColumns.join(", ")}.`,
    tag: "traces",
    query: traceExportQuerySchema,
    responses: {
      200: {
        description: "The traces: one JSON object per line (format=ndjson), or CSV with a header.",
        schema: traceExportRecordSchema,
        mediaType: "application/x-ndjson",
        alsoAs: { "text/csv": z.string().regex(new RegExp(`^${exportColumns[0]},`)) },
      },
      400: error("invalid_parameter: names the parameter and what it accepts."),
      500: storeFailed,
    },
    example: { query: { format: "csv", provider: "openai" } },
  },
  {
    method: "get",
    path: "/api/diagnostics/trace-pipeline",
    operationId: "getTracePipelineDiagnostics",
    access: "diagnostics:read",
    summary: "The trace writer: queue, pressure, accepted, written and dropped by reason",
    tag: "service",
    responses: {
      200: { description: "The writer's state now.", schema: traceDiagnosticsResponseSchema },
    },
  },
  ...analyticsEndpoints(),
  ...reconciliationEndpoints,
  ...liveEndpoints,
  {
    method: "get",
    path: "/api/routes",
    operationId: "getRoutes",
    access: "diagnostics:read",
    summary: "Routes: targets, circuit breakers, recent failure rates, pool key cooldowns",
    description: "Every configured route with its targets, each target's breaker (shared " +
      "between instances on PostgreSQL) and this instance's attempts over the last minute, and " +
      "per provider the pool keys' state: usable, cooling (until when, why), disabled (why, " +
      "since when) or saturated. Keys by id only, never a secret. Gateway-wide (every " +
      "tenant's traffic), hence `diagnostics:read`. Empty lists when no routes are configured.",
    tag: "routing",
    responses: { 200: { description: "Routing now.", schema: routesStatusSchema } },
  },
  {
    method: "post",
    path: "/api/routes/keys/{provider}/{id}/enable",
    operationId: "enablePoolKey",
    access: "diagnostics:read",
    summary: "Re-enable a pool key disabled after a 401/402/403 (or end its cooldown)",
    description: "Clears the key's own block on every instance sharing the routing state; " +
      "recorded in the gateway log with the caller's key id. Team mode: needs " +
      "`keys:manage` besides `diagnostics:read`. No body.",
    tag: "routing",
    pathParams: { provider: poolProviderSchema, id: poolKeyIdSchema },
    responses: {
      200: { description: "The key's state after the change.", schema: enableKeyResultSchema },
      403: error("permission_denied: the caller's key lacks keys:manage."),
      404: error("not_found: no such pool key (or no key pools configured)."),
    },
  },

  {
    method: "get",
    path: "/api/gateway-keys",
    operationId: "listGatewayKeys",
    access: "keys:manage",
    summary: "The caller's tenant's active gateway keys created through the API",
    description: "Keys defined in the config file are not listed; they are managed there.",
    tag: "gateway-keys",
    responses: {
      200: { description: "Active keys, without tokens.", schema: gatewayKeyListSchema },
      403: keysNeedTeamMode,
      500: storeFailed,
    },
  },
  {
    method: "post",
    path: "/api/gateway-keys",
    operationId: "createGatewayKey",
    access: "keys:manage",
    summary: "Create a gateway key in the caller's tenant; the token is shown once",
    description: "Every instance accepts the key within `auth.key_refresh_ms`. The body is " +
      "optional, at most 64 KiB, sent as `Content-Type: application/json`; unknown fields are " +
      "rejected. The key's role may not rank above the caller's, its permissions (role defaults " +
      "included) must all be the caller's, and `diagnostics:read` is never granted here. Team " +
      "mode only.",
    tag: "gateway-keys",
    body: {
      schema: createGatewayKeySchema,
      valid: { name: "CI", description: "build pipeline", role: "viewer" },
      invalid: { name: "CI", token: "chosen-by-me" },
    },
    responses: {
      201: { description: "The key, with its token.", schema: gatewayKeyWithTokenSchema },
      400: error("invalid_json or bad_request: the body is not a valid key."),
      403: keysNeedTeamModeOrGrant,
      415: error("unsupported_media_type: a body without `Content-Type: application/json`."),
      500: storeFailed,
    },
  },
  {
    method: "post",
    path: "/api/gateway-keys/{id}/rotate",
    operationId: "rotateGatewayKey",
    access: "keys:manage",
    summary: "Give a gateway key a new token (shown once); the old one stops working",
    description: "The new token would be the caller's, so the key is bounded as in " +
      "createGatewayKey: no rotating a key above the caller.",
    tag: "gateway-keys",
    pathParams: { id: gatewayKeyIdSchema },
    responses: {
      200: { description: "The key, with its new token.", schema: gatewayKeyWithTokenSchema },
      403: keysNeedTeamModeOrGrant,
      404: error("not_found: no such active key in the caller's tenant."),
      500: storeFailed,
    },
  },
  {
    method: "delete",
    path: "/api/gateway-keys/{id}",
    operationId: "revokeGatewayKey",
    access: "keys:manage",
    summary: "Revoke a gateway key; every instance refuses it within `auth.key_refresh_ms`",
    tag: "gateway-keys",
    pathParams: { id: gatewayKeyIdSchema },
    responses: {
      204: { description: "Revoked." },
      403: keysNeedTeamMode,
      404: error("not_found: no such active key in the caller's tenant."),
      500: storeFailed,
    },
  },
  {
    method: "get",
    path: "/api/audit",
    operationId: "listAudit",
    access: "audit:read",
    summary: "The hash-chained audit log, newest first",
    description: "Key lifecycle, pooled provider keys disabled, config reloads and denied " +
      "requests (docs/audit.md). Within the caller's tenant; a key that also holds " +
      "`diagnostics:read` sees the gateway-wide entries (tenant null) too. Unknown, repeated " +
      "or malformed parameters are rejected (400).",
    tag: "audit",
    query: auditListQuerySchema,
    responses: {
      200: { description: "A page of entries.", schema: auditPageSchema },
      400: error("invalid_parameter: names the parameter and what it accepts."),
      500: storeFailed,
    },
    example: { query: { action: "gateway_key.created", limit: "2" } },
  },
  {
    method: "get",
    path: "/api/audit/export",
    operationId: "exportAudit",
    access: "audit:read",
    summary: "Every matching audit entry, streamed as NDJSON",
    description: "The same filters and reach as /api/audit, newest first, one entry per line " +
      "exactly as hashed (docs/audit.md says how to verify a copy). Streamed page by page.",
    tag: "audit",
    query: auditExportQuerySchema,
    responses: {
      200: {
        description: "One JSON entry per line.",
        schema: auditEntrySchema,
        mediaType: "application/x-ndjson",
      },
      400: error("invalid_parameter: names the parameter and what it accepts."),
      500: storeFailed,
    },
    example: { query: { format: "ndjson" } },
  },
  {
    method: "get",
    path: "/api/gateway-key-events",
    operationId: "listGatewayKeyEvents",
    access: "keys:manage",
    summary: "Audit log of gateway key lifecycle: created, rotated, revoked, and by whom",
    tag: "gateway-keys",
    responses: {
      200: { description: "The caller's tenant's events.", schema: gatewayKeyEventListSchema },
      403: keysNeedTeamMode,
      500: storeFailed,
    },
  },
];

function analyticsEndpoints(): Endpoint[] {
  const q = analyticsQuerySchemas;
  const invalid = error("invalid_parameter: names the parameter and what it accepts.");
  const view = (
    name: keyof typeof q,
    summary: string,
    description: string,
    ok: z.ZodType,
    example: Record<string, string>,
  ): Endpoint => ({
    method: "get",
    path: `/api/analytics/${name}`,
    operationId: `getAnalytics${name[0]!.toUpperCase()}${name.slice(1)}`,
    access: "analytics:read",
    summary,
    description,
    tag: "analytics",
    query: q[name],
    responses: { 200: { description: summary, schema: ok }, 400: invalid, 500: storeFailed },
    example: { query: example },
  });
  const seriesNote = "A summary unless group_by or bucket asks for a series (bucket defaults " +
    "to day). unpriced_count and unknown_usage_count say what a total leaves out.";
  return [
    view(
      "usage",
      "Tokens: input, output, cached, cache-write, reasoning",
      seriesNote,
      z.union([analytics.usageSummarySchema, analytics.usageSeriesSchema]),
      { group_by: "provider", bucket: "day" },
    ),
    view(
      "cost",
      "Estimated cost of priced traces",
      seriesNote,
      z.union([analytics.costSummarySchema, analytics.costSeriesSchema]),
      { group_by: "model", bucket: "week" },
    ),
    view(
      "models",
      "Requests, tokens, cost, latency and errors by model",
      "Most requests first, among requests that named a model; the others (probes, model " +
        "lists) are counted in non_generation, never ranked.",
      analytics.modelsSchema,
      { provider: "openai" },
    ),
    view(
      "keys",
      "Requests, tokens and cost by provider key fingerprint",
      "Only traces with a provider key. Most requests first.",
      analytics.keysSchema,
      { from: "2000-01-01" },
    ),
    view(
      "latency",
      "Latency and time to first token: average, min, max, p50, p95, p99",
      "Percentiles are within 1% (mergeable histograms). Groups in name order.",
      analytics.latencySchema,
      { group_by: "model" },
    ),
    view(
      "errors",
      "4xx and 5xx counts and rates",
      "By group_by and bucket when given.",
      analytics.errorsSchema,
      { group_by: "provider", bucket: "hour" },
    ),
    view(
      "sessions",
      "Agent sessions: agent, developer, first and last request, totals, cost and models",
      "One item per session id (X-OngoingAI-Session-Id, or the session id Codex and Claude " +
        "Code send), the most recent first, at most limit. Read from the traces of the range " +
        "(sessions are not in the rollups): give from and to on a large store. Session ids, " +
        "agents and, outside team mode, developers are claimed by the client (docs/agents.md).",
      analyticsAttribution.sessionsSchema,
      { from: "2026-03-01", developer: "alice" },
    ),
    view(
      "failovers",
      "Failovers per route and target: requests answered, attempts, failures, failovers away",
      "Routed requests only (docs/routing.md), one item per route and target. request_count, " +
        "failover_count, attempt_count and error_count are of the requests the target answered " +
        "(a trace's provider and model are the answering target's); target_attempt_count, " +
        "target_failure_count, failures_by_outcome, failures_by_reason and " +
        "failed_over_from_count are of every attempt made on it, from the attempt records " +
        "(a target tried but never answered has request_count 0). provider and model filter " +
        "on the target. Read from the routed traces of the range: give from and to on a large " +
        "store.",
      failoversSchema,
      { from: "2026-03-01", route: "gpt-main" },
    ),
    view(
      "dimensions",
      "Cost by billed dimension: input, cache reads and writes by lifetime, output, tools, ...",
      "One item per bucket, group and dimension of the traces' cost lines (cost_breakdown): " +
        "quantity, what the priced lines cost, and the quantity no price covered (of partial or " +
        "unpriced costs, never priced as zero). Without bucket and group_by, one item per " +
        "dimension: how much went to cache writes, say. group_by is provider, model or workspace.",
      dimensionsSchema,
      { group_by: "model", bucket: "day" },
    ),
    view(
      "summary",
      "Totals: requests, tokens, cost, errors, active keys, top model",
      "unpriced_count and unknown_usage_count say what the totals leave out.",
      analytics.summarySchema,
      { model: "gpt-4o-mini" },
    ),
  ];
}

/**
 * Response bodies of the JSON API as zod schemas: the OpenAPI document is generated from them and
 * the API's TypeScript types are inferred from them (or checked against them, type_checks.ts).
 * A schema with `.meta({ id })` becomes a named component (`#/components/schemas/<id>`).
 *
 * Objects are closed (`additionalProperties: false` in the document), so the contract test fails
 * on a field the document does not list.
 */
import { z } from "zod";
import { answerCodes } from "../../errors/mod.ts";
import { perTokenField, tokenFieldDescriptions } from "../../providers/mod.ts";
import { costBreakdownSchema, costStatusSchema } from "./cost_schemas.ts";

export { costBreakdownSchema, costStatusSchema };

const count = () => z.int().nonnegative();
const rfc3339 = (what: string) => z.iso.datetime().describe(`${what}, RFC 3339 UTC`);

export const rootStatusSchema = z.object({
  name: z.literal("ongoingai gateway"),
  version: z.string(),
  status: z.literal("ok"),
}).meta({ id: "RootStatus", description: "Service name and version." });

export const healthResponseSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  uptime_sec: count(),
  storage_driver: z.enum(["sqlite", "postgres"]),
  db_size_bytes: count().exactOptional().describe(
    "Present when the store can tell (SQLite: main file plus WAL).",
  ),
  trace_store: z.enum(["ok", "degraded"]).exactOptional().describe(
    "Present when the writer reports it; degraded while it retries a failing store. The gateway " +
      "keeps proxying either way.",
  ),
  trace_queue: z.object({
    accepted: count(),
    written: count(),
    dropped: count(),
    depth: count(),
    capacity: count(),
  }).exactOptional().describe(
    "Left out in team mode (auth.enabled): these figures count every tenant's traffic; keys " +
      "with diagnostics:read find them at /api/diagnostics/trace-pipeline.",
  ),
}).meta({
  id: "HealthResponse",
  description: "Liveness and the figures an operator checks first. Public, so no per-tenant data " +
    "(no global trace count, unlike the original), and in team mode no traffic figures at all.",
});

export const usageStatusSchema = z.enum(["exact", "unknown", "none"]).meta({
  id: "UsageStatus",
  description: "exact: usage reported and read; unknown: expected but not known (tokens and cost " +
    "are then null); none: the exchange carries no usage.",
});

export const traceErrorCodeSchema = z.enum([
  "upstream_unreachable",
  "upstream_timeout",
  "upstream_idle_timeout",
  "upstream_truncated",
  "upstream_redirect",
  "client_aborted",
  "request_too_large",
  "request_timeout",
  "bad_request",
  "rate_limited",
  "pii_blocked",
  "pii_uninspectable",
  "shutdown",
  "internal_error",
]).meta({
  id: "TraceErrorCode",
  description: "Why a request did not end as a normal, complete upstream exchange.",
});

const tokens = (what: string) =>
  z.int().nonnegative().nullable().describe(`${what}; null when usage is not known`);

const claimed = (what: string) =>
  z.string().nullable().describe(
    `${what}. Claimed by the client in its headers (docs/agents.md): a label, never used for ` +
      "auth; null when not sent.",
  );

/** Who a trace is attributed to (traces/agent_identity.ts); the export has them too. */
export const attributionFields = {
  agent: claimed(
    "The coding agent: codex, claude-code, opencode or gemini-cli, from the user-agent",
  ),
  agent_version: claimed("The agent's version, from its user-agent"),
  session_id: claimed(
    "X-OngoingAI-Session-Id, else the agent's session id (Codex session-id, Claude Code " +
      "X-Claude-Code-Session-Id)",
  ),
  agent_thread_id: claimed("Codex's thread id (thread-id, or the older conversation_id)"),
  agent_turn_id: claimed("Codex's turn id (x-codex-turn-metadata turn_id)"),
  agent_request_kind: claimed(
    "Codex's request_kind (prewarm, turn, ...) or Claude Code's x-claude-code-request-class",
  ),
  developer: z.string().nullable().describe(
    "Who the request is attributed to: in team mode the id of the verified gateway key (a " +
      "claimed X-OngoingAI-User is then only kept in metadata.claimed_user); otherwise the " +
      "X-OngoingAI-User label the client claims (ongoingai wrap --user). null when neither.",
  ),
};

/** One upstream attempt of a routed request (routing/types.ts `AttemptRecord`). */
export const attemptRecordSchema = z.object({
  n: count().describe("1-based order within the client request."),
  provider: z.string().describe("The target's provider id."),
  model: z.string().describe("The model sent upstream for this attempt."),
  key_id: z.string().nullable().describe(
    "The pool key's id (never the key); null when the client's own key was used.",
  ),
  outcome: z.enum([
    "success",
    "status",
    "connect_failed",
    "reset_before_headers",
    "path_refused",
    "credentials_failed",
    "timeout",
    "failed_before_commit",
  ]).describe(
    "success; status (the upstream answered an error status); connect_failed (nothing sent); " +
      "reset_before_headers; path_refused (nothing sent: the target's provider kind has no form " +
      "of the request's path); credentials_failed (nothing sent: the gateway could not apply its " +
      "own cloud credentials for the target); timeout; failed_before_commit (a stream that failed before its " +
      "first content).",
  ),
  status: z.int().min(100).max(599).nullable().describe(
    "The upstream's HTTP status; null when it never answered.",
  ),
  reason: z.string().nullable().describe(
    "Why the gateway went on after this attempt; null for the attempt that answered.",
  ),
  timeout_phase: z.enum(["connect", "first_byte", "first_token", "idle", "total"]).nullable()
    .describe(
      "The route limit (timeouts.<phase>_ms) that ended this attempt: a timeout outcome's " +
        "phase, or on the committed attempt the limit that cut its stream after the commit " +
        "point (idle or total). null when no limit ended it.",
    ),
  waited_ms: count().describe("Backoff waited before this attempt started."),
  started_ms: count().describe("From the client request's arrival to this attempt's start."),
  first_byte_ms: count().nullable().describe(
    "Response headers arrived after this many ms of the attempt; null when they never did.",
  ),
  duration_ms: count(),
  committed: z.boolean().describe("This attempt's answer is the one the client received."),
}).meta({
  id: "AttemptRecord",
  description: "One upstream attempt of a routed request. Keys appear by pool id only.",
});

/** A trace's route and attempt count (list, detail and export). */
export const routeFields = {
  route: z.string().nullable().describe(
    "The route the client asked for (its configured name, docs/routing.md); null when no route " +
      "applied.",
  ),
  attempt_count: count().describe(
    "Upstream attempts made for this request, all of them (attempts keeps at most 32): 1 for " +
      "an unrouted request. More than 1 means the request failed over or was retried.",
  ),
};

/** The attempt records (detail and export; the list leaves them out). */
export const attemptsField = z.array(attemptRecordSchema).nullable().describe(
  "One record per upstream attempt, in order, at most 32 (past that the first 31 and the last); " +
    "null for an unrouted request. provider, model and cost of the trace are those of the " +
    "attempt that answered.",
);

/** The fields of a list item; the detail adds headers, bodies, metadata and lineage. */
const summaryFields = {
  id: z.string(),
  trace_group_id: z.string().nullable(),
  org_id: z.string(),
  workspace_id: z.string(),
  gateway_key_id: z.string().nullable(),
  timestamp: rfc3339("When the request arrived"),
  created_at: rfc3339("When the trace was built (the end of the exchange)"),
  provider: z.string(),
  model: z.string(),
  request_method: z.string(),
  request_path: z.string().describe("The gateway path, prefix included, without the query."),
  request_body_truncated: z.boolean(),
  response_status: z.int().min(100).max(599).describe(
    "The HTTP status sent to the client; 499 when the client went away first.",
  ),
  response_body_truncated: z.boolean(),
  ...perTokenField((field) => tokens(tokenFieldDescriptions[field])),
  usage_status: usageStatusSchema,
  latency_ms: count(),
  time_to_first_token_ms: count().nullable(),
  time_to_first_token_us: z.int().nonnegative().nullable(),
  api_key_hash: z.string().nullable().describe("Provider key fingerprint (keyed hash)."),
  api_key_last4: z.string().nullable(),
  estimated_cost_usd: z.number().nonnegative().nullable(),
  cost_status: costStatusSchema,
  streaming: z.boolean(),
  error_code: traceErrorCodeSchema.nullable(),
  client_aborted: z.boolean(),
  correlation_id: z.string(),
  request_bytes: count(),
  response_bytes: count(),
  ...attributionFields,
  ...routeFields,
};

export const traceSummarySchema = z.object(summaryFields).meta({
  id: "TraceSummary",
  description: "A trace without headers, bodies, attempt records and metadata.",
});

export const tracesResponseSchema = z.object({
  items: z.array(traceSummarySchema),
  next_cursor: z.string().nullable().describe(
    "Pass as cursor for the next page; null on the last page.",
  ),
}).meta({ id: "TracesResponse", description: "A page of traces, newest stored first." });

const headerMap = z.record(z.string(), z.array(z.string()));

/** A stored trace as the API shows it: checked against `Trace` in type_checks.ts. */
export const traceSchema = z.object({
  ...summaryFields,
  request_headers: headerMap.describe("Credentials redacted."),
  request_body: z.string().nullable(),
  response_headers: headerMap,
  response_body: z.string().nullable(),
  cost_breakdown: costBreakdownSchema,
  attempts: attemptsField,
  metadata: z.record(z.string(), z.unknown()),
});

export const traceLineageSchema = z.object({
  group_id: z.string().nullable(),
  thread_id: z.string().nullable(),
  run_id: z.string().nullable(),
  checkpoint_id: z.string().describe("Defaults to the trace id."),
  parent_checkpoint_id: z.string().nullable(),
  checkpoint_seq: z.int().nonnegative().nullable(),
  immutable: z.boolean().describe("Defaults to true."),
}).meta({
  id: "TraceLineage",
  description: "Read from the lineage_* metadata keys, with defaults applied.",
});

export const traceDetailSchema = traceSchema.extend({ lineage: traceLineageSchema }).meta({
  id: "TraceDetail",
  description: "A stored trace with headers, bodies, metadata and lineage.",
});

const errorCodes = answerCodes;

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string().describe("What was wrong and what to do."),
    parameter: z.string().exactOptional().describe(
      "The query parameter at fault (invalid_parameter).",
    ),
    permission: z.string().exactOptional().describe(
      "The permission the caller's gateway key lacks (permission_denied).",
    ),
    reason: z.enum([
      "body_not_captured",
      "body_truncated",
      "body_altered",
      "body_not_json",
      "provider_gone",
      "provider_unknown",
      "provider_protocol",
      "model_not_placed",
      "websocket_prewarm",
      "request_invalid",
    ]).exactOptional().describe("Why a stored request cannot be replayed (not_replayable)."),
    refused: z.array(
      z.looseObject({
        reason: z.enum([
          "role_above_creator",
          "operator_permission",
          "permission_not_held",
          "other_tenant",
        ]),
      }),
    ).exactOptional().describe(
      "grant_refused: each thing the key may not be given, with `role`, `permission` or " +
        "`org_id`/`workspace_id`.",
    ),
  }),
}).meta({ id: "ErrorResponse", description: "The JSON error envelope of every gateway route." });

export const openApiDocumentSchema = z.looseObject({
  openapi: z.literal("3.1.0"),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
}).meta({ id: "OpenApiDocument", description: "This document." });

/**
 * `GET /api/live`'s body as a zod schema (issue 25): what a running gateway is doing now, for
 * `ongoingai top`. The figures come from the traces this gateway process built in the last minute
 * (kept in memory, bounded), the requests it has open, and its trace writer: one instance's view,
 * not the store's (the analytics endpoints answer for every instance).
 *
 * Unknown is never zero: tokens count only requests whose usage is known and say how many were
 * not; cost counts only priced requests and says how many were not.
 */
import { z } from "zod";

export const liveSchemaVersion = "live.v1";

const count = z.int().nonnegative();
const rate = z.number().nonnegative();
const usd = z.number().nonnegative().describe("USD");
const timestamp = z.string().describe("RFC 3339 UTC");

/** The figures of the requests that ended within one window. */
const windowFigures = z.object({
  seconds: z.number().nonnegative().describe(
    "The span the figures cover: the window asked for, or less when the gateway started more " +
      "recently or the in-memory window reached its entry cap (then `truncated` is true).",
  ),
  truncated: z.boolean().describe(
    "The window's entry cap was reached: the figures cover the most recent `seconds` only.",
  ),
  requests: count,
  errors: count.describe("Answers with a status >= 400, and requests that failed before one."),
  input_tokens: count,
  output_tokens: count,
  total_tokens: count,
  unknown_usage_count: count.describe("Requests whose usage is unknown: in none of the tokens."),
  cost_usd: usd.describe("Priced requests only (a partially priced one with its priced part)."),
  unpriced_count: count.describe("Requests with no price: in no cost."),
  partial_count: count.describe("Requests priced in part: cost_usd is then a lower bound."),
  requests_per_second: rate,
  tokens_per_second: rate,
  cost_usd_per_minute: rate,
  error_rate: z.number().min(0).max(1).nullable().describe("errors / requests; null: none"),
});

/** One of the busiest models, keys or sessions over the minute window. */
const busiestEntry = z.object({
  name: z.string().describe(
    "models: the model; keys: the provider key's fingerprint (or 'unknown'); sessions: the " +
      "session id",
  ),
  provider: z.string().nullable().describe("The provider, when the entry has one."),
  label: z.string().nullable().describe(
    "keys: '...' and the key's last four characters; sessions: the coding agent and developer",
  ),
  requests: count,
  errors: count,
  total_tokens: count,
  unknown_usage_count: count,
  cost_usd: usd,
  unpriced_count: count,
  partial_count: count.describe("Requests priced in part: cost_usd is then a lower bound."),
});

const recentRequest = z.object({
  trace_id: z.string(),
  ended_at: timestamp,
  provider: z.string(),
  model: z.string(),
  status: z.int().describe("The HTTP status the client got (0: none, the client went away)."),
  error_code: z.string().nullable(),
  streaming: z.boolean(),
  latency_ms: z.number().nonnegative(),
  time_to_first_token_ms: z.number().nonnegative().nullable(),
  total_tokens: count.nullable().describe("null: usage unknown"),
  cost_usd: usd.nullable().describe("null: not priced"),
  cost_status: z.string(),
  key: z.string().nullable().describe("'...' and the provider key's last four characters"),
  agent: z.string().nullable(),
  session_id: z.string().nullable(),
  developer: z.string().nullable(),
});

export const liveSortKeys = ["requests", "tokens", "cost", "errors"] as const;

export const liveResponseSchema = z.object({
  schema_version: z.literal(liveSchemaVersion),
  generated_at: timestamp,
  started_at: timestamp.describe("When this gateway process started."),
  scope: z.object({
    org_id: z.string().nullable(),
    workspace_id: z.string().nullable(),
  }).describe("The tenant the figures are limited to; null: every tenant."),
  filter: z.string().nullable().describe("The `filter` parameter applied, if any."),
  sort: z.enum(liveSortKeys),
  open_requests: count.describe("Requests in flight now, streams included (in scope)."),
  open_streams: count.describe("The part of open_requests whose answer is a stream."),
  open_websockets: count.describe(
    "WebSocket relays open now (in scope): a Codex session's Responses socket, open between its " +
      "responses too; not in open_requests.",
  ),
  last_10s: windowFigures,
  last_minute: windowFigures,
  pipeline: z.object({
    queue_depth: count,
    queue_capacity: count,
    dropped_total: count.describe("Traces lost since start, every reason together."),
    dropped_last_minute: count,
  }).nullable().describe(
    "The trace writer, whole-gateway: null unless the caller may read diagnostics " +
      "(`diagnostics:read`).",
  ),
  busiest: z.object({
    models: z.array(busiestEntry),
    keys: z.array(busiestEntry),
    sessions: z.array(busiestEntry),
  }).describe("Over the minute window, by `sort`, at most `limit` each."),
  recent: z.array(recentRequest).describe("The latest requests to end, newest first."),
});

export type LiveResponse = z.infer<typeof liveResponseSchema>;
export type LiveWindow = z.infer<typeof windowFigures>;
export type LiveBusiestEntry = z.infer<typeof busiestEntry>;
export type LiveRecentRequest = z.infer<typeof recentRequest>;

/**
 * The trace: one record per proxied request. Field names are the API's snake_case JSON names and
 * the storage column names, so a trace reads the same in the database, the API and an export.
 */
import type { TraceErrorCode } from "../errors/mod.ts";

import type { TokenField, Usage, UsageStatus, UsageUnknownReason } from "../providers/mod.ts";
import type { AttemptRecord } from "../routing/mod.ts";
import type { CostBreakdown } from "./cost_breakdown.ts";

export type { AttemptRecord };

export type { Usage, UsageStatus, UsageUnknownReason };

/**
 * - `priced`: cost computed from the price table, every billed dimension priced.
 * - `partial`: the answer reports a dimension the price row does not price (a 1-hour cache
 *   write, audio tokens, a tool use, a region): the cost is the priced part, a lower bound, and
 *   `cost_breakdown.unpriced` names the rest. Never priced as zero.
 * - `unpriced`: usage known but the model (or the service tier that served it) has no price;
 *   cost null.
 * - `unknown_usage`: usage unknown, so cost is unknown; cost null.
 * - `none`: nothing billable happened; cost null.
 */
export type CostStatus = "priced" | "partial" | "unpriced" | "unknown_usage" | "none";

/** The statuses whose `estimated_cost_usd` is a number, which totals add up. */
export const costedStatuses: readonly CostStatus[] = ["priced", "partial"];

/**
 * Why a request did not end as a normal, complete upstream exchange: the trace column of the one
 * error table (errors/errors.ts), so every code a trace stores comes from a gateway error.
 */
export type { TraceErrorCode } from "../errors/mod.ts";
export { failureTraceCodes } from "../errors/mod.ts";

export type HeaderMap = Record<string, string[]>;

/**
 * A captured body on its way to the store: UTF-8 bytes, decoded by the store. Bytes live outside
 * the JavaScript heap and are copied to the store worker with a memcpy, so capturing large
 * bodies under load does not fill the gateway's heap with strings that only a major GC frees.
 * Strings are accepted too (tests, and anything already decoded).
 */
export type CapturedBody = string | Uint8Array;

/** A trace as written: a `Trace` whose bodies may still be bytes. */
export type TraceRecord = Omit<Trace, "request_body" | "response_body"> & {
  request_body: CapturedBody | null;
  response_body: CapturedBody | null;
};

/** One figure per token field (`tokenFields`); null when usage is not known. */
export type TraceTokens = Record<TokenField, number | null>;

/** A trace as stored and read back; its token figures are `TraceTokens`. */
export interface Trace extends TraceTokens {
  id: string;
  trace_group_id: string | null;
  org_id: string;
  workspace_id: string;
  gateway_key_id: string | null;
  /** RFC 3339 UTC, when the request arrived. */
  timestamp: string;
  /** RFC 3339 UTC, when the trace was built (the end of the exchange). */
  created_at: string;
  provider: string;
  model: string;
  request_method: string;
  /** The gateway path, prefix included, without the query. */
  request_path: string;
  request_headers: HeaderMap;
  request_body: string | null;
  request_body_truncated: boolean;
  response_status: number;
  response_headers: HeaderMap;
  response_body: string | null;
  response_body_truncated: boolean;
  usage_status: UsageStatus;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  time_to_first_token_us: number | null;
  api_key_hash: string | null;
  api_key_last4: string | null;
  estimated_cost_usd: number | null;
  cost_status: CostStatus;
  /**
   * One line per billed dimension (count, unit price, amount) and the price row used; the
   * priced lines add up to `estimated_cost_usd`. Null when nothing was priced (no row, usage
   * unknown, nothing billable) and for traces stored before it existed.
   */
  cost_breakdown: CostBreakdown | null;
  streaming: boolean;
  error_code: TraceErrorCode | null;
  client_aborted: boolean;
  correlation_id: string;
  request_bytes: number;
  response_bytes: number;
  /**
   * The coding agent (`codex`, `claude-code`, `opencode`). This and the agent fields below are what the
   * client claims in its headers (traces/agent_identity.ts): labels for analytics, never trusted
   * for auth; null when not sent.
   */
  agent: string | null;
  agent_version: string | null;
  /** `X-OngoingAI-Session-Id`, or the agent's own session id. */
  session_id: string | null;
  agent_thread_id: string | null;
  agent_turn_id: string | null;
  /** `prewarm`, `turn`, ... (Codex), `main`, `subagent`, ... (Claude Code). */
  agent_request_kind: string | null;
  /**
   * Who the request is attributed to: in team mode the gateway key's id (verified; a claimed
   * `X-OngoingAI-User` is kept apart in `metadata.claimed_user`), otherwise the claimed
   * `X-OngoingAI-User` label (`ongoingai wrap --user`).
   */
  developer: string | null;
  /** The route the client asked for (its configured name); null when no route applied. */
  route: string | null;
  /**
   * Upstream attempts made for this client request: 1 for an unrouted request. Counts every
   * attempt, also those past the `attempts` list's bound (`maxStoredAttempts`).
   */
  attempt_count: number;
  /**
   * One record per upstream attempt, in order (at most `maxStoredAttempts`); null when unrouted.
   * The trace's `provider`, `model` and cost are those of the attempt that answered.
   */
  attempts: AttemptRecord[] | null;
  metadata: Record<string, unknown>;
}

/**
 * Analytics queries the stores answer: one aggregate per (bucket, group) that every analytics
 * endpoint reads its figures from, and latency percentiles. Both SQLite and PostgreSQL implement
 * them with the same answers (the conformance suite checks it).
 */
import type { TokenField } from "../providers/mod.ts";
import type { TenantScope } from "./types.ts";

/**
 * Dimensions a query can group by, and the trace column each reads: all kept by the rollups.
 * Sessions are not a dimension here: they are far too many for the rollups, and one row per
 * session of a range is unbounded; the sessions view (sessions.ts) answers them, with a limit.
 */
export const groupColumns = {
  provider: "provider",
  model: "model",
  api_key_hash: "api_key_hash",
  gateway_key: "gateway_key_id",
  workspace: "workspace_id",
  route: "request_path",
  developer: "developer",
  agent: "agent",
  /**
   * The route's name (`Trace.route`, issue 19); unrouted traffic is the null group. Not `route`,
   * which has meant the request path since before routes existed.
   */
  route_name: "route",
} as const;
export type GroupBy = keyof typeof groupColumns;

/** A group from an untyped caller (`session`, say) is refused before any SQL is built. */
export function checkGroup(group: string | undefined): void {
  if (group === undefined || Object.hasOwn(groupColumns, group)) return;
  throw new RangeError(
    `group_by ${JSON.stringify(group)} is not an aggregate dimension` +
      (group === "session" ? " (one row per session has no bound: use sessions())" : ""),
  );
}

export const buckets = ["hour", "day", "week"] as const;
export type Bucket = (typeof buckets)[number];

export interface AnalyticsQuery {
  /** Inclusive bounds on `timestamp`, RFC 3339 UTC. */
  from?: string;
  to?: string;
  provider?: string;
  model?: string;
  scope?: TenantScope;
  group_by?: GroupBy;
  /** Time buckets start at the hour, the UTC day, or the Monday of the ISO week. */
  bucket?: Bucket;
  /** Only traces that carry a provider key fingerprint (the keys view). */
  with_key_only?: boolean;
  /**
   * Only traces of this provider key fingerprint (`Trace.api_key_hash`). Only the daily keys
   * rollup keeps the key (the hourly and daily ones hold '' there), so a keyed query reads it,
   * or the traces where it cannot answer (`keyRollupAnswers`).
   */
  api_key_hash?: string;
}

/** Groups `rollup_daily_keys` keeps; the others are '' there (rollups.ts `dimensionsOf`). */
export const keyRollupGroups = ["provider", "model", "workspace", "api_key_hash"] as const;

/** Whether a query reads the daily keys rollup: the keys view, or a key filter. */
export const keyed = (q: AnalyticsQuery) =>
  q.group_by === "api_key_hash" || q.with_key_only === true || q.api_key_hash !== undefined;

/**
 * Whether the daily keys rollup can answer a keyed query: not by hour (its periods are days) and
 * not grouped by what it does not keep (developer, agent, path, gateway key, route). Otherwise
 * the query reads the traces of the whole range: exact, and slower on a long one (the partial
 * index on api_key_hash narrows a key filter to that key's traces).
 */
export const keyRollupAnswers = (q: AnalyticsQuery) =>
  q.bucket !== "hour" &&
  (q.group_by === undefined || (keyRollupGroups as readonly string[]).includes(q.group_by));

/** Token columns are `tokenFields` (providers/usage.ts), summed. */
export interface AggregateRow extends Record<TokenField, number> {
  /** RFC 3339 UTC start of the bucket; null without `bucket`. */
  bucket_start: string | null;
  /** The group's value; null without `group_by`, or for traces without one (no key, ...). */
  group: string | null;
  request_count: number;
  /**
   * Sum of the priced traces' estimates and the partial ones' priced parts (`knownCost`): null
   * when none of the group is priced yet some of it has a cost we cannot know (unpriced, or usage
   * unknown), since 0 would read as "free". Otherwise a lower bound whenever `partial_count`,
   * `unpriced_count` or `unknown_usage_count` is not 0.
   */
  total_cost_usd: number | null;
  priced_count: number;
  /** Priced but for a dimension the price row does not price: their cost is a lower bound. */
  partial_count: number;
  /** Usage known but no price for the model: their cost is missing from the total. */
  unpriced_count: number;
  /** Usage expected but not known (stream cut, unparsable): missing from tokens and cost. */
  unknown_usage_count: number;
  error_count_4xx: number;
  error_count_5xx: number;
  avg_latency_ms: number | null;
  min_latency_ms: number | null;
  max_latency_ms: number | null;
  /** Over streamed traces with a first token. */
  avg_ttft_ms: number | null;
  first_seen_at: string | null;
  last_seen_at: string | null;
  /** Any `api_key_last4` of the group (the keys view). */
  api_key_last4: string | null;
}

/** Groups the cost-line rollup keeps (it has no key, path, developer or agent). */
export const costLineGroups = ["provider", "model", "workspace"] as const satisfies GroupBy[];

/** A cost-line query's group, checked before any SQL is built. */
export function checkCostLineGroup(group: string | undefined): void {
  if (group === undefined || (costLineGroups as readonly string[]).includes(group)) return;
  throw new RangeError(
    `group_by ${JSON.stringify(group)} is not kept with the cost lines: use one of ` +
      costLineGroups.join(", "),
  );
}

/** The cost lines of one (bucket, group) and billed dimension (`CostLine.dimension`). */
export interface CostLineRow {
  bucket_start: string | null;
  group: string | null;
  dimension: string;
  /** `per_million_tokens` or `per_use`. */
  unit: string;
  /** Tokens, or uses of a tool. */
  quantity: number;
  /** What the priced lines cost, USD. */
  cost_usd: number;
  /** Quantity on lines without a price (of partial or unpriced costs): not in `cost_usd`. */
  unpriced_quantity: number;
  /** Traces with this line. */
  trace_count: number;
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface PercentileRow {
  bucket_start: string | null;
  group: string | null;
  latency_ms: Percentiles;
  /** Time to first token of streamed traces, in ms with microsecond precision. */
  ttft_ms: Percentiles;
}

/**
 * Linear interpolation between closest ranks, `rank = p * (n - 1)`, as PostgreSQL's
 * percentile_cont: lo and hi are the values at floor(rank) and floor(rank) + 1.
 */
export function interpolate(
  p: number,
  n: number,
  lo: number | null,
  hi: number | null,
): number | null {
  if (n === 0 || lo === null) return null;
  const rank = p * (n - 1);
  const frac = rank - Math.floor(rank);
  return hi === null || frac === 0 ? lo : lo + frac * (hi - lo);
}

/**
 * What a group's total cost can honestly say: the priced sum when every trace that costs
 * something is priced (or some are and the counts say what is missing: a lower bound), null when
 * traces with a cost were seen and none of them could be priced. Traces that cost nothing
 * (`cost_status: "none"`: a model list, a refused request) leave a 0 total at 0.
 */
export function knownCost(
  row: Pick<AggregateRow, "priced_count" | "unpriced_count" | "unknown_usage_count"> & {
    partial_count?: number;
    total_cost_usd: number | null;
  },
): number | null {
  const unknown = row.unpriced_count + row.unknown_usage_count;
  const costed = row.priced_count + (row.partial_count ?? 0);
  return costed === 0 && unknown > 0 ? null : row.total_cost_usd ?? 0;
}

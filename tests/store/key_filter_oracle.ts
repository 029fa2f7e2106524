/**
 * The key-filter conformance cases' history and their expected answers worked out here, trace by
 * trace, from the traces that match (conformance_key_filter.ts): what a store must answer for
 * `api_key_hash` is the sums of that key's traces only, whichever rollups it reads.
 */
import type { AggregateRow, AnalyticsQuery, GroupBy } from "../../src/store/mod.ts";
import type { CostLine, Trace } from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { routedAttempts } from "./conformance_attempts.ts";

export const keyA = "a".repeat(64);
export const keyB = "0123456789abcdef".repeat(4);

const days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"];
const times = ["00:10:00.000", "05:59:59.999", "10:00:00.000", "10:30:00.000", "10:45:00.000"];

const line = (dimension: string, quantity: number, usdPerMillion: number | null): CostLine => ({
  dimension,
  quantity,
  unit: "per_million_tokens",
  unit_price_usd: usdPerMillion,
  amount_usd: usdPerMillion === null ? null : quantity * usdPerMillion / 1e6,
});

/**
 * Four days of traffic where both keys and keyless traces share every hour, provider, model,
 * path, developer and agent: the hourly and daily rollups merge them into one row, so a store
 * that filtered those rollups by key would count nothing, or everything.
 */
export function keyedHistory(): Trace[] {
  const out: Trace[] = [];
  let i = 0;
  for (const day of days) {
    for (const time of times) {
      const timestamp = `${day}T${time}Z`;
      const anthropic = i % 3 === 0;
      const unknownUsage = i % 7 === 6;
      const unpriced = !unknownUsage && i % 5 === 3;
      const tokens = { input: 10 * (i + 1), output: 5 * (i + 1), cached: i % 2 === 0 ? 0 : i };
      const price = (usd: number) => (unpriced ? null : usd);
      const lines = [
        line("input", tokens.input, price(3)),
        line("output", tokens.output, price(15)),
        ...(tokens.cached > 0 ? [line("cached_input", tokens.cached, price(0.3))] : []),
      ];
      const cost = lines.reduce((n, l) => n + (l.amount_usd ?? 0), 0);
      const routed = i % 4 < 2;
      const failedOver = routed && i % 8 === 0;
      out.push(makeTrace({
        timestamp,
        created_at: timestamp,
        ...(i === 7 ? { org_id: "org-2", workspace_id: "ws-2" } : {}),
        provider: anthropic ? "anthropic" : "openai",
        model: anthropic ? "claude-x" : i % 2 === 0 ? "gpt-4o" : "gpt-4o-mini",
        api_key_hash: [keyA, keyB, null, keyA][i % 4]!,
        api_key_last4: [keyA, keyB, null, keyA][i % 4]?.slice(-4) ?? null,
        input_tokens: unknownUsage ? null : tokens.input,
        output_tokens: unknownUsage ? null : tokens.output,
        total_tokens: unknownUsage ? null : tokens.input + tokens.output,
        cached_input_tokens: unknownUsage ? null : tokens.cached,
        cache_write_tokens: unknownUsage ? null : 0,
        reasoning_tokens: unknownUsage ? null : 0,
        usage_status: unknownUsage ? "unknown" : "exact",
        estimated_cost_usd: unknownUsage || unpriced ? null : cost,
        cost_status: unknownUsage ? "unknown_usage" : unpriced ? "unpriced" : "priced",
        cost_breakdown: unknownUsage ? null : {
          lines,
          unpriced: unpriced ? lines.map((l) => l.dimension) : [],
          price_row: {
            source: "built-in",
            model: anthropic ? "claude-x" : "gpt-4o",
            valid_from: null,
            service_tier: "standard",
            tier_above_input_tokens: null,
            multiplier: 1,
          },
        },
        response_status: i % 6 === 5 ? 500 : i % 6 === 4 ? 429 : 200,
        latency_ms: 40 + 13 * i,
        streaming: i % 3 === 1,
        time_to_first_token_ms: i % 3 === 1 ? 5 + i : null,
        time_to_first_token_us: i % 3 === 1 ? (5 + i) * 1000 + 250 : null,
        developer: i % 2 === 0 ? "alice" : "bob",
        agent: i % 3 === 0 ? null : "codex",
        session_id: `s-${i % 5}`,
        route: routed ? "main" : null,
        attempt_count: failedOver ? 3 : 1,
        attempts: failedOver ? routedAttempts() : null,
      }));
      i++;
    }
  }
  return out;
}

/** Whether a trace is in a query's range, filters and tenant. */
export function matches(t: Trace, q: AnalyticsQuery): boolean {
  return (q.from === undefined || t.timestamp >= q.from) &&
    (q.to === undefined || t.timestamp <= q.to) &&
    (q.provider === undefined || t.provider === q.provider) &&
    (q.model === undefined || t.model === q.model) &&
    (q.api_key_hash === undefined || t.api_key_hash === q.api_key_hash) &&
    (q.scope === undefined ||
      (t.org_id === q.scope.org_id && t.workspace_id === q.scope.workspace_id));
}

const groupField: Record<GroupBy, (t: Trace) => string | null> = {
  provider: (t) => t.provider,
  model: (t) => t.model,
  api_key_hash: (t) => t.api_key_hash,
  gateway_key: (t) => t.gateway_key_id,
  workspace: (t) => t.workspace_id,
  route: (t) => t.request_path,
  developer: (t) => t.developer,
  agent: (t) => t.agent,
  route_name: (t) => t.route,
};

function bucketOf(t: Trace, bucket: AnalyticsQuery["bucket"]): string | null {
  if (bucket === undefined) return null;
  if (bucket === "hour") return `${t.timestamp.slice(0, 13)}:00:00.000Z`;
  const day = Date.parse(`${t.timestamp.slice(0, 10)}T00:00:00.000Z`);
  if (bucket === "day") return new Date(day).toISOString();
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - weekday * 86_400_000).toISOString();
}

/** The key a row is compared by: its bucket and group. */
export const rowKey = (bucket: string | null, group: string | null) => `${bucket} | ${group}`;

export function groupsOf(traces: readonly Trace[], q: AnalyticsQuery): Map<string, Trace[]> {
  const out = new Map<string, Trace[]>();
  for (const t of traces.filter((t) => matches(t, q))) {
    const key = rowKey(bucketOf(t, q.bucket), q.group_by ? groupField[q.group_by](t) : null);
    out.set(key, [...(out.get(key) ?? []), t]);
  }
  return out;
}

export const round = (x: number) => Math.round(x * 1e9) / 1e9;

/** The figures compared, from a group's traces. */
export function figuresOf(ts: readonly Trace[]) {
  const costed = ts.filter((t) => t.cost_status === "priced" || t.cost_status === "partial");
  const unknown = ts.filter((t) =>
    t.cost_status === "unpriced" || t.cost_status === "unknown_usage"
  );
  const latencies = ts.map((t) => t.latency_ms);
  return {
    request_count: ts.length,
    input_tokens: ts.reduce((n, t) => n + (t.input_tokens ?? 0), 0),
    total_tokens: ts.reduce((n, t) => n + (t.total_tokens ?? 0), 0),
    cached_input_tokens: ts.reduce((n, t) => n + (t.cached_input_tokens ?? 0), 0),
    total_cost_usd: costed.length === 0 && unknown.length > 0
      ? null
      : round(costed.reduce((n, t) => n + (t.estimated_cost_usd ?? 0), 0)),
    priced_count: ts.filter((t) => t.cost_status === "priced").length,
    unpriced_count: ts.filter((t) => t.cost_status === "unpriced").length,
    unknown_usage_count: ts.filter((t) => t.usage_status === "unknown").length,
    error_count_4xx: ts.filter((t) => t.response_status >= 400 && t.response_status < 500).length,
    error_count_5xx: ts.filter((t) => t.response_status >= 500).length,
    min_latency_ms: Math.min(...latencies),
    max_latency_ms: Math.max(...latencies),
    avg_latency_ms: round(latencies.reduce((n, l) => n + l, 0) / ts.length),
    first_seen_at: ts.map((t) => t.timestamp).sort()[0]!,
    last_seen_at: ts.map((t) => t.timestamp).sort().at(-1)!,
  };
}

/** The same figures from a store's row, rounded as `figuresOf`. */
export function rowFigures(r: AggregateRow): ReturnType<typeof figuresOf> {
  return {
    request_count: r.request_count,
    input_tokens: r.input_tokens,
    total_tokens: r.total_tokens,
    cached_input_tokens: r.cached_input_tokens,
    total_cost_usd: r.total_cost_usd === null ? null : round(r.total_cost_usd),
    priced_count: r.priced_count,
    unpriced_count: r.unpriced_count,
    unknown_usage_count: r.unknown_usage_count,
    error_count_4xx: r.error_count_4xx,
    error_count_5xx: r.error_count_5xx,
    min_latency_ms: r.min_latency_ms!,
    max_latency_ms: r.max_latency_ms!,
    avg_latency_ms: round(r.avg_latency_ms!),
    first_seen_at: r.first_seen_at!,
    last_seen_at: r.last_seen_at!,
  };
}

/** Linear interpolation between closest ranks, as the stores' percentiles. */
export function p50(ts: readonly Trace[]): number {
  const sorted = ts.map((t) => t.latency_ms).sort((a, b) => a - b);
  const rank = 0.5 * (sorted.length - 1);
  const lo = sorted[Math.floor(rank)]!, hi = sorted[Math.ceil(rank)]!;
  return lo + (rank - Math.floor(rank)) * (hi - lo);
}

/** Cost lines per (bucket, group, dimension): quantity, priced cost, unpriced quantity, traces. */
export function costLinesOf(traces: readonly Trace[], q: AnalyticsQuery) {
  const out = new Map<string, [number, number, number, number]>();
  for (const [key, ts] of groupsOf(traces, q)) {
    for (const l of ts.flatMap((t) => t.cost_breakdown?.lines ?? [])) {
      const k = `${key} | ${l.dimension}`;
      const [qty, usd, unpriced, n] = out.get(k) ?? [0, 0, 0, 0];
      out.set(k, [
        qty + l.quantity,
        usd + (l.amount_usd ?? 0),
        unpriced + (l.amount_usd === null ? l.quantity : 0),
        n + 1,
      ]);
    }
  }
  for (const v of out.values()) v[1] = round(v[1]);
  return out;
}

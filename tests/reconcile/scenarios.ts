/** Small builders for the reconciliation scenario tests: report documents and gateway rows by hand. */
import type { GatewayRow } from "../../src/reconcile/mod.ts";

export interface Use {
  day: string;
  model: string;
  u: number;
  r?: number;
  w5?: number;
  w1?: number;
  o: number;
  tier?: string;
  ws?: string;
}

const next = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** One page of daily buckets, one for each of `days` (empty buckets included, as the API does). */
function buckets<T>(days: string[], rows: T[], dayOf: (r: T) => string, result: (r: T) => unknown) {
  return {
    data: days.map((d) => ({
      starting_at: `${d}T00:00:00Z`,
      ending_at: `${next(d)}T00:00:00Z`,
      results: rows.filter((r) => dayOf(r) === d).map(result),
    })),
    has_more: false,
    next_page: null,
  };
}

export function anthropicUsage(days: string[], uses: Use[]) {
  return buckets(days, uses, (x) => x.day, (x) => ({
    model: x.model,
    workspace_id: x.ws ?? null,
    api_key_id: null,
    service_tier: x.tier ?? null,
    uncached_input_tokens: x.u,
    cache_read_input_tokens: x.r ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: x.w5 ?? 0, ephemeral_1h_input_tokens: x.w1 ?? 0 },
    output_tokens: x.o,
    server_tool_use: null,
  }));
}

export interface Cost {
  day: string;
  model: string | null;
  cents: string;
  ws?: string;
}

export function anthropicCost(days: string[], costs: Cost[]) {
  return buckets(days, costs, (x) => x.day, (x) => ({
    currency: "USD",
    amount: x.cents,
    model: x.model,
    workspace_id: x.ws ?? null,
    cost_type: x.model === null ? null : "tokens",
    token_type: null,
    service_tier: null,
    description: null,
  }));
}

export function gw(
  day: string,
  model: string,
  t: { u: number; r?: number; w5?: number; w1?: number; other?: number; o: number },
  usd: number,
  extra: Partial<GatewayRow> = {},
): GatewayRow {
  return {
    day,
    provider: "anthropic",
    model,
    requests: 10,
    tokens: {
      uncached_input: t.u,
      cache_read: t.r ?? 0,
      cache_write_5m: t.w5 ?? 0,
      cache_write_1h: t.w1 ?? 0,
      cache_write_other: t.other ?? 0,
      output: t.o,
    },
    usd,
    priced_requests: 10,
    partial_requests: 0,
    unpriced_requests: 0,
    unknown_usage_requests: 0,
    ...extra,
  };
}

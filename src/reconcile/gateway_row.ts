/**
 * The gateway side of a reconciliation, as the caller fills it from the store's rollups: one row
 * per UTC day × provider × model (× group). The figures are sums over the traces of that day.
 */
import type { RowGroup } from "./types.ts";

/**
 * Tokens by the kinds providers bill apart. Unlike the trace's `input_tokens` (which INCLUDES
 * cached reads and cache writes, as OpenAI's `input_tokens` does), `uncached_input` is input
 * neither read from nor written to a cache, as Anthropic's `uncached_input_tokens` is: build it
 * with `gatewayTokensFrom`.
 */
export interface GatewayTokens {
  /** input_tokens − cached_input_tokens − cache_write_tokens. */
  uncached_input: number;
  /** cached_input_tokens: prompt tokens read from a cache. */
  cache_read: number;
  /** Cache writes the answer reported with a 5-minute lifetime (Anthropic `ephemeral_5m`). */
  cache_write_5m: number;
  /** Cache writes the answer reported with a 1-hour lifetime (Anthropic `ephemeral_1h`). */
  cache_write_1h: number;
  /** Cache writes with no lifetime reported (older traces; OpenAI): their split is unknown. */
  cache_write_other: number;
  output: number;
}

export interface GatewayRow {
  /** UTC day of the requests' start, `YYYY-MM-DD`. */
  day: string;
  /**
   * The provider KIND (`anthropic`, `openai`): rows of another kind than the report's are left
   * out (and counted in a note). Pass only traffic billed to the account the report is of.
   */
  provider: string;
  /** The model id the traces recorded. */
  model: string;
  /**
   * Group ids in the PROVIDER's terms (an Anthropic workspace id, an OpenAI project id, the
   * provider's API key id), for `groupBy`; the gateway's own tenants are not these.
   */
  group?: RowGroup;
  /** Every traced request, priced or not, usage known or not. */
  requests: number;
  tokens: GatewayTokens;
  /** Sum of `estimated_cost_usd` of priced and partially priced requests, in dollars. */
  usd: number;
  priced_requests: number;
  /** Priced with some dimension lacking a price (cost step 3): their USD is a lower bound. */
  partial_requests: number;
  /** No price for the model: no USD at all. */
  unpriced_requests: number;
  /** Usage the gateway could not read (a cut stream): no tokens counted for them. */
  unknown_usage_requests: number;
  /** Server-side tool uses by kind (`web_search`), from the traces' billing facts. */
  tool_uses?: Record<string, number>;
  /**
   * Labels of the price rows the day's costs used (e.g. `claude-sonnet-4-5@2026-01-01`). Two in
   * one period tell a price change from a wrong price in the explanations.
   */
  price_rows?: string[];
}

/** Token sums as the traces store them (input INCLUDES cached and cache-write tokens). */
export interface TraceTokenSums {
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  /** The parts of `cache_write_tokens` with a lifetime reported (`usage_billing.cache_write_by_ttl`). */
  cache_write_1h?: number;
  cache_write_5m?: number;
}

/**
 * The conversion from the trace's figures to `GatewayTokens`. A write without a reported
 * lifetime stays in `cache_write_other`, never guessed as 5-minute (the trap research section 6
 * names: 1-hour writes priced as 5-minute). Negative remainders (inconsistent sums) become 0.
 */
export function gatewayTokensFrom(t: TraceTokenSums): GatewayTokens {
  const w1h = t.cache_write_1h ?? 0;
  const w5m = t.cache_write_5m ?? 0;
  return {
    uncached_input: Math.max(0, t.input_tokens - t.cached_input_tokens - t.cache_write_tokens),
    cache_read: t.cached_input_tokens,
    cache_write_5m: w5m,
    cache_write_1h: w1h,
    cache_write_other: Math.max(0, t.cache_write_tokens - w1h - w5m),
    output: t.output_tokens,
  };
}

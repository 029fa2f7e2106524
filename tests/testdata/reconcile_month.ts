/**
 * A small Anthropic month for reconciliation tests: traces priced by the gateway's own cost path
 * (built-in Claude prices, 5-minute and 1-hour cache writes), and the Anthropic Admin API usage
 * and cost reports of the same traffic worked out here at Anthropic's list prices.
 */
import { createCostEstimator } from "../../src/pricing/mod.ts";
import type { UsageReport } from "../../src/providers/mod.ts";
import type { Trace } from "../../src/traces/mod.ts";
import { makeTrace } from "./trace_fixture.ts";

export const model = "claude-sonnet-4-6";
export const days = ["2026-11-02", "2026-11-03", "2026-11-04"];
/** One day's requests: uncached input, cache reads, 5-minute and 1-hour writes, output. */
export const perRequest = { uncached: 1200, read: 30_000, w5m: 2000, w1h: 4000, output: 700 };
const requestsPerDay = 3;

const estimate = createCostEstimator({ kind: "anthropic", prices: {} });

export function trace(day: string, i: number): Trace {
  const u = perRequest;
  const input = u.uncached + u.read + u.w5m + u.w1h;
  const report: UsageReport = {
    model,
    status: "exact",
    parseErrors: 0,
    usage: {
      input_tokens: input,
      output_tokens: u.output,
      total_tokens: input + u.output,
      cached_input_tokens: u.read,
      cache_write_tokens: u.w5m + u.w1h,
      reasoning_tokens: 0,
    },
    facts: { cache_write_by_ttl: { "5m": u.w5m, "1h": u.w1h } },
  };
  const timestamp = `${day}T1${i}:00:00.000Z`;
  const cost = estimate(model, report, Date.parse(timestamp));
  return makeTrace({
    id: `rc-${day}-${i}`,
    timestamp,
    created_at: timestamp,
    provider: "anthropic",
    model,
    ...report.usage!,
    usage_status: "exact",
    estimated_cost_usd: cost.estimated_cost_usd,
    cost_status: cost.cost_status,
    cost_breakdown: cost.cost_breakdown,
  });
}

/** Anthropic's list prices for Sonnet 4.6, USD per million: the report side, worked out here. */
const list = { input: 3, read: 0.3, w5m: 3.75, w1h: 6, output: 15 };
const cents = (usd: number) => (usd * 100).toFixed(6);

/** The usage and cost reports of `days`, `scale` times the gateway's requests each. */
export function reports(scale: (day: string) => number) {
  const bucket = (day: string, results: unknown[]) => ({
    starting_at: `${day}T00:00:00Z`,
    ending_at: new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString()
      .replace(".000Z", "Z"),
    results,
  });
  const n = (day: string) => requestsPerDay * scale(day);
  const u = perRequest;
  const usage = {
    data: days.map((day) =>
      bucket(day, [{
        model,
        uncached_input_tokens: u.uncached * n(day),
        cache_read_input_tokens: u.read * n(day),
        cache_creation: {
          ephemeral_5m_input_tokens: u.w5m * n(day),
          ephemeral_1h_input_tokens: u.w1h * n(day),
        },
        output_tokens: u.output * n(day),
        server_tool_use: { web_search_requests: 0 },
      }])
    ),
    has_more: false,
    next_page: null,
  };
  const line = (day: string, tokenType: string, tokens: number, usdPerMillion: number) => ({
    currency: "USD",
    amount: cents(tokens * n(day) * usdPerMillion / 1e6),
    model,
    cost_type: "tokens",
    token_type: tokenType,
    service_tier: "standard",
    description: `Claude Sonnet 4.6 ${tokenType}`,
  });
  const cost = {
    data: days.map((day) =>
      bucket(day, [
        line(day, "uncached_input_tokens", u.uncached, list.input),
        line(day, "cache_read_input_tokens", u.read, list.read),
        line(day, "cache_creation.ephemeral_5m_input_tokens", u.w5m, list.w5m),
        line(day, "cache_creation.ephemeral_1h_input_tokens", u.w1h, list.w1h),
        line(day, "output_tokens", u.output, list.output),
      ])
    ),
    has_more: false,
    next_page: null,
  };
  return { usage, cost };
}

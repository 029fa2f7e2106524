/**
 * Words and numbers as a finance reader sees them: metric names, counts with separators, dollars
 * to 4 decimals, percentages. Shared by the explanations and the text table so they agree.
 */
import type { Cause } from "./result.ts";
import type { Metric } from "./types.ts";

export const metricLabels: Record<Metric, string> = {
  uncached_input: "uncached input tokens",
  cache_read: "cache read tokens",
  cache_write_total: "cache write tokens (all)",
  cache_write_5m: "5-minute cache writes",
  cache_write_1h: "1-hour cache writes",
  output: "output tokens",
  requests: "requests",
  usd: "cost (USD)",
};

/** Each cause in a few words, for totals that count lines by cause. */
export const causeLabels: Record<Cause, string> = {
  bypass: "traffic that bypassed the gateway",
  unknown_usage: "usage the gateway marked unknown",
  unpriced: "unpriced model",
  partially_priced: "partially priced requests",
  price_differs: "a price that differs",
  cache_ttl_split: "cache writes counted at the other lifetime",
  priority_tier: "Priority Tier cost not in the report",
  unexplained: "unexplained",
};

const counts = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const dollars = new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 4,
  maximumFractionDigits: 4,
});

export function formatCount(n: number): string {
  return counts.format(n);
}

/** `$1,234.5678`, `-$0.0012`. */
export function formatUsd(n: number): string {
  const s = dollars.format(Math.abs(n));
  return `${n < 0 && s !== "0.0000" ? "-" : ""}$${s}`;
}

/** A fraction as a percentage with two decimals, signed when asked: `-12.50%`. */
export function formatPercent(fraction: number, signed = false): string {
  const s = `${(fraction * 100).toFixed(2)}%`;
  return signed && fraction > 0 ? `+${s}` : s;
}

/** A metric's figure with its unit. */
export function formatFigure(m: Metric, n: number): string {
  if (m === "usd") return formatUsd(n);
  return m === "requests" ? formatCount(n) : `${formatCount(n)} tok`;
}

/** Dollars per million tokens: `$3.0000/M`. */
export function formatRate(usd: number, tokens: number): string {
  return `${formatUsd((usd / tokens) * 1e6)}/M`;
}

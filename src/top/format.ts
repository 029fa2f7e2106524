/**
 * Figures as `top` shows them: short enough for a column, and honest about what is not known.
 * A count of requests whose usage is unknown, or whose price is, is said next to the figure
 * (`+3 unknown`, `>=$0.12`, `unpriced`); it is never folded into a zero.
 */
import { sanitize } from "./text.ts";

/** A rate or count in at most about six cells: 0, 2.35, 12.4, 873, 12.3k, 4.56M. */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return "?";
  const a = Math.abs(n);
  if (a === 0) return "0";
  if (a < 10) return trimZeros(n.toFixed(2));
  if (a < 100) return trimZeros(n.toFixed(1));
  if (a < 10_000) return String(Math.round(n));
  if (a < 1_000_000) return `${trimZeros((n / 1000).toFixed(a < 100_000 ? 1 : 0))}k`;
  if (a < 1_000_000_000) return `${trimZeros((n / 1e6).toFixed(2))}M`;
  return `${trimZeros((n / 1e9).toFixed(2))}G`;
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** US dollars: $0, $0.00042, $0.0123, $1.23, $1234. */
export function usd(n: number): string {
  if (!Number.isFinite(n)) return "$?";
  if (n === 0) return "$0";
  if (n < 0.01) return `$${Number(n.toPrecision(2))}`;
  if (n < 1) return `$${n.toFixed(4).replace(/(\.\d\d\d*?)0+$/, "$1")}`;
  if (n < 10_000) return `$${n.toFixed(2)}`;
  return `$${compact(n)}`;
}

/** A duration in milliseconds: 85ms, 1.24s, 2m05s. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${trimZeros((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** A share in [0, 1] as a percentage; null (no requests) as "-". */
export function percent(rate: number | null): string {
  if (rate === null) return "-";
  return `${trimZeros((rate * 100).toFixed(rate < 0.1 ? 1 : 0))}%`;
}

/**
 * Tokens over `requests`, `unknown` of which have no usage: "1.2k", "1.2k +3 unknown", or
 * "unknown" when none is known (a zero there would claim no tokens were used).
 */
export function tokens(total: number, unknown: number, requests: number, rate = false): string {
  if (requests > 0 && unknown >= requests) return "unknown";
  const shown = compact(total) + (rate ? "/s" : "");
  return unknown > 0 ? `${shown} +${unknown} unknown` : shown;
}

/** What a cost adds up: the priced amount over `requests`, and the requests left out of it. */
export interface CostParts {
  amount: number;
  requests: number;
  /** Usage known, no price. */
  unpriced: number;
  /** Usage unknown, so cost unknown too. */
  unknown: number;
  /** Priced in part: in the amount with their priced part only. */
  partial: number;
}

/**
 * "$0.12"; ">=$0.12" when some requests are left out or priced in part (the amount is a lower
 * bound); "unpriced" or "unknown" when none is in it (a zero there would claim they were free).
 */
export function cost(c: CostParts): string {
  if (c.requests > 0 && c.unpriced >= c.requests) return "unpriced";
  if (c.requests > 0 && c.unpriced + c.unknown >= c.requests) return "unknown";
  return c.unpriced + c.unknown + c.partial > 0 ? `>=${usd(c.amount)}` : usd(c.amount);
}

/** An RFC 3339 time as HH:MM:SS (UTC, as the API gives it); the text itself when unreadable. */
export function clock(iso: string): string {
  const m = /T(\d\d:\d\d:\d\d)/.exec(iso);
  return m?.[1] ?? sanitize(iso);
}

/** A Date as HH:MM:SS UTC. */
export function clockOf(at: Date): string {
  return at.toISOString().slice(11, 19);
}

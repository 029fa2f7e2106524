/**
 * Token figures as providers send them, checked before they become a `Usage`: only non-negative
 * safe integers count, so a malformed number is "not reported" rather than a wrong total.
 */
import type { Usage } from "./usage.ts";
import { isRecord } from "./json_body.ts";

export function tokenCount(v: unknown): number | null {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

/** `obj[a][b]` as a token count. */
export function nestedCount(obj: Record<string, unknown>, a: string, b: string): number | null {
  const inner = obj[a];
  return isRecord(inner) ? tokenCount(inner[b]) : null;
}

export interface UsageParts {
  /** Every input token, cached and cache-written included. */
  input: number;
  output: number;
  cached?: number | null;
  cacheWrite?: number | null;
  reasoning?: number | null;
}

/**
 * Null when a sum leaves the safe-integer range: each figure was checked, but two near the limit
 * add up to a number that is no longer exact, and an inexact total is worse than an unknown one.
 */
export function makeUsage(p: UsageParts): Usage | null {
  const total = p.input + p.output;
  if (!Number.isSafeInteger(p.input) || !Number.isSafeInteger(total)) return null;
  return {
    input_tokens: p.input,
    output_tokens: p.output,
    total_tokens: total,
    cached_input_tokens: p.cached ?? 0,
    cache_write_tokens: p.cacheWrite ?? 0,
    reasoning_tokens: p.reasoning ?? 0,
  };
}

/**
 * One report result being read into a `ProviderRow`: each figure checked as it is taken, and a
 * figure that fails makes the metrics it feeds unknown for the row (so the line shows "unknown",
 * not a sum that silently lacks it).
 */
import { bad, type Json, numberOf, type ParseContext } from "./report_input.ts";
import type { Metric, ProviderRow, ReportTokens, RowGroup } from "./types.ts";

/** The metrics a token field of `ReportTokens` feeds. */
const metricsOfToken: Record<keyof ReportTokens, Metric[]> = {
  uncached_input: ["uncached_input"],
  cache_read: ["cache_read"],
  cache_write_5m: ["cache_write_5m", "cache_write_total"],
  cache_write_1h: ["cache_write_1h", "cache_write_total"],
  cache_write: ["cache_write_total"],
  output: ["output"],
};

export class RowDraft {
  readonly tokens: ReportTokens = {};
  readonly unreadable = new Set<Metric>();
  requests: number | null = null;
  usd: number | null = null;

  /** `prefix` names the report in bad-value counts (`anthropic usage`). */
  constructor(private readonly ctx: ParseContext, private readonly prefix: string) {}

  /** A token count; returns it (or undefined when absent or unreadable). */
  token(key: keyof ReportTokens, v: unknown, field: string, required = true): number | undefined {
    const n = numberOf(v, `${this.prefix} \`${field}\``, this.ctx, required);
    if (n === bad) {
      this.unknown(...metricsOfToken[key]);
      return undefined;
    }
    if (n !== undefined) this.tokens[key] = n;
    return n;
  }

  /** A request count or an amount already in dollars. */
  figure(metric: "requests" | "usd", v: unknown, field: string, required = true): void {
    const n = numberOf(v, `${this.prefix} \`${field}\``, this.ctx, required);
    if (n === bad) this.unknown(metric);
    else if (n !== undefined) this[metric] = n;
  }

  unknown(...ms: Metric[]): void {
    for (const m of ms) this.unreadable.add(m);
  }

  row(
    day: string,
    model: string | null,
    extra: {
      group?: RowGroup | undefined;
      service_tier?: string | undefined;
      tool_uses?: Record<string, number> | undefined;
    },
  ): Omit<ProviderRow, "source"> {
    const row: Omit<ProviderRow, "source"> = {
      day,
      model,
      tokens: this.tokens,
      requests: this.requests,
      usd: this.usd,
    };
    if (extra.group !== undefined) row.group = extra.group;
    if (extra.service_tier !== undefined) row.service_tier = extra.service_tier;
    if (extra.tool_uses !== undefined) row.tool_uses = extra.tool_uses;
    if (this.unreadable.size > 0) row.unreadable = [...this.unreadable];
    return row;
  }
}

/** A plain field of a result as a short name (a tier), or undefined. */
export function tierOf(r: Json, key: string): string | undefined {
  const v = r[key];
  return typeof v === "string" && /^[A-Za-z0-9_.-]{1,40}$/.test(v) ? v : undefined;
}

/**
 * OpenAI's organization reports (research/issue24_research.md section 4.4): usage of completions
 * (`/v1/organization/usage/completions`: `input_tokens` INCLUDES cached and cache-write tokens,
 * requests counted) and costs (`/v1/organization/costs`: `amount.value` a number in DOLLARS,
 * models only inside `line_item`, "gpt-4o-2024-08-06, input").
 */
import type { DraftRow, KindReader } from "./kind_reader.ts";
import {
  bad,
  countBad,
  groupOf,
  isRecord,
  type Json,
  modelOf,
  nameOf,
  type ParseContext,
  unreadableModel,
} from "./report_input.ts";
import { type Metric, ReportError } from "./types.ts";
import { RowDraft, tierOf } from "./row_draft.ts";

export const openAiUsage: KindReader = {
  kind: "openai_usage",
  time: "unix",
  row(r: Json, day: string, ctx: ParseContext): DraftRow {
    const d = new RowDraft(ctx, "openai usage");
    const input = d.token("uncached_input", r.input_tokens, "input_tokens");
    const cached = d.token("cache_read", r.input_cached_tokens, "input_cached_tokens", false);
    const written = d.token(
      "cache_write",
      r.input_cache_write_tokens,
      "input_cache_write_tokens",
      false,
    );
    d.token("output", r.output_tokens, "output_tokens");
    d.figure("requests", r.num_model_requests, "num_model_requests");
    uncachedInput(d, input, cached, written, ctx);
    const batch = r.batch === true ? "batch" : undefined;
    return d.row(day, modelOf(r.model, ctx), {
      group: groupOf(r, ["project_id", "api_key_id"], ctx),
      service_tier: tierOf(r, "service_tier") ?? batch,
    });
  },
  settle(rows) {
    // A row without `input_cache_write_tokens` beside rows with it: its writes are unknown, not 0.
    if (!rows.some((r) => r.tokens.cache_write !== undefined)) return;
    for (const r of rows) {
      if (r.tokens.cache_write !== undefined) continue;
      r.unreadable = [...new Set([...(r.unreadable ?? []), "cache_write_total" as const])];
    }
  },
  metrics(rows) {
    const out: Metric[] = ["uncached_input", "cache_read"];
    if (rows.some((r) => r.tokens.cache_write !== undefined)) out.push("cache_write_total");
    return [...out, "output", "requests"];
  },
  notes(rows) {
    return rows.some((r) => r.tokens.cache_write !== undefined) ? [] : [
      "OpenAI's usage report has no `input_cache_write_tokens`: cache writes, if any, are " +
      "counted there as uncached input and not compared apart",
    ];
  },
};

/**
 * Uncached input = input − cached − written, as the gateway counts it. A missing cached count
 * leaves both unknown; a missing write count leaves writes inside uncached input (noted).
 */
function uncachedInput(
  d: RowDraft,
  input: number | undefined,
  cached: number | undefined,
  written: number | undefined,
  ctx: ParseContext,
): void {
  if (input === undefined) return;
  if (cached === undefined) {
    delete d.tokens.uncached_input;
    d.unknown("uncached_input", "cache_read");
    return;
  }
  const uncached = input - cached - (written ?? 0);
  if (uncached < 0) {
    countBad(ctx, "openai usage `input_tokens` below cached + cache-write");
    delete d.tokens.uncached_input;
    d.unknown("uncached_input");
    return;
  }
  d.tokens.uncached_input = uncached;
}

export const openAiCosts: KindReader = {
  kind: "openai_costs",
  time: "unix",
  row(r: Json, day: string, ctx: ParseContext): DraftRow {
    const amount = isRecord(r.amount) ? r.amount : {};
    const currency = amount.currency;
    if (typeof currency !== "string" || currency.toLowerCase() !== "usd") {
      throw new ReportError(
        `${ctx.name}: a cost is in ${JSON.stringify(currency)?.slice(0, 20)}, not usd; ` +
          `only USD reports can be compared with the gateway's costs`,
      );
    }
    const d = new RowDraft(ctx, "openai costs");
    d.figure("usd", amount.value, "amount.value");
    return d.row(day, lineItemModel(r.line_item, ctx), {
      group: groupOf(r, ["project_id", "api_key_id"], ctx),
    });
  },
  metrics: () => ["usd"],
  notes(rows) {
    const unattributed = rows.filter((r) => r.model === null).length;
    return unattributed === 0 || unattributed === rows.length ? [] : [
      `${unattributed} cost line(s) name no model (tools, storage, or not a model's line ` +
      `item): shown apart, not compared`,
    ];
  },
};

/** "gpt-4o-2024-08-06, input" → "gpt-4o-2024-08-06"; a line item with no ", " names no model. */
export function lineItemModel(v: unknown, ctx: ParseContext): string | null {
  const item = nameOf(v, "openai costs `line_item`", ctx);
  if (item === bad) return unreadableModel;
  if (item === undefined) return null;
  const cut = item.lastIndexOf(", ");
  return cut > 0 ? item.slice(0, cut) : null;
}

/**
 * Anthropic's Admin API reports (research/issue24_research.md section 3): the usage report
 * (`/v1/organizations/usage_report/messages`: tokens by kind, cache writes by lifetime, no
 * request count) and the cost report (`/v1/organizations/cost_report`: `amount` a decimal string
 * in CENTS, Priority Tier left out).
 */
import type { DraftRow, KindReader } from "./kind_reader.ts";
import {
  groupOf,
  isRecord,
  type Json,
  modelOf,
  nameOf,
  numberOf,
  type ParseContext,
} from "./report_input.ts";
import { ReportError } from "./types.ts";
import { RowDraft, tierOf } from "./row_draft.ts";

const maxToolKinds = 8;

/** `server_tool_use: {web_search_requests: 3}` → `{web_search: 3}`, bounded. */
function toolUsesOf(v: unknown, ctx: ParseContext): Record<string, number> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(v).slice(0, maxToolKinds)) {
    const name = nameOf(key, "anthropic usage `server_tool_use` key", ctx);
    const n = numberOf(value, `anthropic usage \`server_tool_use.${key.slice(0, 40)}\``, ctx);
    if (typeof name === "string" && typeof n === "number" && n > 0) {
      out[name.replace(/_requests$/, "")] = n;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export const anthropicUsage: KindReader = {
  kind: "anthropic_usage",
  time: "rfc3339",
  row(r: Json, day: string, ctx: ParseContext): DraftRow {
    const d = new RowDraft(ctx, "anthropic usage");
    d.token("uncached_input", r.uncached_input_tokens, "uncached_input_tokens");
    d.token("cache_read", r.cache_read_input_tokens, "cache_read_input_tokens");
    const cc = isRecord(r.cache_creation) ? r.cache_creation : {};
    d.token(
      "cache_write_5m",
      cc.ephemeral_5m_input_tokens,
      "cache_creation.ephemeral_5m_input_tokens",
    );
    d.token(
      "cache_write_1h",
      cc.ephemeral_1h_input_tokens,
      "cache_creation.ephemeral_1h_input_tokens",
    );
    d.token("output", r.output_tokens, "output_tokens");
    // The newer analytics rows count requests; the usage report does not (unknown, never 0).
    d.figure("requests", r.requests, "requests", false);
    return d.row(day, modelOf(r.model, ctx), {
      group: groupOf(r, ["workspace_id", "api_key_id"], ctx),
      service_tier: tierOf(r, "service_tier"),
      tool_uses: toolUsesOf(r.server_tool_use, ctx),
    });
  },
  metrics(rows) {
    const tokens = [
      "uncached_input",
      "cache_read",
      "cache_write_total",
      "cache_write_5m",
      "cache_write_1h",
      "output",
    ] as const;
    return rows.some((r) => r.requests !== null) ? [...tokens, "requests"] : [...tokens];
  },
  notes(rows) {
    return rows.some((r) => r.requests !== null)
      ? []
      : ["requests are not in Anthropic's usage report: request counts are not compared"];
  },
};

// "123.45" (cents); fractional cents are allowed, signs and exponents are not.
const centsForm = /^\d{1,15}(\.\d{1,15})?$/;

export const anthropicCost: KindReader = {
  kind: "anthropic_cost",
  time: "rfc3339",
  row(r: Json, day: string, ctx: ParseContext): DraftRow {
    const currency = r.currency;
    if (typeof currency !== "string" || currency.toUpperCase() !== "USD") {
      throw new ReportError(
        `${ctx.name}: a cost is in ${JSON.stringify(currency)?.slice(0, 20)}, not USD; ` +
          `only USD reports can be compared with the gateway's costs`,
      );
    }
    const d = new RowDraft(ctx, "anthropic cost");
    const amount = r.amount;
    // Cents to dollars: "123.45" is $1.2345 (a 100x error peers shipped, research section 4.4).
    if (typeof amount === "string" && centsForm.test(amount)) d.usd = centsToDollars(amount);
    else d.figure("usd", Number.NaN, "amount");
    return d.row(day, modelOf(r.model, ctx), {
      group: groupOf(r, ["workspace_id"], ctx),
      service_tier: tierOf(r, "service_tier"),
    });
  },
  metrics: () => ["usd"],
  notes: () => [],
};

/**
 * "10.000001" cents → 0.10000001 dollars by moving the decimal point in the text, so the dollars
 * are the double nearest the exact decimal (dividing by 100 would add its own rounding).
 */
export function centsToDollars(cents: string): number {
  const [whole = "", frac = ""] = cents.split(".");
  const padded = whole.padStart(3, "0");
  return Number(`${padded.slice(0, -2)}.${padded.slice(-2)}${frac}`);
}

/** When the usage report shows Priority Tier tokens, their cost is missing from the cost report. */
export function priorityNote(rows: DraftRow[]): string[] {
  const priority = rows.filter((r) => r.service_tier?.startsWith("priority"));
  if (priority.length === 0) return [];
  const days = new Set(priority.map((r) => r.day)).size;
  return [
    `Priority Tier usage on ${days} day(s): Anthropic's cost report does not include Priority ` +
    `Tier costs, so USD on those days is lower in the report than in the gateway`,
  ];
}

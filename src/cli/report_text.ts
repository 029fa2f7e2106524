/**
 * The text form of the report: aligned columns (two spaces apart, numbers right-aligned) under
 * section titles, as a terminal reader scans it. Costs print to the micro-dollar as the original
 * (`%.6f`); a total that leaves out requests it could not price is marked `>=` (a lower bound), and
 * one with nothing priced says `unpriced` (or `unknown` when only usage was missing), never 0. Any
 * other figure the store cannot give (no usage, no samples) prints as `-`.
 */
import type { GroupTotals, ReportDocument, ReportTrace } from "./report_data.ts";

type Cell = string | number | null;
interface Column {
  title: string;
  right?: boolean;
}

const usd = (x: number | null) => (x === null ? "-" : x.toFixed(6));
const ms = (x: number | null) => (x === null ? "-" : x.toFixed(2));
const num = (x: number | null) => (x === null ? "-" : String(x));
const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;

interface CostTotal {
  total_cost_usd: number | null;
  /** Priced but for a dimension the price row does not price; absent where not counted. */
  partial_count?: number;
  unpriced_count: number;
  unknown_usage_count: number;
}

/** A group's total cost, saying when it is unknown or only a lower bound. */
export function totalCost(t: CostTotal): string {
  if (t.total_cost_usd === null) return t.unpriced_count > 0 ? "unpriced" : "unknown";
  const exact = t.total_cost_usd.toFixed(6);
  const missing = (t.partial_count ?? 0) + t.unpriced_count + t.unknown_usage_count;
  return missing > 0 ? `>=${exact}` : exact;
}

/** Columns padded to their widest cell; the last column is not padded (no trailing spaces). */
export function table(
  columns: readonly Column[],
  rows: readonly Cell[][],
  empty: string,
): string[] {
  if (rows.length === 0) return [empty];
  const text = rows.map((r) => r.map((c) => (c === null ? "-" : String(c))));
  const widths = columns.map((col, i) =>
    Math.max(col.title.length, ...text.map((r) => (r[i] ?? "").length))
  );
  const line = (cells: string[], header: boolean) =>
    cells.map((cell, i) => {
      const last = i === cells.length - 1;
      if (columns[i]?.right && !header) return cell.padStart(widths[i]!);
      return last ? cell : cell.padEnd(widths[i]!);
    }).join("  ").trimEnd();
  return [line(columns.map((c) => c.title), true), ...text.map((r) => line(r, false))];
}

/** The columns of a `GroupTotals` row (after its group's own), and its cells. */
export const figureColumns: readonly Column[] = [
  { title: "REQUESTS", right: true },
  { title: "INPUT_TOKENS", right: true },
  { title: "OUTPUT_TOKENS", right: true },
  { title: "TOTAL_TOKENS", right: true },
  { title: "TOTAL_COST_USD", right: true },
  { title: "UNPRICED", right: true },
  { title: "UNKNOWN_USAGE", right: true },
];

export const figureCells = (t: GroupTotals): Cell[] => [
  t.request_count,
  t.input_tokens,
  t.output_tokens,
  t.total_tokens,
  totalCost(t),
  t.unpriced_count,
  t.unknown_usage_count,
];

const pairs = (rows: [string, Cell][]) => table([{ title: "" }, { title: "" }], rows, "").slice(1);

const traceColumns: Column[] = [
  { title: "TIMESTAMP" },
  { title: "PROVIDER" },
  { title: "MODEL" },
  { title: "STATUS", right: true },
  { title: "TOTAL_TOKENS", right: true },
  { title: "COST_USD", right: true },
  { title: "LATENCY_MS", right: true },
  { title: "REQUEST_PATH" },
  { title: "ERROR" },
  { title: "TRACE_ID" },
];

const traceRow = (t: ReportTrace): Cell[] => [
  t.timestamp,
  t.provider,
  t.model,
  t.response_status,
  num(t.total_tokens),
  usd(t.estimated_cost_usd),
  t.latency_ms,
  t.request_path,
  t.error_code,
  t.id,
];

export function renderText(doc: ReportDocument): string {
  const f = doc.filters;
  const s = doc.summary;
  const out: string[] = ["OngoingAI Report", ""];
  out.push(...pairs([
    ["Schema version", doc.schema_version],
    ["Generated at", doc.generated_at],
    ["Storage driver", doc.storage.driver],
    ...(doc.storage.path === undefined ? [] : [["Storage path", doc.storage.path] as [
      string,
      Cell,
    ]]),
    ["Filter provider", f.provider ?? "(all)"],
    ["Filter model", f.model ?? "(all)"],
    ["Filter key", f.api_key_hash ?? "(all)"],
    ["Filter from", f.from ?? "(all)"],
    ["Filter to", f.to ?? "(all)"],
    ["Filter limit", f.limit],
  ]));
  const section = (title: string, lines: string[]) => out.push("", title, ...lines);
  section(
    "Summary",
    pairs([
      ["Total requests", s.total_requests],
      ["Total input tokens", s.total_input_tokens],
      ["Total output tokens", s.total_output_tokens],
      ["Total tokens", s.total_tokens],
      ["Estimated cost (USD)", totalCost(s)],
      ["Partially priced", `${s.partial_count} (a dimension without a price: not in the cost)`],
      ["Unpriced requests", `${s.unpriced_count} (usage known, no price: not in the cost)`],
      ["Unknown usage", `${s.unknown_usage_count} (not in tokens or cost)`],
      ["Errors", `${s.error_count} (${percent(s.error_rate)})`],
      ["Active API keys", s.active_keys],
      ["Top model", s.top_model ?? "(none)"],
    ]),
  );
  section(
    "Providers",
    table(
      [{ title: "PROVIDER" }, ...figureColumns],
      doc.providers.map((p) => [p.provider, ...figureCells(p)]),
      "(no provider data)",
    ),
  );
  section(
    "Daily by Provider (UTC)",
    table(
      [{ title: "DAY" }, { title: "PROVIDER" }, ...figureColumns],
      doc.daily.map((d) => [d.day, d.provider, ...figureCells(d)]),
      "(no daily data)",
    ),
  );
  section(
    "Models",
    table(
      [
        { title: "MODEL" },
        { title: "REQUESTS", right: true },
        { title: "TOTAL_TOKENS", right: true },
        { title: "TOTAL_COST_USD", right: true },
        { title: "AVG_LATENCY_MS", right: true },
        { title: "AVG_TTFT_MS", right: true },
        { title: "ERRORS", right: true },
      ],
      doc.models.map((m) => [
        m.model,
        m.request_count,
        m.total_tokens,
        totalCost(m),
        ms(m.avg_latency_ms),
        ms(m.avg_ttft_ms),
        m.error_count,
      ]),
      "(no model data)",
    ),
  );
  const ng = doc.non_generation;
  if (ng.request_count > 0) {
    out.push(
      `Not ranked: ${ng.request_count} request(s) named no model (probes, model lists), ` +
        `${ng.error_count} of them errors; counted in the totals`,
    );
  }
  section(
    "API Keys",
    table(
      [
        { title: "API_KEY_HASH" },
        { title: "LAST4" },
        { title: "REQUESTS", right: true },
        { title: "TOTAL_TOKENS", right: true },
        { title: "TOTAL_COST_USD", right: true },
        { title: "LAST_ACTIVE_AT" },
      ],
      doc.api_keys.map((k) => [
        k.api_key_hash,
        k.api_key_last4,
        k.request_count,
        k.total_tokens,
        totalCost(k),
        k.last_active_at,
      ]),
      "(no API key data)",
    ),
  );
  section(
    "Cost by Billed Dimension",
    table(
      [
        { title: "DIMENSION" },
        { title: "QUANTITY", right: true },
        { title: "UNIT" },
        { title: "COST_USD", right: true },
        { title: "UNPRICED_QUANTITY", right: true },
      ],
      doc.cost_dimensions.map((d) => [
        d.dimension,
        d.quantity,
        d.unit === "per_use" ? "uses" : "tokens",
        usd(d.cost_usd),
        d.unpriced_quantity,
      ]),
      "(no cost lines: traces stored before cost lines existed have none)",
    ),
  );
  section("Recent Errors", table(traceColumns, doc.recent_errors.map(traceRow), "(no errors)"));
  section("Recent Traces", table(traceColumns, doc.recent_traces.map(traceRow), "(no traces)"));
  return out.join("\n") + "\n";
}

/**
 * `ongoingai report --html FILE` (or `--format html`): the report's figures as a self-contained
 * HTML page (html_report/). Every chart is drawn from the report document, whose figures come
 * from the API's own view functions, so the page's numbers are the API's numbers.
 */
import { type Chart, type HtmlReport, renderHtmlReport } from "../html_report/mod.ts";
import type { ReportDocument } from "./report_data.ts";
import { totalCost } from "./report_text.ts";

const unique = <T>(values: T[]) => [...new Set(values)];

/** Providers (series) × days (categories) of one figure of the daily rows. */
function daily(
  doc: ReportDocument,
  id: string,
  title: string,
  unit: string,
  value: (d: ReportDocument["daily"][number]) => number | null,
): Chart {
  const days = unique(doc.daily.map((d) => d.day)).sort();
  const providers = unique(doc.daily.map((d) => d.provider)).sort();
  const of = new Map(doc.daily.map((d) => [`${d.day} ${d.provider}`, d]));
  return {
    id,
    title,
    unit,
    categoryLabel: "day (UTC)",
    categories: days,
    series: providers.map((p) => ({
      name: p,
      values: days.map((day) => {
        const row = of.get(`${day} ${p}`);
        return row === undefined ? 0 : value(row);
      }),
    })),
  };
}

function leftOut(doc: ReportDocument): string | undefined {
  const s = doc.summary;
  const parts = [
    s.partial_count > 0 ? `${s.partial_count} partially priced (their priced part only)` : "",
    s.unpriced_count > 0 ? `${s.unpriced_count} unpriced (not in the cost)` : "",
    s.unknown_usage_count > 0 ? `${s.unknown_usage_count} with unknown usage (in neither)` : "",
  ].filter((p) => p !== "");
  return parts.length === 0 ? undefined : `Requests left out: ${parts.join(", ")}.`;
}

function charts(doc: ReportDocument): Chart[] {
  const note = leftOut(doc);
  const cost = daily(
    doc,
    "cost-by-day",
    "Cost per day by provider",
    "USD",
    (d) => d.total_cost_usd,
  );
  const tokens = daily(
    doc,
    "tokens-by-day",
    "Tokens per day by provider",
    "tokens",
    (d) => d.total_tokens,
  );
  return [
    note === undefined ? cost : { ...cost, note },
    tokens,
    {
      id: "cost-by-model",
      title: "Cost by model",
      unit: "USD",
      categoryLabel: "model",
      categories: doc.models.map((m) => m.model),
      series: [{ name: "cost", values: doc.models.map((m) => m.total_cost_usd) }],
      horizontal: true,
    },
    {
      id: "cost-by-dimension",
      title: "Cost by billed dimension",
      unit: "USD",
      categoryLabel: "dimension",
      categories: doc.cost_dimensions.map((d) => d.dimension),
      series: [{ name: "cost", values: doc.cost_dimensions.map((d) => d.cost_usd) }],
      horizontal: true,
      note: "Cache writes by lifetime, tools per use and modalities each on their own line; " +
        "traces stored before cost lines existed have none.",
    },
    {
      id: "error-rate-by-day",
      title: "Error rate per day",
      unit: "%",
      categoryLabel: "day (UTC)",
      categories: doc.errors_daily.map((d) => d.bucket_start!.slice(0, 10)),
      series: [{ name: "error rate", values: doc.errors_daily.map((d) => d.error_rate) }],
      note: "Answers with status 400 or above over every request of the day.",
    },
    attributedChart("cost-by-developer", "Cost by developer", "developer", doc.developers),
    attributedChart("cost-by-agent", "Cost by coding agent", "agent", doc.agents),
    {
      id: "cost-by-key",
      title: "Cost by provider API key",
      unit: "USD",
      categoryLabel: "key (last four)",
      categories: doc.api_keys.map((k) =>
        `…${k.api_key_last4 ?? "????"} ${k.api_key_hash.slice(0, 8)}`
      ),
      series: [{ name: "cost", values: doc.api_keys.map((k) => k.total_cost_usd) }],
      horizontal: true,
    },
  ];
}

function attributedChart(
  id: string,
  title: string,
  label: string,
  rows: ReportDocument["developers"],
): Chart {
  return {
    id,
    title,
    unit: "USD",
    categoryLabel: label,
    categories: rows.map((r) => r.name ?? `(no ${label})`),
    series: [{ name: "cost", values: rows.map((r) => r.total_cost_usd) }],
    horizontal: true,
  };
}

function subtitle(doc: ReportDocument): string {
  const f = doc.filters;
  const period = `${f.from ?? "the first trace"} to ${f.to ?? "the last"}`;
  const only = [f.provider && `provider ${f.provider}`, f.model && `model ${f.model}`]
    .filter(Boolean).join(", ");
  return `${period}${only ? `, ${only}` : ""}; ${doc.storage.driver}${
    doc.storage.path ? ` ${doc.storage.path}` : ""
  }`;
}

export function htmlReport(doc: ReportDocument): string {
  const s = doc.summary;
  const page: HtmlReport = {
    title: "OngoingAI Gateway report",
    subtitle: subtitle(doc),
    generatedAt: doc.generated_at,
    summary: [
      ["Requests", s.total_requests.toLocaleString("en-US")],
      ["Tokens", s.total_tokens.toLocaleString("en-US")],
      ["Estimated cost (USD)", totalCost(s)],
      ["Errors", `${s.error_count} (${(s.error_rate * 100).toFixed(2)}%)`],
      ["Partially priced", String(s.partial_count)],
      ["Unpriced", String(s.unpriced_count)],
      ["Unknown usage", String(s.unknown_usage_count)],
      ["Top model", s.top_model ?? "(none)"],
    ],
    charts: charts(doc),
    notes: [
      "Costs are estimated at request time from the price rows valid then; a total marked >= " +
      "leaves out what could not be priced, and unknown is never drawn as zero.",
    ],
  };
  return renderHtmlReport(page);
}

/**
 * `ongoingai report --html FILE` (or `--format html`): the report's figures as a self-contained
 * HTML page (html_report/). Every chart is drawn from the report document, whose figures come
 * from the API's own view functions, so the page's numbers are the API's numbers.
 */
import { type Chart, type HtmlReport, renderHtmlReport } from "../html_report/mod.ts";
import type { GroupTotals, ReportDocument } from "./report_data.ts";
import { totalCost } from "./report_text.ts";
import { timeCharts } from "./report_html_time.ts";
import { costliestFirst, sessionDays } from "./report_period.ts";
import { sessionLimits } from "../store/mod.ts";

const sessionLimitNote = `${sessionLimits.maxLimit} most recent`;

function leftOut(doc: ReportDocument): string | undefined {
  const s = doc.summary;
  const parts = [
    s.partial_count > 0 ? `${s.partial_count} partially priced (their priced part only)` : "",
    s.unpriced_count > 0 ? `${s.unpriced_count} unpriced (not in the cost)` : "",
    s.unknown_usage_count > 0 ? `${s.unknown_usage_count} with unknown usage (in neither)` : "",
  ].filter((p) => p !== "");
  return parts.length === 0 ? undefined : `Requests left out: ${parts.join(", ")}.`;
}

/** The columns that say what a cost leaves out, next to it in the table. */
function leftOutColumns(
  rows: readonly Omit<
    GroupTotals,
    "input_tokens" | "output_tokens" | "total_tokens" | "total_cost_usd"
  >[],
): NonNullable<Chart["columns"]> {
  return [
    { name: "requests", values: rows.map((r) => r.request_count) },
    { name: "partially priced", values: rows.map((r) => r.partial_count) },
    { name: "unpriced", values: rows.map((r) => r.unpriced_count) },
    { name: "unknown usage", values: rows.map((r) => r.unknown_usage_count) },
  ];
}

function charts(doc: ReportDocument): Chart[] {
  return [
    ...timeCharts(doc, leftOut(doc)),
    costByModel(doc),
    {
      id: "cost-by-dimension",
      title: "Cost by billed dimension",
      unit: "USD",
      categoryLabel: "dimension",
      categories: doc.cost_dimensions.map((d) => d.dimension),
      series: [{ name: "cost", values: doc.cost_dimensions.map((d) => d.cost_usd) }],
      horizontal: true,
      columns: [
        { name: "quantity", values: doc.cost_dimensions.map((d) => d.quantity) },
        { name: "of which unpriced", values: doc.cost_dimensions.map((d) => d.unpriced_quantity) },
      ],
      note: "Cache writes by lifetime, tools per use and modalities each on their own line; " +
        "quantities are tokens, or uses of a tool; traces stored before cost lines existed " +
        "have none.",
    },
    attributedChart("cost-by-developer", "Cost by developer", "developer", doc.developers),
    attributedChart("cost-by-agent", "Cost by coding agent", "agent", doc.agents),
    attributedChart("cost-by-workspace", "Cost by workspace", "workspace", doc.workspaces),
    sessionsChart(doc),
    costByKey(doc),
    failoverChart(doc),
  ];
}

/** The models costliest first (the API lists the busiest first), unknown cost last. */
function costByModel(doc: ReportDocument): Chart {
  const models = [...doc.models].sort(costliestFirst);
  return {
    id: "cost-by-model",
    title: "Cost by model",
    unit: "USD",
    categoryLabel: "model",
    categories: models.map((m) => m.model),
    series: [{ name: "cost", values: models.map((m) => m.total_cost_usd) }],
    horizontal: true,
    columns: leftOutColumns(models),
  };
}

/** Provider keys costliest first, each named by its last four and the head of its hash. */
function costByKey(doc: ReportDocument): Chart {
  const keys = [...doc.api_keys].sort(costliestFirst);
  return {
    id: "cost-by-key",
    title: "Cost by provider API key",
    unit: "USD",
    categoryLabel: "key (last four, hash)",
    // The fingerprint's first characters tell keys with the same last four apart; the table has
    // the whole of it, which `report --key` takes.
    categories: keys.map((k) => `…${k.api_key_last4 ?? "????"} ${k.api_key_hash.slice(0, 8)}`),
    detail: { name: "fingerprint (--key)", values: keys.map((k) => k.api_key_hash) },
    series: [{ name: "cost", values: keys.map((k) => k.total_cost_usd) }],
    horizontal: true,
    columns: leftOutColumns(keys),
  };
}

function sessionsChart(doc: ReportDocument): Chart {
  const s = doc.sessions;
  return {
    id: "cost-by-session",
    title: "Cost by agent session (the costliest)",
    unit: "USD",
    categoryLabel: "session",
    // Agent and developer first: the chart's label keeps the head of a long name.
    categories: s.map((r) =>
      `${r.agent ?? "(no agent)"} ${r.developer ?? "(no developer)"} ${r.session_id}`
    ),
    series: [{ name: "cost", values: s.map((r) => r.total_cost_usd) }],
    horizontal: true,
    columns: leftOutColumns(s),
    note:
      `The costliest of the ${sessionLimitNote} sessions with a request from ${
        doc.sessions_range?.from ?? "the start"
      } to ${doc.sessions_range?.to ?? "the end"} (the period's last ${sessionDays} days: ` +
      "the sessions view reads the traces, not the rollups). Sessions are claimed by clients " +
      "(docs/agents.md).",
  };
}

function failoverChart(doc: ReportDocument): Chart {
  const f = doc.failovers;
  return {
    id: "failovers-by-route",
    title: "Failovers per route",
    unit: "requests",
    categoryLabel: "route",
    categories: f.map((r) => r.route),
    series: [
      { name: "first target answered", values: f.map((r) => r.request_count - r.failover_count) },
      { name: "failed over", values: f.map((r) => r.failover_count) },
    ],
    horizontal: true,
    columns: [{ name: "errors", values: f.map((r) => r.error_count) }],
    note: "Requests of each configured route: answered by the first attempt, or after a retry " +
      "or a fallback to another target (more than one upstream attempt).",
  };
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
    columns: leftOutColumns(rows),
  };
}

function subtitle(doc: ReportDocument): string {
  return `${doc.storage.driver}${doc.storage.path ? ` ${doc.storage.path}` : ""}, read-only`;
}

/** A `--key` filter as given, with the last four the key table names it by, when known. */
function keyShown(doc: ReportDocument, hash: string): string {
  // The user's own filter against the rows it selected, in a file they made: nothing to time.
  const last4 = doc.api_keys.find((k) => k.api_key_hash === hash)?.api_key_last4; // timing-safe-lint: public
  return last4 ? `${hash} (…${last4})` : hash;
}

/** What the report was made with, as `report` takes it: period, filters, scope, grouping. */
function madeWith(doc: ReportDocument): [string, string][] {
  const f = doc.filters;
  const p = doc.period;
  return [
    ["--from", f.from ?? `(none: first trace${p ? `, ${p.from}` : ""})`],
    ["--to", f.to ?? `(none: last trace${p ? `, ${p.to}` : ""})`],
    ["--provider", f.provider ?? "(all)"],
    ["--model", f.model ?? "(all)"],
    ["--key", f.api_key_hash === undefined ? "(all)" : keyShown(doc, f.api_key_hash)],
    ["--by", "(none)"],
    ["tenant scope", "all tenants (the store itself)"],
    ["time axis", p ? `per ${p.bucket}, ${p.slots.length} slots` : "(no traffic)"],
  ];
}

/** The period's saving, with the cached tokens it could not value said next to it. */
function cacheTile(doc: ReportDocument): string {
  const c = doc.cache_savings;
  const saved = c.reduce((n, s) => n + s.saved_usd, 0);
  const cached = c.reduce((n, s) => n + s.cached_tokens, 0);
  const unknown = c.reduce((n, s) => n + s.unknown_tokens, 0);
  if (cached === 0) return "$0 (no cached tokens)";
  if (unknown === cached) return `unknown (${unknown.toLocaleString("en-US")} tokens)`;
  const text = `$${saved.toFixed(6)}`;
  return unknown === 0 ? text : `>=${text} (+${unknown.toLocaleString("en-US")} tokens unknown)`;
}

export function htmlReport(doc: ReportDocument): string {
  const s = doc.summary;
  const page: HtmlReport = {
    title: "OngoingAI Gateway report",
    subtitle: subtitle(doc),
    generatedAt: doc.generated_at,
    madeWith: madeWith(doc),
    summary: [
      ["Requests", s.total_requests.toLocaleString("en-US")],
      ["Tokens", s.total_tokens.toLocaleString("en-US")],
      ["Estimated cost (USD)", totalCost(s)],
      [
        "Errors",
        // No requests have no error rate: "0.00%" would claim every one succeeded.
        s.total_requests === 0
          ? "0 (no requests)"
          : `${s.error_count} (${(s.error_rate * 100).toFixed(2)}%)`,
      ],
      ["Partially priced", String(s.partial_count)],
      ["Unpriced", String(s.unpriced_count)],
      ["Unknown usage", String(s.unknown_usage_count)],
      ["Top model", s.top_model ?? "(none)"],
      ["Prompt caching saved (USD)", cacheTile(doc)],
    ],
    charts: charts(doc),
    notes: [
      "Costs are estimated at request time from the price rows valid then; a total marked >= " +
      "leaves out what could not be priced, and unknown is never drawn as zero.",
    ],
  };
  return renderHtmlReport(page);
}

/**
 * Reconciliation (issue 24): a provider's own usage and cost reports (Anthropic's Admin API
 * usage and cost reports, OpenAI's organization usage and costs) compared with the gateway's
 * traces per UTC day × model (× workspace, project or API key), with the likely cause of each
 * difference. Pure: the caller reads the files and the store, this folder imports nothing.
 *
 *   const report = mergeReports([parseReport(usageJson, "anthropic", { name: "usage.json" }),
 *                                parseReport(costJson, "anthropic", { name: "cost.json" })]);
 *   const result = reconcile(gatewayRows, report, { from, to, tolerance: 0.005 });
 *   print(renderText(result)); // or JSON.stringify(toJson(result)); exit 1 unless result.verdict.within_tolerance
 */
export {
  defaultReportLimits,
  type GroupField,
  type Metric,
  metrics,
  type ProviderReport,
  type ProviderRow,
  ReportError,
  type ReportKind,
  type ReportLimits,
  type ReportProvider,
  type ReportSource,
  type ReportTokens,
  type RowGroup,
} from "./types.ts";
export { mergeReports, type ParseOptions, parseReport } from "./parse_report.ts";
export {
  type GatewayRow,
  type GatewayTokens,
  gatewayTokensFrom,
  type TraceTokenSums,
} from "./gateway_row.ts";
export { modelLines, undated } from "./model_match.ts";
export { type KeyNames, parseKeyList } from "./key_list.ts";
export {
  type Cause,
  type CostStatusCounts,
  defaultTolerance,
  type Explanation,
  type LineScope,
  type MetricCell,
  type ReconcileLine,
  type ReconcileOptions,
  type ReconcileResult,
  type TotalLine,
} from "./result.ts";
export { reconcile } from "./reconcile.ts";
export { verdictLine } from "./totals.ts";
export { renderText } from "./render_text.ts";
export { reconcileJsonVersion, toJson } from "./to_json.ts";

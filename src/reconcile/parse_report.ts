/**
 * A provider's report file to a `ProviderReport`: which of the four documents it is (by the shape
 * of its results, since the files carry no type), its rows, the days it covers, and what the
 * reader should know. Reports of one provider (a usage file and a cost file) merge into one.
 */
import { anthropicCost, anthropicUsage, priorityNote } from "./anthropic_report.ts";
import type { DraftRow, KindReader } from "./kind_reader.ts";
import { openAiCosts, openAiUsage } from "./openai_report.ts";
import {
  bucketsOf,
  countBad,
  coverageOf,
  dayOf,
  endsEarly,
  isRecord,
  type Json,
  pagesOf,
  type ParseContext,
  repeatedBuckets,
} from "./report_input.ts";
import {
  defaultReportLimits,
  type GroupField,
  type ProviderReport,
  ReportError,
  type ReportLimits,
  type ReportProvider,
  type ReportSource,
} from "./types.ts";

export interface ParseOptions {
  /** The document's label in messages, e.g. its file name. */
  name?: string;
  limits?: Partial<ReportLimits>;
}

/**
 * Reads the parsed JSON of one report file (one page or an array of pages) of `provider`.
 * Throws `ReportError` when it is none of that provider's reports, is in another currency, or
 * passes a bound; values it cannot read are counted in `bad_values`.
 */
export function parseReport(
  doc: unknown,
  provider: ReportProvider,
  options: ParseOptions = {},
): ProviderReport {
  const ctx: ParseContext = {
    name: options.name ?? "the report",
    limits: { ...defaultReportLimits, ...options.limits },
    bad: {},
  };
  const pages = pagesOf(doc, ctx);
  const first = firstResult(pages);
  const report: ProviderReport = {
    provider,
    sources: [],
    rows: [],
    notes: [],
    bad_values: ctx.bad,
  };
  if (first === undefined) {
    report.notes.push(`${ctx.name} has no results: nothing in it to compare`);
    return report;
  }
  const reader = readerFor(first, provider, ctx);
  const { rows, source, notes } = readAll(pages, reader, ctx);
  report.sources.push(source);
  report.rows = rows.map((r) => ({ ...r, source: 0 }));
  report.notes.push(...notes);
  return report;
}

function firstResult(pages: Json[]): Json | undefined {
  for (const page of pages) {
    for (const b of page.data as unknown[]) {
      if (!isRecord(b) || !Array.isArray(b.results)) continue;
      const r = b.results.find(isRecord);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** Which document `first` (its first result) belongs to; a clear refusal when none. */
function readerFor(first: Json, provider: ReportProvider, ctx: ParseContext): KindReader {
  const anthropic = provider === "anthropic";
  const object = first.object;
  if (!anthropic && typeof object === "string" && object.startsWith("organization.usage.")) {
    if (object !== "organization.usage.completions.result") {
      throw new ReportError(
        `${ctx.name} is an OpenAI \`${object.slice(0, 60)}\` report; only completions usage ` +
          `(/v1/organization/usage/completions) and costs (/v1/organization/costs) are compared`,
      );
    }
    return openAiUsage;
  }
  if (anthropic && ("uncached_input_tokens" in first || "cache_creation" in first)) {
    return anthropicUsage;
  }
  if (anthropic && typeof first.amount === "string") return anthropicCost;
  if (!anthropic && ("num_model_requests" in first || "input_tokens" in first)) return openAiUsage;
  if (!anthropic && isRecord(first.amount)) return openAiCosts;
  throw new ReportError(refusal(first, anthropic, ctx));
}

function refusal(first: Json, anthropic: boolean, ctx: ParseContext): string {
  const keys = Object.keys(first).slice(0, 8).map((k) => `\`${k.slice(0, 40)}\``).join(", ");
  const what = anthropic
    ? "is not an Anthropic usage or cost report: the first result has neither " +
      "`uncached_input_tokens` nor `amount` (a string in cents)"
    : "is not an OpenAI usage (completions) or costs report: the first result has neither " +
      "`num_model_requests` nor `amount` (an object in dollars)";
  const other = anthropic
    ? "num_model_requests" in first || isRecord(first.amount)
    : "uncached_input_tokens" in first || typeof first.amount === "string";
  const hint = other ? `; it looks like a report of ${anthropic ? "OpenAI" : "Anthropic"}` : "";
  return `${ctx.name} ${what}; it has ${keys || "no fields"}${hint}`;
}

const groupFields: GroupField[] = ["workspace_id", "project_id", "api_key_id"];

function readAll(pages: Json[], reader: KindReader, ctx: ParseContext) {
  const buckets = bucketsOf(pages, reader.time, ctx);
  const rows: DraftRow[] = [];
  let spanning = 0;
  let results = 0;
  for (const b of buckets) {
    const day = dayOf(b.start);
    if (dayOf(b.end - 1) !== day) spanning++;
    for (const r of b.results) {
      results++;
      if (isRecord(r)) rows.push(reader.row(r, day, ctx));
      else countBad(ctx, "result (not an object)");
    }
  }
  reader.settle?.(rows);
  const { days, partial_days } = coverageOf(buckets);
  const source: ReportSource = {
    kind: reader.kind,
    name: ctx.name,
    metrics: reader.metrics(rows),
    by_model: rows.some((r) => r.model !== null),
    grouped_by: groupFields.filter((f) => rows.some((r) => r.group?.[f] !== undefined)),
    days,
    partial_days,
    pages: pages.length,
    buckets: buckets.length,
    results,
  };
  const notes = reader.notes(rows, ctx);
  const say = (cond: boolean, text: string) => cond && notes.push(`${ctx.name}: ${text}`);
  say(endsEarly(pages), "its last page says `has_more: true`: later pages are missing");
  const repeated = repeatedBuckets(buckets);
  say(repeated > 0, `${repeated} bucket(s) appear more than once and are added up (a page twice?)`);
  say(spanning > 0, `${spanning} bucket(s) cross a UTC midnight: counted on their first day`);
  say(
    partial_days.length > 0,
    `days covered only in part, not compared: ${partial_days.join(", ")}`,
  );
  return { rows, source, notes };
}

/**
 * One report from several of the same provider (a usage file and a cost file): usage supplies
 * tokens and requests, cost supplies USD. Two documents giving the same figure for the same day
 * would count it twice, so that is refused.
 */
export function mergeReports(reports: ProviderReport[]): ProviderReport {
  const provider = reports[0]?.provider;
  if (provider === undefined) throw new ReportError("no report to merge");
  const out: ProviderReport = { provider, sources: [], rows: [], notes: [], bad_values: {} };
  const given = new Map<string, string>();
  for (const report of reports) {
    if (report.provider !== provider) {
      throw new ReportError(`reports of ${provider} and ${report.provider} cannot be merged`);
    }
    const offset = out.sources.length;
    for (const source of report.sources) checkOverlap(source, given);
    out.sources.push(...report.sources);
    out.rows.push(...report.rows.map((r) => ({ ...r, source: r.source + offset })));
    out.notes.push(...report.notes);
    for (const [k, n] of Object.entries(report.bad_values)) {
      out.bad_values[k] = (out.bad_values[k] ?? 0) + n;
    }
  }
  if (out.sources.some((s) => s.kind === "anthropic_cost")) {
    out.notes.push(...priorityNote(out.rows));
  }
  return out;
}

function checkOverlap(source: ReportSource, given: Map<string, string>): void {
  for (const day of source.days) {
    for (const metric of source.metrics) {
      const before = given.get(`${day}/${metric}`);
      if (before !== undefined) {
        throw new ReportError(
          `${before} and ${source.name} both report ${metric} for ${day}: give one usage ` +
            `report and one cost report, or reports of different days`,
        );
      }
      given.set(`${day}/${metric}`, source.name);
    }
  }
}

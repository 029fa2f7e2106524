/**
 * `ongoingai report`: an offline summary of the trace store (totals, cost by provider and day,
 * top models and keys, recent errors and traces), read straight from storage with no server
 * running. The store is opened read-only: a report never creates, migrates or writes a database.
 * Exit 0 ok, 1 when the config or store cannot be used, 2 on a usage error.
 */
import { isAbsolute, join } from "node:path";
import { openStore, parseTimeBound, type TraceStore } from "../store/mod.ts";
import { parseFingerprint } from "../traces/mod.ts";
import { normaliseFormat, parseFlags, UsageError } from "./args.ts";
import { type CliCommand, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";
import { countCalls, type ProgressRun, withProgress } from "./progress_run.ts";
import {
  buildReport,
  type ReportDocument,
  type ReportFilters,
  reportReads,
} from "./report_data.ts";
import { renderText } from "./report_text.ts";
import { htmlReport } from "./report_html.ts";
import {
  buildReportBy,
  renderReportBy,
  type ReportByFilters,
  type ReportGrouping,
  reportGroupings,
} from "./report_by.ts";

const formats = ["text", "json", "html"] as const;
export const reportLimits = { defaultLimit: 10, maxLimit: 200 } as const;

export const reportSpec = {
  name: "report",
  summary:
    "Summarise stored traces offline: totals, cost by provider, day and billed dimension, top " +
    "models and keys",
  usage: "ongoingai report [--config PATH] [--from TIME] [--to TIME] [--provider ID] " +
    "[--model NAME] [--key FINGERPRINT] [--limit N] [--format text|json|html] [--html FILE] " +
    "[--by session|developer] " +
    "[--developer NAME] [--agent NAME] [--session ID]",
  flags: [
    ["--config PATH", "Config file naming the store (storage.*); default: discovered"],
    ["--from TIME", "Only traces at or after TIME: RFC 3339, or YYYY-MM-DD (from 00:00 UTC)"],
    ["--to TIME", "Only traces at or before TIME: RFC 3339, or YYYY-MM-DD (the whole UTC day)"],
    ["--provider ID", "Only this provider, such as openai"],
    ["--model NAME", "Only this model, such as gpt-4o-mini"],
    [
      "--key FINGERPRINT",
      "Only this provider key: its full API_KEY_HASH (64 hex digits, as the key table shows it)",
    ],
    ["--limit N", `Rows in the top and recent lists, 1 to ${reportLimits.maxLimit} (default 10)`],
    ["--format FORMAT", "text (default), json (schema report.v2) or html (a self-contained page)"],
    ["--html FILE", "Write the self-contained HTML page (charts and their tables) to FILE"],
    ["--by GROUPING", "session or developer: what each agent session or developer cost"],
    ["--developer NAME", "With --by session: only this developer's sessions"],
    [
      "--agent NAME",
      "With --by session: only this agent's sessions (codex, claude-code, opencode)",
    ],
    ["--session ID", "With --by session: only this session"],
  ],
} as const;

function bound(name: "from" | "to", raw: string | undefined): string | undefined {
  const value = raw?.trim() ?? "";
  if (value === "") return undefined;
  const parsed = parseTimeBound(value, name === "from" ? "lower" : "upper");
  if (parsed === null) {
    throw new UsageError(
      `invalid ${name}: expected RFC3339 or YYYY-MM-DD (got ${JSON.stringify(raw)})`,
    );
  }
  return parsed;
}

/**
 * The key table of the text and JSON report shows the whole fingerprint; the HTML page only its
 * head and the key's last four, which match too many or nothing: the whole one is asked for.
 */
function keyFilter(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const hash = parseFingerprint(raw);
  if (hash === null) {
    throw new UsageError(
      `invalid --key ${JSON.stringify(raw.slice(0, 80))}: expected a provider key fingerprint, ` +
        "the 64 hex digits of api_key_hash (API_KEY_HASH in the text report's key table, " +
        "api_keys[].api_key_hash in --format json, /api/analytics/keys); not a prefix, the " +
        "last four or the key itself",
    );
  }
  return hash;
}

function limit(raw: string | undefined): number {
  if (raw === undefined) return reportLimits.defaultLimit;
  const n = /^\s*\d{1,10}\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= reportLimits.maxLimit)) {
    throw new UsageError(
      `limit must be between 1 and ${reportLimits.maxLimit} (got ${JSON.stringify(raw)})`,
    );
  }
  return n;
}

/** Throws UsageError (exit 2) on the first problem. */
export function parseReportArgs(args: string[]) {
  const { values } = parseFlags("report", args, {
    config: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    provider: { type: "string" },
    model: { type: "string" },
    key: { type: "string" },
    limit: { type: "string" },
    format: { type: "string" },
    by: { type: "string" },
    developer: { type: "string" },
    agent: { type: "string" },
    session: { type: "string" },
    html: { type: "string" },
  });
  const html = values.html?.trim() || undefined;
  const format = html === undefined
    ? normaliseFormat("report", values.format, formats)
    : htmlOnly(values.format);
  const by = grouping(values.by);
  const narrowing = (["developer", "agent", "session"] as const).filter((k) => values[k]?.trim());
  if (narrowing.length > 0 && by !== "session") {
    throw new UsageError(`--${narrowing[0]} needs --by session`);
  }
  if (format === "html" && by !== undefined) {
    throw new UsageError(
      "the HTML report has no --by view yet: use --format text or json with --by",
    );
  }
  const from = bound("from", values.from);
  const to = bound("to", values.to);
  if (from !== undefined && to !== undefined && to < from) {
    throw new UsageError("invalid range: to must be greater than or equal to from");
  }
  const n = limit(values.limit);
  const keyHash = keyFilter(values.key);
  // Key order is the JSON document's: provider, model, api_key_hash, from, to, limit.
  const filters = {} as ReportFilters;
  for (const key of ["provider", "model"] as const) {
    const value = values[key]?.trim();
    if (value) filters[key] = value;
  }
  if (keyHash !== undefined) filters.api_key_hash = keyHash;
  if (from !== undefined) filters.from = from;
  if (to !== undefined) filters.to = to;
  filters.limit = n;
  const byFilters: ReportByFilters = { ...filters };
  for (const key of narrowing) byFilters[key] = values[key]!.trim();
  byFilters.limit = n;
  return { config: values.config, format, filters, by, byFilters, html };
}

/** `--html FILE` is the HTML page: another `--format` with it is a contradiction. */
function htmlOnly(raw: string | undefined): "html" {
  if (raw === undefined || raw.trim().toLowerCase() === "html") return "html";
  throw new UsageError(`--html writes the HTML page: drop --format ${raw} (or --html)`);
}

function grouping(raw: string | undefined): ReportGrouping | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if ((reportGroupings as readonly string[]).includes(v)) return v as ReportGrouping;
  throw new UsageError(
    `invalid --by ${JSON.stringify(raw)}: expected ${reportGroupings.join(" or ")}`,
  );
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const report: CliCommand = async (args, io) => {
  const parsed = parseReportArgs(args);
  return await withProgress(io, (run) => writeReport(parsed, run));
};

async function writeReport(
  { config: configPath, format, filters, by, byFilters, html }: ReturnType<typeof parseReportArgs>,
  { io, progress, enabled }: ProgressRun,
): Promise<number> {
  const loaded = await loadOrReport(configPath, io);
  if (loaded === null) return exitCode.failure;
  const storage = loaded.config.storage;
  const where: ReportDocument["storage"] = { driver: storage.driver };
  if (storage.driver === "sqlite") {
    where.path = isAbsolute(storage.path) ? storage.path : join(io.cwd, storage.path);
  }
  let store: TraceStore;
  try {
    progress.step("opening the store");
    store = await openStore(storage, { cwd: io.cwd, readOnly: true });
  } catch (err) {
    io.stderr(`failed to initialize trace store: ${message(err)}\n`);
    return exitCode.failure;
  }
  let text: string;
  try {
    const read = enabled
      ? countCalls(store, reportReads, (done, started) => {
        progress.step("reading analytics", done, started);
      }, storage.driver === "sqlite")
      : store;
    const doc = by === undefined
      ? await buildReport(read, filters, where)
      : await buildReportBy(read, by, byFilters, where);
    progress.step(format === "html" ? "drawing the charts" : "formatting the report");
    text = format === "json"
      ? `${JSON.stringify(doc, null, 2)}\n`
      : "by" in doc
      ? renderReportBy(doc)
      : format === "html"
      ? htmlReport(doc)
      : renderText(doc);
  } catch (err) {
    io.stderr(`failed to build report: ${message(err)}\n`);
    return exitCode.failure;
  } finally {
    await store.close();
  }
  if (html === undefined) {
    io.stdout(text);
    return exitCode.ok;
  }
  const path = isAbsolute(html) ? html : join(io.cwd, html);
  try {
    progress.step(`writing ${html}`);
    await Deno.writeTextFile(path, text);
  } catch (err) {
    io.stderr(`cannot write the HTML report to ${html}: ${message(err)}\n`);
    return exitCode.failure;
  }
  io.stderr(`wrote ${html} (${text.length} bytes): open it in a browser; it needs no network\n`);
  return exitCode.ok;
}

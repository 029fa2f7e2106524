/**
 * `ongoingai reconcile`: the gateway's traces against the provider's own usage and cost reports
 * (reconcile/), per UTC day × model, with the likely cause of every difference. Reads the store
 * read-only, as `report` does. Exit 0 when every figure is within the tolerance, 1 when one is
 * not (or the config, a report or the store cannot be used), 2 on a usage error.
 */
import {
  type GatewayRow,
  type KeyNames,
  mergeReports,
  parseKeyList,
  parseReport,
  type ProviderReport,
  reconcile as compare,
  renderText,
  ReportError,
  toJson,
} from "../reconcile/mod.ts";
import { gatewayRows } from "../api/mod.ts";
import { openStore, type ProviderReportInput, type TraceStore } from "../store/mod.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";
import { parseReconcileArgs, type ReconcileArgs } from "./reconcile_args.ts";
import { fetchAnthropicKeys, fetchReports } from "./reconcile_fetch.ts";
import type { Progress } from "./progress.ts";
import { countCalls, type ProgressRun, withProgress } from "./progress_run.ts";

export const reconcileSpec = {
  name: "reconcile",
  summary: "Compare traces with the provider's own usage and cost reports, per day and model",
  usage: "ongoingai reconcile --provider anthropic|openai (--report FILE... | --fetch) " +
    "[--from DAY] [--to DAY] [--tolerance PCT] [--by-key [--keys FILE]] [--format text|json] " +
    "[--save] [--config PATH]",
  flags: [
    ["--provider NAME", "anthropic or openai: whose reports these are"],
    ["--report FILE", "The provider's usage or cost report, as its Admin API returns it; repeat"],
    ["--fetch", "Read both reports from the provider's Admin API instead (needs --from, --to)"],
    [
      "--admin-key-env NAME",
      "With --fetch: the admin key's variable (default ANTHROPIC_ADMIN_KEY)",
    ],
    ["--admin-url URL", "With --fetch: the Admin API's base URL (default: the provider's)"],
    ["--from DAY", "First UTC day compared, YYYY-MM-DD (default: the report's first)"],
    ["--to DAY", "Last UTC day compared, YYYY-MM-DD (default: the report's last)"],
    ["--tolerance PCT", "Largest difference accepted, in percent (default 0.5)"],
    ["--format FORMAT", "text (default) or json (schema reconcile.v1)"],
    ["--gateway-provider ID", "A provider billed to this account (default: all of its kind)"],
    ["--by-key", "Split by the provider's API key (named by the keys' last four characters)"],
    ["--keys FILE", "With --by-key: the provider's API key list (fetched for Anthropic)"],
    ["--save", "Keep the reports in the store for GET /api/reconciliation"],
    ["--config PATH", "Config file naming the store (storage.*); default: discovered"],
  ],
} as const;

/** Largest report file read: a year of daily buckets by model is a few megabytes. */
export const maxReportBytes = 64 * 1024 * 1024;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The parsed reports, and their documents as read (what `--save` keeps). */
interface Reports {
  report: ProviderReport;
  documents: ProviderReportInput[];
}

/**
 * A JSON file the user named (`what`: "report", "key list"), bounded: its text and parsed value,
 * or an error that names the file and says what is wrong with it.
 */
async function readJsonFile(
  path: string,
  what: string,
  io: CliIo,
): Promise<{ body: string; doc: unknown }> {
  const file = path.startsWith("/") ? path : `${io.cwd}/${path}`;
  const info = await Deno.stat(file).catch((err) => {
    throw new Error(`cannot read ${what} ${path}: ${message(err)}`);
  });
  if (!info.isFile) throw new Error(`${what} ${path} is not a file`);
  if (info.size > maxReportBytes) {
    throw new Error(
      `${what} ${path} is ${info.size} bytes, over the ${maxReportBytes}-byte limit: ask the ` +
        "provider for fewer days per file and pass several files",
    );
  }
  const body = await Deno.readTextFile(file);
  try {
    return { body, doc: JSON.parse(body) };
  } catch (err) {
    throw new Error(`${what} ${path} is not JSON (${message(err)})`);
  }
}

async function readReport(path: string, a: ReconcileArgs, io: CliIo): Promise<Reports> {
  const { body, doc } = await readJsonFile(path, "report", io);
  return {
    report: parseReport(doc, a.provider, { name: path }),
    documents: [{ name: path, body }],
  };
}

function merged(parts: Reports[]): Reports {
  return {
    report: mergeReports(parts.map((p) => p.report)),
    documents: parts.flatMap((p) => p.documents),
  };
}

async function providerReport(a: ReconcileArgs, io: CliIo, progress: Progress): Promise<Reports> {
  if (!a.fetch) {
    let done = 0;
    progress.step("reading reports", done, a.reports.length);
    return merged(
      await Promise.all(a.reports.map(async (p) => {
        const read = await readReport(p, a, io);
        progress.step("reading reports", ++done, a.reports.length);
        return read;
      })),
    );
  }
  const key = io.env[a.adminKeyEnv]?.trim();
  if (!key) {
    throw new Error(
      `--fetch needs the provider's admin key in $${a.adminKeyEnv} (an Admin API key: ` +
        `${a.provider === "anthropic" ? "sk-ant-admin..." : "an organization admin key"}), ` +
        "or pass the reports with --report",
    );
  }
  const fetched = await fetchReports(a.provider, fetchOptions(a, key, progress));
  return merged(fetched.map((r) => ({
    report: parseReport(r.pages, a.provider, { name: r.name }),
    documents: [{ name: r.name, body: JSON.stringify(r.pages) }],
  })));
}

function fetchOptions(a: ReconcileArgs, key: string, progress: Progress) {
  return {
    from: a.from!,
    to: a.to!,
    key,
    byKey: a.byKey,
    onPage: (what: string, page: number) => progress.step(`fetching ${what} page`, page),
    ...(a.adminUrl === undefined ? {} : { baseUrl: a.adminUrl }),
  };
}

/** The provider's key list for `--by-key`: the `--keys` file, or fetched (Anthropic). */
async function keyNames(
  a: ReconcileArgs,
  io: CliIo,
  progress: Progress,
): Promise<KeyNames | undefined> {
  if (!a.byKey) return undefined;
  if (a.keys === undefined) {
    const key = io.env[a.adminKeyEnv]?.trim() ?? "";
    return parseKeyList(await fetchAnthropicKeys(fetchOptions(a, key, progress)), a.provider);
  }
  const { doc } = await readJsonFile(a.keys, "key list", io);
  return parseKeyList(doc, a.provider);
}

/** The first and last day any report document covers, for the store's query. */
function reportDays(report: ProviderReport): { from?: string; to?: string } {
  const days = report.sources.flatMap((s) => s.days).sort();
  return days.length === 0 ? {} : { from: days[0]!, to: days.at(-1)! };
}

export const reconcile: CliCommand = async (args, io) => {
  const a = parseReconcileArgs(args);
  return await withProgress(io, (run) => reconcileWith(a, run));
};

async function reconcileWith(
  a: ReconcileArgs,
  { io, progress, enabled }: ProgressRun,
): Promise<number> {
  const loaded = await loadOrReport(a.config, io);
  if (loaded === null) return exitCode.failure;
  const providerIds = a.gatewayProviders.length > 0
    ? a.gatewayProviders
    : loaded.config.providers.filter((p) => p.kind === a.provider).map((p) => p.id);
  if (providerIds.length === 0) {
    io.stderr(
      `no provider of kind ${a.provider} is configured: name the gateway's providers billed to ` +
        "this account with --gateway-provider ID\n",
    );
    return exitCode.failure;
  }
  let read: Reports;
  let keys: KeyNames | undefined;
  try {
    read = await providerReport(a, io, progress);
    keys = await keyNames(a, io, progress);
  } catch (err) {
    // A ReportError says what is wrong with the document; the others name the file already.
    io.stderr(`${err instanceof ReportError ? "cannot use the report: " : ""}${message(err)}\n`);
    return exitCode.failure;
  }
  const report = read.report;
  const days = { ...reportDays(report), ...defined({ from: a.from, to: a.to }) };
  let store: TraceStore;
  try {
    // Read-only, as `report`, unless the reports are to be kept.
    progress.step("opening the store");
    store = await openStore(loaded.config.storage, { cwd: io.cwd, readOnly: !a.save });
  } catch (err) {
    io.stderr(`failed to initialize trace store: ${message(err)}\n`);
    return exitCode.failure;
  }
  let rows: GatewayRow[];
  try {
    if (a.save) {
      progress.step("saving the reports");
      await store.saveProviderReports(a.provider, read.documents);
      io.stderr(
        `saved ${read.documents.length} ${a.provider} report(s): GET /api/reconciliation?provider=` +
          `${a.provider} compares them with the traces\n`,
      );
    }
    const counted = enabled
      ? countCalls(store, ["aggregate", "costLines"], (done, started) => {
        progress.step("reading traces", done, started);
      }, loaded.config.storage.driver === "sqlite")
      : store;
    rows = await gatewayRows(counted, {
      kind: a.provider,
      providerIds,
      ...days,
      ...(keys === undefined ? {} : { keys }),
    });
  } catch (err) {
    io.stderr(`failed to read the traces: ${message(err)}\n`);
    return exitCode.failure;
  } finally {
    await store.close();
  }
  const result = compare(rows, report, {
    ...defined({ from: a.from, to: a.to }),
    tolerance: a.tolerance,
    ...(keys === undefined ? {} : { groupBy: "api_key_id" as const }),
  });
  for (const last4 of keys?.ambiguous ?? []) {
    result.notes.push(
      `two of the provider's keys end in ${last4}: the gateway's traffic with that ending is ` +
        `shown as ...${last4}, apart from both`,
    );
  }
  io.stdout(
    a.format === "json" ? `${JSON.stringify(toJson(result), null, 2)}\n` : renderText(result),
  );
  return result.verdict.within_tolerance ? exitCode.ok : exitCode.failure;
}

/** The members that are set (options objects take no `undefined`). */
function defined<T extends Record<string, string | undefined>>(
  o: T,
): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<
    Record<keyof T, string>
  >;
}

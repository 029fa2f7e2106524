/**
 * `ongoingai reconcile` flags: which provider, which report files (or `--fetch`), which days,
 * how much difference is accepted. Every mistake is a UsageError (exit 2) that says what to do.
 */
import { normaliseFormat, parseFlags, UsageError } from "./args.ts";
import type { ReportProvider } from "../reconcile/mod.ts";

export const reconcileFormats = ["text", "json"] as const;
const providers = ["anthropic", "openai"] as const;
const day = /^\d{4}-\d{2}-\d{2}$/;
/** At most this many report files: a usage and a cost report, of a few exports each. */
export const maxReportFiles = 16;

export interface ReconcileArgs {
  config: string | undefined;
  provider: ReportProvider;
  reports: string[];
  fetch: boolean;
  adminKeyEnv: string;
  adminUrl: string | undefined;
  from: string | undefined;
  to: string | undefined;
  /** A fraction (0.005 for the default 0.5 percent). */
  tolerance: number;
  format: (typeof reconcileFormats)[number];
  gatewayProviders: string[];
  /** Keep the reports in the store, where `GET /api/reconciliation` reads them. */
  save: boolean;
  /** Split lines by the provider's API key, named from the key list (`keys`, or fetched). */
  byKey: boolean;
  keys: string | undefined;
}

/** The admin key's variable when `--admin-key-env` is not given. */
export const defaultAdminKeyEnv: Record<ReportProvider, string> = {
  anthropic: "ANTHROPIC_ADMIN_KEY",
  openai: "OPENAI_ADMIN_KEY",
};

function dayFlag(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (!day.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
    throw new UsageError(
      `invalid --${name}: expected a UTC day YYYY-MM-DD (got ${JSON.stringify(raw)})`,
    );
  }
  return v;
}

function tolerance(raw: string | undefined): number {
  if (raw === undefined) return 0.005;
  const n = /^\s*\d+(\.\d+)?\s*%?\s*$/.test(raw) ? Number(raw.replace("%", "")) : NaN;
  if (!(n >= 0 && n <= 100)) {
    throw new UsageError(
      `invalid --tolerance: a percentage from 0 to 100, such as 0.5 (got ${JSON.stringify(raw)})`,
    );
  }
  return n / 100;
}

export function parseReconcileArgs(args: string[]): ReconcileArgs {
  const { values } = parseFlags("reconcile", args, {
    config: { type: "string" },
    provider: { type: "string" },
    report: { type: "string", multiple: true },
    fetch: { type: "boolean" },
    "admin-key-env": { type: "string" },
    "admin-url": { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    tolerance: { type: "string" },
    format: { type: "string" },
    "gateway-provider": { type: "string", multiple: true },
    save: { type: "boolean" },
    "by-key": { type: "boolean" },
    keys: { type: "string" },
  });
  const provider = values.provider?.trim().toLowerCase();
  if (provider === undefined || !(providers as readonly string[]).includes(provider)) {
    throw new UsageError(
      "reconcile needs --provider anthropic or --provider openai (" +
        (values.provider === undefined ? "none given" : `got ${JSON.stringify(values.provider)}`) +
        ")",
    );
  }
  const reports = values.report ?? [];
  const fetch = values.fetch === true;
  if (reports.length === 0 && !fetch) {
    throw new UsageError(
      "reconcile needs the provider's report: --report FILE (its usage or cost report, as the " +
        "provider's API returns it; twice for both), or --fetch to read it with an admin key",
    );
  }
  if (reports.length > 0 && fetch) {
    throw new UsageError("reconcile takes --report files or --fetch, not both");
  }
  if (reports.length > maxReportFiles) {
    throw new UsageError(`reconcile reads at most ${maxReportFiles} --report files`);
  }
  const from = dayFlag("from", values.from);
  const to = dayFlag("to", values.to);
  if (from !== undefined && to !== undefined && to < from) {
    throw new UsageError("invalid range: --to must be the same day as --from or later");
  }
  if (fetch && (from === undefined || to === undefined)) {
    throw new UsageError("--fetch needs --from and --to: the days to ask the provider for");
  }
  const p = provider as ReportProvider;
  const byKey = values["by-key"] === true;
  const keys = values.keys?.trim() || undefined;
  if (keys !== undefined && !byKey) throw new UsageError("--keys is for --by-key");
  if (byKey && keys === undefined && !(fetch && p === "anthropic")) {
    throw new UsageError(
      "--by-key needs the provider's API key list: --keys FILE (its API's key list, pages in " +
        "an array), which --fetch reads by itself for Anthropic",
    );
  }
  return {
    config: values.config,
    provider: p,
    reports,
    fetch,
    adminKeyEnv: values["admin-key-env"]?.trim() || defaultAdminKeyEnv[p],
    adminUrl: values["admin-url"]?.trim() || undefined,
    from,
    to,
    tolerance: tolerance(values.tolerance),
    format: normaliseFormat("reconcile", values.format, reconcileFormats),
    gatewayProviders: (values["gateway-provider"] ?? []).map((s) => s.trim()).filter((s) => s),
    save: values.save === true,
    byKey,
    keys,
  };
}

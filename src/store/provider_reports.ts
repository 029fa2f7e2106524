/**
 * Provider reports saved for reconciliation (`provider_reports`, migrations 009/011): the
 * documents as the provider's API returned them, one set per provider, replaced by each save.
 * The bounds live here so that both stores refuse the same.
 */

export interface ProviderReportInput {
  /** A label: the file name, or the endpoint it was fetched from. */
  name: string;
  /** The JSON text as read. */
  body: string;
}

export interface StoredProviderReport extends ProviderReportInput {
  /** RFC 3339 UTC. */
  saved_at: string;
}

export const providerReportLimits = {
  /** Documents per provider: a usage and a cost report, of a few files each. */
  maxReports: 16,
  /** Characters of one document (JSON text). */
  maxChars: 64 * 1024 * 1024,
  maxNameChars: 256,
} as const;

const providerName = /^[a-z0-9_-]{1,32}$/;

/** Throws a RangeError saying what is wrong; nothing is written then. */
export function checkProviderReports(provider: string, reports: readonly ProviderReportInput[]) {
  if (!providerName.test(provider)) {
    throw new RangeError(`provider ${JSON.stringify(provider)} is not a provider name`);
  }
  if (reports.length === 0 || reports.length > providerReportLimits.maxReports) {
    throw new RangeError(
      `a saved set holds 1 to ${providerReportLimits.maxReports} reports (got ${reports.length})`,
    );
  }
  for (const r of reports) {
    if (r.name.length > providerReportLimits.maxNameChars) {
      throw new RangeError(`report name longer than ${providerReportLimits.maxNameChars}`);
    }
    if (r.body.length > providerReportLimits.maxChars) {
      throw new RangeError(`report ${r.name} is over ${providerReportLimits.maxChars} characters`);
    }
  }
}

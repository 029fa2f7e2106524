/**
 * The build identity written into `src/build_info.ts` before compiling: `ongoingai version`
 * then prints `1.2.3 (abc1234, 2026-11-22T10:00:00Z)` like the original's ldflags builds.
 */

export interface BuildInfo {
  version: string;
  commit: string;
  date: string;
}

/** The file's exact text; with the dev values it is the committed `src/build_info.ts`. */
export function buildInfoSource(info: BuildInfo): string {
  const fields = `version: ${JSON.stringify(info.version)}, commit: ${
    JSON.stringify(info.commit)
  }, date: ${JSON.stringify(info.date)}`;
  return `/** Replaced by \`deno task compile\` with the release's values. */
export const buildInfo = { ${fields} } as const;
`;
}

/**
 * RFC 3339 in UTC to the second. `SOURCE_DATE_EPOCH` (seconds), when set, fixes the date so two
 * builds of one commit are identical.
 */
export function buildDate(now: Date, sourceDateEpoch?: string): string {
  const epoch = sourceDateEpoch?.trim();
  const when = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : now;
  return when.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The short commit, marked `-dirty` when the tree has uncommitted changes. */
export function commitLabel(shortHash: string | null, dirty: boolean): string {
  if (shortHash === null || shortHash === "") return "none";
  return dirty ? `${shortHash}-dirty` : shortHash;
}

/**
 * A commit given on the command line (`--commit`, for builds without .git such as the
 * Dockerfile's), shortened to the 12 digits `git rev-parse --short=12` gives; a `-dirty` suffix
 * is kept. Null when it is not a hash.
 */
export function commitOverride(raw: string): string | null {
  const m = /^([0-9a-f]{7,40})(-dirty)?$/i.exec(raw.trim());
  if (!m) return null;
  return `${m[1]!.toLowerCase().slice(0, 12)}${m[2] ?? ""}`;
}

/** A date given on the command line, in the stamp's form (UTC, to the second); null when invalid. */
export function dateOverride(raw: string): string | null {
  const v = raw.trim();
  // RFC 3339 only: Date.parse alone would also take "March 3" or a bare year.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : buildDate(new Date(ms));
}

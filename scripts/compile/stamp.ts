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

/**
 * Build identity. Release builds overwrite `build_info.ts` before `deno compile` (see
 * `scripts/compile.ts`); a source checkout or a bundle carries the dev values, and `version`
 * then says what it is instead of printing them.
 */
import { buildInfo } from "./build_info.ts";

export const VERSION: string = buildInfo.version;
export const COMMIT: string = buildInfo.commit;
export const BUILD_DATE: string = buildInfo.date;

export interface BuildStamp {
  version: string;
  commit: string;
  date: string;
}

/**
 * What is running when the build was not stamped: source files of a checkout (with its commit,
 * or null when git could not tell), or something else (a bundle).
 */
export type Unstamped = { kind: "checkout"; commit: string | null } | { kind: "unstamped" };

/** The dev values of `build_info.ts`: nothing stamped them. */
export function isStamped(stamp: BuildStamp = buildInfo): boolean {
  return stamp.commit !== "none";
}

/**
 * `0.1.0 (abc1234, 2026-11-22T00:00:00Z)`, the format of the original's `version`, for a stamped
 * build; otherwise what is known instead: `0.1.0-dev (abc1234, source checkout)`.
 */
export function versionString(
  unstamped: Unstamped = { kind: "unstamped" },
  stamp: BuildStamp = buildInfo,
): string {
  if (isStamped(stamp)) return `${stamp.version} (${stamp.commit}, ${stamp.date})`;
  if (unstamped.kind === "unstamped") return `${stamp.version} (unstamped build, commit unknown)`;
  return unstamped.commit === null
    ? `${stamp.version} (source checkout, commit unknown)`
    : `${stamp.version} (${unstamped.commit}, source checkout)`;
}

/**
 * `ongoingai version`: the build's version, commit and date. A release build is stamped (see
 * scripts/compile.ts); run from a source checkout, the commit is the checkout's, read from git.
 */
import { fileURLToPath } from "node:url";
import { isStamped, type Unstamped, versionString } from "../version.ts";
import type { CliCommand } from "./io.ts";

export const versionSpec = {
  name: "version",
  summary: "Print the version, commit and build date (also --version, -v)",
  usage: "ongoingai version",
  flags: [],
} as const;

export const version: CliCommand = async (_args, io) => {
  const unstamped = isStamped() ? undefined : await describeUnstamped(import.meta.url);
  io.stdout(`${versionString(unstamped)}\n`);
  return 0;
};

/** How long git may take: `version` must answer even on a slow or huge checkout. */
const gitTimeoutMs = 3000;

/**
 * A checkout when this module is the source file itself (not inside a bundle), with the
 * checkout's commit as `deno task compile` would stamp it: 12 digits, `-dirty` for uncommitted
 * changes to tracked files.
 */
export async function describeUnstamped(
  moduleUrl: string,
  git: GitRunner = runGit,
): Promise<Unstamped> {
  const root = checkoutRoot(moduleUrl);
  if (root === null) return { kind: "unstamped" };
  const [hash, status] = await Promise.all([
    git(root, ["rev-parse", "--short=12", "HEAD"]),
    git(root, ["status", "--porcelain", "--untracked-files=no"]),
  ]);
  if (hash === null || !/^[0-9a-f]{7,40}$/.test(hash)) return { kind: "checkout", commit: null };
  return { kind: "checkout", commit: status ? `${hash}-dirty` : hash };
}

/** The checkout's root directory when `moduleUrl` is `<root>/src/cli/version.ts` on disk. */
export function checkoutRoot(moduleUrl: string): string | null {
  const url = new URL(moduleUrl);
  if (url.protocol !== "file:" || !url.pathname.endsWith("/src/cli/version.ts")) return null;
  return fileURLToPath(new URL("../../", url));
}

/** Trimmed stdout of a successful git command, or null (no git, not a repository, too slow). */
export type GitRunner = (cwd: string, args: string[]) => Promise<string | null>;

async function runGit(cwd: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", {
      // A checkout's config could name an fsmonitor program that `status` would run.
      args: ["-c", "core.fsmonitor=false", ...args],
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(gitTimeoutMs),
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

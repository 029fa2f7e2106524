/**
 * Release targets and the arguments of `deno task compile`. Output names are the original's
 * release file names, so install scripts and download links keep working.
 */
import { commitOverride, dateOverride } from "./stamp.ts";

export interface Target {
  /** Rust target triple, as `deno compile --target` takes it. */
  triple: string;
  /** Short name, also accepted by `--target`. */
  name: string;
  /** File name under the output directory. */
  output: string;
}

export const targets: readonly Target[] = [
  { triple: "x86_64-unknown-linux-gnu", name: "linux_amd64", output: "ongoingai_linux_amd64" },
  { triple: "aarch64-unknown-linux-gnu", name: "linux_arm64", output: "ongoingai_linux_arm64" },
  { triple: "x86_64-apple-darwin", name: "darwin_amd64", output: "ongoingai_darwin_amd64" },
  { triple: "aarch64-apple-darwin", name: "darwin_arm64", output: "ongoingai_darwin_arm64" },
  {
    triple: "x86_64-pc-windows-msvc",
    name: "windows_amd64",
    output: "ongoingai_windows_amd64.exe",
  },
];

export interface CompileOptions {
  targets: Target[];
  /** Version to stamp; undefined means deno.json's `version`. */
  version?: string;
  /** Commit to stamp; undefined means asking git (a Docker build context has no .git). */
  commit?: string;
  /** Build date to stamp (RFC 3339, UTC); undefined means now or SOURCE_DATE_EPOCH. */
  date?: string;
  outDir: string;
  help: boolean;
}

export class CompileUsageError extends Error {}

export const compileUsage =
  `Usage: deno task compile [--target NAME]... [--version X.Y.Z] [--commit SHA] [--date DATE]
                         [--out-dir DIR]

  --target NAME    Build only this target (repeatable, or comma-separated). NAME is a triple
                   or a short name: ${targets.map((t) => t.name).join(", ")}
  --version X.Y.Z  Version stamped into the binaries (default: deno.json "version")
  --commit SHA     Commit stamped into the binaries (default: git rev-parse HEAD); for builds
                   without .git, such as the Dockerfile's
  --date DATE      Build date, RFC 3339 (default: now, or SOURCE_DATE_EPOCH when set)
  --out-dir DIR    Where binaries and checksums.txt go (default: dist)
`;

const semver = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function findTarget(raw: string): Target {
  const found = targets.find((t) => t.triple === raw || t.name === raw);
  if (found) return found;
  throw new CompileUsageError(
    `unknown target ${JSON.stringify(raw)}; choose from ${
      targets.map((t) => `${t.name} (${t.triple})`).join(", ")
    }`,
  );
}

/** `--flag value` and `--flag=value` both work; targets keep the release order. */
export function parseCompileArgs(args: readonly string[]): CompileOptions {
  const chosen = new Set<Target>();
  let version: string | undefined;
  let commit: string | undefined;
  let date: string | undefined;
  let outDir = "dist";
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (!["--target", "--version", "--commit", "--date", "--out-dir"].includes(flag)) {
      throw new CompileUsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === "") throw new CompileUsageError(`${flag} needs a value`);
    if (flag === "--target") {
      for (const part of value.split(",")) chosen.add(findTarget(part.trim()));
    } else if (flag === "--version") {
      const v = value.replace(/^v/, "");
      if (!semver.test(v)) {
        throw new CompileUsageError(
          `--version must look like 1.2.3 or 1.2.3-rc.1 (got ${JSON.stringify(value)})`,
        );
      }
      version = v;
    } else if (flag === "--commit") {
      const given = commitOverride(value);
      if (given === null) {
        throw new CompileUsageError(
          `--commit must be a git commit hash, 7 to 40 hex digits (got ${JSON.stringify(value)})`,
        );
      }
      commit = given;
    } else if (flag === "--date") {
      const given = dateOverride(value);
      if (given === null) {
        throw new CompileUsageError(
          `--date must be an RFC 3339 time such as 2026-11-22T10:00:00Z (got ${
            JSON.stringify(value)
          })`,
        );
      }
      date = given;
    } else outDir = value;
  }
  const options: CompileOptions = {
    targets: chosen.size === 0 ? [...targets] : targets.filter((t) => chosen.has(t)),
    outDir,
    help,
  };
  if (version !== undefined) options.version = version;
  if (commit !== undefined) options.commit = commit;
  if (date !== undefined) options.date = date;
  return options;
}

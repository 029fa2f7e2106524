/**
 * Config loading as every command does it: the one loader, and its problems printed the same way
 * whichever command hit them.
 */
import { formatIssues, type GatewayConfig, loadConfig, withBuildSupport } from "../config/mod.ts";
import type { CliIo } from "./io.ts";

export interface Loaded {
  config: GatewayConfig;
  source: string | null;
}

/**
 * Null after printing `failed to load config` and every problem, one per line, to stderr.
 * `forServe` adds what this build cannot carry out (as `check` does), so that a config is never
 * run doing less than it says.
 */
export async function loadOrReport(
  path: string | undefined,
  io: CliIo,
  opts: { forServe?: boolean } = {},
): Promise<Loaded | null> {
  const loaded = await loadConfig({
    ...(path === undefined ? {} : { path }),
    env: io.env,
    cwd: io.cwd,
  });
  const result = opts.forServe ? withBuildSupport(loaded) : loaded;
  if (!result.ok) {
    io.stderr(`failed to load config: ${result.source ?? "(built-in defaults)"}\n`);
    io.stderr(formatIssues(result.errors, { cwd: io.cwd }));
    return null;
  }
  if (result.warnings.length > 0) io.stderr(formatIssues(result.warnings, { cwd: io.cwd }));
  return { config: result.config, source: result.source };
}

/**
 * Config loading as every command does it: the one loader, and its problems printed the same way
 * whichever command hit them.
 */
import { formatIssues, type GatewayConfig, loadConfig } from "../config/mod.ts";
import type { CliIo } from "./io.ts";

export interface Loaded {
  config: GatewayConfig;
  source: string | null;
}

/** Null after printing `failed to load config` and every problem, one per line, to stderr. */
export async function loadOrReport(path: string | undefined, io: CliIo): Promise<Loaded | null> {
  const result = await loadConfig({
    ...(path === undefined ? {} : { path }),
    env: io.env,
    cwd: io.cwd,
  });
  if (!result.ok) {
    io.stderr(`failed to load config: ${result.source ?? "(built-in defaults)"}\n`);
    io.stderr(formatIssues(result.errors, { cwd: io.cwd }));
    return null;
  }
  if (result.warnings.length > 0) io.stderr(formatIssues(result.warnings, { cwd: io.cwd }));
  return { config: result.config, source: result.source };
}

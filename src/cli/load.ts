/**
 * Config loading as every command does it: the one loader, and its problems printed the same way
 * whichever command hit them.
 */
import { relative } from "node:path";
import {
  formatIssues,
  type GatewayConfig,
  loadConfig,
  type LoadResult,
  skippedTsConfig,
  withBuildSupport,
} from "../config/mod.ts";
import type { CliIo } from "./io.ts";

export interface Loaded {
  config: GatewayConfig;
  source: string | null;
}

export interface LoadOpts {
  /** Adds what this build cannot carry out (as `check` does). */
  forServe?: boolean;
  /**
   * The command runs wherever the user happens to be (shell-init, wrap, health): a
   * `./gateway.config.ts` is code, so it is only run when named; a note says so.
   */
  explicitTs?: {
    command: string;
    /** Where the note about a skipped `./gateway.config.ts` goes; default stderr. */
    note?: (text: string) => void;
  };
}

/**
 * Null after printing `failed to load config` and every problem, one per line, to stderr.
 * `forServe` adds what this build cannot carry out (as `check` does), so that a config is never
 * run doing less than it says.
 */
export async function loadOrReport(
  path: string | undefined,
  io: CliIo,
  opts: LoadOpts = {},
): Promise<Loaded | null> {
  const result = await loadForCommand(path, io, opts);
  if (!result.ok) {
    io.stderr(`failed to load config: ${result.source ?? "(built-in defaults)"}\n`);
    io.stderr(formatIssues(result.errors, { cwd: io.cwd }));
    return null;
  }
  if (result.warnings.length > 0) io.stderr(formatIssues(result.warnings, { cwd: io.cwd }));
  return { config: result.config, source: result.source };
}

/** The loader's result, after the note about a skipped `./gateway.config.ts` (if any). */
export async function loadForCommand(
  path: string | undefined,
  io: CliIo,
  opts: LoadOpts = {},
): Promise<LoadResult> {
  const options = {
    ...(path === undefined ? {} : { path }),
    env: io.env,
    cwd: io.cwd,
    ...(opts.explicitTs === undefined ? {} : { typescript: "explicit" as const }),
  };
  const skipped = skippedTsConfig(options);
  if (skipped !== null) {
    const name = relative(io.cwd, skipped);
    (opts.explicitTs!.note ?? io.stderr)(
      `note: ${name} was not read: ${opts.explicitTs!.command} runs no TypeScript config it ` +
        `was not given, since one found in the current directory could run any code; use ` +
        `--config ${name} (or ONGOINGAI_CONFIG) if it is yours\n`,
    );
  }
  const loaded = await loadConfig(options);
  return opts.forServe ? withBuildSupport(loaded) : loaded;
}

/**
 * The config of the running gateway a command talks to (`health`, `routes`), or null after
 * printing (after `lead`) why it does not load and that `--url` is the way around it.
 */
export async function loadGatewayConfig(
  command: string,
  lead: string,
  path: string | undefined,
  io: CliIo,
  note?: (text: string) => void,
): Promise<GatewayConfig | null> {
  const loaded = await loadForCommand(path, io, {
    explicitTs: note === undefined ? { command } : { command, note },
  });
  if (loaded.ok) return loaded.config;
  io.stderr(
    `${lead}: cannot tell where the gateway listens, the config does not load: ${
      loaded.source ?? "(built-in defaults)"
    }\n${formatIssues(loaded.errors, { cwd: io.cwd })}` +
      `Fix the config, or give the address: ongoingai ${command} --url http://127.0.0.1:8080\n`,
  );
  return null;
}

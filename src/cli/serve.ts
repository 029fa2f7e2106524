/**
 * `ongoingai serve` (also the default command): run the gateway until SIGINT or SIGTERM, reading
 * the config again on SIGHUP.
 */
import { formatIssue, loadConfig, withBuildSupport } from "../config/mod.ts";
import { createLogger } from "../log/mod.ts";
import { type ConfigLoad, processReloadRequests, runServer } from "../server/mod.ts";
import { normaliseFormat, parseFlags } from "./args.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";

export const serveSpec = {
  name: "serve",
  summary: "Run the gateway (the default command)",
  usage: "ongoingai serve [--config PATH] [--log-format text|json]",
  flags: [
    ["--config PATH", "Config file (.ts, .yaml, .yml or .json)"],
    ["--log-format FORMAT", "text (default, or server.log_format) or json, one object per line"],
  ],
} as const;

export const serve: CliCommand = async (args, io) => {
  const { values } = parseFlags("serve", args, {
    config: { type: "string" },
    "log-format": { type: "string" },
  });
  const flagFormat = values["log-format"] === undefined
    ? undefined
    : normaliseFormat("log", values["log-format"], ["text", "json"] as const);
  const loaded = await loadOrReport(values.config, io, { forServe: true });
  if (loaded === null) return exitCode.failure;
  const log = createLogger({
    format: flagFormat ?? loaded.config.server.log_format,
    write: io.stderr,
  });
  return await runServer({
    config: loaded.config,
    configSource: loaded.source,
    cwd: io.cwd,
    log,
    stopSignal: io.stopSignal ?? new AbortController().signal,
    workerModule: io.entryModule,
    env: io.env,
    // The file read at startup, so that a reload cannot pick up a different one.
    reload: {
      requests: processReloadRequests,
      load: () => reloadConfig(loaded.source ?? values.config, io),
    },
  });
};

/** The startup loader again, its problems as log lines instead of printed to stderr. */
async function reloadConfig(path: string | undefined, io: CliIo): Promise<ConfigLoad> {
  const result = withBuildSupport(
    await loadConfig({ ...(path === undefined ? {} : { path }), env: io.env, cwd: io.cwd }),
  );
  const lines = (issues: typeof result.warnings) =>
    issues.map((issue) => formatIssue(issue, { cwd: io.cwd }));
  return result.ok
    ? { ok: true, config: result.config, source: result.source, warnings: lines(result.warnings) }
    : { ok: false, source: result.source, problems: lines(result.errors) };
}

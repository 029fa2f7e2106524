/**
 * `ongoingai serve` (also the default command): run the gateway until SIGINT or SIGTERM, reading
 * the config again on SIGHUP.
 */
import { formatIssue, loadConfig, serverSchema, withBuildSupport } from "../config/mod.ts";
import { createLogger } from "../log/mod.ts";
import { type ConfigLoad, processReloadRequests, runServer } from "../server/mod.ts";
import { normaliseFormat, parseFlags, UsageError } from "./args.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";

export const serveSpec = {
  name: "serve",
  summary: "Run the gateway (the default command)",
  usage: "ongoingai serve [--config PATH] [--host HOST] [--port N] [--log-format text|json]",
  flags: [
    ["--config PATH", "Config file (.ts, .yaml, .yml or .json)"],
    ["--host HOST", "Address to listen on; overrides server.host and ONGOINGAI_HOST"],
    ["--port N", "Port to listen on, 1 to 65535; overrides server.port and ONGOINGAI_PORT"],
    ["--log-format FORMAT", "text (default, or server.log_format) or json, one object per line"],
  ],
} as const;

export const serve: CliCommand = async (args, io) => {
  const { values } = parseFlags("serve", args, {
    config: { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    "log-format": { type: "string" },
  });
  const flagFormat = values["log-format"] === undefined
    ? undefined
    : normaliseFormat("log", values["log-format"], ["text", "json"] as const);
  // The flags win over the file and the environment, at startup and on every reload.
  const configIo = { ...io, env: { ...io.env, ...listenOverrides(values.host, values.port) } };
  const loaded = await loadOrReport(values.config, configIo, { forServe: true });
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
      load: () => reloadConfig(loaded.source ?? values.config, configIo),
    },
  });
};

/**
 * `--host` and `--port` as the variables they override (ONGOINGAI_HOST, ONGOINGAI_PORT), laid
 * over the environment: one loader then applies them after the file and the variables, with the
 * schema's own checks, and a reload keeps them. Checked here first so that a bad value is a usage
 * error naming the flag.
 */
export function listenOverrides(
  host: string | undefined,
  port: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (host !== undefined) {
    const checked = serverSchema.safeParse({ host });
    if (!checked.success) {
      throw new UsageError(
        `serve: --host ${checked.error.issues[0]?.message ?? "is invalid"} ` +
          `(got ${JSON.stringify(host)})`,
      );
    }
    out["ONGOINGAI_HOST"] = host;
  }
  if (port !== undefined) {
    const n = /^\d{1,5}$/.test(port.trim()) ? Number(port.trim()) : NaN;
    if (!serverSchema.safeParse({ port: n }).success) {
      throw new UsageError(
        `serve: --port must be an integer between 1 and 65535 (got ${JSON.stringify(port)})`,
      );
    }
    out["ONGOINGAI_PORT"] = String(n);
  }
  return out;
}

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

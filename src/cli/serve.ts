/** `ongoingai serve` (also the default command): run the gateway until SIGINT or SIGTERM. */
import { createLogger } from "../server/log.ts";
import { runServer } from "../server/serve.ts";
import { normaliseFormat, parseFlags } from "./args.ts";
import { type CliCommand, exitCode } from "./io.ts";
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
  });
};

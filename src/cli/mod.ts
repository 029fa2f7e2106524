/**
 * The command line: one table of commands (also the source of the README's CLI reference) and
 * the dispatcher that `src/main.ts` calls. Exit codes: 0 ok, 1 runtime or config failure,
 * 2 usage error.
 */
import { UsageError } from "./args.ts";
import { audit, auditSpec } from "./audit.ts";
import { check, checkSpec } from "./check.ts";
import { debug, debugSpec } from "./debug.ts";
import { diagnostics, diagnosticsSpec } from "./diagnostics.ts";
import { doctor, doctorSpec } from "./doctor.ts";
import { health, healthSpec } from "./health.ts";
import { init, initSpec } from "./init.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { keys, keysSpec } from "./keys.ts";
import { pii, piiSpec } from "./pii.ts";
import { report, reportSpec } from "./report.ts";
import { routes, routesSpec } from "./routes.ts";
import { replay, replaySpec } from "./replay.ts";
import { reconcile, reconcileSpec } from "./reconcile.ts";
import { serve, serveSpec } from "./serve.ts";
import { shellInit, shellInitSpec } from "./shell_init.ts";
import { top, topSpec } from "./top.ts";
import { version, versionSpec } from "./version.ts";
import { wrap, wrapSpec } from "./wrap.ts";

export { type CliIo, processIo } from "./io.ts";

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: readonly (readonly [string, string])[];
}

interface Command {
  spec: CommandSpec;
  run: CliCommand;
  aliases?: readonly string[];
}

export const commands: readonly Command[] = [
  { spec: serveSpec, run: serve },
  { spec: checkSpec, run: check, aliases: ["config validate"] },
  { spec: initSpec, run: init },
  { spec: healthSpec, run: health },
  { spec: shellInitSpec, run: shellInit },
  { spec: wrapSpec, run: wrap },
  { spec: reportSpec, run: report },
  { spec: reconcileSpec, run: reconcile },
  { spec: debugSpec, run: debug },
  { spec: replaySpec, run: replay },
  { spec: doctorSpec, run: doctor },
  { spec: keysSpec, run: keys },
  { spec: auditSpec, run: audit },
  { spec: routesSpec, run: routes },
  { spec: topSpec, run: top },
  { spec: diagnosticsSpec, run: diagnostics },
  { spec: piiSpec, run: pii },
  { spec: versionSpec, run: version, aliases: ["--version", "-v"] },
];

export function usageText(): string {
  const width = Math.max(...commands.map((c) => c.spec.name.length));
  const lines = [
    "OngoingAI Gateway: a tracing gateway for OpenAI, Anthropic and OpenAI-compatible APIs.",
    "",
    "Usage:",
    ...commands.map((c) => `  ${c.spec.usage}`),
    "  ongoingai help",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    `  ${"help".padEnd(width)}  Show this help (also --help, -h)`,
    "",
    "Run `ongoingai <command> --help` for a command's flags.",
    "",
  ];
  return lines.join("\n");
}

function commandHelp(spec: CommandSpec): string {
  const width = Math.max(0, ...spec.flags.map(([f]) => f.length));
  return [
    spec.summary + ".",
    "",
    `Usage: ${spec.usage}`,
    ...(spec.flags.length
      ? ["", "Flags:", ...spec.flags.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`)]
      : []),
    "",
  ].join("\n");
}

/** Flags that make a bare `ongoingai --port 9000` the default command, `serve`. */
const serveFlags = ["--config", "--log-format", "--host", "--port"];

export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = args;
  let command: Command | undefined;
  let commandArgs = rest;
  if (first === undefined || serveFlags.some((f) => first === f || first.startsWith(`${f}=`))) {
    command = commands[0];
    commandArgs = args;
  } else if (first === "help" || first === "--help" || first === "-h") {
    io.stdout(usageText());
    return exitCode.ok;
  } else if (first === "config") {
    if (rest[0] !== "validate") {
      io.stderr(
        "Usage:\n  ongoingai config validate [--config PATH] (same as `ongoingai check`)\n",
      );
      return exitCode.usage;
    }
    command = commands.find((c) => c.spec.name === "check");
    commandArgs = rest.slice(1);
  } else {
    command = commands.find((c) => c.spec.name === first || c.aliases?.includes(first));
  }
  if (command === undefined) {
    io.stderr(`unknown command ${JSON.stringify(first)}\n\n${usageText()}`);
    return exitCode.usage;
  }
  if (commandArgs.includes("--help") || commandArgs.includes("-h")) {
    const dash = commandArgs.indexOf("--");
    const helpAt = Math.max(commandArgs.indexOf("--help"), commandArgs.indexOf("-h"));
    if (dash === -1 || helpAt < dash) {
      io.stdout(commandHelp(command.spec));
      return exitCode.ok;
    }
  }
  try {
    return await command.run(commandArgs, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\n\nUsage: ${command.spec.usage}\n`);
      return exitCode.usage;
    }
    throw err;
  }
}

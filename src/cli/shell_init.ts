/**
 * `ongoingai shell-init`: the exports that point the official clients at the gateway: OpenAI and
 * Anthropic always, and Gemini, Vertex, Bedrock and Azure OpenAI when the config has a provider
 * of that kind (providers/clients.ts says which variable each reads).
 */
import { normaliseFormat, parseFlags } from "./args.ts";
import { clientBaseUrls, offMachine } from "./base_urls.ts";
import { type CliCommand, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";

const shells = ["sh", "bash", "zsh", "fish"] as const;
type Shell = typeof shells[number];

export const shellInitSpec = {
  name: "shell-init",
  summary:
    "Print shell exports that point the official clients of the config's providers at the gateway",
  usage: "ongoingai shell-init [--config PATH] [--shell sh|bash|zsh|fish] [--force]",
  flags: [
    ["--config PATH", "Config file (.ts, .yaml, .yml or .json); a .ts is only read when named"],
    ["--shell NAME", "Syntax to print: sh, bash, zsh (the default, `export`) or fish (`set -gx`)"],
    ["--force", "Print base URLs that leave this machine (server.host not loopback) anyway"],
  ],
} as const;

/**
 * `value` as one word the shell takes literally. POSIX shells (sh, bash, zsh): single quotes,
 * inside which nothing is special, and each `'` closed, escaped and reopened (`'\''`). fish:
 * single quotes, inside which only `\\` and `\'` are escapes. Every value is quoted, even a
 * plain URL: the output is `eval`ed, and what it holds comes from a config file.
 */
export function shellQuote(value: string, shell: Shell): string {
  if (shell === "fish") return `'${value.replace(/[\\']/g, "\\$&")}'`;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function exportLine(name: string, value: string, shell: Shell): string {
  return shell === "fish"
    ? `set -gx ${name} ${shellQuote(value, shell)};\n`
    : `export ${name}=${shellQuote(value, shell)}\n`;
}

export const shellInit: CliCommand = async (args, io) => {
  const { values } = parseFlags("shell-init", args, {
    config: { type: "string" },
    shell: { type: "string" },
    force: { type: "boolean" },
  });
  const shell = normaliseFormat("shell-init shell", values.shell, shells);
  const loaded = await loadOrReport(values.config, io, { explicitTs: { command: "shell-init" } });
  if (loaded === null) return exitCode.failure;
  const away = offMachine(loaded.config, loaded.source);
  if (away !== null) {
    if (!values.force) {
      io.stderr(
        `shell-init: refusing: ${away}. If that gateway is yours, run shell-init --force\n`,
      );
      return exitCode.failure;
    }
    io.stderr(`shell-init: warning: ${away} (--force)\n`);
  }
  for (const [name, value] of Object.entries(clientBaseUrls(loaded.config))) {
    io.stdout(exportLine(name, value, shell));
  }
  return exitCode.ok;
};

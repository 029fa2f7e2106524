/** `ongoingai shell-init`: the exports that point OpenAI and Anthropic clients at the gateway. */
import { normaliseFormat, parseFlags } from "./args.ts";
import { clientBaseUrls } from "./base_urls.ts";
import { type CliCommand, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";

const shells = ["sh", "bash", "zsh", "fish"] as const;

export const shellInitSpec = {
  name: "shell-init",
  summary: "Print shell exports that point OpenAI and Anthropic clients at the gateway",
  usage: "ongoingai shell-init [--config PATH] [--shell sh|bash|zsh|fish]",
  flags: [
    ["--config PATH", "Config file (.ts, .yaml, .yml or .json)"],
    ["--shell NAME", "Syntax to print: sh, bash, zsh (the default, `export`) or fish (`set -gx`)"],
  ],
} as const;

export const shellInit: CliCommand = async (args, io) => {
  const { values } = parseFlags("shell-init", args, {
    config: { type: "string" },
    shell: { type: "string" },
  });
  const shell = normaliseFormat("shell-init shell", values.shell, shells);
  const loaded = await loadOrReport(values.config, io);
  if (loaded === null) return exitCode.failure;
  for (const [name, value] of Object.entries(clientBaseUrls(loaded.config))) {
    io.stdout(shell === "fish" ? `set -gx ${name} ${value};\n` : `export ${name}=${value}\n`);
  }
  return exitCode.ok;
};

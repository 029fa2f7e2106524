/** The CLI reference, from the command table that the dispatcher itself runs. */
import { commands, usageText } from "../../src/cli/mod.ts";
import { code, table } from "./markdown_table.ts";

/**
 * Mirrors `exitCode` in src/cli/io.ts (not exported by the cli module); a test keeps the two
 * equal.
 */
export const documentedExitCodes = [
  [0, "Success; also `help` and `--help`."],
  [1, "Runtime or config failure: invalid config, storage that cannot be opened, port in use."],
  [2, "Usage error: unknown command or flag, missing `wrap` command."],
] as const;

export function renderCliReference(): string {
  const parts = [
    "```text\n$ ongoingai help\n" + usageText().trimEnd() + "\n```",
    "With no command, `ongoingai` runs `serve`.",
  ];
  for (const { spec } of commands) {
    parts.push(`### ${code(`ongoingai ${spec.name}`)}`);
    parts.push(`${spec.summary}.\n\n${code(spec.usage)}`);
    if (spec.flags.length > 0) {
      parts.push(table(["Flag", "Meaning"], spec.flags.map(([flag, text]) => [code(flag), text])));
    }
  }
  parts.push(
    "### Exit codes",
    table(["Code", "Meaning"], documentedExitCodes.map(([n, text]) => [String(n), text])),
    "Any other code comes from `wrap`, which returns its command's exit code (128 + signal " +
      "number when a signal killed it); as in a shell, 127 when the command is not found and " +
      "126 when it cannot be run.",
  );
  return parts.join("\n\n") + "\n";
}

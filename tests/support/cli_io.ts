/** Runs a CLI command in-process with captured output, as `src/main.ts` would run it. */
import type { CliCommand, CliIo } from "../../src/cli/io.ts";

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCaptured(
  command: CliCommand,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CapturedRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env,
    cwd,
  };
  const code = await command(args, io);
  return { code, stdout, stderr };
}

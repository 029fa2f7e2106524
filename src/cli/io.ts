/**
 * What a CLI command may touch. Commands are `(args, io) => Promise<exitCode>` so tests drive
 * them in-process with captured output, and `src/main.ts` wires the real process.
 */

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Environment variables as the command should see them. */
  env: Record<string, string>;
  cwd: string;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); `serve` uses it. */
  stopSignal?: AbortSignal;
  /**
   * The program's entry module, when running as a process: `serve` starts it again as the trace
   * store's worker thread. In-process callers (tests) leave it unset and keep SQLite local.
   */
  entryModule?: string;
  /** Standard output is a terminal (`top` draws a screen then); absent in-process (tests). */
  stdoutIsTerminal?: boolean;
  /** Everything on standard input (`pii scan`); absent when the command has no input. */
  readStdin?: () => Promise<Uint8Array>;
  /** Standard error is a terminal: long commands draw a progress line there (progress_run.ts). */
  stderrIsTerminal?: boolean;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

/** Exit codes, as the original: 0 ok, 1 runtime or config failure, 2 usage error. */
export const exitCode = { ok: 0, failure: 1, usage: 2 } as const;

export function processIo(stopSignal?: AbortSignal): CliIo {
  const enc = new TextEncoder();
  const io: CliIo = {
    stdout: (t) => void Deno.stdout.writeSync(enc.encode(t)),
    stderr: (t) => void Deno.stderr.writeSync(enc.encode(t)),
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    entryModule: Deno.mainModule,
    readStdin: () => new Response(Deno.stdin.readable).bytes(),
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    stderrIsTerminal: Deno.stderr.isTerminal(),
  };
  if (stopSignal) io.stopSignal = stopSignal;
  return io;
}

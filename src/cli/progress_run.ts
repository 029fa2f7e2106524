/**
 * The progress line (progress.ts) on a real process: drawn only when standard error is a
 * terminal that understands it, never when it is piped or redirected, so scripts and logs see
 * the same bytes as before. A command takes the returned `io` in place of its own, so anything it
 * writes erases the line first, and calls `stop()` in a `finally`.
 */
import type { CliIo } from "./io.ts";
import { type Progress, ProgressLine, type ProgressTerminal } from "./progress.ts";

export interface ProgressRun {
  /** The command's io: every write removes the progress line first. */
  io: CliIo;
  progress: Progress;
  /** The line is drawn: worth counting work for it (otherwise the command runs as it always did). */
  enabled: boolean;
  /** Removes the line for good; safe to call more than once. */
  stop(): void;
}

const quiet: Progress = { step() {} };

/** `work` with a progress line (`startProgress`), always stopped and erased when it ends. */
export async function withProgress<T>(io: CliIo, work: (run: ProgressRun) => Promise<T>) {
  const run = startProgress(io);
  try {
    return await work(run);
  } finally {
    run.stop();
  }
}

/**
 * Only on a terminal: `io.stderrIsTerminal` (set by `processIo`) and a `TERM` that is not `dumb`
 * (a dumb terminal prints the erase sequence as text). `terminal` is the real one unless a test
 * gives its own; it writes through `io.stderr`.
 */
export function startProgress(
  io: CliIo,
  terminal: (write: (text: string) => void) => ProgressTerminal = processTerminal,
): ProgressRun {
  if (io.stderrIsTerminal !== true || io.env.TERM === "dumb") {
    return { io, progress: quiet, enabled: false, stop() {} };
  }
  const line = new ProgressLine(terminal((text) => io.stderr(text)));
  const wrapped: CliIo = {
    ...io,
    stdout: (text) => {
      line.erase();
      io.stdout(text);
    },
    stderr: (text) => {
      line.erase();
      io.stderr(text);
    },
  };
  return { io: wrapped, progress: line, enabled: true, stop: () => line.stop() };
}

/** Exit statuses of a process ended by the signal, as a shell reports them (128 + number). */
const interrupts = [["SIGINT", 130], ["SIGTERM", 143]] as const;

export function processTerminal(write: (text: string) => void): ProgressTerminal {
  return {
    write,
    now: () => performance.now(),
    every(ms, fn) {
      const id = setInterval(fn, ms);
      // The line must never keep a finished command's process alive.
      Deno.unrefTimer(id);
      return () => clearInterval(id);
    },
    columns() {
      try {
        return Deno.consoleSize().columns || 80;
      } catch {
        return 80;
      }
    },
    onInterrupt(fn) {
      if (Deno.build.os === "windows") return () => {};
      // A listener replaces the default action (ending the process): end it here, as it would
      // have ended, once the line is gone.
      const listeners = interrupts.map(([signal, status]) => {
        const listener = () => {
          fn();
          Deno.exit(status);
        };
        Deno.addSignalListener(signal, listener);
        return [signal, listener] as const;
      });
      return () => {
        for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
      };
    },
  };
}

/**
 * `target` with its `methods` counted for the progress line: `onCount(done, started)` when a call
 * starts and when it ends. `sequential` runs the calls one after another with a turn of the event
 * loop before each: SQLite answers on this thread, so calls made together (`Promise.all`) would
 * all run before the line or an interrupt could be seen; one at a time costs SQLite nothing.
 */
export function countCalls<T extends object>(
  target: T,
  methods: readonly (keyof T & string)[],
  onCount: (done: number, started: number) => void,
  sequential: boolean,
): T {
  let started = 0;
  let done = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t);
      if (typeof value !== "function" || !(methods as readonly PropertyKey[]).includes(prop)) {
        return typeof value === "function" ? value.bind(t) : value;
      }
      return (...args: unknown[]) => {
        onCount(done, ++started);
        const call = () => value.apply(t, args) as Promise<unknown>;
        const run = sequential ? queue.then(turn).then(call) : call();
        if (sequential) queue = run.catch(() => {});
        return run.finally(() => onCount(++done, started));
      };
    },
  });
}

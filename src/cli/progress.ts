/**
 * The progress line of commands that can take a while (`report`, `reconcile`, `keys`): one line
 * on standard error, drawn only on a terminal (progress_run.ts decides), only once the command has
 * run for a second (a fast command prints nothing), redrawn in place a few times a second at
 * most, and erased before anything else is written and when the command ends or is interrupted,
 * so the command's own output is the same with or without it. Time, timer and writer are
 * injected: the tests drive it without sleeping.
 */

export const progressTiming = {
  /** Nothing is drawn before the command has run this long. */
  delayMs: 1000,
  /** Redraws at most this often (a terminal over SSH need not repaint faster). */
  intervalMs: 250,
} as const;

/** Carriage return, then clear the whole line: the cursor is back at column 0 on a blank line. */
export const eraseLine = "\r\x1b[2K";

/** What the command is doing: "reading analytics" with 3 of 11 done, "fetching usage page" 4. */
export interface ProgressStep {
  name: string;
  done?: number;
  total?: number;
}

// deno-lint-ignore no-control-regex -- matching control characters is the point
const controls = /[\x00-\x1f\x7f-\x9f]/g;

const count = (n: number) => Math.trunc(n).toLocaleString("en-US");

/** "0s", "59s", "1m05s", "2h03m": whole units, since the line is redrawn every quarter second. */
export function elapsedText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
}

/**
 * "reading analytics 3/11 (2s)", cut to `columns - 1` characters: a line that wrapped onto a
 * second row could not be erased by `eraseLine`, and the last column makes some terminals wrap.
 */
export function progressText(step: ProgressStep, elapsedMs: number, columns: number): string {
  let counts = "";
  if (step.done !== undefined) {
    counts = step.total === undefined
      ? ` ${count(step.done)}`
      : ` ${count(step.done)}/${count(step.total)}`;
  }
  // Control characters from a file name or an answer must not move the cursor.
  const name = step.name.replace(controls, "?");
  const text = `${name}${counts} (${elapsedText(elapsedMs)})`;
  const width = Math.max(1, columns - 1);
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 3))}...`;
}

/** Where the line is drawn, and the clock and timer it is drawn by. */
export interface ProgressTerminal {
  write(text: string): void;
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
  /** The terminal's width in characters. */
  columns(): number;
  /**
   * While the line is shown: `fn` runs on an interrupt (Ctrl-C) before the process ends, so the
   * line does not outlive the command. Returns the function that stops listening.
   */
  onInterrupt(fn: () => void): () => void;
}

/** What a command reports; a no-op when the line is not drawn. */
export interface Progress {
  step(name: string, done?: number, total?: number): void;
}

export class ProgressLine implements Progress {
  #t: ProgressTerminal;
  #timing: { delayMs: number; intervalMs: number };
  #start: number;
  #step: ProgressStep | null = null;
  /** The text on screen, or null when nothing is. */
  #shown: string | null = null;
  #lastDraw = -Infinity;
  #stopTimer: (() => void) | null;
  #stopListening: (() => void) | null = null;

  constructor(terminal: ProgressTerminal, timing = progressTiming) {
    this.#t = terminal;
    this.#timing = timing;
    this.#start = terminal.now();
    this.#stopTimer = terminal.every(timing.intervalMs, () => this.#draw());
  }

  step(name: string, done?: number, total?: number): void {
    if (this.#stopTimer === null) return;
    const step: ProgressStep = { name };
    if (done !== undefined) step.done = done;
    if (total !== undefined) step.total = total;
    this.#step = step;
    this.#draw();
  }

  /** Removes the line (before other output); the next tick draws it again. */
  erase(): void {
    if (this.#shown === null) return;
    this.#t.write(eraseLine);
    this.#shown = null;
    this.#stopListening?.();
    this.#stopListening = null;
  }

  /** Removes the line for good: the command is done. */
  stop(): void {
    this.erase();
    this.#stopTimer?.();
    this.#stopTimer = null;
  }

  #draw(): void {
    if (this.#stopTimer === null || this.#step === null) return;
    const now = this.#t.now();
    if (now - this.#start < this.#timing.delayMs) return;
    if (now - this.#lastDraw < this.#timing.intervalMs) return;
    const text = progressText(this.#step, now - this.#start, this.#t.columns());
    if (text === this.#shown) return;
    this.#t.write(`${eraseLine}${text}`);
    this.#lastDraw = now;
    if (this.#shown === null) this.#stopListening = this.#t.onInterrupt(() => this.stop());
    this.#shown = text;
  }
}

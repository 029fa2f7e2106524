/**
 * SQLITE_BUSY handling without blocking the event loop: SQLite's own busy_timeout sleeps inside
 * the synchronous call, so the store keeps it short and waits between attempts with a timer.
 */

export interface BusyRetryOptions {
  /** Attempts after the first one. */
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Injected by tests to act between attempts; default a timer. */
  sleep: (ms: number) => Promise<void>;
}

export const busyRetryDefaults: BusyRetryOptions = {
  retries: 12,
  initialDelayMs: 5,
  maxDelayMs: 250,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** node:sqlite in Deno reports only a message (code ERR_SQLITE_ERROR, no errcode). */
export function isSqliteBusy(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /database (table )?is locked|SQLITE_BUSY|SQLITE_LOCKED/i.test(message);
}

/** Runs `attempt` (a whole transaction) until it succeeds, fails otherwise, or retries run out. */
export async function withBusyRetry<T>(attempt: () => T, options: BusyRetryOptions): Promise<T> {
  let delay = options.initialDelayMs;
  for (let n = 0;; n++) {
    try {
      return attempt();
    } catch (err) {
      if (n >= options.retries || !isSqliteBusy(err)) throw err;
    }
    await options.sleep(delay);
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
}

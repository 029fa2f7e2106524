/**
 * Warnings that would otherwise come once per request (trace drops, refusals): at most one line
 * per second, so a flood of them cannot make the log the bottleneck.
 */
import type { Logger } from "../log/mod.ts";

/**
 * When storage falls behind, every request would log a drop: the very moment a synchronous
 * write per request hurts most. One line per second says how many, and the last one's id. The
 * same for refusals anyone can cause at will (oversized headers).
 */
export function rateLimitedWarning(
  log: Logger,
  // Only the monotonic clock: the window is a duration, not a time of day.
  clock: { monotonic(): number },
  msg: string,
  countField = "dropped",
  everyMs = 1000,
) {
  let count = 0;
  let last = -Infinity;
  return {
    hit(correlationId: string, lastFields: Record<string, unknown> = {}) {
      count++;
      const now = clock.monotonic();
      if (now - last < everyMs) return;
      log.warn(msg, { [countField]: count, last_correlation_id: correlationId, ...lastFields });
      count = 0;
      last = now;
    },
  };
}

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

/** The refusals anyone can cause at will, each warned about at most once a second. */
export function gatewayRefusalWarnings(log: Logger, clock: { monotonic(): number }) {
  return {
    browser: rateLimitedWarning(
      log,
      clock,
      "refused: Host not in server.allowed_hosts (421) or origin not in server.cors (403)",
      "refused",
    ),
    oversizedHeaders: rateLimitedWarning(
      log,
      clock,
      "request headers over server.max_header_bytes refused with 431",
      "refused",
    ),
    websocket: rateLimitedWarning(
      log,
      clock,
      "WebSocket upgrade on a provider route answered 426, not relayed (see the code; clients " +
        "such as Codex fall back to HTTPS)",
      "refused",
    ),
    websocketClosed: rateLimitedWarning(
      log,
      clock,
      "WebSocket relay closed by the gateway (a bound or a timeout; see reason)",
      "closed",
    ),
  };
}

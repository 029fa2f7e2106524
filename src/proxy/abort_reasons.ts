/**
 * Why an exchange's upstream request was aborted. The reason travels as the abort signal's
 * `reason`, so whoever sees the resulting fetch or body error can tell a timeout, a shutdown
 * and a departed client apart, and trace each as what it was.
 */
import type { ErrorCode } from "../errors/mod.ts";
import type { TimeoutPhase } from "./watchdog.ts";

export class UpstreamTimeout extends Error {
  constructor(readonly phase: TimeoutPhase) {
    super(`upstream ${phase} timeout`);
    this.name = "UpstreamTimeout";
  }
}

export class Shutdown extends Error {
  constructor() {
    super("the gateway is shutting down");
    this.name = "Shutdown";
  }
}

export class ClientGone extends Error {
  constructor() {
    super("the client closed the connection");
    this.name = "ClientGone";
  }
}

export type AfterHeadersCode = Extract<
  ErrorCode,
  | "upstream_idle_timeout"
  | "upstream_timeout"
  | "shutting_down"
  | "client_aborted"
  | "upstream_truncated"
>;

/** What ended an exchange whose upstream failed after its headers arrived. */
export function codeAfterHeaders(signal: AbortSignal): AfterHeadersCode {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof UpstreamTimeout) {
    return reason.phase === "idle" ? "upstream_idle_timeout" : "upstream_timeout";
  }
  if (reason instanceof Shutdown) return "shutting_down";
  if (reason instanceof ClientGone) return "client_aborted";
  return "upstream_truncated";
}

/** Failures whose trace names the timeout limit that fired. */
const timeoutCodes = new Set<ErrorCode | null>([
  "upstream_timeout",
  "upstream_idle_timeout",
  "request_timeout",
]);

/** The limit that fired, when a timeout is what the trace reports (not e.g. a later abort). */
export function timeoutPhaseOf(
  signal: AbortSignal,
  failure: ErrorCode | null,
): TimeoutPhase | null {
  const reason: unknown = signal.reason;
  if (!(reason instanceof UpstreamTimeout)) return null;
  return timeoutCodes.has(failure) ? reason.phase : null;
}

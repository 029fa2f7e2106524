/**
 * Why an exchange's upstream request was aborted. The reason travels as the abort signal's
 * `reason`, so whoever sees the resulting fetch or body error can tell a timeout, a shutdown
 * and a departed client apart, and trace each as what it was.
 */
import type { TraceErrorCode } from "../traces/mod.ts";
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

/** The trace error code for an exchange whose upstream failed after its headers arrived. */
export function codeAfterHeaders(signal: AbortSignal): TraceErrorCode {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof UpstreamTimeout) {
    return reason.phase === "idle" ? "upstream_idle_timeout" : "upstream_timeout";
  }
  if (reason instanceof Shutdown) return "shutdown";
  if (reason instanceof ClientGone) return "client_aborted";
  return "upstream_truncated";
}

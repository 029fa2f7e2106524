/**
 * What the client is told when the upstream fails: each abort reason or transport error becomes
 * a GatewayError that says what happened and which `proxy.*` limit to raise (before the headers,
 * with the trace code too). Messages never carry query strings: some providers take keys as `?key=`.
 */
import { GatewayError } from "../errors/mod.ts";
import type { TraceErrorCode } from "../traces/mod.ts";
import { Shutdown, UpstreamTimeout } from "./abort_reasons.ts";

export function failureBeforeHeaders(
  signal: AbortSignal,
  err: unknown,
  providerId: string,
): [GatewayError, TraceErrorCode] {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof UpstreamTimeout) {
    return [
      new GatewayError(
        "upstream_timeout",
        `provider ${providerId} did not answer within the ${reason.phase} timeout; raise proxy.${
          reason.phase === "total" ? "total" : "headers"
        }_timeout_ms if the model is slow`,
      ),
      "upstream_timeout",
    ];
  }
  if (reason instanceof Shutdown) return [shuttingDown(), "shutdown"];
  return [
    new GatewayError(
      "upstream_unreachable",
      `could not reach provider ${providerId}: ${describeUpstreamError(err).slice(0, 300)}`,
    ),
    "upstream_unreachable",
  ];
}

/** A body that failed before any of it was sent: the client still gets a proper error. */
export function bodyFailure(code: TraceErrorCode, providerId: string, err: unknown): GatewayError {
  if (code === "upstream_timeout" || code === "upstream_idle_timeout") {
    return new GatewayError(
      "upstream_timeout",
      `provider ${providerId} stopped sending its response; raise proxy.idle_timeout_ms or proxy.total_timeout_ms if the model is slow`,
    );
  }
  if (code === "shutdown") return shuttingDown();
  return new GatewayError(
    "upstream_unreachable",
    `provider ${providerId} broke off its response: ${describeUpstreamError(err).slice(0, 200)}`,
  );
}

export const shuttingDown = () =>
  new GatewayError("shutting_down", "the gateway is shutting down; retry");

/**
 * The innermost useful message (`fetch failed` keeps the reason in `cause`), without query
 * strings: some providers take keys as `?key=`, and fetch's messages embed the URL.
 */
function describeUpstreamError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : null;
  return (cause ? `${err.message}: ${cause}` : err.message).replace(/\?[^\s)]*/g, "");
}

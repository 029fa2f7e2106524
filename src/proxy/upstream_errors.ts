/**
 * What the client is told when the upstream fails: each abort reason or transport error becomes
 * a GatewayError that says what happened and which `proxy.*` limit to raise; its code is what the
 * trace records (errors/errors.ts). Messages never carry query strings: some providers take keys
 * as `?key=`.
 */
import { GatewayError } from "../errors/mod.ts";
import { type AfterHeadersCode, Shutdown, UpstreamTimeout } from "./abort_reasons.ts";

export function failureBeforeHeaders(
  signal: AbortSignal,
  err: unknown,
  providerId: string,
): GatewayError {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof UpstreamTimeout) {
    return new GatewayError(
      "upstream_timeout",
      `provider ${providerId} did not answer within the ${reason.phase} timeout; raise proxy.${
        reason.phase === "total" ? "total" : "headers"
      }_timeout_ms if the model is slow`,
    );
  }
  if (reason instanceof Shutdown) return shuttingDown();
  return new GatewayError(
    "upstream_unreachable",
    `could not reach provider ${providerId}: ${describeUpstreamError(err).slice(0, 300)}`,
  );
}

/**
 * A body that failed before any of it was sent: the client still gets a proper error (an idle
 * timeout answered as `upstream_timeout`, a cut body as `upstream_unreachable`).
 */
export function bodyFailure(
  code: Exclude<AfterHeadersCode, "client_aborted">,
  providerId: string,
  err: unknown,
): GatewayError {
  if (code === "upstream_timeout" || code === "upstream_idle_timeout") {
    return new GatewayError(
      code,
      `provider ${providerId} stopped sending its response; raise proxy.idle_timeout_ms or proxy.total_timeout_ms if the model is slow`,
    );
  }
  if (code === "shutting_down") return shuttingDown();
  return new GatewayError(
    code,
    `provider ${providerId} broke off its response: ${describeUpstreamError(err).slice(0, 200)}`,
  );
}

export const shuttingDown = () =>
  new GatewayError("shutting_down", "the gateway is shutting down; retry");

/**
 * The error's message with its cause's when that adds something (`fetch failed` keeps the reason
 * in `cause`, while the native client's messages already quote their cause: appending it again
 * said "Connection refused" twice), without query strings: some providers take keys as `?key=`,
 * and fetch's messages embed the URL.
 */
export function describeUpstreamError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : "";
  const text = cause === "" || err.message.includes(cause)
    ? err.message
    : `${err.message}: ${cause}`;
  return text.replace(/\?[^\s)]*/g, "");
}

/**
 * What `Deno.serve` reports to its `onError`. The request handler catches whatever it throws
 * (handler.ts), so what arrives here is a response body that errored after its headers went out:
 * an upstream that broke off mid-stream, or an idle timeout, ends the client's stream with an
 * error, and the runtime reports that error here. Its default handler prints the raw error and its
 * stack on stderr, which is no log line and breaks `--log-format json`. The exchange has already
 * recorded the failure in its trace (`upstream_truncated`, ...); here it becomes one log line.
 */
import { errorResponse, errorTable, GatewayError } from "../errors/mod.ts";
import type { LogFields, Logger } from "../log/mod.ts";
import { describeUpstreamError } from "../proxy/mod.ts";

export function serveErrorHandler(log: Logger): (err: unknown) => Response {
  return (err) => {
    const gatewayError = err instanceof GatewayError ? err : null;
    const fields: LogFields = { error: describeUpstreamError(err).slice(0, 300) };
    if (gatewayError !== null) fields.code = gatewayError.code;
    // Not the gateway's fault: the upstream's or a timeout's, unless a table row says otherwise.
    const level = gatewayError === null ? "warn" : errorTable[gatewayError.code].level;
    log[level]("a response broke off after its headers were sent; its trace records why", fields);
    // Only read by the runtime when a handler threw, which handler.ts never lets happen.
    return errorResponse(
      new GatewayError("internal_error", "internal error; see the gateway log for details"),
    );
  };
}

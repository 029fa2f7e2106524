/**
 * The hot path: read the body, let the provider adapter look at it, forward with the client's
 * own headers, and stream the answer back through the tap. Everything the trace needs is
 * observed on the side; nothing here waits for storage.
 */
import { errorResponse, GatewayError } from "../server/errors.ts";
import type { Tenant, TraceErrorCode } from "../traces/mod.ts";
import { readBodyCapped } from "./body.ts";
import { lineageFrom } from "./correlation.ts";
import { Exchange, type ExchangeContext, type ProxyRoute } from "./exchange.ts";
import { clientResponseHeaders, runtimeDecodes, upstreamRequestHeaders } from "./headers.ts";
import { type RequestTarget, upstreamPath, upstreamUrl } from "./path.ts";
import { tapStream } from "./tap.ts";
import { ExchangeTimer, type TimeoutLimits, type TimeoutPhase } from "./timer.ts";

export interface ProxyOptions extends ExchangeContext {
  fetch: typeof fetch;
  timeouts: TimeoutLimits;
  maxRequestBodyBytes: number;
  /** Lower-case; stripped from every forwarded request. */
  gatewayKeyHeader: string;
  /** Open exchanges, so shutdown can end the ones still running after the grace period. */
  inflight: Set<Exchange>;
}

export interface ForwardInput {
  req: Request;
  route: ProxyRoute;
  target: RequestTarget;
  correlationId: string;
  tenant: Tenant;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const nullBodyStatuses = new Set([101, 204, 205, 304]);

class Timeout extends Error {
  constructor(readonly phase: TimeoutPhase) {
    super(`upstream ${phase} timeout`);
  }
}
class Shutdown extends Error {}

export function createForwarder(opts: ProxyOptions) {
  return async function forward(input: ForwardInput): Promise<Response> {
    const { req, route, target, correlationId } = input;
    const ex = new Exchange(
      opts,
      route,
      req,
      target.path,
      correlationId,
      lineageFrom(req.headers),
      input.tenant,
    );
    opts.inflight.add(ex);
    const fail = (err: GatewayError, code: TraceErrorCode): Response => {
      ex.status = err.status;
      ex.errorCode = code;
      ex.finish(false);
      opts.inflight.delete(ex);
      return errorResponse(err, { "x-ongoingai-correlation-id": correlationId });
    };

    // 499 (nginx's "client closed request"): nobody reads this response, the trace keeps it.
    const clientGone = (): Response => {
      ex.status = 499;
      ex.errorCode = "client_aborted";
      ex.finish(false);
      opts.inflight.delete(ex);
      return new Response(null, { status: 499 });
    };

    // A client that goes away before the response starts: stop the upstream request too.
    const onClientAbort = () => {
      if (!ex.finished) ex.abort.abort("client_aborted");
    };
    req.signal.addEventListener("abort", onClientAbort, { once: true });

    let body: Uint8Array<ArrayBuffer> | null;
    try {
      body = await readBodyCapped(req, opts.maxRequestBodyBytes);
    } catch (err) {
      if (err instanceof GatewayError) return fail(err, "request_too_large");
      return clientGone();
    }
    ex.requestBody = body;
    const path = upstreamPath(route.provider.prefix, target.path);
    const prepared = route.adapter.prepareRequest({
      method: req.method,
      path,
      contentType: req.headers.get("content-type"),
      body,
      streamUsage: route.provider.stream_usage,
    });
    ex.requestModel = prepared.model;

    const timer = new ExchangeTimer(opts.timeouts, (phase) => ex.abort.abort(new Timeout(phase)));
    let upstream: Response;
    try {
      upstream = await opts.fetch(upstreamUrl(route.base, route.provider.prefix, target), {
        method: req.method,
        headers: upstreamRequestHeaders(req.headers, {
          gatewayKeyHeader: opts.gatewayKeyHeader,
          correlationId,
        }),
        body: prepared.body,
        redirect: "manual",
        signal: ex.abort.signal,
      });
    } catch (err) {
      timer.stop();
      if (ex.abort.signal.reason === "client_aborted") return clientGone();
      return fail(...failureBeforeHeaders(ex.abort.signal, err, route.provider.id));
    }
    timer.headersReceived();

    if (redirectStatuses.has(upstream.status)) {
      timer.stop();
      await upstream.body?.cancel().catch(() => {});
      return fail(
        new GatewayError(
          "upstream_redirect",
          `provider ${route.provider.id} answered with a redirect (${upstream.status}); redirects are not followed so that credentials never reach another host; check providers.${route.provider.id}.upstream`,
        ),
        "upstream_redirect",
      );
    }

    const contentType = upstream.headers.get("content-type");
    const eventStream = contentType?.toLowerCase().includes("text/event-stream") ?? false;
    ex.status = upstream.status;
    ex.streaming = eventStream;
    ex.parser = route.adapter.createUsageParser({
      method: req.method,
      path,
      status: upstream.status,
      contentType,
      requestedStreaming: prepared.streaming,
      requestModel: prepared.model,
    });
    ex.startCapture();
    const hide = prepared.hideUsageEvent && eventStream && route.adapter.hideUsageEvent;
    const headers = clientResponseHeaders(upstream.headers, correlationId, {
      decompressed: runtimeDecodes(upstream.headers.get("content-encoding")),
      bodyRewritten: Boolean(hide),
    });
    ex.responseHeaders = headers;

    if (upstream.body === null || nullBodyStatuses.has(upstream.status) || req.method === "HEAD") {
      timer.stop();
      await upstream.body?.cancel().catch(() => {});
      ex.finish(true);
      opts.inflight.delete(ex);
      return new Response(null, { status: upstream.status, headers });
    }

    let clientBody = tapStream(upstream.body, {
      chunk(chunk) {
        timer.activity();
        ex.onChunk(chunk);
      },
      end(outcome) {
        timer.stop();
        req.signal.removeEventListener("abort", onClientAbort);
        if (outcome.kind === "client_aborted") {
          ex.errorCode = "client_aborted";
          ex.abort.abort("client_aborted");
        } else if (outcome.kind === "upstream_error") {
          ex.errorCode = failureAfterHeaders(ex.abort.signal);
        }
        ex.finish(outcome.kind === "complete");
        opts.inflight.delete(ex);
      },
    });
    if (hide) clientBody = clientBody.pipeThrough(route.adapter.hideUsageEvent!());
    return new Response(clientBody, {
      status: upstream.status,
      statusText: upstream.statusText,
      headers,
    });
  };
}

function failureBeforeHeaders(
  signal: AbortSignal,
  err: unknown,
  providerId: string,
): [GatewayError, TraceErrorCode] {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof Timeout) {
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
  if (reason instanceof Shutdown) {
    return [new GatewayError("shutting_down", "the gateway is shutting down; retry"), "shutdown"];
  }
  // Drop query strings: some providers take keys as `?key=`, and messages embed the URL.
  const detail = describeFetchError(err).replace(/\?[^\s)]*/g, "");
  return [
    new GatewayError(
      "upstream_unreachable",
      `could not reach provider ${providerId}: ${detail.slice(0, 300)}`,
    ),
    "upstream_unreachable",
  ];
}

function failureAfterHeaders(signal: AbortSignal): TraceErrorCode {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  // The request signal can beat the body cancel when the client hangs up: same cause.
  if (reason === "client_aborted") return "client_aborted";
  if (reason instanceof Timeout) {
    return reason.phase === "idle" ? "upstream_idle_timeout" : "upstream_timeout";
  }
  if (reason instanceof Shutdown) return "shutdown";
  return "upstream_truncated";
}

/** Ends every open exchange; shutdown calls this once the grace period is over. */
export function abortAll(inflight: Set<Exchange>): void {
  for (const ex of inflight) ex.abort.abort(new Shutdown("shutdown"));
}

/** The innermost useful message: Deno's `fetch failed` keeps the reason in `cause`. */
function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : null;
  return cause ? `${err.message}: ${cause}` : err.message;
}

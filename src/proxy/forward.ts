/**
 * The hot path: read the body, let the provider adapter look at it, forward with the client's
 * own headers, and stream the answer back through the tap. Everything the trace needs is
 * observed on the side; nothing here waits for storage.
 */
import { errorResponse, GatewayError } from "../errors/mod.ts";
import type { Tenant, TraceErrorCode, TraceRecord } from "../traces/mod.ts";
import { readBodyCapped } from "./body.ts";
import { lineageFrom } from "./correlation.ts";
import { Exchange, type ExchangeContext, type ProxyRoute } from "./exchange.ts";
import type { UpstreamClient, UpstreamResponse } from "../upstream/mod.ts";
import { clientResponseHeaders, headerValue, upstreamRequestHeaders } from "./headers.ts";
import { decoderFormat } from "./side_decoder.ts";
import { type RequestTarget, upstreamPath, upstreamUrl } from "./path.ts";
import { tapStream } from "./tap.ts";
import { ClientGone, codeAfterHeaders, Shutdown, UpstreamTimeout } from "./abort_reasons.ts";
import { bodyFailure, failureBeforeHeaders, shuttingDown } from "./upstream_errors.ts";
import { type TimeoutLimits, Watchdog } from "./watchdog.ts";
import { piiRequestStage } from "./pii_request.ts";
import type { Logger } from "../log/mod.ts";
import {
  encodedBody,
  type RedactedDocument,
  redactedDocument,
  redactedEventStream,
  redactsResponse,
  uninspectableAnswer,
} from "./pii_response.ts";

export interface ProxyOptions extends ExchangeContext {
  client: UpstreamClient;
  timeouts: TimeoutLimits;
  maxRequestBodyBytes: number;
  /** Lower-case; stripped from every forwarded request. */
  gatewayKeyHeader: string;
  /** Open exchanges, so shutdown can end the ones still running after the grace period. */
  inflight: Set<Exchange>;
  /**
   * Traces still being finished after their exchange ended (a compressed answer's decoded copy,
   * stored bodies redacted in slices), so shutdown can wait for them before the queue closes.
   */
  recording?: Set<Promise<void>>;
  /** How often upstream timeouts are checked (default 100 ms). */
  watchdogTickMs?: number;
  /** True once shutdown began: the server may then cut unfinished request bodies itself. */
  isDraining?: () => boolean;
  log?: Logger;
}

export interface ForwardInput {
  req: Request;
  route: ProxyRoute;
  target: RequestTarget;
  correlationId: string;
  tenant: Tenant;
  /** Limits: reserves before forwarding, or refuses (the request is then not forwarded). */
  admit?: (req: AdmitRequest) => Promise<Admitted | GatewayError>;
}

export interface AdmitRequest {
  route: ProxyRoute;
  model: string | null;
  maxTokens: number | null;
  requestBytes: number;
}

export interface Admitted {
  /** Called once with the finished trace: real usage replaces the reservation. */
  settle(trace: TraceRecord): void;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** Non-streamed bodies up to this size are read whole before answering (see below). */
const bufferedBodyLimit = 256 * 1024;
const nullBodyStatuses = new Set([101, 204, 205, 304]);

/**
 * After this long without upstream headers, a client hanging up aborts the upstream request.
 * The watch starts at the first watchdog tick past this age, so a client that leaves at once is
 * noticed up to slowHeadersMs + one tick later (about 100 ms measured in
 * tests/e2e/stream_faults_test.ts); one that leaves later is noticed at once.
 */
const slowHeadersMs = 50;

export function createForwarder(opts: ProxyOptions) {
  const watchdog = new Watchdog({
    limits: opts.timeouts,
    tickMs: opts.watchdogTickMs ?? 100,
    slowHeadersMs,
    now: opts.monotonic,
  });
  const track = (recorded: Promise<void>) => {
    const recording = opts.recording;
    if (recording === undefined) return;
    recording.add(recorded);
    recorded.then(() => recording.delete(recorded), (err) => {
      recording.delete(recorded);
      opts.log?.error("recording a trace failed", { error: String(err) });
    });
  };
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
    const done = (complete: boolean) => {
      watchdog.delete(ex);
      const recorded = ex.finish(complete);
      opts.inflight.delete(ex);
      if (recorded !== null) track(recorded);
    };
    /** `complete`: the upstream answer (if any) was read whole, so its usage is known. */
    const fail = (err: GatewayError, code: TraceErrorCode, complete = false): Response => {
      ex.status = err.status;
      ex.errorCode = code;
      done(complete);
      const headers: Record<string, string> = { "x-ongoingai-correlation-id": correlationId };
      const retry = err.details?.retry_after_s;
      if (typeof retry === "number") headers["retry-after"] = String(retry);
      return errorResponse(err, headers);
    };
    // 499 (nginx's "client closed request"): nobody reads this response, the trace keeps it.
    const clientGone = (): Response => {
      ex.status = 499;
      ex.errorCode = "client_aborted";
      done(false);
      return new Response(null, { status: 499 });
    };

    // Watched from here: a body that trickles in counts against the headers timeout, and
    // shutdown can end it.
    watchdog.add(ex);
    let body: Uint8Array<ArrayBuffer> | null;
    try {
      body = await readBodyCapped(req, opts.maxRequestBodyBytes, ex.abort.signal);
    } catch (err) {
      if (err instanceof GatewayError) return fail(err, "request_too_large");
      const reason: unknown = ex.abort.signal.reason;
      if (reason instanceof UpstreamTimeout) {
        return fail(
          new GatewayError(
            "request_timeout",
            "the request body did not arrive within proxy.headers_timeout_ms; send it faster or raise the limit",
          ),
          "request_timeout",
        );
      }
      if (reason instanceof Shutdown || opts.isDraining?.()) {
        return fail(shuttingDown(), "shutdown");
      }
      return clientGone();
    }
    ex.requestBody = body;
    const stage = await piiRequestStage({
      ex,
      policies: opts.pii,
      tenant: input.tenant,
      body,
      correlationId,
      log: opts.log,
    });
    if ("refuse" in stage) return fail(stage.refuse, stage.code);
    body = stage.body;
    const path = upstreamPath(route.provider.prefix, target.path);
    const prepared = route.adapter.prepareRequest({
      method: req.method,
      path,
      contentType: req.headers.get("content-type"),
      body,
      streamUsage: route.provider.stream_usage,
    });
    ex.requestModel = prepared.model;
    if (input.admit !== undefined) {
      const admitted = await input.admit({
        route,
        model: prepared.model,
        maxTokens: prepared.maxTokens ?? null,
        requestBytes: body?.byteLength ?? 0,
      });
      if (admitted instanceof GatewayError) {
        return fail(admitted, admitted.code === "rate_limited" ? "rate_limited" : "internal_error");
      }
      ex.onRecorded = (trace) => admitted.settle(trace);
    }
    ex.sent = { path, streaming: prepared.streaming };

    const headers = upstreamRequestHeaders(req.headers, {
      gatewayKeyHeader: opts.gatewayKeyHeader,
      correlationId,
      traceparent: ex.sendingUpstream(),
      continuesClientTrace: ex.span?.parentSpanId != null,
    });
    // The usage-only event can only be cut out of a stream the gateway can read as text, and
    // only a body it can read can be redacted.
    const redactResponse = redactsResponse(ex);
    if (prepared.hideUsageEvent || redactResponse) delete headers["accept-encoding"];
    let upstream: UpstreamResponse;
    try {
      upstream = await opts.client.send({
        method: req.method,
        url: upstreamUrl(route.base, route.provider.prefix, target),
        headers,
        body: prepared.body,
        signal: ex.abort.signal,
      });
    } catch (err) {
      if (ex.abort.signal.reason instanceof ClientGone) return clientGone();
      return fail(...failureBeforeHeaders(ex.abort.signal, err, route.provider.id));
    }
    ex.headersReceived();

    if (redirectStatuses.has(upstream.status)) {
      upstream.cancel();
      return fail(
        new GatewayError(
          "upstream_redirect",
          `provider ${route.provider.id} answered with a redirect (${upstream.status}); redirects are not followed so that credentials never reach another host; check providers.${route.provider.id}.upstream`,
        ),
        "upstream_redirect",
      );
    }

    const contentType = headerValue(upstream.headers, "content-type");
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
    if (!upstream.decoded) {
      const format = decoderFormat(headerValue(upstream.headers, "content-encoding"));
      // An unknown coding reaches the parser as it is: usage then reads as unknown, honestly.
      if (format !== null && format !== "unsupported") ex.decodeOnTheSide(format);
    }
    const hide = prepared.hideUsageEvent && eventStream && route.adapter.hideUsageEvent;
    const responseHeaders = clientResponseHeaders(upstream.headers, correlationId, {
      decoded: upstream.decoded,
      bodyRewritten: Boolean(hide) || redactResponse,
    });
    ex.responseHeaders = responseHeaders;

    if (nullBodyStatuses.has(upstream.status) || req.method === "HEAD") {
      // No body by definition; reading the (empty) rest frees the connection for reuse.
      await upstream.bytes().catch(() => upstream.cancel());
      done(true);
      return new Response(null, { status: upstream.status, headers: responseHeaders });
    }

    if (redactResponse && !eventStream) {
      let doc: RedactedDocument | null;
      ex.waitForUpstream();
      try {
        doc = await redactedDocument(
          ex,
          upstream,
          contentType,
          headerValue(upstream.headers, "content-encoding"),
        );
      } catch (err) {
        const code = codeAfterHeaders(ex.abort.signal);
        if (code === "client_aborted") return clientGone();
        return fail(bodyFailure(code, route.provider.id, err), code);
      }
      if (doc?.kind === "refuse") {
        // A blocked answer was read whole (and billed): its usage is still recorded.
        const blocked = doc.error.code === "pii_blocked";
        return fail(doc.error, blocked ? "pii_blocked" : "pii_uninspectable", blocked);
      }
      if (doc?.kind === "send") {
        if (doc.bytes.byteLength > 0) ex.onChunk(doc.bytes);
        done(true);
        return new Response(doc.bytes, {
          status: upstream.status,
          statusText: upstream.statusText,
          headers: responseHeaders,
        });
      }
    }

    // A small JSON answer is of no use to a client until it is complete, so it is read whole and
    // sent in one piece: the runtime then writes it natively instead of pumping a JS stream
    // (about twice the throughput), and a failure can still be answered with a proper status.
    const declared = headerValue(upstream.headers, "content-length");
    if (!eventStream && declared !== null && Number(declared) <= bufferedBodyLimit) {
      let bytes: Uint8Array<ArrayBuffer>;
      ex.waitForUpstream();
      try {
        bytes = await upstream.bytes();
      } catch (err) {
        const code = codeAfterHeaders(ex.abort.signal);
        if (code === "client_aborted") return clientGone();
        return fail(bodyFailure(code, route.provider.id, err), code);
      }
      if (bytes.byteLength > 0) ex.onChunk(bytes);
      done(true);
      return new Response(bytes, {
        status: upstream.status,
        statusText: upstream.statusText,
        headers: responseHeaders,
      });
    }

    if (redactResponse && eventStream) {
      const coding = headerValue(upstream.headers, "content-encoding");
      if (encodedBody(upstream, coding)) {
        upstream.cancel();
        return fail(uninspectableAnswer(ex, `a ${coding}-compressed stream`), "pii_uninspectable");
      }
    }
    const source = redactResponse && eventStream
      ? redactedEventStream(ex, upstream, route.adapter)
      : upstream;
    let clientBody = tapStream(source, {
      reading: () => ex.waitForUpstream(),
      chunk: (chunk) => ex.onChunk(chunk),
      end(outcome) {
        if (outcome.kind === "client_aborted") {
          ex.errorCode = "client_aborted";
          ex.clientGone();
        } else if (outcome.kind === "upstream_error") {
          ex.errorCode = codeAfterHeaders(ex.abort.signal);
        }
        // A stream stopped by a block policy ends cleanly for the client (with an error event)
        // but is not a complete exchange: its usage is unknown.
        done(outcome.kind === "complete" && ex.errorCode !== "pii_blocked");
      },
    });
    if (hide) clientBody = clientBody.pipeThrough(route.adapter.hideUsageEvent!());
    return new Response(clientBody, {
      status: upstream.status,
      statusText: upstream.statusText,
      headers: responseHeaders,
    });
  };
}

/** Ends every open exchange; shutdown calls this once the grace period is over. */
export function abortAll(inflight: Set<Exchange>): void {
  for (const ex of inflight) ex.abort.abort(new Shutdown());
}

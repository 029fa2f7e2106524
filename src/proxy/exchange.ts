/**
 * The state of one proxied request, from arrival to the last byte, and the single place that
 * turns it into a trace. Its state changes only through its own methods, in the order of the
 * forward path (forward.ts): the body arrives, the PII stage rules on it, the adapter names the
 * model, limits admit it, an attempt goes upstream (attempt.ts) and its answer is relayed.
 * `finish` runs exactly once whatever ends the exchange: completion, a client abort, an upstream
 * failure, a timeout or shutdown.
 */
import {
  genAiProviderNames,
  type PreparedRequest,
  type ProviderAdapter,
  providerKeyFrom,
} from "../providers/mod.ts";
import { redactionMargin } from "../pii/mod.ts";
import {
  type ErrorCode,
  errorResponse,
  type ErrorRow,
  errorTable,
  type GatewayError,
  traceCodeOf,
} from "../errors/mod.ts";
import {
  buildTrace,
  type Lineage,
  newTraceId,
  type Tenant,
  type TraceRecord,
} from "../traces/mod.ts";
import {
  ClientGone,
  codeAfterHeaders,
  Shutdown,
  timeoutPhaseOf,
  UpstreamTimeout,
} from "./abort_reasons.ts";
import { Attempt, type AttemptContext, noUsage } from "./attempt.ts";
import { lineageFrom } from "./correlation.ts";
import { type ReplayMark, replayMarkOf } from "./replay_mark.ts";
import { traceModelOf } from "./trace_model.ts";
import type { HeaderPairs } from "./headers.ts";
import { type RequestTarget, upstreamPath } from "./path.ts";
import type { DecodeLimits } from "./side_decoder.ts";
import type { BodyCapture, TapOutcome, TapSink } from "./tap.ts";
import { ExchangePii } from "./exchange_pii.ts";
import { TraceBodies, type TraceBodiesSource } from "./trace_bodies.ts";
import type { ExchangeSpan } from "../telemetry/mod.ts";
import type { TimeoutPhase, Watched } from "./watchdog.ts";
import type { AttemptRecord } from "../routing/mod.ts";
import type { Admitted, ExchangeContext, ExchangeInput, ProxyRoute } from "./exchange_context.ts";
import { routedTimeout, type RoutePhase } from "./route_attempt.ts";
import { translationFacts } from "./translate_attempt.ts";

export interface ExchangeOptions extends ExchangeInput {
  ctx: ExchangeContext;
  /**
   * Called once when the exchange ends (`complete`: the answer, if any, was read whole); it calls
   * `finish` and keeps the recording when that is still running.
   */
  ended(ex: Exchange, complete: boolean): void;
}

export class Exchange implements Watched, TapSink, TraceBodiesSource, AttemptContext {
  readonly id = newTraceId();
  readonly startedAt: number;
  readonly t0: number;
  /** The entry provider's route; a routed request's is the answering target's. */
  route: ProxyRoute;
  readonly req: Request;
  /** The path the upstream sees (`/v1/chat/completions`). */
  readonly upstreamPath: string;
  readonly target: RequestTarget;
  readonly correlationId: string;
  readonly lineage: Lineage;
  readonly tenant: Tenant;
  /** Aborts the upstream request; the reason says why (see abort_reasons.ts). */
  readonly #abort = new AbortController();
  /** Span ids and timings, only when span export is on. */
  readonly span: ExchangeSpan | null;
  /** What the PII stages decided and found (see exchange_pii.ts). */
  readonly pii: ExchangePii;
  readonly #ctx: ExchangeContext;
  readonly #ended: ExchangeOptions["ended"];
  /** The status the client got (499 when it left first). */
  #status = 0;
  /** Why the exchange did not end as a normal, complete upstream exchange. */
  #failure: ErrorCode | null = null;
  #requestBody: Uint8Array<ArrayBuffer> | null = null;
  #requestModel: string | null = null;
  #reservation: Admitted | null = null;
  #attempt: Attempt | null = null;
  #responseHeaders: HeaderPairs | null = null;
  #finished = false;
  /** A routed request: the route's name and its attempts so far (route_loop.ts). */
  #routeName: string | null = null;
  #attempts: AttemptRecord[] | null = null;
  /** The limit that ended the latest routed attempt that timed out (route_attempt.ts). */
  #attemptTimeout: RoutePhase | null = null;
  #onTrace: ((trace: TraceRecord) => void) | null = null;
  /** What the trace stores of the bodies (see trace_bodies.ts). */
  readonly #bodies: TraceBodies;
  #watchingClient = false;
  /** Set when the gateway's replay sent this request (replay_mark.ts). */
  readonly #replay: ReplayMark | null;
  readonly #onClientAbort = () => this.clientGone();

  constructor(o: ExchangeOptions) {
    this.#ctx = o.ctx;
    this.#ended = o.ended;
    this.route = o.route;
    this.req = o.req;
    this.target = o.target;
    this.upstreamPath = upstreamPath(o.route.provider.prefix, o.target.path);
    this.correlationId = o.correlationId;
    this.tenant = o.tenant;
    this.lineage = lineageFrom(o.req.headers);
    this.#replay = replayMarkOf(o.req);
    this.#replay?.started(this.id);
    this.startedAt = o.ctx.now();
    this.t0 = o.ctx.monotonic();
    this.span = o.ctx.spans?.start(o.req.headers) ?? null;
    this.pii = new ExchangePii(o.ctx.pii);
    this.#bodies = new TraceBodies(o.ctx, this, this.pii);
  }

  // --- read-only views ------------------------------------------------------------------------

  get requestBody(): Uint8Array<ArrayBuffer> | null {
    return this.#requestBody;
  }
  /** Aborted when the upstream request must stop; the reason says why (see abort_reasons.ts). */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }
  get failure(): ErrorCode | null {
    return this.#failure;
  }
  get finished(): boolean {
    return this.#finished;
  }
  get attempt(): Attempt | null {
    return this.#attempt;
  }
  get headersAt(): number | null {
    return this.#attempt?.headersAt ?? null;
  }
  get waitingSince(): number | null {
    return this.#attempt?.waitingSince ?? null;
  }
  get capture(): BodyCapture | null {
    return this.#attempt?.capture ?? null;
  }
  get responseRedacted(): boolean {
    return this.#attempt?.redacted ?? false;
  }
  get responseHeaders(): HeaderPairs | null {
    return this.#responseHeaders;
  }
  /** The gateway path, prefix included, without the query. */
  get path(): string {
    return this.target.path;
  }
  get adapter(): ProviderAdapter {
    return this.route.adapter;
  }
  monotonic(): number {
    return this.#ctx.monotonic();
  }

  // --- the request, stage by stage ------------------------------------------------------------

  received(body: Uint8Array<ArrayBuffer> | null): void {
    this.#requestBody = body;
  }

  /** The provider adapter read the request. */
  prepared(request: PreparedRequest): void {
    this.#requestModel = request.model;
  }

  /** The request names a route: its attempts are recorded in `attempts` as they end. */
  routedAs(name: string, attempts: AttemptRecord[], onTrace: (trace: TraceRecord) => void): void {
    this.#routeName = name;
    this.#attempts = attempts;
    this.#onTrace = onTrace;
  }

  /** The next attempt goes to this target: the trace names its provider, model and cost. */
  reroute(route: ProxyRoute, model: string): void {
    this.route = route;
    this.#requestModel = model;
  }

  /** Limits reserved for this request: the finished trace settles it before it is recorded. */
  settlesWith(reservation: Admitted): void {
    this.#reservation = reservation;
  }

  /** From now on the provider may bill for the request: the attempt reads its answer. */
  /** `path`: upstream-relative; a routed attempt's target may name its model there. */
  attempting(request: PreparedRequest, path: string = this.upstreamPath): Attempt {
    return this.#attempt = new Attempt(this, request, path);
  }

  /**
   * The request goes upstream now: starts the upstream span and returns the `traceparent` that
   * names it, or null when span export is off (the client's header then passes unchanged).
   */
  sendingUpstream(): string | null {
    if (this.span === null) return null;
    this.span.sentAt = this.#ctx.monotonic();
    return this.span.traceparent;
  }

  /** The attempt's answer goes to the client, with these headers. */
  /** `status`: the client's, when a translated answer's differs from the upstream's. */
  relays(attempt: Attempt, headers: HeaderPairs, status = attempt.status): void {
    this.#status = status;
    this.#responseHeaders = headers;
  }

  /** The capture limit of the answer: room for redaction when stored bodies get redacted. */
  get captureMax(): number | null {
    if (!this.#ctx.captureBodies) return null;
    const margin = this.#bodies.redactsStored("response_body") ? redactionMargin : 0;
    return this.#ctx.bodyMaxSize + margin;
  }

  get decodeLimits(): DecodeLimits | undefined {
    return this.#ctx.decodeLimits;
  }

  // --- how it ends ----------------------------------------------------------------------------

  /** Answered with `err`; `complete`: the upstream answer (if any) was read whole. */
  refuse(err: GatewayError, complete = false): Response {
    this.#status = err.status;
    this.#failure = err.code;
    this.#end(complete);
    const headers: Record<string, string> = { "x-ongoingai-correlation-id": this.correlationId };
    const retry = err.details?.retry_after_s;
    if (typeof retry === "number") headers["retry-after"] = String(retry);
    return errorResponse(err, headers);
  }

  /** The client left before it was answered: nobody reads this response, the trace keeps it. */
  clientLeft(): Response {
    this.#status = errorTable.client_aborted.status;
    this.#failure = "client_aborted";
    this.#end(false);
    return new Response(null, { status: this.#status });
  }

  /** The answer went out whole. */
  complete(): void {
    this.#end(true);
  }

  /** The answer already going out failed or was stopped (`first`: unless something else did). */
  failedMidway(code: ErrorCode, first = false): void {
    if (!first || this.#failure === null) this.#failure = code;
  }

  #end(complete: boolean): void {
    this.#ended(this, complete);
  }

  // --- the tap's sink: the streamed answer ----------------------------------------------------

  reading(): void {
    this.#attempt!.waitForUpstream();
  }

  chunk(chunk: Uint8Array): Promise<void> | null {
    return this.#attempt!.onChunk(chunk);
  }

  end(outcome: TapOutcome): void {
    if (outcome.kind === "client_aborted") {
      this.#failure = "client_aborted";
      this.clientGone();
    } else if (outcome.kind === "upstream_error") {
      this.#failure = codeAfterHeaders(this.#abort.signal);
    }
    // A stream stopped by a block policy ends cleanly for the client (with an error event)
    // but is not a complete exchange: its usage is unknown.
    this.#end(outcome.kind === "complete" && this.#failure !== "pii_blocked");
  }

  /** One of a routed attempt's own limits ended it (its signal, not the exchange's, aborted). */
  attemptTimedOut(phase: RoutePhase): void {
    this.#attemptTimeout = phase;
  }

  // --- the watchdog ---------------------------------------------------------------------------

  expire(phase: TimeoutPhase): void {
    this.#abort.abort(new UpstreamTimeout(phase));
  }

  /** The upstream is slow to answer: from now on a client that leaves aborts it. */
  slowHeaders(): void {
    if (this.#finished || this.#watchingClient) return;
    this.#watchingClient = true;
    if (this.req.signal.aborted) this.clientGone();
    else this.req.signal.addEventListener("abort", this.#onClientAbort, { once: true });
  }

  /** Shutdown's grace period is over: the exchange ends where it stands. */
  shutDown(): void {
    this.#abort.abort(new Shutdown());
  }

  clientGone(): void {
    if (!this.#finished && !this.#abort.signal.aborted) this.#abort.abort(new ClientGone());
  }

  // --- the trace ------------------------------------------------------------------------------

  /**
   * Builds and records the trace; later calls do nothing. With a side decoder, the trace is
   * recorded once the decoded copy is complete (a few microtasks later). Returns the promise of
   * that later recording, so a shutdown can wait for it before the trace queue closes.
   */
  finish(complete: boolean): Promise<void> | null {
    if (this.#finished) return null;
    this.#finished = true;
    if (this.span !== null) this.span.endedAt = this.#ctx.monotonic();
    if (this.#watchingClient) this.req.signal.removeEventListener("abort", this.#onClientAbort);
    const decoded = this.#attempt?.ended(complete) ?? null;
    if (decoded === null) return this.#redactThenRecord(complete);
    return decoded.then((decodedAll) =>
      this.#redactThenRecord(complete && decodedAll) ?? undefined
    );
  }

  /**
   * Stored bodies are redacted first: in slices that let other requests run when they are large
   * (see pii/budget.ts), so the trace may be recorded a few turns of the event loop later.
   */
  #redactThenRecord(complete: boolean): Promise<void> | null {
    const pending = this.#bodies.redactStored();
    if (pending === null) {
      this.#record(complete);
      return null;
    }
    return pending.then(() => this.#record(complete));
  }

  #record(complete: boolean): void {
    const attempt = this.#attempt;
    const failure: ErrorRow | null = this.#failure === null ? null : errorTable[this.#failure];
    const refused = failure?.notTaken === true;
    const report = attempt?.report(complete, refused) ?? noUsage;
    const rawKey = providerKeyFrom(this.req.headers, this.target.search);
    const key = rawKey === null ? null : this.#ctx.fingerprint(rawKey);
    const named = traceModelOf(this.route, report.model, this.#requestModel);
    const routed = routedTimeout(this.#failure, this.#attemptTimeout, this.#attempts);
    const trace = buildTrace({
      id: this.id,
      startedAt: this.startedAt,
      endedAt: this.#ctx.now(),
      latencyMs: this.#ctx.monotonic() - this.t0,
      firstByteMs: attempt?.firstByte ?? null,
      provider: this.route.provider.id,
      requestModel: this.#requestModel,
      method: this.req.method,
      path: this.path,
      requestHeaders: this.req.headers,
      responseHeaders: this.#responseHeaders,
      status: this.#status,
      requestBody: this.#bodies.storedRequestBody(rawKey),
      responseBody: this.#bodies.storedResponseBody(rawKey),
      report,
      model: named.model,
      modelMetadata: named.metadata,
      cost: this.route.cost(
        named.priceId,
        report,
        this.startedAt,
        attempt?.path ?? this.upstreamPath,
      ),
      key,
      streaming: attempt?.eventStream ?? false,
      errorCode: this.#failure === null ? null : traceCodeOf(this.#failure),
      correlationId: this.correlationId,
      lineage: this.lineage,
      tenant: this.tenant,
      requestBytes: this.#requestBody?.byteLength ?? 0,
      responseBytes: attempt?.responseBytes ?? 0,
      streamChunks: attempt?.chunks ?? 0,
      timeoutPhase: timeoutPhaseOf(this.#abort.signal, this.#failure) ?? routed.timeoutPhase,
      // Set only by stream parsers (see providers/response_parser.ts), hence the `in` check.
      upstreamStreamError: report.upstreamStreamError === true,
      translation: translationFacts(attempt?.translation ?? null),
      secrets: this.#ctx.storedSecrets,
      providerKey: rawKey,
      search: this.target.search,
      replayOf: this.#replay?.sourceTraceId ?? null,
      ...(this.#routeName === null ? {} : { route: this.#routeName, attempts: routed.attempts }),
    }, this.#ctx.redactHeaders);
    this.pii.record(trace, this.#bodies.piiDropped, this.#ctx.redactHeaders);
    this.#reservation?.settle(trace);
    this.#onTrace?.(trace);
    this.#ctx.record(trace);
    if (this.span !== null) {
      this.#ctx.spans?.end({
        trace,
        span: this.span,
        prefix: this.route.provider.prefix,
        providerName: genAiProviderNames[this.route.provider.kind],
        operation: this.route.adapter.operationOf?.(this.upstreamPath) ?? null,
        requestModel: this.#requestModel,
        responseModel: report.model,
        startedAt: this.startedAt,
        t0: this.t0,
      });
    }
  }
}

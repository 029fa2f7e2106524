/**
 * The state of one proxied request, from arrival to the last byte, and the single place that
 * turns it into a trace. `finish` runs exactly once whatever ends the exchange: completion,
 * a client abort, an upstream failure, a timeout or shutdown.
 */
import type { ProviderAdapter, UsageParser, UsageReport } from "../providers/mod.ts";
import {
  type AppliedPolicy,
  type Counts,
  mergeCounts,
  type PiiPolicies,
  recordPii,
  redactionMargin,
  type ScanBudget,
} from "../pii/mod.ts";
import type { ResolvedProvider } from "../config/mod.ts";
import {
  buildTrace,
  type CostStatus,
  type Fingerprinter,
  type Lineage,
  newTraceId,
  providerKeyFrom,
  type Tenant,
  type TraceErrorCode,
  type TraceRecord,
} from "../traces/mod.ts";
import { ClientGone, UpstreamTimeout } from "./abort_reasons.ts";
import type { HeaderPairs } from "./headers.ts";
import type { UpstreamBase } from "./path.ts";
import {
  type DecodeLimits,
  type DecoderFormat,
  defaultDecodeLimits,
  SideDecoder,
} from "./side_decoder.ts";
import { BodyCapture } from "./tap.ts";
import { TraceBodies } from "./trace_bodies.ts";
import type { ExchangeSpan, SpanRecorder } from "../telemetry/mod.ts";
import type { StoredScrubber } from "../secrets/mod.ts";
import type { TimeoutPhase, Watched } from "./watchdog.ts";

export interface ProxyRoute {
  provider: ResolvedProvider;
  adapter: ProviderAdapter;
  base: UpstreamBase;
  cost(model: string | null, report: UsageReport): {
    estimated_cost_usd: number | null;
    cost_status: CostStatus;
  };
}

export interface ExchangeContext {
  now(): number;
  monotonic(): number;
  fingerprint: Fingerprinter;
  redactHeaders: ReadonlySet<string>;
  captureBodies: boolean;
  bodyMaxSize: number;
  /** Bounds of the decoded copy of a compressed answer (default: `defaultDecodeLimits`). */
  decodeLimits?: DecodeLimits;
  /** PII policies; absent in tests that do not care (everything is then "off"). */
  pii?: PiiPolicies;
  record(trace: TraceRecord): void;
  /** OpenTelemetry spans; absent or null when span export is off. */
  spans?: SpanRecorder | null;
  /** The config's secrets, scrubbed from every stored field; absent: credential shapes only. */
  storedSecrets?: StoredScrubber;
}

const timeoutCodes = new Set<TraceErrorCode | null>([
  "upstream_timeout",
  "upstream_idle_timeout",
  "request_timeout",
]);

const noUsage: UsageReport = { model: null, usage: null, status: "none", parseErrors: 0 };

export class Exchange implements Watched {
  readonly id = newTraceId();
  readonly startedAt: number;
  readonly t0: number;
  headersAt: number | null = null;
  waitingSince: number | null = null;
  status = 0;
  responseHeaders: HeaderPairs | null = null;
  requestBody: Uint8Array<ArrayBuffer> | null = null;
  requestModel: string | null = null;
  /** Set once the request has gone upstream: from then on the provider may bill for it. */
  sent: { path: string; streaming: boolean } | null = null;
  streaming = false;
  parser: UsageParser | null = null;
  capture: BodyCapture | null = null;
  firstByte: number | null = null;
  responseBytes = 0;
  chunks = 0;
  errorCode: TraceErrorCode | null = null;
  /** The PII policy for this request; null when its mode is off. */
  pii: AppliedPolicy | null = null;
  /** Findings of the upstream stages (request guard, response redactor), per type. */
  readonly piiCounts: Counts = {};
  /** The request body as redacted by the guard: stored instead of the client's own. */
  redactedRequestBody: Uint8Array | null = null;
  /** The client got (and the capture holds) a redacted response. */
  responseRedacted = false;
  /** The request stage ran out of `pii.scan_budget` (and refused the request). */
  piiOverBudget: "time" | "findings" | null = null;
  /** Sees the finished trace before it is recorded (limits settle their reservation here). */
  onRecorded: ((trace: TraceRecord) => void) | null = null;
  /** Aborts the upstream request; the reason says why (see abort_reasons.ts). */
  readonly abort = new AbortController();
  /** Span ids and timings, only when span export is on. */
  readonly span: ExchangeSpan | null;
  #finished = false;
  /** What the trace stores of the bodies (see trace_bodies.ts). */
  readonly #bodies: TraceBodies;
  #watchingClient = false;
  #decoder: SideDecoder | null = null;
  readonly #onClientAbort = () => this.clientGone();

  /** The PII redaction budget of this exchange's config (null: unbounded). */
  get scanBudget(): ScanBudget | null {
    return this.ctx.pii?.scanBudget ?? null;
  }

  constructor(
    private readonly ctx: ExchangeContext,
    readonly route: ProxyRoute,
    readonly req: Request,
    readonly path: string,
    readonly correlationId: string,
    readonly lineage: Lineage,
    readonly tenant: Tenant,
  ) {
    this.startedAt = ctx.now();
    this.t0 = ctx.monotonic();
    this.span = ctx.spans?.start(req.headers) ?? null;
    this.#bodies = new TraceBodies(ctx, this);
  }

  /**
   * The request goes upstream now: starts the upstream span and returns the `traceparent` that
   * names it, or null when span export is off (the client's header then passes unchanged).
   */
  sendingUpstream(): string | null {
    if (this.span === null) return null;
    this.span.sentAt = this.ctx.monotonic();
    return this.span.traceparent;
  }

  headersReceived(): void {
    this.headersAt = this.ctx.monotonic();
  }

  /** The gateway asks the upstream for more body; the idle limit runs until a chunk comes. */
  waitForUpstream(): void {
    this.waitingSince = this.ctx.monotonic();
  }

  expire(phase: TimeoutPhase): void {
    this.abort.abort(new UpstreamTimeout(phase));
  }

  /** The upstream is slow to answer: from now on a client that leaves aborts it. */
  slowHeaders(): void {
    if (this.#finished || this.#watchingClient) return;
    this.#watchingClient = true;
    if (this.req.signal.aborted) this.clientGone();
    else this.req.signal.addEventListener("abort", this.#onClientAbort, { once: true });
  }

  clientGone(): void {
    if (!this.#finished && !this.abort.signal.aborted) this.abort.abort(new ClientGone());
  }

  get finished(): boolean {
    return this.#finished;
  }

  startCapture(): void {
    if (!this.ctx.captureBodies) return;
    const margin = this.#bodies.redactsStored("response_body") ? redactionMargin : 0;
    this.capture = new BodyCapture(this.ctx.bodyMaxSize + margin);
  }

  /** The body is compressed: parser and capture read a decoded copy (see side_decoder.ts). */
  decodeOnTheSide(format: DecoderFormat): void {
    this.#decoder = new SideDecoder(
      format,
      (decoded) => this.#observe(decoded),
      this.ctx.decodeLimits ?? defaultDecodeLimits,
      // Past a bound the copy ends: usage is unknown (with the reason) and the stored body cut.
      (reason) => {
        this.parser?.stop(reason);
        this.capture?.cut();
      },
    );
  }

  /**
   * A response chunk as the client gets it. The promise, when there is one, resolves once the
   * decoded copy has caught up with this chunk (see tap.ts).
   */
  onChunk(chunk: Uint8Array): Promise<void> | null {
    this.waitingSince = null;
    if (this.firstByte === null) this.firstByte = this.ctx.monotonic() - this.t0;
    this.responseBytes += chunk.byteLength;
    this.chunks++;
    if (this.#decoder !== null) return this.#decoder.push(chunk);
    this.#observe(chunk);
    return null;
  }

  #observe(content: Uint8Array): void {
    this.parser?.push(content);
    this.capture?.add(content);
  }

  /**
   * Builds and records the trace; later calls do nothing. With a side decoder, the trace is
   * recorded once the decoded copy is complete (a few microtasks later). Returns the promise of
   * that later recording, so a shutdown can wait for it before the trace queue closes.
   */
  finish(complete: boolean): Promise<void> | null {
    if (this.#finished) return null;
    this.#finished = true;
    if (this.span !== null) this.span.endedAt = this.ctx.monotonic();
    if (this.#watchingClient) this.req.signal.removeEventListener("abort", this.#onClientAbort);
    if (this.#decoder === null) return this.#redactThenRecord(complete);
    return this.#decoder.end(complete).then((decodedAll) =>
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
    const report = this.parser?.finish(complete) ?? this.#reportWithoutResponse();
    const rawKey = providerKeyFrom(this.req.headers);
    const key = rawKey === null ? null : this.ctx.fingerprint(rawKey);
    const model = report.model ?? this.requestModel;
    const trace = buildTrace({
      id: this.id,
      startedAt: this.startedAt,
      endedAt: this.ctx.now(),
      latencyMs: this.ctx.monotonic() - this.t0,
      firstByteMs: this.firstByte,
      provider: this.route.provider.id,
      requestModel: this.requestModel,
      method: this.req.method,
      path: this.path,
      requestHeaders: this.req.headers,
      responseHeaders: this.responseHeaders,
      status: this.status,
      requestBody: this.#bodies.storedRequestBody(rawKey),
      responseBody: this.#bodies.storedResponseBody(rawKey),
      report,
      cost: this.route.cost(model, report),
      key,
      streaming: this.streaming,
      errorCode: this.errorCode,
      correlationId: this.correlationId,
      lineage: this.lineage,
      tenant: this.tenant,
      requestBytes: this.requestBody?.byteLength ?? 0,
      responseBytes: this.responseBytes,
      streamChunks: this.chunks,
      timeoutPhase: this.#timeoutPhase(),
      // Set only by stream parsers (see providers/response_parser.ts), hence the `in` check.
      upstreamStreamError: report.upstreamStreamError === true,
      secrets: this.ctx.storedSecrets,
      providerKey: rawKey,
    }, this.ctx.redactHeaders);
    recordPii(trace, {
      applied: this.pii,
      basePolicyId: this.ctx.pii?.base.id ?? "default/v1",
      counts: this.piiCounts,
      dropped: this.#bodies.piiDropped,
      overBudget: this.piiOverBudget,
      credentialHeaders: this.ctx.redactHeaders,
    });
    this.onRecorded?.(trace);
    this.ctx.record(trace);
    if (this.span !== null) {
      this.ctx.spans?.end({
        trace,
        span: this.span,
        prefix: this.route.provider.prefix,
        requestModel: this.requestModel,
        responseModel: report.model,
        startedAt: this.startedAt,
        t0: this.t0,
      });
    }
  }

  /** The limit that fired, when a timeout is what the trace reports (not e.g. a later abort). */
  #timeoutPhase(): TimeoutPhase | null {
    const reason: unknown = this.abort.signal.reason;
    if (!(reason instanceof UpstreamTimeout)) return null;
    return timeoutCodes.has(this.errorCode) ? reason.phase : null;
  }

  /**
   * No response arrived. If the request reached the provider (a timeout, a client leaving, a
   * shutdown), it may have been billed: the adapter's own rules say whether this endpoint
   * carries usage, and if so it is unknown, never "nothing billable".
   */
  #reportWithoutResponse(): UsageReport {
    const refused = this.errorCode === "upstream_unreachable" ||
      this.errorCode === "upstream_redirect";
    if (this.sent === null || refused) return noUsage;
    return this.route.adapter.createUsageParser({
      method: this.req.method,
      path: this.sent.path,
      status: 200,
      contentType: null,
      requestedStreaming: this.sent.streaming,
      requestModel: this.requestModel,
    }).finish(false);
  }

  addPiiCounts(counts: Counts): void {
    mergeCounts(this.piiCounts, counts);
  }
}

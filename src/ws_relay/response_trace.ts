/**
 * One response on a relayed socket, and its trace: a client `response.create` frame starts it,
 * the server events attributed to it (pending.ts) feed the provider's own usage parser for the
 * same endpoint over HTTP, in the same SSE form, and a terminal event (or the socket closing)
 * ends it. Stored bodies are those of an HTTP exchange: the create frame as the request body
 * (JSON), the events as an SSE transcript as the response body, through the same caps, PII
 * storage redaction and key scrubbing (proxy/trace_bodies.ts).
 */
import { type ErrorCode, type GatewayError, traceCodeOf } from "../errors/mod.ts";
import { redactionMargin } from "../pii/mod.ts";
import {
  genAiProviderNames,
  providerKeyFrom,
  type UsageParser,
  type UsageReport,
} from "../providers/mod.ts";
import {
  type Admitted,
  BodyCapture,
  type ExchangeContext,
  ExchangePii,
  type HeaderPairs,
  type ProxyRoute,
  type RequestTarget,
  TraceBodies,
  type TraceBodiesSource,
} from "../proxy/mod.ts";
import {
  buildTrace,
  codexFrameTurn,
  type Lineage,
  newTraceId,
  type Tenant,
} from "../traces/mod.ts";
import type { WebSocketProtocol, WsServerEvent } from "../providers/mod.ts";
import type { AttemptRecord } from "../routing/mod.ts";
import { finishRouted, type RoutedCreate, type WsResponseEnd } from "./route_pick.ts";

/** What every response of one socket shares: the handshake and the route. */
export interface SocketFacts {
  req: Request;
  route: ProxyRoute;
  target: RequestTarget;
  upstreamPath: string;
  correlationId: string;
  lineage: Lineage;
  tenant: Tenant;
  protocol: WebSocketProtocol;
}

/** The create frame as the relay read it. */
export interface CreateFrame {
  text: string;
  bytes: number;
  model: string | null;
  maxTokens: number | null;
  /** False for a prewarm (`generate: false`): traced and limited like any create. */
  generate: boolean;
  /** The frame's `client_metadata` (claimed): the agent's turn for this response. */
  clientMetadata: Record<string, unknown> | null;
}

/**
 * A create whose `model` named a route: its name, and the target it went to (null: refused,
 * no attempt made). `text` and `model` of the create are then the target's.
 */
export interface CreateRoute {
  name: string;
  routed: RoutedCreate | null;
}

type ExchangeSpan = ReturnType<NonNullable<ExchangeContext["spans"]>["start"]>;

const jsonRequest = { headers: new Headers({ "content-type": "application/json" }) };
const sseHeaders: HeaderPairs = [["content-type", "text/event-stream"]];
const encoder = new TextEncoder();
/** Ids as OpenAI makes them (`resp_...`); anything else an upstream sends is not stored. */
const responseIdShape = /^[A-Za-z0-9_-]{1,200}$/;

export class ResponseTrace implements TraceBodiesSource {
  readonly id = newTraceId();
  responseId: string | null = null;
  readonly startedAt: number;
  readonly t0: number;
  readonly req = jsonRequest;
  readonly route: ProxyRoute;
  readonly requestBody: Uint8Array<ArrayBuffer> | null;
  readonly capture: BodyCapture | null;
  readonly responseRedacted = false;
  readonly responseHeaders = sseHeaders;
  readonly pii: ExchangePii;
  /** Its OpenTelemetry spans, when span export is on (parented on the handshake's traceparent). */
  readonly #span: ExchangeSpan | null;
  readonly #bodies: TraceBodies;
  readonly #parser: UsageParser;
  #firstDeltaMs: number | null = null;
  #firstEventMs: number | null = null;
  /** The create never went upstream (the socket closed while limits or routing decided). */
  #unsent = false;
  #end: WsResponseEnd = { kind: "cut", code: "client_aborted", timeoutPhase: null };
  #attempts: AttemptRecord[] | null = null;
  #started = false;
  #status = 200;
  #refusedStatus: number | null = null;
  #failure: ErrorCode | null = null;
  #timeoutPhase: "idle" | "total" | null = null;
  #reservation: Admitted | null = null;
  #events = 0;
  #responseBytes = 0;
  #ended = false;
  /** What the trace needs of the create frame: never its text, which may be megabytes. */
  readonly #frame: { bytes: number; model: string | null; turn: ReturnType<typeof turnOf> };

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly socket: SocketFacts,
    frame: CreateFrame,
    private readonly createRoute: CreateRoute | null = null,
  ) {
    this.#frame = { bytes: frame.bytes, model: frame.model, turn: turnOf(frame) };
    this.route = socket.route;
    this.startedAt = ctx.now();
    this.t0 = ctx.monotonic();
    this.#span = ctx.spans?.start(socket.req.headers) ?? null;
    if (this.#span !== null) this.#span.sentAt = this.t0;
    this.pii = new ExchangePii(ctx.pii);
    this.pii.choose(piiRequestOf(socket));
    this.#bodies = new TraceBodies(ctx, this, this.pii);
    this.requestBody = ctx.captureBodies ? encoder.encode(frame.text) : null;
    this.capture = ctx.captureBodies ? new BodyCapture(this.#captureMax()) : null;
    this.#parser = socket.route.adapter.createUsageParser({
      path: socket.upstreamPath,
      method: "POST",
      status: 200,
      contentType: "text/event-stream",
      requestedStreaming: true,
      requestModel: frame.model,
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Limits reserved for it: settled with the trace. */
  settlesWith(reservation: Admitted): void {
    this.#reservation = reservation;
  }

  /** One server event, as relayed; true once it ended the response. */
  event(text: string, bytes: number, e: WsServerEvent): boolean {
    this.#events++;
    this.#responseBytes += bytes;
    this.#firstEventMs ??= this.ctx.monotonic() - this.t0;
    if (e.responseId !== null) this.responseId ??= e.responseId;
    if (e.delta && this.#firstDeltaMs === null) {
      this.#firstDeltaMs = this.ctx.monotonic() - this.t0;
    }
    if (e.type !== null && e.type !== "error" && e.type.startsWith("response.")) {
      this.#started = true;
    }
    // An error before the response started is the upstream refusing the create (a 429): like
    // an HTTP error answer, it carries its status and no usage.
    if (e.type === "error" && !this.#started && e.status !== null) this.#refusedStatus = e.status;
    const chunk = this.capture === null && e.delta
      ? null
      : encoder.encode(this.socket.protocol.asSse(text, e.type));
    if (chunk !== null) {
      this.capture?.add(chunk);
      // Deltas never carry usage or the model: the parser is spared them (its `wants` would
      // skip them too).
      if (!e.delta) this.#parser.push(chunk);
    }
    if (!e.terminal) return false;
    this.#end = {
      kind: "terminal",
      type: e.type,
      started: this.#started,
      status: this.#refusedStatus,
    };
    this.#finish(true);
    return true;
  }

  /** The gateway refused the create (limits): the client got an error event instead. */
  refused(err: GatewayError): void {
    this.#status = err.status;
    this.#failure = err.code;
    this.#refusedStatus = err.status;
    this.#finish(false);
  }

  /** The socket closed (or was closed) before the response ended. */
  cut(code: ErrorCode, timeoutPhase?: "idle" | "total"): void {
    if (this.#ended) return;
    this.#end = { kind: "cut", code, timeoutPhase: timeoutPhase ?? null };
    this.#failure = code;
    this.#timeoutPhase = timeoutPhase ?? null;
    this.#finish(false);
  }

  /** The socket closed before the create went upstream: traced with the close's code. */
  unsent(code: ErrorCode): void {
    this.#unsent = true;
    this.cut(code);
  }

  /** Resolves once recorded (stored bodies may be redacted in slices first). */
  recorded: Promise<void> | null = null;

  #finish(complete: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#attempts = this.#attemptRecords();
    const report = this.#report(complete);
    const pending = this.#bodies.redactStored();
    if (pending === null) this.#record(report);
    else this.recorded = pending.then(() => this.#record(report));
  }

  #report(complete: boolean): UsageReport {
    const parsed = this.#parser.finish(complete);
    if (this.#refusedStatus === null) return parsed;
    if (this.#failure === null) this.#status = this.#refusedStatus;
    return { model: parsed.model, usage: null, status: "none", parseErrors: parsed.parseErrors };
  }

  /** A routed create's one attempt, told to its route run (breakers learn from it). */
  #attemptRecords(): AttemptRecord[] | null {
    const r = this.createRoute;
    if (r === null) return null;
    if (r.routed === null) return [];
    // Never sent: no verdict on the target (a probe it claimed is released).
    const end: WsResponseEnd = this.#unsent
      ? { kind: "cut", code: "client_aborted", timeoutPhase: null }
      : this.#end;
    const times = {
      firstEventMs: this.#firstEventMs,
      durationMs: this.ctx.monotonic() - this.t0,
    };
    return [finishRouted(r.routed, end, times, this.ctx.now())];
  }

  #captureMax(): number {
    const margin = this.#bodies.redactsStored("response_body") ? redactionMargin : 0;
    return this.ctx.bodyMaxSize + margin;
  }

  #record(report: UsageReport): void {
    const s = this.socket;
    const rawKey = providerKeyFrom(s.req.headers);
    const model = report.model ?? this.#frame.model;
    const turn = this.#frame.turn;
    const trace = buildTrace({
      id: this.id,
      startedAt: this.startedAt,
      endedAt: this.ctx.now(),
      latencyMs: this.ctx.monotonic() - this.t0,
      firstByteMs: this.#firstDeltaMs,
      provider: s.route.provider.id,
      requestModel: this.#frame.model,
      method: s.req.method,
      path: s.target.path,
      // The handshake's headers: the agents' identity headers are there, as on HTTPS.
      requestHeaders: s.req.headers,
      responseHeaders: this.responseHeaders,
      status: this.#status,
      requestBody: this.#bodies.storedRequestBody(rawKey),
      responseBody: this.#bodies.storedResponseBody(rawKey),
      report,
      cost: s.route.cost(model, report, this.startedAt),
      key: rawKey === null ? null : this.ctx.fingerprint(rawKey),
      streaming: true,
      errorCode: this.#failure === null ? null : traceCodeOf(this.#failure),
      correlationId: s.correlationId,
      lineage: s.lineage,
      tenant: s.tenant,
      requestBytes: this.#frame.bytes,
      responseBytes: this.#responseBytes,
      streamChunks: this.#events,
      timeoutPhase: this.#timeoutPhase,
      upstreamStreamError: report.upstreamStreamError === true,
      secrets: this.ctx.storedSecrets,
      providerKey: rawKey,
      // The handshake's query (an `api-version`), kept as for HTTP (a replay sends it again).
      search: s.target.search,
      // The handshake carried the prewarm's headers; each frame names its own turn and kind.
      agentTurnId: turn.turnId,
      agentRequestKind: turn.requestKind,
      ...(this.createRoute === null
        ? {}
        : { route: this.createRoute.name, attempts: this.#attempts }),
    }, this.ctx.redactHeaders);
    trace.metadata.transport = "websocket";
    if (this.responseId !== null && responseIdShape.test(this.responseId)) {
      trace.metadata.response_id = this.responseId;
    }
    this.pii.record(trace, this.#bodies.piiDropped, this.ctx.redactHeaders);
    this.#reservation?.settle(trace);
    this.ctx.record(trace);
    if (this.#span === null) return;
    this.#span.endedAt = this.ctx.monotonic();
    this.ctx.spans?.end({
      trace,
      span: this.#span,
      prefix: s.route.provider.prefix,
      providerName: genAiProviderNames[s.route.provider.kind],
      operation: s.route.adapter.operationOf?.(s.upstreamPath) ?? null,
      requestModel: this.#frame.model,
      responseModel: report.model,
      startedAt: this.startedAt,
      t0: this.t0,
    });
  }
}

/**
 * The agent's turn for this response from the frame's `client_metadata`; a `generate: false`
 * create is a prewarm whatever the metadata claims (the gateway read the frame itself).
 */
function turnOf(frame: CreateFrame): { turnId: string | null; requestKind: string | null } {
  const turn = codexFrameTurn(frame.clientMetadata);
  return frame.generate ? turn : { ...turn, requestKind: "prewarm" };
}

function piiRequestOf(s: SocketFacts) {
  return {
    org_id: s.tenant.org_id,
    workspace_id: s.tenant.workspace_id,
    key_id: s.tenant.gateway_key_id,
    provider: s.route.provider.id,
    path: s.target.path,
  };
}

/**
 * One relayed connection: the client's socket and the upstream's, frames passed on unchanged and
 * in order both ways, each client `response.create` opening a response trace (response_trace.ts)
 * that the server events attributed to it (pending.ts) end. Client frames fail closed: a create
 * (its key checked again, limits, traced) or a known frame that generates nothing; anything else
 * closes the socket. Bounded everywhere: frame sizes, responses open at once, bytes queued toward
 * a side that does not keep up (the WebSocket API has no backpressure, so the gateway closes
 * rather than buffers), upstream silence, and the frames held while limits decide on a create.
 * All of it event-driven: a socket never waits on another.
 */
import { type ErrorCode, GatewayError } from "../errors/mod.ts";
import type { AdmitRequest, Admitted, ExchangeContext } from "../proxy/mod.ts";
import type { WebSocketProtocol } from "../providers/mod.ts";
import { frameBytes, type WsBounds } from "./bounds.ts";
import {
  clientClosed,
  type CloseAction,
  closeSocket,
  type GatewayClose,
  gatewayClose,
  upstreamClosed,
} from "./close.ts";
import { PendingResponses } from "./pending.ts";
import {
  type CreateFrame,
  type CreateRoute,
  ResponseTrace,
  type SocketFacts,
} from "./response_trace.ts";
import { namesRoute, routeCreate, servedHere, type WsRouting } from "./route_pick.ts";
import { type Bridge, SocketBridge } from "./bridge.ts";

type Frame = string | ArrayBuffer;

export interface RelayDeps {
  ctx: ExchangeContext;
  bounds: WsBounds;
  protocol: WebSocketProtocol;
  /** Limits, per `response.create` (team mode with limits); null: nothing limited. */
  admit: ((req: AdmitRequest) => Promise<Admitted | GatewayError>) | null;
  /**
   * Team mode: the handshake's gateway key checked again at each `response.create` (a key
   * revoked, unconfirmed or stripped of proxy:write since); null when accepted. Null: no team mode.
   */
  authorized: (() => GatewayError | null) | null;
  /** The config's routes: a create naming one goes to a target of this socket's provider. */
  routing?: WsRouting | null;
  /** The gateway's HTTP path, for creates naming a route this socket cannot serve (bridge.ts). */
  bridge?: Bridge | null;
  /** The relay ended (either side, or the gateway). */
  closed(relay: RelaySocket, why: GatewayClose | null): void;
  /** A trace still being recorded (stored bodies redacted in slices). */
  track(recording: Promise<void>): void;
}

/** Why a draining relay closes once its open response ended. */
export type DrainReason = Extract<GatewayClose, "shutdown" | "reload">;

export class RelaySocket {
  #client: WebSocket | null = null;
  readonly #pending = new PendingResponses<ResponseTrace>();
  /** Upstream frames that arrived before the client's socket opened. */
  readonly #early: Frame[] = [];
  #earlyBytes = 0;
  /** Client frames that arrived while a create waits for limits, and their size. */
  readonly #queued: { data: string; bytes: number }[] = [];
  #queuedBytes = 0;
  #admitting = false;
  #lastActivity: number;
  #lastUpstream: number;
  #closed = false;
  /** What an open response cut by the end records (a create admitted after it, too). */
  #endCode: ErrorCode = "client_aborted";
  #draining: DrainReason | null = null;
  /** Creates sent through the HTTP path (made at the first), and the one running now. */
  #bridged: SocketBridge | null = null;
  #bridging: AbortController | null = null;

  constructor(
    private readonly deps: RelayDeps,
    readonly facts: SocketFacts,
    private readonly upstream: WebSocket,
  ) {
    this.#lastActivity = this.#lastUpstream = deps.ctx.monotonic();
    upstream.onmessage = (e) => this.#fromUpstream(e.data);
    upstream.onclose = (e) => this.#end(upstreamClosed(e.code, e.reason), null);
    // An error is always followed by a close event, which ends the relay.
    upstream.onerror = () => {};
  }

  /** The client's socket, from `Deno.upgradeWebSocket`: open once the 101 went out. */
  attach(client: WebSocket): void {
    this.#client = client;
    client.binaryType = "arraybuffer";
    client.onopen = () => {
      for (const data of this.#early.splice(0)) this.#toClient(data);
      this.#earlyBytes = 0;
    };
    client.onmessage = (e) => this.#fromClient(e.data);
    client.onclose = (e) => this.#end(clientClosed(e.code, e.reason), null);
    client.onerror = () => {};
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Idle and deadline checks, run by the relay's ticker. */
  tick(now: number): void {
    if (this.#closed) return;
    const b = this.deps.bounds;
    const oldest = this.#pending.oldest;
    if (oldest === undefined) {
      if (now - this.#lastActivity > b.socketIdleMs) this.close("socket_idle", b.socketIdleMs);
    } else if (now - Math.max(this.#lastUpstream, oldest.t0) > b.responseIdleMs) {
      // Upstream silence: since its last frame, or since the oldest open response began. The
      // client's own frames never reset it.
      this.close("response_idle_timeout", b.responseIdleMs);
    } else if (b.responseTotalMs > 0 && now - oldest.t0 > b.responseTotalMs) {
      this.close("response_total_timeout", b.responseTotalMs);
    }
  }

  /**
   * Shutdown began, or the config this socket was opened under was replaced: closes now when no
   * response is open, else when the last one ends (a new create closes it at once).
   */
  drain(why: DrainReason): void {
    this.#draining = why;
    if (this.#pending.size === 0) this.close(why, 0);
  }

  /** The gateway ends the relay: both sides get `why`, open responses are traced as cut. */
  close(why: GatewayClose, limit: number | string): void {
    if (!this.#closed) this.#end(gatewayClose(why, limit), why);
  }

  // --- upstream -> client ---------------------------------------------------------------------

  #fromUpstream(data: Frame): void {
    if (this.#closed) return;
    this.#lastActivity = this.#lastUpstream = this.deps.ctx.monotonic();
    const bytes = frameBytes(data);
    const max = this.deps.bounds.maxUpstreamFrameBytes;
    if (bytes > max) return this.close("upstream_frame_too_large", max);
    if (typeof data === "string") this.#observe(data, bytes);
    this.#toClient(data, bytes);
    if (this.#draining !== null && this.#pending.size === 0) this.close(this.#draining, 0);
  }

  #observe(text: string, bytes: number): void {
    const event = this.deps.protocol.serverEvent(text);
    const entry = this.#pending.take(event);
    if (entry === undefined) return;
    if (entry.event(text, bytes, event)) this.#track(entry);
  }

  #toClient(data: Frame, bytes = frameBytes(data)): void {
    const client = this.#client;
    const max = this.deps.bounds.maxBufferedBytes;
    if (client === null || client.readyState === WebSocket.CONNECTING) {
      this.#early.push(data);
      this.#earlyBytes += bytes;
      if (this.#earlyBytes > max) this.close("client_too_slow", max);
      return;
    }
    if (client.readyState !== WebSocket.OPEN) return;
    client.send(data);
    if (client.bufferedAmount > max) this.close("client_too_slow", max);
  }

  // --- client -> upstream ---------------------------------------------------------------------

  #fromClient(data: Frame): void {
    if (this.#closed) return;
    this.#lastActivity = this.deps.ctx.monotonic();
    const bytes = frameBytes(data);
    const max = this.deps.bounds.maxClientFrameBytes;
    if (bytes > max) return this.close("client_frame_too_large", max);
    // Binary frames are no part of the protocol (Codex treats one as an error): never passed on.
    if (typeof data !== "string") return this.close("client_binary_frame", 0);
    if (!this.#admitting) return this.#clientFrame(data, bytes);
    // Order is kept: later frames wait behind the create that limits are deciding on.
    this.#queued.push({ data, bytes });
    this.#queuedBytes += bytes;
    if (this.#queuedBytes > max) this.close("client_frames_queued", max);
  }

  /** Fail closed: only creates (checked, limited, traced) and known passive frames go up. */
  #clientFrame(data: string, bytes: number): void {
    const frame = this.deps.protocol.clientFrame(data);
    if (frame.kind === "passive") return this.#toUpstream(data);
    if (frame.kind === "invalid") return this.close("client_frame_invalid", frame.reason);
    if (frame.kind === "unknown") {
      return this.close("client_frame_type", JSON.stringify(frame.type.slice(0, 60)));
    }
    if (this.#draining !== null) return this.close(this.#draining, 0);
    const most = this.deps.bounds.maxOpenResponses;
    if (this.#pending.size >= most) return this.close("too_many_responses", most);
    const refused = this.deps.authorized?.() ?? null;
    if (refused !== null) return this.close("key_refused", refused.code);
    const create: CreateFrame = { text: data, bytes, ...frame };
    const routed = namesRoute(this.deps.routing ?? null, create.model);
    if (routed && this.#bridges(create)) {
      this.#admitting = true;
      return void this.#bridge(create);
    }
    if (this.deps.admit === null && !routed) return this.#start(create, null, null);
    this.#admitting = true;
    void this.#admitThenSend(create, routed);
  }

  /** Limits (on the model the client named, as over HTTP), then the route's target. */
  async #admitThenSend(create: CreateFrame, routed: boolean): Promise<void> {
    let admitted: Admitted | GatewayError | null = null;
    if (this.deps.admit !== null) admitted = await this.#admit(this.deps.admit, create);
    let route: { create: CreateFrame; route: CreateRoute | null } | GatewayError = {
      create,
      route: null,
    };
    if (routed && !(admitted instanceof GatewayError) && !this.#closed) {
      route = await this.#route(create);
    }
    this.#admitting = false;
    if (admitted instanceof GatewayError) this.#refuse(create, admitted, null, null);
    else if (route instanceof GatewayError) {
      const name = (route.details?.route as string | undefined) ?? null;
      this.#refuse(create, route, admitted, name === null ? null : { name, routed: null });
    } else this.#start(route.create, admitted, route.route);
    this.#resume();
  }

  /** Frames queued while a create was being decided go on, in order. */
  #resume(): void {
    while (!this.#admitting && !this.#closed && this.#queued.length > 0) {
      const next = this.#queued.shift()!;
      this.#queuedBytes -= next.bytes;
      this.#clientFrame(next.data, next.bytes);
    }
  }

  /** The create names a route whose targets this socket's upstream cannot reach. */
  #bridges(create: CreateFrame): boolean {
    if (!this.deps.bridge || this.#pending.size > 0) return false;
    const f = this.facts;
    const entry = {
      provider: { id: f.route.provider.id, kind: f.route.provider.kind },
      path: f.target.path,
      headers: f.req.headers,
      tenant: f.tenant,
    };
    return !servedHere(this.deps.routing!, entry, create.model!, create.bytes);
  }

  /** Through the gateway's HTTP path (bridge.ts); later client frames wait, as for limits. */
  async #bridge(create: CreateFrame): Promise<void> {
    const send = (frame: string) => {
      this.#lastActivity = this.deps.ctx.monotonic();
      this.#toClient(frame);
    };
    const ctl = this.#bridging = new AbortController();
    this.#bridged ??= new SocketBridge(
      this.deps.bridge!,
      this.facts.req,
      this.deps.protocol.errorEvent,
    );
    await this.#bridged.answer(
      create.text,
      send,
      ctl.signal,
      this.deps.ctx.now(),
      () => this.#closed,
    );
    this.#bridging = null;
    this.#admitting = false;
    this.#resume();
  }

  async #admit(
    admit: NonNullable<RelayDeps["admit"]>,
    create: CreateFrame,
  ): Promise<Admitted | GatewayError> {
    try {
      return await admit({
        route: this.facts.route,
        model: create.model,
        maxTokens: create.maxTokens,
        requestBytes: create.bytes,
      });
    } catch {
      return new GatewayError("internal_error", "checking limits failed; retry shortly");
    }
  }

  /** The route's target on this socket's provider, and the create rewritten for it. */
  async #route(
    create: CreateFrame,
  ): Promise<{ create: CreateFrame; route: CreateRoute | null } | GatewayError> {
    const f = this.facts;
    let picked;
    try {
      picked = await routeCreate(
        this.deps.routing!,
        {
          provider: { id: f.route.provider.id, kind: f.route.provider.kind },
          path: f.target.path,
          headers: f.req.headers,
          tenant: f.tenant,
        },
        { text: create.text, bytes: create.bytes, model: create.model! },
        this.deps.ctx.now(),
      );
    } catch {
      return new GatewayError("internal_error", "choosing the route's target failed; retry");
    }
    if (picked === null) return { create, route: null };
    if (picked instanceof GatewayError) return picked;
    const rewritten = { ...create, text: picked.text, model: picked.model };
    rewritten.bytes = frameBytes(picked.text);
    return { create: rewritten, route: { name: picked.route, routed: picked } };
  }

  /**
   * Limits or the route refused the create: the client gets the protocol's error event, nothing
   * goes up, and the socket stays open for other responses.
   */
  #refuse(
    create: CreateFrame,
    err: GatewayError,
    admitted: Admitted | null,
    route: CreateRoute | null,
  ): void {
    const trace = new ResponseTrace(this.deps.ctx, this.facts, create, route);
    if (admitted !== null) trace.settlesWith(admitted);
    trace.refused(err);
    this.#track(trace);
    if (this.#closed) return;
    const code = clientCodes.has(err.code) ? err.code : "internal_error";
    const retry = err.details?.retry_after_s;
    const headers = typeof retry === "number" ? { "retry-after": String(retry) } : undefined;
    this.#toClient(this.deps.protocol.errorEvent(err.status, code, err.message, headers));
  }

  #start(create: CreateFrame, admitted: Admitted | null, route: CreateRoute | null): void {
    const trace = new ResponseTrace(this.deps.ctx, this.facts, create, route);
    if (admitted !== null) trace.settlesWith(admitted);
    if (this.#closed) {
      // The socket closed while limits decided: traced (and settled) with the end's own code.
      trace.unsent(this.#endCode);
      return this.#track(trace);
    }
    this.#pending.push(trace);
    this.#toUpstream(create.text);
  }

  #toUpstream(data: Frame): void {
    if (this.upstream.readyState !== WebSocket.OPEN) return;
    this.upstream.send(data);
    const max = this.deps.bounds.maxBufferedBytes;
    if (this.upstream.bufferedAmount > max) this.close("upstream_too_slow", max);
  }

  // --- the end --------------------------------------------------------------------------------

  #end(action: CloseAction, why: GatewayClose | null): void {
    if (this.#closed) return;
    this.#closed = true;
    // Shutdown began: the runtime closes the client's socket itself when the server stops
    // (Deno.serve's shutdown sends 1001), which is the gateway's doing, not the client's.
    const code = why === null && this.#draining !== null && action.trace === "client_aborted"
      ? "shutting_down"
      : action.trace;
    this.#endCode = code;
    for (const entry of this.#pending.drain()) {
      entry.cut(code, action.timeoutPhase);
      this.#track(entry);
    }
    this.#early.length = this.#earlyBytes = 0;
    this.#queued.length = this.#queuedBytes = 0;
    this.#bridging?.abort();
    closeSocket(this.#client, action.client);
    closeSocket(this.upstream, action.upstream);
    this.deps.closed(this, why);
  }

  #track(trace: ResponseTrace): void {
    if (trace.recorded !== null) this.deps.track(trace.recorded);
  }
}

/**
 * Codes a refused create's error event names as they are; any other is `internal_error` (an
 * internal code means nothing to a client).
 */
const clientCodes: ReadonlySet<ErrorCode> = new Set([
  "rate_limited",
  "websocket_route_unavailable",
  "route_function_failed",
]);

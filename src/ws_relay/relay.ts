/**
 * The relay as the request handler sees it: `handle` takes an authenticated upgrade on a
 * provider route and answers it with the 101 of a relayed connection, or with 426 (never
 * forwarded as a plain GET). The upstream is dialed first; only an open upstream socket gets the
 * client's upgrade accepted. Keeps the open relays (open_relays.ts) for the ticker, the bounds on
 * their number (in all and per caller), shutdown, and the drain of a replaced config.
 */
import { errorResponse, GatewayError } from "../errors/mod.ts";
import { guards } from "../pii/mod.ts";
import {
  type AdmitRequest,
  type Admitted,
  type ExchangeContext,
  lineageFrom,
  type ProxyRoute,
  type RequestTarget,
  upstreamPath,
} from "../proxy/mod.ts";
import type { Tenant, TenantScope } from "../traces/mod.ts";
import { providerKeyFrom, type WebSocketProtocol } from "../providers/mod.ts";
import type { WsBounds } from "./bounds.ts";
import type { GatewayClose } from "./close.ts";
import { dialRefusal, relayRefusal } from "./decide.ts";
import { dialUpstream } from "./dial.ts";
import { clientHandshakeError, upstreamHandshake } from "./handshake.ts";
import { OpenRelays } from "./open_relays.ts";
import { type DrainReason, type RelayDeps, RelaySocket } from "./relay_socket.ts";
import type { WsRouting } from "./route_pick.ts";
import type { Bridge } from "./bridge.ts";

type Warning = { hit(correlationId: string, fields?: Record<string, unknown>): void };

export interface WsRelayOptions {
  ctx: ExchangeContext;
  bounds: WsBounds;
  /** Lower-case; never sent upstream. */
  gatewayKeyHeader: string;
  /** Upgrades answered 426 (counted in the log, at most a line a second). */
  refused: Warning;
  /** Relays the gateway closed itself (a bound, a timeout, shutdown), with the reason. */
  closedByGateway: Warning;
  /** The config's routes, when it has any: a create naming one goes to one of its targets. */
  routing?: WsRouting | null;
  /** The gateway's HTTP path: creates naming a route this socket cannot serve go there. */
  bridge?: Bridge | null;
}

export interface WsRelayInput {
  req: Request;
  route: ProxyRoute;
  target: RequestTarget;
  correlationId: string;
  tenant: Tenant;
  /** Limits (team mode with limits configured): admitted per `response.create`. */
  admit?: (req: AdmitRequest) => Promise<Admitted | GatewayError>;
  /**
   * Team mode: the handshake's gateway key checked again (revoked, unconfirmed, lost
   * proxy:write), at each `response.create`; null when still accepted.
   */
  authorized?: () => GatewayError | null;
}

export interface WsRelay {
  handle(input: WsRelayInput): Promise<Response>;
  /** Relays open now (dials in progress included). */
  readonly open: number;
  /** The tenant of each relay open now (dials not included): `/api/live` tallies them. */
  tenants(): Iterable<TenantScope>;
  /** Closes idle relays now and the others once their response ends; refuses new ones. */
  beginShutdown(): void;
  /**
   * The config this relay serves was replaced: each relay closes with 1012 once its open
   * response ends (at once when none is; relays still dialing too), and `onIdle` runs once none
   * is left, at once when none is open.
   */
  retire(onIdle: () => void): void;
  /** Closes every relay now (the grace period is over); open responses are traced `shutdown`. */
  closeAll(): void;
  /** Resolves once traces of ended responses still being recorded are. */
  recorded(): Promise<void>;
}

export function createWsRelay(opts: WsRelayOptions): WsRelay {
  const relays = new OpenRelays(opts.bounds.tickMs, opts.ctx.monotonic);
  const recording = new Set<Promise<void>>();
  let draining: DrainReason | null = null;
  const closed = (relay: RelaySocket, why: GatewayClose | null) => {
    relays.closed(relay);
    if (why !== null && why !== "shutdown" && why !== "reload") {
      opts.closedByGateway.hit(relay.facts.correlationId, { reason: why });
    }
  };
  const track = (p: Promise<void>) => {
    recording.add(p);
    p.finally(() => recording.delete(p));
  };
  const handle = async (input: WsRelayInput): Promise<Response> => {
    const protocol = input.route.adapter.webSocket;
    const owner = ownerOf(opts, input);
    const load = { open: relays.size, openForKey: relays.of(owner) };
    const refusal = refusalOf(opts, input, protocol, load, draining === "shutdown");
    if (refusal !== null) return refuse(opts, input, refusal);
    const invalid = clientHandshakeError(input.req);
    if (invalid !== null) return refuse(opts, input, invalid);
    relays.dialing(owner);
    let opened: Opened | GatewayError = new GatewayError("internal_error", "the dial failed");
    try {
      opened = await open(opts, input, protocol!, { closed, track });
    } finally {
      relays.dialed(owner, opened instanceof GatewayError ? null : opened.relay);
    }
    if (opened instanceof GatewayError) return refuse(opts, input, opened);
    // Opened while the relay drained (its upgrade began before): closes once the 101 went out.
    if (draining !== null) opened.relay.drain(draining);
    return opened.response;
  };
  return {
    handle,
    get open() {
      return relays.size;
    },
    *tenants() {
      for (const relay of relays.all()) yield relay.facts.tenant;
    },
    beginShutdown() {
      draining = "shutdown";
      for (const relay of relays.all()) relay.drain("shutdown");
    },
    retire(onIdle) {
      draining ??= "reload";
      for (const relay of relays.all()) relay.drain(draining);
      relays.whenEmpty(onIdle);
    },
    closeAll() {
      for (const relay of relays.all()) relay.close("shutdown", 0);
    },
    recorded: async () => void (await Promise.allSettled(recording)),
  };
}

/**
 * Whose relay it is, for the per-caller bound: the gateway key in team mode, else the provider
 * key's fingerprint (never the key itself), else everyone without a key together.
 */
function ownerOf(opts: WsRelayOptions, input: WsRelayInput): string {
  const keyId = input.tenant.gateway_key_id;
  if (keyId !== null) return `gateway-key:${keyId}`;
  const raw = providerKeyFrom(input.req.headers);
  return raw === null ? "no-key" : `provider-key:${opts.ctx.fingerprint(raw).hash}`;
}

/** A relay and the client's 101 that opens it. */
interface Opened {
  relay: RelaySocket;
  response: Response;
}

function refusalOf(
  opts: WsRelayOptions,
  input: WsRelayInput,
  protocol: WebSocketProtocol | undefined,
  load: { open: number; openForKey: number },
  draining: boolean,
): GatewayError | null {
  const { route, target, tenant } = input;
  const applied = opts.ctx.pii?.resolve({
    org_id: tenant.org_id,
    workspace_id: tenant.workspace_id,
    key_id: tenant.gateway_key_id,
    provider: route.provider.id,
    path: target.path,
  }) ?? null;
  return relayRefusal({
    providerId: route.provider.id,
    prefix: route.provider.prefix,
    path: target.path,
    accepts: protocol?.accepts(upstreamPath(route.provider.prefix, target.path)) ?? false,
    enabled: route.provider.websockets !== false,
    draining,
    ...load,
    maxOpen: opts.bounds.maxOpenRelays,
    maxPerKey: opts.bounds.maxRelaysPerKey,
    guardingPolicy: guards(applied) ? { id: applied.policy.id, mode: applied.mode } : null,
  });
}

function refuse(opts: WsRelayOptions, input: WsRelayInput, err: GatewayError): Response {
  opts.refused.hit(input.correlationId, {
    code: err.code,
    provider: input.route.provider.id,
    last_path: input.target.path.slice(0, 200),
  });
  return errorResponse(err, { "x-ongoingai-correlation-id": input.correlationId });
}

/** Dials the upstream, then accepts the client's upgrade and ties the two together. */
async function open(
  opts: WsRelayOptions,
  input: WsRelayInput,
  protocol: WebSocketProtocol,
  hooks: Pick<RelayDeps, "closed" | "track">,
): Promise<Opened | GatewayError> {
  const { req, route, target, correlationId } = input;
  const hs = upstreamHandshake(req, route, target, {
    gatewayKeyHeader: opts.gatewayKeyHeader,
    correlationId,
  });
  const dialed = await dialUpstream({
    ...hs,
    timeoutMs: opts.bounds.connectTimeoutMs,
    signal: req.signal,
  });
  if (!(dialed instanceof WebSocket)) return dialRefusal(route.provider.id, dialed);
  let client: { socket: WebSocket; response: Response };
  try {
    client = Deno.upgradeWebSocket(req, dialed.protocol ? { protocol: dialed.protocol } : {});
  } catch (err) {
    dialed.close(1000, "gateway: the client's upgrade failed");
    return new GatewayError("bad_request", `the WebSocket upgrade failed: ${String(err)}`);
  }
  const relay = new RelaySocket({
    ctx: opts.ctx,
    bounds: opts.bounds,
    protocol,
    admit: input.admit ?? null,
    authorized: input.authorized ?? null,
    routing: opts.routing ?? null,
    bridge: opts.bridge ?? null,
    ...hooks,
  }, {
    req,
    route,
    target,
    upstreamPath: upstreamPath(route.provider.prefix, target.path),
    correlationId,
    lineage: lineageFrom(req.headers),
    tenant: input.tenant,
    protocol,
  }, dialed);
  relay.attach(client.socket);
  client.response.headers.set("x-ongoingai-correlation-id", correlationId);
  return { relay, response: client.response };
}

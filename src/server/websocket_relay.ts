/**
 * The gateway's part of the Responses API's WebSocket mode (ws_relay/): the relay built over the
 * exchanges' own context, so its traces are built alike, and the late-bound handler its bridge
 * calls (a create naming a route the socket cannot serve goes through the gateway's HTTP path,
 * which is built after the relay, since the relay is part of it).
 */
import type { GatewayConfig } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { RoutingDeps } from "../proxy/mod.ts";
import { createWsRelay, wsBoundsOf, type WsRelay, type WsRelayOptions } from "../ws_relay/mod.ts";

type Handler = (req: Request) => Promise<Response>;

export function wsRelayFor(
  config: GatewayConfig,
  ctx: WsRelayOptions["ctx"] & { gatewayKeyHeader: string; log: Logger },
  warnings: { websocket: WsRelayOptions["refused"]; websocketClosed: WsRelayOptions["refused"] },
  routing: RoutingDeps | null,
  bridge: Handler,
): WsRelay {
  return createWsRelay({
    bridge: routing === null ? null : bridge,
    ctx,
    bounds: wsBoundsOf(config),
    gatewayKeyHeader: ctx.gatewayKeyHeader,
    refused: warnings.websocket,
    closedByGateway: warnings.websocketClosed,
    routing: routing === null ? null : {
      deps: routing,
      onFunctionError: (error) => ctx.log.error("a route function failed", { error }),
    },
  });
}

/** A handler to call that is made later: the WebSocket relay is part of the handler it calls. */
export function lateHandler(): { call: Handler; bind(h: Handler): void } {
  let handler: Handler | null = null;
  return {
    call: (req) => handler!(req),
    bind: (h) => void (handler = h),
  };
}

/**
 * The WebSocket mode of the OpenAI Responses API, relayed: an upgrade on `<prefix>/v1/responses`
 * of an OpenAI-format provider is dialed upstream first and accepted only when the upstream
 * opens (426 otherwise, so clients such as Codex fall back to HTTPS at once); frames pass
 * unchanged both ways (but the `model` of a create naming a route, rewritten to the route's target
 * on the socket's provider: route_pick.ts), and each `response.create` gets one trace with the
 * usage of its `response.completed`, as an HTTP stream would. See docs/responses-websocket.md.
 */
export { createWsRelay, type WsRelay, type WsRelayInput, type WsRelayOptions } from "./relay.ts";
export { type WsBounds, wsBoundsOf } from "./bounds.ts";
export type { WsRouting } from "./route_pick.ts";

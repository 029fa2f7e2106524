/**
 * The proxy: path checks and provider matching, header rules, the streaming tap, upstream
 * timeouts, and the forwarder that ties them into one request/response exchange.
 */
export {
  abortAll,
  type AdmitRequest,
  type Admitted,
  createForwarder,
  type ForwardInput,
  type ProxyOptions,
} from "./forward.ts";
export { Exchange } from "./exchange.ts";
export type { ExchangeContext, ProxyRoute } from "./exchange_context.ts";
export { correlationIdFrom } from "./correlation.ts";
export { type DecodeLimits, defaultDecodeLimits } from "./side_decoder.ts";
export {
  encodedSlashRule,
  hasPathPrefix,
  matchProvider,
  parseTarget,
  type RequestTarget,
  type UpstreamBase,
  upstreamBase,
} from "./path.ts";
export {
  expiredPhase,
  type TimeoutLimits,
  type TimeoutPhase,
  Watchdog,
  type Watched,
} from "./watchdog.ts";
export { readBodyCapped } from "./body.ts";
export { describeUpstreamError } from "./upstream_errors.ts";
// For the WebSocket relay (ws_relay/): the same header rules, URLs, lineage, PII state and
// stored bodies as an HTTP exchange.
export { type HeaderPairs, upstreamRequestHeaders } from "./headers.ts";
export { upstreamPath, upstreamUrl } from "./path.ts";
export { lineageFrom } from "./correlation.ts";
export { ExchangePii } from "./exchange_pii.ts";
export { TraceBodies, type TraceBodiesSource } from "./trace_bodies.ts";
export { BodyCapture } from "./tap.ts";
export { type RoutingDeps, sessionKey } from "./route_context.ts";
export {
  defaultResponseRetentionMs,
  type ResponseMemory,
  type ResponseStates,
} from "./response_memory.ts";
export { type SealDeps, StateSeals } from "./translate_seal.ts";
export { markReplay, type ReplayMark } from "./replay_mark.ts";

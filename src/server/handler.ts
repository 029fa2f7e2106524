/**
 * The gateway's request handler: the checks every request passes before routing (header size,
 * Host, CORS), then a provider route straight to the forwarder, or the API app. Every error
 * thrown on the way becomes the JSON error answer here.
 */
import type { Hono } from "hono";
import type { Gate } from "../auth/mod.ts";
import type { GatewayConfig, ResolvedProvider } from "../config/mod.ts";
import { errorResponse, errorTable, GatewayError } from "../errors/mod.ts";
import type { Logger } from "../log/mod.ts";
import {
  correlationIdFrom,
  encodedSlashRule,
  type ForwardInput,
  hasPathPrefix,
  matchProvider,
  parseTarget,
  type ProxyRoute,
  type RequestTarget,
} from "../proxy/mod.ts";
import type { Cors } from "./cors.ts";
import { headersTooLarge } from "./header_limit.ts";
import { nonJsonBody } from "./json_body.ts";
import type { Admit } from "./limits.ts";
import { tenantOf } from "./principal_scope.ts";
import type { WsRelay } from "../ws_relay/mod.ts";

export interface HandlerParts {
  config: GatewayConfig;
  routes: ReadonlyMap<ResolvedProvider, ProxyRoute>;
  /** The root `/v1/...` endpoint (OpenAI wire format, routes only); null: no routes. */
  root: ProxyRoute | null;
  gate: Gate | null;
  admission: Admit | null;
  forward(input: ForwardInput): Promise<Response>;
  /** WebSocket upgrades on provider routes: relayed, or answered 426 (never forwarded as GET). */
  webSocket: WsRelay;
  api: Hono;
  cors: Cors;
  hostCheck(host: string | null): GatewayError | null;
  /** Counted in the log, at most a line a second (see rate_limited_warning.ts). */
  warnings: {
    browser: { hit(correlationId: string, fields?: Record<string, unknown>): void };
    oversizedHeaders: { hit(correlationId: string): void };
  };
  log: Logger;
}

export function createHandler(h: HandlerParts): (req: Request) => Promise<Response> {
  // Asked only for a path with `%2F`: the provider it reaches decides (Bedrock ARN model ids).
  const encodedSlash = encodedSlashRule(h.config.providers, (p) => h.routes.get(p)?.adapter);
  async function answer(req: Request): Promise<Response> {
    const correlationId = correlationIdFrom(req.headers);
    try {
      const early = refusalBeforeRouting(h, req, correlationId);
      if (early !== null) {
        await discardBody(req);
        throw early;
      }
      const target = parseTarget(req.url, req.headers.get("host"), encodedSlash);
      // Browsers send no credentials with a preflight: answered here, before auth, and never
      // forwarded, on provider and API routes alike.
      const preflight = h.cors.preflight(req);
      if (preflight !== null) {
        preflight.headers.set("x-ongoingai-correlation-id", correlationId);
        return preflight;
      }
      const crossSite = crossSiteRefusal(h, req, correlationId);
      if (crossSite !== null) {
        await discardBody(req);
        return crossSite;
      }
      const provider = matchProvider(h.config.providers, target.path);
      const route = provider === null ? undefined : h.routes.get(provider);
      if (route !== undefined) return await toProvider(h, req, route, target, correlationId);
      if (h.root !== null && hasPathPrefix(target.path, "/v1")) {
        return await toProvider(h, req, h.root, target, correlationId);
      }
      const notJson = nonJsonBody(req, target.path);
      if (notJson !== null) {
        await discardBody(req);
        throw notJson;
      }
      const res = await h.api.fetch(req);
      // A replay's answer names its own exchange's id (api/replay.ts); every other API answer
      // this request's.
      if (!res.headers.has("x-ongoingai-correlation-id")) {
        res.headers.set("x-ongoingai-correlation-id", correlationId);
      }
      return res;
    } catch (err) {
      return errorAnswer(h.log, err, correlationId);
    }
  }
  return async (req) => h.cors.decorate(req, await answer(req));
}

/**
 * Refused before any routing, auth or body read. Not traced, like every request refused before
 * the forwarder (bad paths, missing keys): no tenant is known yet, and a trace would let anyone
 * fill the store with their own 60 KiB heads. Counted in the log instead.
 */
function refusalBeforeRouting(
  h: HandlerParts,
  req: Request,
  correlationId: string,
): GatewayError | null {
  const oversized = headersTooLarge(req.headers, h.config.server.max_header_bytes);
  if (oversized !== null) {
    h.warnings.oversizedHeaders.hit(correlationId);
    return oversized;
  }
  // DNS rebinding: before anything else, since a rebound page reads every answer.
  const host = req.headers.get("host");
  const misdirected = h.hostCheck(host);
  if (misdirected !== null) {
    h.warnings.browser.hit(correlationId, { last_host: host?.slice(0, 200) });
  }
  return misdirected;
}

/** Simple requests skip the preflight; a cross-site one is refused here, never forwarded nor traced. */
function crossSiteRefusal(h: HandlerParts, req: Request, correlationId: string): Response | null {
  const crossSite = h.cors.crossSite(req);
  if (crossSite === null) return null;
  h.warnings.browser.hit(correlationId, {
    last_origin: req.headers.get("origin")?.slice(0, 200),
  });
  crossSite.headers.set("x-ongoingai-correlation-id", correlationId);
  return crossSite;
}

/** Auth before anything is read or forwarded; the key header itself is stripped by the forwarder. */
async function toProvider(
  h: HandlerParts,
  req: Request,
  route: ProxyRoute,
  target: RequestTarget,
  correlationId: string,
): Promise<Response> {
  const principal = h.gate === null
    ? null
    : h.gate.check(req.method, target.path, req.headers, target.search);
  const input = {
    req,
    route,
    target,
    correlationId,
    tenant: tenantOf(principal),
    ...(h.admission === null || principal === null ? {} : { admit: h.admission(principal) }),
  };
  // Codex opens the Responses API's WebSocket mode first. Forwarding the handshake as a plain
  // GET made junk exchanges and cost Codex 6-15 s of retries: an upgrade is relayed, or answered
  // 426 (ws_relay/), the answer Codex falls back to HTTPS on at once.
  if (!asksForWebSocket(req.headers)) return h.forward(input);
  const gate = h.gate;
  if (gate === null || principal === null) return await h.webSocket.handle(input);
  // A socket outlives its handshake: the key is checked again at each response.create.
  const authorized = () => stillAuthorized(gate, req, target, principal.keyId);
  return await h.webSocket.handle({ ...input, authorized });
}

/** The gate's verdict on the handshake's key now (a ring lookup); null: still accepted. */
function stillAuthorized(
  gate: Gate,
  req: Request,
  target: RequestTarget,
  keyId: string,
): GatewayError | null {
  try {
    const now = gate.check(req.method, target.path, req.headers, target.search);
    if (now?.keyId === keyId) return null;
    return new GatewayError("invalid_gateway_key", "the gateway key now stands for another key");
  } catch (err) {
    if (err instanceof GatewayError) return err;
    return new GatewayError("internal_error", "checking the gateway key failed");
  }
}

function asksForWebSocket(headers: Headers): boolean {
  const upgrade = headers.get("upgrade");
  return upgrade !== null && upgrade.toLowerCase().split(",").some((t) => t.trim() === "websocket");
}

/** A refused request's body is never read: cancelling it frees the connection for the next one. */
function discardBody(req: Request): Promise<void> {
  return req.body?.cancel().catch(() => {}) ?? Promise.resolve();
}

function errorAnswer(log: Logger, err: unknown, correlationId: string): Response {
  const gwErr = err instanceof GatewayError
    ? err
    : new GatewayError("internal_error", "internal error; see the gateway log for details");
  if (!(err instanceof GatewayError)) {
    log[errorTable[gwErr.code].level]("unhandled error", {
      correlation_id: correlationId,
      error: String(err),
    });
  }
  return errorResponse(gwErr, { "x-ongoingai-correlation-id": correlationId });
}

/**
 * The two handshakes: what the client's upgrade must be for the runtime to accept it, and the
 * upstream's URL and headers. Outbound headers follow the HTTP rules (proxy/headers.ts: hop-by-hop
 * and `Connection`-listed headers, Host and the gateway key never leave), plus the WebSocket
 * handshake's own headers, which belong to each connection: the runtime's client sets the
 * upstream's `Sec-WebSocket-Key`/`-Version`, and offers no extensions. Everything end-to-end
 * passes: `Authorization` (the provider key), `OpenAI-Beta`, the agents' identity headers.
 */
import { GatewayError } from "../errors/mod.ts";
import {
  type ProxyRoute,
  type RequestTarget,
  upstreamRequestHeaders,
  upstreamUrl,
} from "../proxy/mod.ts";

/** Per-connection headers of the WebSocket handshake (RFC 6455 4.1) and a body's headers. */
const handshakeOnly = new Set([
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
  "sec-websocket-accept",
  // The handshake has no body, and nothing comes back compressed on a WebSocket.
  "accept-encoding",
]);

export interface UpstreamHandshake {
  url: string;
  headers: Record<string, string>;
  protocols: string[];
}

export function upstreamHandshake(
  req: Request,
  route: ProxyRoute,
  target: RequestTarget,
  opts: { gatewayKeyHeader: string; correlationId: string },
): UpstreamHandshake {
  const headers = upstreamRequestHeaders(req.headers, opts);
  for (const name of handshakeOnly) delete headers[name];
  const http = upstreamUrl(route.base, route.provider.prefix, target);
  return {
    url: http.replace(/^http(s?):/, "ws$1:"),
    headers,
    protocols: offeredProtocols(req.headers.get("sec-websocket-protocol")),
  };
}

const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

function offeredProtocols(value: string | null): string[] {
  if (value === null) return [];
  return value.split(",").map((s) => s.trim()).filter((s) => token.test(s)).slice(0, 16);
}

/**
 * A handshake the runtime would refuse after the upstream was dialed: refused before, with what
 * was wrong (a real client never sends one; Codex never gets this).
 */
export function clientHandshakeError(req: Request): GatewayError | null {
  const key = req.headers.get("sec-websocket-key");
  const version = req.headers.get("sec-websocket-version");
  const connection = req.headers.get("connection")?.toLowerCase() ?? "";
  const problem = req.method !== "GET"
    ? `method ${req.method} (a WebSocket upgrade is a GET)`
    : key === null || key.trim() === ""
    ? "no Sec-WebSocket-Key header"
    : version?.trim() !== "13"
    ? `Sec-WebSocket-Version ${JSON.stringify(version?.slice(0, 20) ?? null)} (13 is required)`
    : !connection.split(",").some((t) => t.trim() === "upgrade")
    ? "no `Connection: Upgrade` header"
    : null;
  if (problem === null) return null;
  return new GatewayError(
    "bad_request",
    `not a valid WebSocket upgrade: ${problem}; send a standard RFC 6455 handshake, or use HTTPS`,
  );
}

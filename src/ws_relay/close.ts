/**
 * How a relay ends: which close code and reason each side gets, and what the trace of a response
 * still open records. Pure, so the table is tested as one.
 *
 * The runtime's WebSocket client (the upstream side) may only send 1000 or 3000-4999; the server
 * side (the client's socket) may send any valid code. Reasons are cut to the protocol's 123 bytes.
 */
import type { ErrorCode } from "../errors/mod.ts";

/** Why the gateway itself ended a relay. */
export type GatewayClose =
  | "client_frame_too_large"
  | "upstream_frame_too_large"
  | "client_too_slow"
  | "client_frames_queued"
  | "upstream_too_slow"
  | "response_idle_timeout"
  | "response_total_timeout"
  | "socket_idle"
  | "client_binary_frame"
  | "client_frame_invalid"
  | "client_frame_type"
  | "too_many_responses"
  | "key_refused"
  | "reload"
  | "shutdown";

export interface CloseAction {
  client: { code: number; reason: string };
  upstream: { code: number; reason: string };
  /** What an open response's trace records (`error_code` through the error table). */
  trace: ErrorCode;
  /** `timeout_phase` of that trace, when a timeout ended it. */
  timeoutPhase?: "idle" | "total";
}

const closeRows: Record<
  GatewayClose,
  Omit<CloseAction, "client" | "upstream"> & {
    client: number;
    upstream: number;
    reason: (limit: string) => string;
  }
> = {
  client_frame_too_large: {
    client: 1009,
    upstream: 1000,
    trace: "request_too_large",
    reason: (l) => `client frame over ${l} bytes (proxy.max_request_body_bytes)`,
  },
  upstream_frame_too_large: {
    client: 1009,
    upstream: 1000,
    trace: "upstream_truncated",
    reason: (l) => `upstream frame over ${l} bytes (proxy.max_decoded_response_bytes)`,
  },
  client_too_slow: {
    client: 1008,
    upstream: 1000,
    trace: "client_aborted",
    reason: (l) => `client reads too slowly: over ${l} bytes waiting for it`,
  },
  client_frames_queued: {
    client: 1008,
    upstream: 1000,
    trace: "client_aborted",
    reason: (l) => `over ${l} bytes sent while a response.create waited for limits or its route`,
  },
  upstream_too_slow: {
    client: 1013,
    upstream: 1000,
    trace: "upstream_truncated",
    reason: (l) => `upstream reads too slowly: over ${l} bytes waiting for it`,
  },
  response_idle_timeout: {
    client: 1011,
    upstream: 1000,
    trace: "upstream_idle_timeout",
    timeoutPhase: "idle",
    reason: (l) => `upstream silent for ${l} ms during a response (proxy.idle_timeout_ms)`,
  },
  response_total_timeout: {
    client: 1011,
    upstream: 1000,
    trace: "upstream_timeout",
    timeoutPhase: "total",
    reason: (l) => `response not done within ${l} ms (proxy.total_timeout_ms)`,
  },
  socket_idle: {
    client: 1000,
    upstream: 1000,
    trace: "client_aborted",
    reason: (l) => `idle for ${l} ms with no response open`,
  },
  // Client frames fail closed (docs/responses-websocket.md, "Frame rules"): what the gateway
  // cannot read or does not know is never passed on, untraced and unlimited.
  client_binary_frame: {
    client: 1003,
    upstream: 1000,
    trace: "client_aborted",
    reason: () => "binary frames are not relayed; send response.create as a JSON text frame",
  },
  client_frame_invalid: {
    client: 1007,
    upstream: 1000,
    trace: "client_aborted",
    reason: (l) => `client frame ${l}; text frames must be JSON objects with a string "type"`,
  },
  client_frame_type: {
    client: 1008,
    upstream: 1000,
    trace: "client_aborted",
    reason: (l) => `client frame type ${l} is not relayed (response.create, response.processed)`,
  },
  too_many_responses: {
    client: 1008,
    upstream: 1000,
    trace: "client_aborted",
    reason: (l) => `too many responses open: ${l} per socket (the protocol allows one at a time)`,
  },
  // The gateway key was revoked, is unconfirmed or lost proxy:write since the handshake.
  key_refused: {
    client: 1008,
    upstream: 1000,
    trace: "client_aborted",
    reason: (l) => `gateway key no longer accepted (${l}); reconnect with a valid key`,
  },
  // The config this socket was opened under was replaced: 1012, and clients reconnect.
  reload: {
    client: 1012,
    upstream: 1000,
    trace: "shutting_down",
    reason: () => "service restart: the gateway's config was reloaded; reconnect",
  },
  shutdown: {
    client: 1001,
    upstream: 1000,
    trace: "shutting_down",
    reason: () => "gateway shutting down",
  },
};

export function gatewayClose(why: GatewayClose, limit: number | string): CloseAction {
  const row = closeRows[why];
  const reason = cutReason(row.reason(String(limit)));
  return {
    client: { code: row.client, reason },
    upstream: { code: row.upstream, reason: cutReason(`gateway: ${reason}`) },
    trace: row.trace,
    ...(row.timeoutPhase === undefined ? {} : { timeoutPhase: row.timeoutPhase }),
  };
}

/** Close codes a server may send as they are (RFC 6455 7.4.1, IANA registry). */
function sendableByServer(code: number): boolean {
  return code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
}

/** The upstream closed (code as received): what the client gets, and an open response's code. */
export function upstreamClosed(code: number, reason: string): CloseAction {
  // 1005: no code given; 1006: the connection dropped without a close frame.
  const client = sendableByServer(code)
    ? { code, reason: cutReason(reason) }
    : { code: 1014, reason: `upstream connection ended without a close frame (${code})` };
  return { client, upstream: { code: 1000, reason: "" }, trace: "upstream_truncated" };
}

/** The client closed: what the upstream gets (1000 or 3000-4999 only), and an open response's. */
export function clientClosed(code: number, reason: string): CloseAction {
  const passes = code === 1000 || (code >= 3000 && code <= 4999);
  const upstream = passes
    ? { code, reason: cutReason(reason) }
    : { code: 1000, reason: `client closed (${code})` };
  return { client: { code: 1000, reason: "" }, upstream, trace: "client_aborted" };
}

const encoder = new TextEncoder();

/** At most 123 UTF-8 bytes, never ending inside a character. */
export function cutReason(reason: string): string {
  if (encoder.encode(reason).byteLength <= 123) return reason;
  let out = "";
  let bytes = 0;
  for (const ch of reason) {
    const n = encoder.encode(ch).byteLength;
    if (bytes + n > 120) break;
    out += ch;
    bytes += n;
  }
  return `${out}...`;
}

/** Closes a socket with `c`, whatever state it is in (one still connecting once it opens). */
export function closeSocket(ws: WebSocket | null, c: { code: number; reason: string }): void {
  if (ws === null) return;
  try {
    if (ws.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close(c.code, c.reason);
    else if (ws.readyState === WebSocket.OPEN) ws.close(c.code, c.reason);
  } catch {
    // Already closing: nothing left to tell it.
  }
}

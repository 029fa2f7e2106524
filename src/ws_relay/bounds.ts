/**
 * The bounds of the WebSocket relay, derived from the proxy's own settings where one fits, so an
 * operator who sized HTTP bodies and timeouts sized the relay too; the rest are fixed here and
 * documented in docs/responses-websocket.md.
 */
import type { GatewayConfig } from "../config/mod.ts";

export interface WsBounds {
  /** Waiting for the upstream's 101; then 426. Under Codex's own 15 s connect timeout. */
  connectTimeoutMs: number;
  /** Largest client frame (`proxy.max_request_body_bytes`, as an HTTP body). */
  maxClientFrameBytes: number;
  /** Largest upstream frame (`proxy.max_decoded_response_bytes`, at most the runtime's 64 MiB). */
  maxUpstreamFrameBytes: number;
  /** Bytes queued toward either side before the gateway closes rather than buffers more. */
  maxBufferedBytes: number;
  /** Upstream silence while a response is open (`proxy.idle_timeout_ms`). */
  responseIdleMs: number;
  /** One response's deadline (`proxy.total_timeout_ms`; 0: none). */
  responseTotalMs: number;
  /** A socket with no open response and no frame either way for this long is closed. */
  socketIdleMs: number;
  /** Relays open at once per gateway; past it upgrades get 426 (clients use HTTPS). */
  maxOpenRelays: number;
  /**
   * Relays open at once per caller (gateway key in team mode, else provider-key fingerprint), so
   * one key cannot take every slot; past it 426.
   */
  maxRelaysPerKey: number;
  /** Responses open at once on one socket (the protocol allows one); past it the socket closes. */
  maxOpenResponses: number;
  /** How often idle and deadline checks run over the open relays. */
  tickMs: number;
}

const MiB = 1024 * 1024;
/** Deno's WebSocket refuses larger frames itself ("Frame too large"). */
const runtimeFrameLimit = 64 * MiB;

export function wsBoundsOf(config: GatewayConfig): WsBounds {
  const p = config.proxy;
  return {
    connectTimeoutMs: Math.min(p.headers_timeout_ms, 10_000),
    maxClientFrameBytes: Math.min(p.max_request_body_bytes, runtimeFrameLimit),
    maxUpstreamFrameBytes: Math.min(p.max_decoded_response_bytes, runtimeFrameLimit),
    maxBufferedBytes: 16 * MiB,
    responseIdleMs: p.idle_timeout_ms,
    responseTotalMs: p.total_timeout_ms,
    socketIdleMs: 15 * 60_000,
    maxOpenRelays: 256,
    maxRelaysPerKey: 32,
    maxOpenResponses: 2,
    tickMs: 1000,
  };
}

/** UTF-8 length of a string, counted without encoding it. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2;
        i++;
        continue;
      }
      n += 2;
    } else n += 2;
  }
  return n;
}

/** A frame's size in bytes: text as UTF-8, binary as is. */
export function frameBytes(data: string | ArrayBuffer | Blob): number {
  if (typeof data === "string") return utf8Length(data);
  return data instanceof ArrayBuffer ? data.byteLength : data.size;
}

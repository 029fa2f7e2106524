/**
 * The upstream client contract: how the proxy talks to a provider. Two implementations share it:
 * `fetch` (the runtime's, general) and a native keep-alive HTTP/1.1 client on `Deno.connect`
 * (about twice the throughput for small exchanges, measured against a fetch pass-through).
 */

export interface UpstreamRequest {
  method: string;
  /** Absolute http(s) URL; its origin comes from the config, never from the client. */
  url: string;
  /** Lower-case names, unique; no hop-by-hop headers, no Host, no Content-Length. */
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | null;
  /** Aborting rejects a pending `send`, and makes a pending or later `read` throw. */
  signal: AbortSignal;
  /**
   * Bound on opening a new connection for this request (TCP, and the TLS handshake), in ms;
   * past it `send` rejects with a `ConnectTimeout`. Replaces the client's own bound for this
   * request; a pooled connection needs no opening, so the bound does not apply to it. The
   * `fetch` client cannot tell connecting from waiting for the answer and ignores it (the
   * caller's signal still bounds both).
   */
  connectTimeoutMs?: number;
}

export interface UpstreamResponse {
  status: number;
  statusText: string;
  /** Lower-case names in wire order; repeated names (set-cookie) stay separate pairs. */
  headers: [string, string][];
  /**
   * True when the client already removed a content coding (gzip, br) from the body, so the
   * `content-encoding` and `content-length` headers no longer describe the bytes.
   */
  decoded: boolean;
  /** The next body chunk, or null once the body is complete. Throws on a cut or abort. */
  read(): Promise<Uint8Array | null>;
  /** The whole remaining body. */
  bytes(): Promise<Uint8Array<ArrayBuffer>>;
  /** Stops reading; the connection is not reused. Never throws. */
  cancel(): void;
}

export interface UpstreamClient {
  /** Resolves once the response head has arrived (redirects are never followed). */
  send(req: UpstreamRequest): Promise<UpstreamResponse>;
  /** Closes idle connections; in-flight exchanges end on their own. */
  close(): void;
}

/**
 * A keep-alive HTTP/1.1 client on `Deno.connect`/`Deno.connectTls`. For the small exchanges
 * a gateway mostly carries, `fetch`'s JS layers (Request objects, webidl conversions, signal
 * plumbing, streams) cost more than the I/O; this client does the I/O and nothing else.
 *
 * Retry rule: a request on a connection taken from the pool is sent again, once, on a new
 * connection, when the old one turned out dead: the write failed, or the connection ended
 * (EOF or reset) before a single byte of an answer. That is the race every keep-alive client
 * has: the server closes an idle connection just as a request goes out. A request that got
 * any byte of an answer is never retried, nor one on a fresh connection. The residual risk is
 * a server that read the whole request and then closed without a word; such a request (even a
 * POST) is sent twice. The pool's posted idle read drops connections the moment the server
 * closes them, which leaves only a narrow window for that race in the first place.
 */
import type { UpstreamClient, UpstreamRequest, UpstreamResponse } from "./types.ts";
import { connect } from "./connect.ts";
import { Exchange, messageOf, NoAnswer, SendFailed } from "./exchange.ts";
import { OriginCache } from "./origin.ts";
import { Pool } from "./pool.ts";
import { requestHead } from "./request_head.ts";
import { InvalidResponse } from "./response_head.ts";
import { Wire } from "./wire.ts";

export interface NativeClientOptions {
  /** Idle connections kept per origin (scheme, host, port); default 64. 0 disables reuse. */
  maxIdlePerOrigin?: number;
  /** An idle connection older than this is closed instead of reused; default 30 s. */
  idleTimeoutMs?: number;
  /** Bound on opening a connection (TCP and TLS handshake); default none: the signal bounds it. */
  connectTimeoutMs?: number;
  /** TLS settings, e.g. extra root certificates for a private CA or a test server. */
  tls?: { caCerts?: string[] };
  /** Clock for idle expiry (tests); default `Date.now`. */
  now?: () => number;
}

export interface NativeClient extends UpstreamClient {
  /** Idle connections currently pooled (for tests and metrics). */
  readonly idleConnections: number;
}

/**
 * `close()` closes the idle connections and retires the ones in use (closed instead of pooled
 * when their exchange ends). The client stays usable: a later `send` opens new connections.
 */
export function createNativeClient(options: NativeClientOptions = {}): NativeClient {
  const pool = new Pool({
    maxIdlePerOrigin: options.maxIdlePerOrigin ?? 64,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    now: options.now ?? Date.now,
  });
  const origins = new OriginCache();
  const connectOptions = {
    connectTimeoutMs: options.connectTimeoutMs,
    caCerts: options.tls?.caCerts,
  };

  async function send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const signal = req.signal;
    if (signal.aborted) throw signal.reason;
    const { origin, path } = origins.target(req.url);
    const body = req.body;
    const head = requestHead(
      req.method,
      path,
      origin.hostHeader,
      req.headers,
      body === null ? null : body.byteLength,
    );
    let wire = pool.take(origin);
    let retried = false;
    for (;;) {
      const reused = wire !== null;
      if (wire === null) {
        const generation = pool.generation;
        const opts = req.connectTimeoutMs === undefined
          ? connectOptions
          : { ...connectOptions, connectTimeoutMs: req.connectTimeoutMs };
        wire = new Wire(await connect(origin, signal, opts), origin, generation);
      }
      const exchange = new Exchange(wire, signal, pool);
      try {
        await exchange.start(head, body, req.method);
        return exchange;
      } catch (err) {
        exchange.abandon();
        if (signal.aborted) throw signal.reason;
        if (reused && !retried && wire.received === 0 && connectionGone(err)) {
          retried = true;
          wire = null;
          continue;
        }
        throw describe(err, origin.label);
      }
    }
  }

  return {
    send,
    close: () => pool.close(),
    get idleConnections() {
      return pool.idleCount;
    },
  };
}

/** Errors that mean "the connection was already dead", as opposed to a bad answer. */
function connectionGone(err: unknown): boolean {
  if (err instanceof SendFailed || err instanceof NoAnswer) return true;
  return err instanceof Deno.errors.ConnectionReset ||
    err instanceof Deno.errors.ConnectionAborted ||
    err instanceof Deno.errors.BrokenPipe ||
    err instanceof Deno.errors.UnexpectedEof ||
    err instanceof Deno.errors.NotConnected;
}

function describe(err: unknown, label: string): unknown {
  if (err instanceof SendFailed || err instanceof NoAnswer) return err;
  if (err instanceof InvalidResponse) {
    return new Error(`invalid response from ${label}: ${err.message}`);
  }
  return new Error(`reading the response from ${label} failed: ${messageOf(err)}`, { cause: err });
}

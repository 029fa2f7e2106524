/**
 * Opening a connection: TCP, or TLS with the handshake finished here, so that a certificate
 * problem is reported as one (with the host and port) rather than as a failed first write.
 * Errors name what failed and where, and nothing of the request.
 */
import type { Origin } from "./origin.ts";

/**
 * Opening a connection took longer than its bound. A type of its own, so that a caller can tell
 * "the upstream could not be reached in time" (nothing was sent) from a refusal, a reset, or
 * its own signal's abort.
 */
export class ConnectTimeout extends Error {
  constructor(readonly what: string, readonly label: string, readonly timeoutMs: number) {
    super(`${what} ${label} timed out after ${timeoutMs} ms`);
    this.name = "ConnectTimeout";
  }
}

export interface ConnectOptions {
  /** Without it only the caller's signal bounds a hanging connect. */
  connectTimeoutMs: number | undefined;
  caCerts: string[] | undefined;
}

export async function connect(
  origin: Origin,
  signal: AbortSignal,
  opts: ConnectOptions,
): Promise<Deno.Conn> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timeout: AbortSignal | null = null;
  if (opts.connectTimeoutMs !== undefined) {
    // One timer per new connection (not per request), cleared as soon as it is open.
    const ctl = new AbortController();
    timer = setTimeout(() => ctl.abort(), opts.connectTimeoutMs);
    timeout = ctl.signal;
  }
  try {
    return await open(origin, signal, timeout, opts);
  } finally {
    clearTimeout(timer);
  }
}

async function open(
  origin: Origin,
  signal: AbortSignal,
  timeout: AbortSignal | null,
  opts: ConnectOptions,
): Promise<Deno.Conn> {
  const bound = timeout === null ? signal : AbortSignal.any([signal, timeout]);
  const fail = (what: string, err: unknown): unknown => {
    if (signal.aborted) return signal.reason;
    if (timeout?.aborted) return new ConnectTimeout(what, origin.label, opts.connectTimeoutMs!);
    const detail = err instanceof Error ? err.message : String(err);
    return new Error(`${what} ${origin.label} failed: ${detail}`, { cause: err });
  };
  if (!origin.tls) {
    try {
      const conn = await Deno.connect({
        hostname: origin.hostname,
        port: origin.port,
        signal: bound,
      });
      conn.setNoDelay(true);
      return conn;
    } catch (err) {
      throw fail("connecting to", err);
    }
  }
  let conn: Deno.TlsConn;
  try {
    // connectTls takes no signal: the race below leaves it behind and closes it when it lands.
    const pending = Deno.connectTls({
      hostname: origin.hostname,
      port: origin.port,
      alpnProtocols: ["http/1.1"],
      ...(opts.caCerts === undefined ? {} : { caCerts: opts.caCerts }),
    });
    conn = await untilAborted(pending, bound, (late) => late.close());
  } catch (err) {
    throw fail("connecting to", err);
  }
  try {
    await untilAborted(conn.handshake(), bound, () => {});
    return conn;
  } catch (err) {
    conn.close();
    throw fail("TLS handshake with", err);
  }
}

function untilAborted<T>(
  pending: Promise<T>,
  signal: AbortSignal,
  discard: (late: T) => void,
): Promise<T> {
  if (signal.aborted) {
    pending.then(discard, () => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) discard(value);
        else resolve(value);
      },
      (err) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

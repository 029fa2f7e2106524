/**
 * Opening the upstream WebSocket before the client's upgrade is accepted: only an open upstream
 * socket is worth a 101 to the client. Everything else (a refused upgrade, no connection, no 101
 * in time, the client gone meanwhile) is a `DialFailure` the handshake answers with 426 and a
 * message naming the cause, so a client such as Codex falls back to HTTPS at once.
 *
 * Deno 2.9.6's `new WebSocket(url, { headers })` sends the given headers on the handshake and
 * silently replaces the ones it owns (Host, Upgrade, Connection, Sec-WebSocket-*); it reports a
 * refused upgrade only as an error message ("Invalid status code: 404"), read by `dialFailureOf`.
 */

export interface DialRequest {
  url: string;
  headers: Record<string, string>;
  /** Subprotocols the client offered (`Sec-WebSocket-Protocol`); usually none. */
  protocols: string[];
  timeoutMs: number;
  /** Aborted when the client went away: the dial stops and its socket closes. */
  signal: AbortSignal;
}

export type DialFailure =
  | { cause: "refused"; status: number | null; detail: string }
  | { cause: "unreachable"; detail: string }
  | { cause: "timeout"; detail: string }
  | { cause: "client_gone"; detail: string };

export function dialUpstream(d: DialRequest): Promise<WebSocket | DialFailure> {
  let ws: WebSocket;
  try {
    // deno-lint-ignore no-explicit-any
    ws = new WebSocket(d.url, { headers: d.headers, protocols: d.protocols } as any);
  } catch (err) {
    return Promise.resolve({ cause: "unreachable", detail: String(err) });
  }
  ws.binaryType = "arraybuffer";
  return new Promise((resolve) => {
    let failure: DialFailure | null = null;
    const done = (result: WebSocket | DialFailure) => {
      clearTimeout(timer);
      d.signal.removeEventListener("abort", onAbort);
      ws.onopen = ws.onerror = ws.onclose = null;
      resolve(result);
    };
    const giveUp = (f: DialFailure) => {
      failure = f;
      // Closing a socket still connecting cancels the handshake; its close event follows.
      ws.close();
    };
    const onAbort = () => giveUp({ cause: "client_gone", detail: "the client went away" });
    const timer = setTimeout(
      () => giveUp({ cause: "timeout", detail: `no 101 within ${d.timeoutMs} ms` }),
      d.timeoutMs,
    );
    d.signal.addEventListener("abort", onAbort, { once: true });
    ws.onopen = () => failure === null ? done(ws) : ws.close();
    ws.onerror = (e) => {
      failure ??= dialFailureOf(e instanceof ErrorEvent ? e.message : String(e));
    };
    ws.onclose = () =>
      done(failure ?? { cause: "unreachable", detail: "closed during the handshake" });
  });
}

const statusIn = /status code:?\s*(\d{3})/i;

/** The runtime's error message, read as the cause of a failed dial. */
export function dialFailureOf(message: string): DialFailure {
  const detail = message.replace(/^NetworkError:\s*/, "").slice(0, 300);
  const status = statusIn.exec(message)?.[1];
  if (status !== undefined) return { cause: "refused", status: Number(status), detail };
  return { cause: "unreachable", detail };
}

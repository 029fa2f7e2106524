/**
 * Local servers for the upstream client tests: `Deno.serve` for ordinary HTTP (counting the
 * connections it accepts), and a raw TCP server whose connections run a script that decides
 * every byte, for framing, cut and dead-connection cases.
 */
import type { UpstreamClient, UpstreamRequest, UpstreamResponse } from "../../src/upstream/mod.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export interface HttpServer {
  url: string;
  port: number;
  /** Distinct client ports seen: one per connection the client opened. */
  connections: Set<number>;
  close(): Promise<void>;
}

export function httpServer(
  handler: (req: Request) => Response | Promise<Response>,
  tls?: { cert: string; key: string },
): HttpServer {
  const connections = new Set<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    ...(tls ?? {}),
  }, (req, info) => {
    connections.add(info.remoteAddr.port);
    return handler(req);
  });
  const port = server.addr.port;
  return {
    url: `${tls ? "https://localhost" : "http://127.0.0.1"}:${port}`,
    port,
    connections,
    close: () => server.shutdown(),
  };
}

/** One accepted connection, with the bytes read past the last request kept for the next. */
export class RawConn {
  #rest = new Uint8Array(0);
  constructor(readonly conn: Deno.Conn, readonly index: number) {}

  /** Reads one request (head and Content-Length body) as text; null on EOF. */
  async readRequest(): Promise<string | null> {
    for (;;) {
      const text = decoder.decode(this.#rest);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        const m = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
        const total = end + 4 + (m ? Number(m[1]) : 0);
        if (this.#rest.length >= total) {
          const request = decoder.decode(this.#rest.subarray(0, total));
          this.#rest = this.#rest.slice(total);
          return request;
        }
      }
      const buf = new Uint8Array(64 * 1024);
      const n = await this.conn.read(buf).catch(() => null);
      if (n === null) return null;
      const joined = new Uint8Array(this.#rest.length + n);
      joined.set(this.#rest);
      joined.set(buf.subarray(0, n), this.#rest.length);
      this.#rest = joined;
    }
  }

  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  /** One write per byte: the client sees the message cut at every possible place. */
  async writeBytewise(data: string): Promise<void> {
    for (const byte of encoder.encode(data)) await this.write(new Uint8Array([byte]));
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // Already closed by the script.
    }
  }
}

export interface RawServer {
  url: string;
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Every request head received, in order, on any connection. */
  requests: string[];
  close(): Promise<void>;
}

/** Each accepted connection runs `script`; the connection is closed when it returns. */
export function rawServer(script: (c: RawConn, server: RawServer) => Promise<void>): RawServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const open = new Set<RawConn>();
  const running: Promise<void>[] = [];
  let accepted = 0;
  const server: RawServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    get accepted() {
      return accepted;
    },
    requests: [],
    async close() {
      listener.close();
      for (const c of open) c.close();
      await Promise.allSettled(running);
      await acceptLoop;
    },
  };
  const acceptLoop = (async () => {
    for await (const conn of listener) {
      const c = new RawConn(conn, accepted++);
      open.add(c);
      running.push(
        script(c, server).catch(() => {}).finally(() => {
          open.delete(c);
          c.close();
        }),
      );
    }
  })().catch(() => {});
  return server;
}

/** Reads requests on a connection, records them, and answers each with `reply(i)`. */
export async function answerEach(
  c: RawConn,
  server: RawServer,
  reply: (requestIndex: number, request: string) => string | null,
): Promise<void> {
  for (let i = 0;; i++) {
    const request = await c.readRequest();
    if (request === null) return;
    server.requests.push(request);
    const answer = reply(i, request);
    if (answer === null) return;
    await c.write(answer);
  }
}

export const ok = (body: string, extra = "") =>
  `HTTP/1.1 200 OK\r\ncontent-length: ${encoder.encode(body).length}\r\n${extra}\r\n${body}`;

/** A request with defaults: GET, no headers, no body, a signal nobody aborts. */
export function get(
  client: UpstreamClient,
  url: string,
  init: Partial<UpstreamRequest> = {},
): Promise<UpstreamResponse> {
  return client.send({ method: "GET", url, headers: {}, body: null, signal: signal(), ...init });
}

export function signal(): AbortSignal {
  return new AbortController().signal;
}

/** Waits (bounded) until `check` holds; for state the client changes asynchronously. */
export async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

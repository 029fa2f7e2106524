/**
 * An upstream scripted byte by byte on a raw `Deno.listen` socket, for faults an HTTP server
 * library would hide or refuse to produce: a stream cut mid-body, an answer that never comes,
 * framing that is deliberately broken. It records what it received and, the point of most fault
 * tests, when it saw the gateway close the connection, so a test can measure how fast the
 * gateway let go of the upstream after its client left.
 *
 * Responses to stream are chunk-encoded on purpose: without a length or chunking, closing the
 * socket is a legitimate end of an HTTP/1.1 body, and a cut would look like a clean end.
 */

const enc = new TextEncoder();
const latin1 = new TextDecoder("latin1");

export interface RawRequest {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** One connection the gateway opened, seen from the upstream's side. */
export class RawConnection {
  /** `performance.now()` when it was accepted. */
  readonly acceptedAt = performance.now();
  /** Every byte the gateway sent on this connection, in order. */
  received = new Uint8Array(0);
  /** When the gateway closed or reset the connection (read saw EOF or an error); null while open. */
  peerClosedAt: number | null = null;
  /** Resolves with `peerClosedAt` once the gateway has closed its side. */
  readonly peerClosed: Promise<number>;
  #onPeerClosed!: (at: number) => void;
  #waiters: (() => void)[] = [];
  #closedByUs = false;

  constructor(readonly conn: Deno.Conn) {
    this.peerClosed = new Promise((r) => (this.#onPeerClosed = r));
    void this.#readAll();
  }

  async #readAll(): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      let n: number | null;
      try {
        n = await this.conn.read(buf);
      } catch {
        n = null;
      }
      if (n === null) break;
      const next = new Uint8Array(this.received.byteLength + n);
      next.set(this.received);
      next.set(buf.subarray(0, n), this.received.byteLength);
      this.received = next;
      this.#wake();
    }
    if (!this.#closedByUs) this.peerClosedAt = performance.now();
    this.#onPeerClosed(this.peerClosedAt ?? -1);
    this.#wake();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Waits until `ready(received)` holds; rejects if the gateway closes first. */
  async #until<T>(ready: (bytes: Uint8Array) => T | null): Promise<T> {
    for (;;) {
      const value = ready(this.received);
      if (value !== null) return value;
      if (this.peerClosedAt !== null || this.#closedByUs) {
        throw new Error(
          `the gateway closed the connection after ${this.received.byteLength} bytes`,
        );
      }
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  /** The request head, without waiting for its body. */
  head(): Promise<Omit<RawRequest, "body">> {
    return this.#until((bytes) => {
      const text = latin1.decode(bytes);
      const end = text.indexOf("\r\n\r\n");
      return end < 0 ? null : parseHead(text.slice(0, end));
    });
  }

  /** The whole request; the body is read by Content-Length (the gateway's clients send one). */
  async request(): Promise<RawRequest> {
    const head = await this.head();
    const start = latin1.decode(this.received).indexOf("\r\n\r\n") + 4;
    const length = Number(head.headers["content-length"] ?? 0);
    const body = await this.#until((bytes) =>
      bytes.byteLength >= start + length ? bytes.slice(start, start + length) : null
    );
    return { ...head, body };
  }

  async send(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    let off = 0;
    while (off < bytes.byteLength) off += await this.conn.write(bytes.subarray(off));
  }

  /** One HTTP/1.1 chunk carrying `data`. */
  sendChunk(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    const framed = new Uint8Array(bytes.byteLength + 32);
    const size = enc.encode(`${bytes.byteLength.toString(16)}\r\n`);
    framed.set(size);
    framed.set(bytes, size.byteLength);
    framed.set(enc.encode("\r\n"), size.byteLength + bytes.byteLength);
    return this.send(framed.subarray(0, size.byteLength + bytes.byteLength + 2));
  }

  /** The terminating chunk: the body ended cleanly. */
  endChunks(): Promise<void> {
    return this.send("0\r\n\r\n");
  }

  /** Closes the socket from the upstream's side (a FIN; Deno offers no way to send an RST). */
  close(): void {
    if (this.#closedByUs) return;
    this.#closedByUs = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by the peer.
    }
  }
}

function parseHead(text: string): Omit<RawRequest, "body"> {
  const [line = "", ...rest] = text.split("\r\n");
  const [method = "", path = ""] = line.split(" ");
  const headers: Record<string, string> = {};
  for (const h of rest) {
    const i = h.indexOf(":");
    if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return { method, path, headers };
}

/** A response head with the given headers, as written (nothing added). */
export function responseHead(
  status: number,
  headers: Record<string, string> = {},
  reason = "X",
): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return `HTTP/1.1 ${status} ${reason}\r\n${lines}\r\n`;
}

/** The head of a chunk-encoded event stream. */
export const sseHead = (extra: Record<string, string> = {}) =>
  responseHead(200, {
    "content-type": "text/event-stream",
    "transfer-encoding": "chunked",
    // One exchange per connection, so every test's request gets its own connection and script.
    connection: "close",
    ...extra,
  }, "OK");

/** A complete response with a body and its length, on a connection not kept alive. */
export async function sendWhole(
  c: RawConnection,
  status: number,
  headers: Record<string, string>,
  body: string,
): Promise<void> {
  const bytes = enc.encode(body);
  const length = String(bytes.byteLength);
  await c.send(responseHead(status, { ...headers, "content-length": length, connection: "close" }));
  await c.send(bytes);
}

/** What a script does with one connection; it runs once the connection is accepted. */
export type RawScript = (c: RawConnection) => Promise<void>;

export interface RawUpstream {
  url: string;
  connections: RawConnection[];
  /** Resolves with the n-th (0-based) connection once it is accepted. */
  connection(n?: number): Promise<RawConnection>;
  close(): Promise<void>;
}

export function startRawUpstream(script: RawScript): RawUpstream {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connections: RawConnection[] = [];
  const waiters: (() => void)[] = [];
  const running: Promise<void>[] = [];
  const accepting = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return;
      }
      const c = new RawConnection(conn);
      connections.push(c);
      for (const w of waiters.splice(0)) w();
      // A script failing because the gateway hung up is part of the fault being tested.
      running.push(script(c).catch(() => {}));
    }
  })();
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    connections,
    async connection(n = 0) {
      while (connections.length <= n) await new Promise<void>((r) => waiters.push(r));
      return connections[n]!;
    },
    async close() {
      listener.close();
      await accepting;
      for (const c of connections) c.close();
      await Promise.all(running);
    },
  };
}

/** One OpenAI chat completion chunk event. */
export const chatEvent = (i: number) =>
  `data: ${
    JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      model: "gpt-4o-mini",
      choices: [{ index: 0, delta: { content: `piece ${i} ` }, finish_reason: null }],
    })
  }\n\n`;

/** One Anthropic Messages event. */
export const anthropicEvent = (type: string, data: Record<string, unknown>) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/** The first events of a stream for the request's path, with no end: what a cut leaves. */
export function streamStart(path: string): string[] {
  return path.includes("messages")
    ? [
      anthropicEvent("message_start", {
        message: { id: "m1", model: "claude-3-5-haiku-latest", usage: { input_tokens: 9 } },
      }),
      anthropicEvent("content_block_delta", { index: 0, delta: { text_delta: "hi" } }),
    ]
    : [chatEvent(1), chatEvent(2)];
}

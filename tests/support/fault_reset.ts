/**
 * A listener that answers every request with a TCP reset (RST) once the request has arrived, and
 * no response byte: the "connection reset before headers" fault. `Deno.Conn` cannot send a reset
 * (no SO_LINGER), but `node:net`'s `resetAndDestroy` can, so this one listener uses it. Requests
 * are handed to `onRequest` before the reset, so they are recorded like any other.
 */
import net from "node:net";

const maxRequest = 4 * 1024 * 1024;

export interface ResetListener {
  url: string;
  /** Resolves once the port is bound. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** `onRequest(head, body)`: the request head (without the blank line) and its body, latin1. */
export function startResetListener(
  port: number,
  onRequest: (head: string, body: string) => void,
): ResetListener {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let text = "";
    socket.on("data", (chunk: Uint8Array) => {
      text += new TextDecoder("latin1").decode(chunk);
      const req = completeRequest(text);
      if (req === null && text.length <= maxRequest) return;
      if (req !== null) onRequest(req.head, req.body);
      socket.resetAndDestroy();
    });
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  const ready = new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    ready,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The head and body once the whole request is in `text` (Content-Length or chunked), else null. */
function completeRequest(text: string): { head: string; body: string } | null {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const head = text.slice(0, end);
  const rest = text.slice(end + 4);
  if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) {
    if (!rest.endsWith("0\r\n\r\n")) return null;
    let body = "", at = 0;
    for (;;) {
      const lineEnd = rest.indexOf("\r\n", at);
      const size = parseInt(rest.slice(at, lineEnd), 16);
      if (!(size > 0)) break;
      body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
    return { head, body };
  }
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
  return rest.length >= length ? { head, body: rest.slice(0, length) } : null;
}

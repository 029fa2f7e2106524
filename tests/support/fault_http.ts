/**
 * Reading one HTTP/1.1 request from a raw connection, bounded: the fault upstream's side of the
 * wire (Content-Length or chunked bodies, as the gateway's HTTP client sends them).
 */
const latin1 = new TextDecoder("latin1");
const maxHead = 64 * 1024;
export const maxBody = 4 * 1024 * 1024;

export interface RawHttpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** One request (Content-Length or chunked body); null when the peer left; a string when too big. */
export async function readRequest(conn: Deno.Conn): Promise<RawHttpRequest | string | null> {
  const r = new ByteReader(conn);
  const headEnd = await r.until((b) => indexOf(b, "\r\n\r\n"), maxHead);
  if (headEnd === null) return null;
  if (headEnd < 0) return "request head larger than 64 KiB";
  const { method, path, headers } = parseHead(latin1.decode(r.take(headEnd + 4)).slice(0, -4));
  if ((headers["transfer-encoding"] ?? "").includes("chunked")) {
    const body = await readChunked(r);
    return body === null ? null : typeof body === "string" ? body : { method, path, headers, body };
  }
  const length = Number(headers["content-length"] ?? 0);
  if (!(length >= 0 && length <= maxBody)) return "request body larger than 4 MiB";
  const got = await r.until((b) => (b.byteLength >= length ? length : -1), maxBody + 1);
  if (got === null || got < 0) return null;
  return { method, path, headers, body: r.take(length) };
}

export function parseHead(text: string): Omit<RawHttpRequest, "body"> {
  const [line = "", ...rest] = text.split("\r\n");
  const [method = "", path = ""] = line.split(" ");
  const headers: Record<string, string> = {};
  for (const h of rest) {
    const i = h.indexOf(":");
    if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return { method, path, headers };
}

async function readChunked(r: ByteReader): Promise<Uint8Array | string | null> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const lineEnd = await r.until((b) => indexOf(b, "\r\n"), 1024);
    if (lineEnd === null || lineEnd < 0) return null;
    const size = parseInt(latin1.decode(r.take(lineEnd + 2)), 16);
    if (!(size >= 0)) return null;
    total += size;
    if (total > maxBody) return "request body larger than 4 MiB";
    const ok = await r.until((b) => (b.byteLength >= size + 2 ? size : -1), maxBody + 3);
    if (ok === null || ok < 0) return null;
    if (size === 0) {
      r.take(2);
      break;
    }
    parts.push(r.take(size));
    r.take(2);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

function indexOf(b: Uint8Array, s: string): number {
  return latin1.decode(b).indexOf(s);
}

/** Buffered reads of one connection, each wait bounded by `limit` buffered bytes. */
class ByteReader {
  #buf = new Uint8Array(0);
  constructor(private conn: Deno.Conn) {}
  /** Reads until `found(buffer)` is not negative; -1 past `limit`; null at EOF. */
  async until(found: (b: Uint8Array) => number, limit: number): Promise<number | null> {
    for (;;) {
      const at = found(this.#buf);
      if (at >= 0) return at;
      if (this.#buf.byteLength > limit) return -1;
      const chunk = new Uint8Array(64 * 1024);
      let n: number | null;
      try {
        n = await this.conn.read(chunk);
      } catch {
        n = null;
      }
      if (n === null) return null;
      const next = new Uint8Array(this.#buf.byteLength + n);
      next.set(this.#buf);
      next.set(chunk.subarray(0, n), this.#buf.byteLength);
      this.#buf = next;
    }
  }
  take(n: number): Uint8Array {
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.slice(n);
    return out;
  }
}

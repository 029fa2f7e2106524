/**
 * One connection with its own read and write buffers, reused for every exchange it carries, so
 * that a kept-alive request allocates no I/O buffer. While the connection idles in the pool a
 * read stays posted: when the server closes it (keep-alive timeout, restart) the read ends and
 * the pool drops it at once, instead of a later request finding it dead.
 */
import type { Origin } from "./origin.ts";
import { encodeHead, encodeHeadInto, type RequestHead } from "./request_head.ts";

/** Large enough for any head, chunk line or trailer section this client accepts. */
const readBufferBytes = 64 * 1024;
const writeBufferBytes = 16 * 1024;

export class Wire {
  readonly buf = new Uint8Array(readBufferBytes);
  /** Unconsumed received bytes are `buf[start, end)`. */
  start = 0;
  end = 0;
  /** Bytes received since `beginExchange`: zero means the server has not answered at all. */
  received = 0;
  /** Exchanges started on this connection; above one, it came from the pool. */
  exchanges = 0;
  idleSince = 0;
  idle = false;
  closed = false;
  #wbuf: Uint8Array | null = null;
  #idleRead: Promise<number | null> | null = null;

  constructor(
    readonly conn: Deno.Conn,
    readonly origin: Origin,
    /** The pool generation it was opened in; `close()` retires older ones. */
    readonly generation: number,
  ) {}

  beginExchange(): void {
    this.exchanges++;
    this.received = 0;
    if (this.idle) {
      this.idle = false;
      this.conn.ref();
    }
  }

  /** Reads more bytes after `end`. False on a clean EOF. */
  async fill(): Promise<boolean> {
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    } else if (this.end === this.buf.length) {
      if (this.start === 0) throw new Error("read buffer full (internal limit)");
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    let n: number | null;
    const posted = this.#idleRead;
    if (posted !== null) {
      // Posted at offset 0 while idle, when the buffer was empty.
      this.#idleRead = null;
      n = await posted;
    } else {
      n = await this.conn.read(this.end === 0 ? this.buf : this.buf.subarray(this.end));
    }
    if (n === null) return false;
    this.end += n;
    this.received += n;
    return true;
  }

  /** Writes head and body, in one write when they fit the connection's buffer. */
  async send(head: RequestHead, body: Uint8Array | null): Promise<void> {
    const bodyLength = body === null ? 0 : body.byteLength;
    const wbuf = this.#wbuf ??= new Uint8Array(writeBufferBytes);
    const n = encodeHeadInto(head, wbuf);
    if (n >= 0 && n + bodyLength <= wbuf.length) {
      if (body !== null) wbuf.set(body, n);
      return await this.#writeAll(wbuf.subarray(0, n + bodyLength));
    }
    const bytes = encodeHead(head);
    if (bodyLength > 0 && bodyLength <= writeBufferBytes * 4) {
      // Still one write: a separate small body write would cost a round of syscalls.
      const all = new Uint8Array(bytes.length + bodyLength);
      all.set(bytes);
      all.set(body!, bytes.length);
      return await this.#writeAll(all);
    }
    await this.#writeAll(bytes);
    if (body !== null && bodyLength > 0) await this.#writeAll(body);
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let off = 0;
    while (off < bytes.length) {
      off += await this.conn.write(off === 0 ? bytes : bytes.subarray(off));
    }
  }

  /** Idle in the pool: stop holding the process open, and watch for the server hanging up. */
  park(now: number, gone: (wire: Wire) => void): void {
    this.idle = true;
    this.idleSince = now;
    this.start = 0;
    this.end = 0;
    this.conn.unref();
    const posted = this.conn.read(this.buf);
    this.#idleRead = posted;
    // Runs before any exchange's own await on the same read (reactions run in order), so
    // `idle` tells whether the bytes or the EOF came while nobody was asking.
    const settle = () => {
      if (this.idle && this.#idleRead === posted) {
        this.#idleRead = null;
        gone(this);
      }
    };
    posted.then(settle, settle);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by the runtime; nothing left to release.
    }
  }
}

/**
 * Response body framing (RFC 9112 section 6.3): none, chunked, Content-Length, or until the
 * server closes. Each read hands out whatever has arrived, copied out of the connection's
 * buffer so the buffer can be reused. A body that ends before its framing says it should is an
 * error, never a clean end: a shortened answer must not pass for a whole one.
 */
import { ChunkedBody } from "./chunked.ts";
import { declaredLength, InvalidResponse, type ResponseHead } from "./response_head.ts";
import type { Wire } from "./wire.ts";

export class IncompleteBody extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IncompleteBody";
  }
}

export interface BodyReader {
  /** The next chunk, or null at the end. */
  read(w: Wire): Promise<Uint8Array<ArrayBuffer> | null>;
  /** True once the body ended where its framing said. */
  readonly complete: boolean;
}

export interface Framing {
  body: BodyReader;
  /** Whether the connection may carry another exchange once the body is complete. */
  reusable: boolean;
}

export function framingOf(method: string, head: ResponseHead): Framing {
  let reusable = head.http11 && !head.connectionClose;
  const status = head.status;
  if (method === "HEAD" || status === 204 || status === 304 || status < 200) {
    return { body: new LengthBody(0), reusable };
  }
  if (head.transferEncoding !== null) {
    if (head.transferEncoding.trim().toLowerCase() !== "chunked") {
      throw new InvalidResponse("unsupported transfer-encoding (only chunked is)");
    }
    // Both framings at once is how request smuggling starts: chunked wins (RFC 9112 6.3),
    // and the connection is not trusted with another exchange.
    if (head.contentLength !== null) reusable = false;
    return { body: new Chunked(), reusable };
  }
  if (head.contentLength !== null) {
    return { body: new LengthBody(declaredLength(head.contentLength)), reusable };
  }
  return { body: new UntilClose(), reusable: false };
}

class LengthBody implements BodyReader {
  #remaining: number;
  constructor(readonly length: number) {
    this.#remaining = length;
  }

  get complete(): boolean {
    return this.#remaining === 0;
  }

  async read(w: Wire): Promise<Uint8Array<ArrayBuffer> | null> {
    if (this.#remaining === 0) return null;
    while (w.start === w.end) {
      if (!(await w.fill())) {
        throw new IncompleteBody(
          `${w.origin.label} closed the connection after ${
            this.length - this.#remaining
          } of ${this.length} body bytes`,
        );
      }
    }
    const n = Math.min(w.end - w.start, this.#remaining);
    const out = w.buf.slice(w.start, w.start + n);
    w.start += n;
    this.#remaining -= n;
    return out;
  }
}

class Chunked implements BodyReader {
  #decoder = new ChunkedBody();

  get complete(): boolean {
    return this.#decoder.complete;
  }

  async read(w: Wire): Promise<Uint8Array<ArrayBuffer> | null> {
    for (;;) {
      const data = this.#decoder.take(w);
      if (data !== null) return data;
      if (this.#decoder.complete) return null;
      if (!(await w.fill())) {
        throw new IncompleteBody(
          `${w.origin.label} closed the connection before the last chunk of the body`,
        );
      }
    }
  }
}

/** No length and not chunked: the body is whatever arrives before EOF, which cannot be cut. */
class UntilClose implements BodyReader {
  complete = false;

  async read(w: Wire): Promise<Uint8Array<ArrayBuffer> | null> {
    while (w.start === w.end) {
      if (!(await w.fill())) {
        this.complete = true;
        return null;
      }
    }
    const out = w.buf.slice(w.start, w.end);
    w.start = w.end;
    return out;
  }
}

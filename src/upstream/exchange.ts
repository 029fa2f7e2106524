/**
 * One request/response on one connection, from the request write to the end of the body. The
 * same object listens to the abort signal (as an EventListener object, so no closure per
 * request) and, once the head is in, is the response the caller reads. The connection goes
 * back to the pool the moment the body is complete, and is closed on anything else.
 */
import type { UpstreamResponse } from "./types.ts";
import { type BodyReader, framingOf, IncompleteBody } from "./body.ts";
import type { Pool } from "./pool.ts";
import type { RequestHead } from "./request_head.ts";
import { findHeadEnd, InvalidResponse, latin1, maxHeadBytes, parseHead } from "./response_head.ts";
import type { Wire } from "./wire.ts";
import { readAll } from "./read_all.ts";

/** The connection ended before a single byte of an answer: the server saw nothing usable. */
export class NoAnswer extends Error {
  constructor(label: string) {
    super(`${label} closed the connection before answering`);
    this.name = "NoAnswer";
  }
}

/** The request could not be written (wrapping the runtime's error). */
export class SendFailed extends Error {
  constructor(label: string, cause: unknown) {
    super(`sending the request to ${label} failed: ${messageOf(cause)}`, { cause });
    this.name = "SendFailed";
  }
}

/** Bounds a server that sends interim (1xx) answers forever. */
const maxInterimResponses = 32;

export class Exchange implements UpstreamResponse {
  status = 0;
  statusText = "";
  headers: [string, string][] = [];
  readonly decoded = false;
  #wire: Wire | null;
  #body: BodyReader | null = null;
  #reusable = false;
  #reading = false;
  #error: unknown = null;

  constructor(wire: Wire, readonly signal: AbortSignal, readonly pool: Pool) {
    this.#wire = wire;
    wire.beginExchange();
    signal.addEventListener("abort", this);
  }

  /** Abort: closing the socket ends whatever read or write is pending. */
  handleEvent(): void {
    this.#wire?.destroy();
  }

  /** Writes the request and reads up to the final head. Throws the raw cause on failure. */
  async start(head: RequestHead, body: Uint8Array | null, method: string): Promise<void> {
    const wire = this.#wire!;
    // An abort that landed between connecting and listening would otherwise go unnoticed.
    if (this.signal.aborted) throw this.signal.reason;
    try {
      await wire.send(head, body);
    } catch (err) {
      throw new SendFailed(wire.origin.label, err);
    }
    let interim = 0;
    let scanned = 0;
    for (;;) {
      const end = findHeadEnd(
        wire.buf,
        wire.start + Math.max(0, scanned - 3),
        wire.start,
        wire.end,
      );
      if (end < 0) {
        scanned = wire.end - wire.start;
        if (scanned >= maxHeadBytes) throw new InvalidResponse("response head larger than 64 KiB");
        if (await wire.fill()) continue;
        if (wire.received === 0) throw new NoAnswer(wire.origin.label);
        throw new InvalidResponse("connection closed in the middle of the response head");
      }
      const parsed = parseHead(latin1(wire.buf, wire.start, end - 4));
      wire.start = end;
      scanned = 0;
      if (parsed.status < 200) {
        // 100 Continue, 103 Early Hints: informational; the real answer follows. 101 would
        // switch protocols, which this client never asks for.
        if (parsed.status === 101) throw new InvalidResponse("unexpected 101 Switching Protocols");
        if (++interim > maxInterimResponses) throw new InvalidResponse("too many 1xx responses");
        continue;
      }
      const framing = framingOf(method, parsed);
      this.status = parsed.status;
      this.statusText = parsed.statusText;
      this.headers = parsed.headers;
      this.#body = framing.body;
      this.#reusable = framing.reusable;
      if (framing.body.complete) this.#finish(framing.reusable);
      return;
    }
  }

  async read(): Promise<Uint8Array<ArrayBuffer> | null> {
    const body = this.#body!;
    const wire = this.#wire;
    if (wire === null) {
      if (this.#error !== null) throw this.#error;
      return null;
    }
    if (this.#reading) throw new TypeError("read() called while another read() is pending");
    if (this.signal.aborted) throw this.#fail(this.signal.reason);
    this.#reading = true;
    try {
      const chunk = await body.read(wire);
      if (body.complete) this.#finish(this.#reusable);
      return chunk;
    } catch (err) {
      throw this.#fail(err);
    } finally {
      this.#reading = false;
    }
  }

  bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return readAll(() => this.read());
  }

  cancel(): void {
    if (this.#wire === null) return;
    this.#error = new Error("the response body was cancelled");
    this.#finish(false);
  }

  /** Ends the exchange after a failure, and says why in the caller's terms. */
  #fail(err: unknown): unknown {
    if (this.#error === null) {
      const label = this.#wire?.origin.label ?? "upstream";
      if (this.signal.aborted) this.#error = this.signal.reason;
      else if (err instanceof IncompleteBody) this.#error = err;
      else if (err instanceof InvalidResponse) {
        this.#error = new Error(`invalid response body from ${label}: ${err.message}`);
      } else {
        this.#error = new Error(
          `reading the response body from ${label} failed: ${messageOf(err)}`,
          {
            cause: err,
          },
        );
      }
    }
    this.#finish(false);
    return this.#error;
  }

  /** Gives up the connection without reusing it (after a failed start). */
  abandon(): void {
    this.#finish(false);
  }

  #finish(reusable: boolean): void {
    const wire = this.#wire;
    if (wire === null) return;
    this.#wire = null;
    this.signal.removeEventListener("abort", this);
    if (reusable && wire.start === wire.end && !wire.closed) this.pool.put(wire);
    else wire.destroy();
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

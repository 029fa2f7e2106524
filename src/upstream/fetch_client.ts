/**
 * The upstream contract over `fetch`: general (HTTP/2, proxies from the environment, the
 * runtime's own pool) but slower for small exchanges. Differences from the native client that
 * callers can see: the runtime asks for gzip/br and removes them itself (`decoded`), adds
 * default headers (user-agent, accept) the caller did not set, and hands response headers
 * back sorted and combined (except set-cookie) instead of in wire order.
 */
import type { UpstreamClient, UpstreamRequest, UpstreamResponse } from "./types.ts";
import { readAll } from "./read_all.ts";

/** Codings Deno's fetch removes from a body before handing it over (measured: not deflate, zstd). */
const runtimeDecoded = /^\s*(?:gzip|br)\s*$/i;

const bodyMethods = new Set(["POST", "PUT", "PATCH"]);
const empty = new Uint8Array(0);

export function createFetchClient(fetchFn: typeof fetch = fetch): UpstreamClient {
  return {
    async send(req: UpstreamRequest): Promise<UpstreamResponse> {
      if (req.signal.aborted) throw req.signal.reason;
      const res = await fetchFn(req.url, {
        method: req.method,
        headers: req.headers,
        // An empty body makes fetch send `content-length: 0`, which it does for POST and PUT
        // but not PATCH on its own; servers may answer 411 without it.
        body: req.body ?? (bodyMethods.has(req.method) ? empty : null),
        redirect: "manual",
        signal: req.signal,
      });
      return new FetchResponse(res, req.signal);
    },
    close() {},
  };
}

class FetchResponse implements UpstreamResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: [string, string][] = [];
  readonly decoded: boolean;
  #res: Response;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #cancelled = false;

  constructor(res: Response, readonly signal: AbortSignal) {
    this.#res = res;
    this.status = res.status;
    this.statusText = res.statusText;
    // forEach, not the iterator: ~10x cheaper in Deno, and set-cookie still comes one by one.
    res.headers.forEach((value, name) => this.headers.push([name, value]));
    const coding = res.headers.get("content-encoding");
    this.decoded = coding !== null && runtimeDecoded.test(coding);
  }

  async read(): Promise<Uint8Array | null> {
    if (this.#cancelled) throw new Error("the response body was cancelled");
    const body = this.#res.body;
    if (body === null) return null;
    this.#reader ??= body.getReader();
    try {
      const { done, value } = await this.#reader.read();
      return done ? null : value;
    } catch (err) {
      throw this.signal.aborted ? this.signal.reason : err;
    }
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#cancelled) throw new Error("the response body was cancelled");
    if (this.#reader === null) {
      try {
        return await this.#res.bytes();
      } catch (err) {
        throw this.signal.aborted ? this.signal.reason : err;
      }
    }
    return await readAll(() => this.read());
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    const done = this.#reader !== null ? this.#reader.cancel() : this.#res.body?.cancel();
    done?.catch(() => {});
  }
}

/**
 * The upstream contract over `fetch`: general (HTTP/2, proxies from the environment, the
 * runtime's own pool) but slower for small exchanges. Differences from the native client that
 * callers can see: it always asks the upstream for `identity` (see `undecodedRequestHeaders`),
 * adds default headers (user-agent, accept) the caller did not set, and hands response headers
 * back sorted and combined (except set-cookie) instead of in wire order.
 */
import type { UpstreamClient, UpstreamRequest, UpstreamResponse } from "./types.ts";
import { readAll } from "./read_all.ts";

const bodyMethods = new Set(["POST", "PUT", "PATCH"]);
const empty = new Uint8Array(0);

export function createFetchClient(fetchFn: typeof fetch = fetch): UpstreamClient {
  return {
    async send(req: UpstreamRequest): Promise<UpstreamResponse> {
      if (req.signal.aborted) throw req.signal.reason;
      const res = await fetchFn(req.url, {
        method: req.method,
        headers: undecodedRequestHeaders(req.headers),
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

/**
 * The runtime inflates gzip and br answers without any bound unless the request asks for exactly
 * `identity` (measured: `gzip`, `identity, gzip` and no header all get inflated). A hostile
 * upstream's compression bomb would then be inflated for the client, gigabytes from a megabyte.
 * Asking for identity keeps the body as sent: an upstream that compresses anyway reaches the
 * client as it came, and only the gateway's own bounded side decoder reads it.
 */
function undecodedRequestHeaders(headers: Record<string, string>): Record<string, string> {
  if (headers["accept-encoding"] === "identity") return headers;
  return { ...headers, "accept-encoding": "identity" };
}

class FetchResponse implements UpstreamResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: [string, string][] = [];
  /** Never: the request asked for identity, so the runtime leaves any coding in place. */
  readonly decoded = false;
  #res: Response;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #cancelled = false;

  constructor(res: Response, readonly signal: AbortSignal) {
    this.#res = res;
    this.status = res.status;
    this.statusText = res.statusText;
    // forEach, not the iterator: ~10x cheaper in Deno, and set-cookie still comes one by one.
    res.headers.forEach((value, name) => this.headers.push([name, value]));
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

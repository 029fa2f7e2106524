/**
 * Reads a request body into memory with a hard cap on the bytes actually received. A declared
 * `Content-Length` above the cap is refused at once; below it, HTTP framing bounds the body (the
 * server delivers exactly that many bytes or fails), so the runtime reads it in one native call.
 * Chunked bodies are counted as they arrive.
 */
import { concatBytes } from "../bytes.ts";
import { GatewayError } from "../errors/mod.ts";

/**
 * `signal` ends a read that takes too long or outlives the gateway (timeouts, shutdown); the
 * read then rejects with the signal's reason rather than returning a silently cut body.
 */
export async function readBodyCapped(
  req: Request,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (req.body === null) return null;
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await req.body.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  // With a Content-Length the HTTP framing itself bounds the body (the server delivers exactly
  // that many bytes or fails), so the runtime may read it in one native call. Only chunked
  // bodies need counting as they arrive.
  if (declared !== null) return await untilAborted(req.bytes(), signal);
  const reader = req.body.getReader() as ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>>;
  const stop = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", stop, { once: true });
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (signal?.aborted) throw signal.reason;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  signal?.removeEventListener("abort", stop);
  if (chunks.length === 1) return chunks[0]!;
  return concatBytes(chunks);
}

/** Settles with `p`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    "request_too_large",
    `request body is larger than ${maxBytes} bytes; send a smaller body or raise proxy.max_request_body_bytes`,
    { limit_bytes: maxBytes },
  );
}
